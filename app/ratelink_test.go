package app

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var ratingLinkPattern = regexp.MustCompile(`/r/[A-Za-z0-9_-]{22}`)

// ratingLinks are the rating links in a case's reply notices, by deputy.
func (c *apiClient) ratingLinks(id string) map[string]string {
	c.t.Helper()
	out := map[string]string{}
	for _, m := range c.must(200, "GET", "/api/v1/suggestions/"+id+"/messages", nil)["items"].([]any) {
		msg := m.(map[string]any)
		if msg["kind"] != "rating_request" {
			continue
		}
		path := ratingLinkPattern.FindString(msg["body"].(string))
		if path == "" {
			c.t.Fatalf("a reply notice without a rating link: %v", msg["body"])
		}
		out[strings.TrimPrefix(msg["recipient"].(string), "deputy:")] = path
	}
	return out
}

// TestRatingByLink: the reply notice gives each deputy a link of their
// own; the lead deputy rates from it on a phone without signing in, once;
// a used link, a revoked one and an expired one open nothing; the office
// issues a new link and sees the links but never their tokens.
func TestRatingByLink(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张副镇长", "handler": "李干事"})
	held := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/consultations", map[string]any{"held_at": held, "method": "on_site",
		"participants": []string{"王西林"}, "notes": "现场查看"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已完成线路增容改造。"})

	links := c.ratingLinks(id)
	if len(links) != 2 || links[lead] == "" || links[co] == "" || links[lead] == links[co] {
		t.Fatalf("rating links by deputy: %v (want one each for the lead deputy and the co-signer)", links)
	}
	anon := &apiClient{t: t, base: c.base}
	// refused: a request without an account refused with the status and
	// code, the case unchanged (read by the office).
	refused := func(status int, wantCode, method, path string, body any) {
		t.Helper()
		before := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		r := anon.do(method, path, body)
		if r.status != status || code(t, r) != wantCode {
			t.Errorf("%s %s: %d %s, want %d %s", method, path, r.status, r.body, status, wantCode)
		}
		after := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		if len(after["timeline"].([]any)) != len(before["timeline"].([]any)) || after["status"] != before["status"] {
			t.Errorf("%s %s was refused but changed the case", method, path)
		}
	}
	view := anon.must(200, "GET", "/api/v1/public/rating-links/"+strings.TrimPrefix(links[lead], "/r/"), nil)
	if view["deputy"] != "王西林" || view["title"] != "关于农村电网增容的建议" || view["reply"] != "已完成线路增容改造。" {
		t.Fatalf("the link's case: %v", view)
	}
	// A rating without answers is refused and leaves the link usable.
	refused(422, "required", "POST", "/api/v1/public/rating-links/"+strings.TrimPrefix(links[lead], "/r/")+"/rating", map[string]any{})

	b := newBrowser(t, c.base, 390, 844)
	b.open(links[lead])
	b.expect("#rl-case", "关于农村电网增容的建议")
	b.expect("#rl-deputy", "王西林")
	b.expect("#rl-reply", "已完成线路增容改造")
	checked, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#rl-form input[type=radio]:checked").length`))
	if err != nil || checked != 0 {
		t.Errorf("the rating page chose %d answers for the deputy (%v)", checked, err)
	}
	b.phoneOK("rating link")
	b.shot("phone-rating-link")
	if left := englishSentences(b.text("body")); len(left) > 0 {
		t.Errorf("English on the Chinese rating page: %q", left)
	}
	b.do(chromedp.Click(chromedp.CSS(`#rl-form input[name=attitude][value=satisfied]`)),
		chromedp.Click(chromedp.CSS(`#rl-form input[name=result][value=basically_satisfied]`)))
	b.set("#rl-reasons", "路灯还差两盏")
	b.submit("#rl-submit")
	b.expect("#rl-thanks", "谢谢您的评价")
	b.phoneOK("rating link thanks")

	sg := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	ratings, _ := sg["ratings"].([]any)
	if len(ratings) != 1 {
		t.Fatalf("ratings after the link: %v", sg["ratings"])
	}
	if r := ratings[0].(map[string]any); r["deputy_id"] != lead || r["attitude"] != "satisfied" || r["result"] != "basically_satisfied" || r["reasons"] != "路灯还差两盏" {
		t.Fatalf("the rating sent by link: %v", r)
	}

	// Used: the page says so, the API answers 410, nothing more is rated.
	b.open(links[lead])
	b.expect("#rl-closed", "已经用过")
	refused(410, "rating_link_used", "POST", "/api/v1/public/rating-links/"+strings.TrimPrefix(links[lead], "/r/")+"/rating",
		map[string]any{"attitude": "unsatisfied", "result": "unsatisfied"})
	if n := len(c.must(200, "GET", "/api/v1/suggestions/"+id, nil)["ratings"].([]any)); n != 1 {
		t.Fatalf("a used link rated again: %d ratings", n)
	}

	// The office sees both links (no tokens) and withdraws the
	// co-signer's on the case page.
	list := c.must(200, "GET", "/api/v1/suggestions/"+id+"/rating-links", nil)["items"].([]any)
	if len(list) != 2 || strings.Contains(string(c.do("GET", "/api/v1/suggestions/"+id+"/rating-links", nil).body), strings.TrimPrefix(links[co], "/r/")) {
		t.Fatalf("the office's list of links: %v", list)
	}
	var coLink string
	for _, l := range list {
		if l := l.(map[string]any); l["deputy_id"] == co {
			coLink = l["id"].(string)
		}
	}
	_, office := c.account(map[string]any{"role": "staff", "name": "人大办干事"})
	desk := newBrowser(t, c.base, 1280, 900)
	desk.signIn(office)
	desk.open("/ui/suggestions/" + id)
	desk.expect("#rating-links", "王西林", "已使用", "韩玉平", "可以使用")
	desk.submit("#revoke-" + coLink)
	desk.expect(".flash", "已收回")
	desk.expect("#rating-links", "已收回")
	desk.shot("desktop-rating-links")
	b.open(links[co])
	b.expect("#rl-closed", "收回")
	refused(410, "rating_link_revoked", "GET", "/api/v1/public/rating-links/"+strings.TrimPrefix(links[co], "/r/"), nil)

	// A new link for the co-signer, issued on the page: the flash shows it
	// once, and it opens the rating form.
	desk.set("#rl-issue-deputy", co)
	desk.submit("#rl-issue-submit")
	fresh := ratingLinkPattern.FindString(desk.text(".flash"))
	if fresh == "" || fresh == links[co] {
		t.Fatalf("the page issued no new link: %q", desk.text(".flash"))
	}
	b.open(fresh)
	b.expect("#rl-deputy", "韩玉平")

	// A new link for the co-signer, from the office; one for a stranger is
	// refused; an expired one opens nothing.
	issued := c.must(201, "POST", "/api/v1/suggestions/"+id+"/rating-links", map[string]any{"deputy_id": co})
	url, _ := issued["url"].(string)
	if !ratingLinkPattern.MatchString(url) || !strings.HasPrefix(url, c.base) {
		t.Fatalf("issued link: %v", issued)
	}
	stranger := c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "路人甲", "level": "township", "group": "第三组"})["id"].(string)
	c.refused(422, "rating_link_not_signer", "POST", "/api/v1/suggestions/"+id+"/rating-links", id, map[string]any{"deputy_id": stranger})
	c.must(200, "PUT", "/api/v1/settings/policy/rating_link_valid", map[string]any{"value": "PT1S"})
	short := c.must(201, "POST", "/api/v1/suggestions/"+id+"/rating-links", map[string]any{"deputy_id": co})["url"].(string)
	time.Sleep(1500 * time.Millisecond)
	refused(410, "rating_link_expired", "GET", "/api/v1/public/rating-links/"+strings.TrimPrefix(ratingLinkPattern.FindString(short), "/r/"), nil)
	refused(404, "rating_link_unknown", "GET", "/api/v1/public/rating-links/"+strings.Repeat("x", 22), nil)
}
