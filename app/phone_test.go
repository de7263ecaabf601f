package app

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// phoneChecks finds what a phone's reader would stumble on: the page
// scrolling sideways, visible text under 16 px, and tap targets (links,
// buttons, fields, the labels of radios and checkboxes) under 44 px high.
const phoneChecks = `(() => {
  const bad = [];
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden"; };
  document.querySelectorAll("a, button, summary, select, textarea, input:not([type=hidden])").forEach(e => {
    let t = e;
    if (e.type === "radio" || e.type === "checkbox") { t = e.closest("label") || e; }
    if (!shown(t)) { return; }
    const h = t.getBoundingClientRect().height;
    if (h < 43.5) { bad.push("tap " + t.tagName + "#" + t.id + " «" + (t.textContent || t.value || "").trim().slice(0, 24) + "» " + h.toFixed(1) + "px"); }
  });
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode, e = n.parentElement;
    if (!n.textContent.trim() || !shown(e)) { continue; }
    const fs = parseFloat(getComputedStyle(e).fontSize);
    if (fs < 16) { bad.push("text " + e.tagName + " " + fs + "px «" + n.textContent.trim().slice(0, 24) + "»"); }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    bad.push("scrolls sideways: " + document.documentElement.scrollWidth + " > " + window.innerWidth);
  }
  return bad;
})()`

// phoneOK fails the test with what phoneChecks found on the current page.
func (b *browserT) phoneOK(page string) {
	b.t.Helper()
	bad, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](phoneChecks))
	if err != nil {
		b.t.Fatalf("phone checks on %s: %v", page, err)
	}
	if len(bad) > 0 {
		b.t.Errorf("%s at 390×844: %d problems: %s", page, len(bad), strings.Join(bad, "; "))
	}
}

// onFirstScreen says whether an element's box ends within the first
// screen, without scrolling.
func (b *browserT) onFirstScreen(sel string) bool {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector("`+sel+`");
	  if (!e) { return false; } const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; })()`))
	if err != nil {
		b.t.Fatal(err)
	}
	return ok
}

// TestWebDeputyOnAPhone is a deputy's work on a 390×844 phone: the home
// page of tasks with "提出新建议" on the first screen, a co-signer found by
// typing in a search box, a refused form that opens at the refused field
// with the input kept, the case page that says what happens next (and
// refreshes it), the unit's records and the handler's phone, and the reply
// waiting for the deputy's rating on the home page.
func TestWebDeputyOnAPhone(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, _ := c.setup()
	c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "赵一鸣", "level": "township", "group": "第二组"})
	c.must(200, "PATCH", "/api/v1/units/"+unit, map[string]any{"handler": "李干事", "handler_phone": "13900000009"})
	_, deputy := c.account(map[string]any{"role": "deputy", "name": "王西林", "deputy_id": lead})
	_, unitLogin := c.account(map[string]any{"role": "unit", "name": "供电所经办人", "unit_id": unit})

	b := newBrowser(t, c.base, 390, 844)
	b.signIn(deputy)
	b.expect("h1", "我的待办")
	if !b.onFirstScreen("#home-new") {
		t.Error("提出新建议 is not on the home page's first screen")
	}
	b.expect("#home-visits", "0 / 2", "还差 2 次")
	b.phoneOK("home")
	b.shot("phone-home")

	// The co-signer is found by typing part of the name.
	b.submit("#home-new")
	b.do(chromedp.SendKeys(chromedp.CSS("#co-search"), "韩"))
	hidden, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]bool](`[...document.querySelectorAll("#co-list label")].map(l => l.hidden)`))
	if err != nil || len(hidden) != 2 || hidden[0] == hidden[1] {
		t.Fatalf("the search did not narrow the co-signers to one: %v %v", hidden, err)
	}
	b.expect("#co-list", "韩玉平")
	b.do(chromedp.Click(chromedp.CSS("#co-" + co)))
	b.phoneOK("new suggestion")

	// A title over its limit is refused beside the field, with everything
	// typed kept, and the page opens at it.
	long := strings.Repeat("路", 5000)
	b.set("#title", long)
	b.set("#content", "王家村至李家村村道夜间无照明，群众出行不便。")
	b.set("#opinions", "村民李四：晚上走路看不见")
	b.submit("#new-submit")
	b.expect(".field-error", "200")
	if v := b.value("#title"); len([]rune(v)) != 5000 {
		t.Errorf("the refused title came back with %d characters, want all 5000", len([]rune(v)))
	}
	if !b.onFirstScreen("#title") {
		t.Error("the refused form does not open at the refused field")
	}
	checked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector("#co-`+co+`").checked`))
	if err != nil || !checked {
		t.Errorf("the co-signer chosen was lost on refusal: %v %v", checked, err)
	}
	b.shot("phone-refused")
	b.set("#title", "关于村道安装路灯的建议")
	b.submit("#new-submit")
	b.expect("#sg-status", "待审查")
	b.expect("#live-status", "等待主席团审查")
	b.expect("#basics", "韩玉平")
	b.expect("#opinions", "晚上走路看不见")
	b.phoneOK("case submitted")
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(loc, c.base)
	id := strings.TrimPrefix(path, "/ui/suggestions/")

	// The presidium accepts and assigns; the page says so without a reload.
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张副镇长", "handler": "李干事"})
	b.do(chromedp.WaitVisible(chromedp.CSS("#live-changed")))
	b.expect("#live-status", "等待承办单位与代表面商")
	b.open(path)
	b.expect("#contacts", "李干事", "13900000009")
	b.phoneOK("case assigned")
	b.signOut()

	// The unit sees the deputies' phones, then consults, reports and replies.
	b.signIn(unitLogin)
	b.open(path)
	b.expect("#contacts", "王西林", "13800000001")
	if strings.Contains(b.text("body"), "晚上走路看不见") {
		t.Error("the unit sees the constituents' opinions")
	}
	held := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/consultations", map[string]any{"held_at": held, "method": "on_site",
		"participants": []string{"王西林", "李所长"}, "notes": "现场查看线路走向"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/progress-reports", map[string]any{"content": "已完成选址和预算"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已在村道安装路灯 24 盏。"})
	b.signOut()

	// The deputy: the reply waits on the home page; the case opens with the
	// rating form on top, nothing chosen, and the unit's records below.
	b.signIn(deputy)
	b.expect("#home-rate", "关于村道安装路灯的建议", "去评价")
	b.phoneOK("home with a reply to rate")
	b.shot("phone-home-rate")
	b.submit("#home-rate a")
	b.expect("#live-status", "等待代表评价答复")
	b.expect("#now", "评价")
	if a, r := b.value("#rate-attitude"), b.value("#rate-result"); a != "" || r != "" {
		t.Errorf("the rating form chose for the deputy: %q %q", a, r)
	}
	b.expect("#records", "现场查看线路走向", "王西林、李所长", "已完成选址和预算", "已在村道安装路灯 24 盏")
	b.phoneOK("case to rate")
	b.shot("phone-case-rate")
	if left := englishSentences(b.text("body")); len(left) > 0 {
		t.Errorf("English on the Chinese case page: %q", left)
	}
	b.set("#rate-attitude", "satisfied")
	b.set("#rate-result", "satisfied")
	b.submit("#rate-submit")
	b.expect("#sg-status", "已办结")
	b.expect("#live-status", "已办结")
}
