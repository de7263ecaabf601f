package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"suggestflow/printout/printouttest"
	"suggestflow/store"
)

// pdfText fetches a document that must be a PDF and reads it back with
// pdftotext, whitespace removed (a line may wrap anywhere).
func (c *apiClient) pdfText(path string) (string, []byte) {
	c.t.Helper()
	r := c.do("GET", path, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.body), "%PDF-") {
		c.t.Fatalf("GET %s: %d %s %.200s", path, r.status, r.header.Get("Content-Type"), r.body)
	}
	return strings.Join(strings.Fields(printouttest.Text(c.t, r.body)), ""), r.body
}

// refusedWith checks a request answers status with the refusal code.
func (c *apiClient) refusedWith(status int, path, code string) {
	c.t.Helper()
	r := c.do("GET", path, nil)
	if r.status != status || !strings.Contains(string(r.body), `"code":"`+code+`"`) {
		c.t.Errorf("GET %s: %d %s, want %d %s", path, r.status, r.body, status, code)
	}
}

func reads(t *testing.T, doc, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, strings.Join(strings.Fields(w), "")) {
			t.Errorf("%s does not read %q:\n%s", doc, w, text)
		}
	}
}

// TestOfficialDocumentsAsPDF takes a case through assignment, an
// extension and a reply, and reads each official document back from the
// PDF: its title, the case number, the parties and the dates; a document
// of a step not yet taken is 409, and a unit not on the case gets 404.
func TestOfficialDocumentsAsPDF(t *testing.T) {
	c := startApp(t, "")
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day := func(v any) string {
		at, err := time.Parse(time.RFC3339, v.(string))
		if err != nil {
			t.Fatalf("time %v: %v", v, err)
		}
		return at.In(loc).Format("2006年1月2日")
	}
	lead, co, unit, unit2 := c.setup()
	foreign := c.must(201, "POST", "/api/v1/units", map[string]any{"name": "交管站", "head": "赵站长"})["id"].(string)
	sg := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co))
	id, number := sg["id"].(string), sg["number"].(string)
	docs := "/api/v1/suggestions/" + id + "/documents/"

	c.refusedWith(409, docs+"assignment.pdf", "document_not_assigned")
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.refusedWith(409, docs+"assignment.pdf", "document_not_assigned")
	sg = c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{
		"lead_unit_id": unit, "co_unit_ids": []string{unit2}, "leader": "张镇长", "handler": "李干事"})
	text, _ := c.pdfText(docs + "assignment.pdf")
	reads(t, "the assignment form", text, "代表建议交办单", "编号："+number, "关于农村电网增容的建议", "领衔代表王西林", "联名代表韩玉平",
		"收到日期"+day(sg["submitted_at"]), "主办单位供电所", "协办单位水利站", "分管领导张镇长", "专办人员李干事",
		"答复期限"+day(sg["due_at"]), "人大主席团", "第1页/共1页")
	c.refusedWith(409, docs+"reply.pdf", "document_no_reply")
	c.refusedWith(409, docs+"extension.pdf", "document_no_extension")

	// Who may read: the case's units and deputies; another unit is told
	// the case does not exist.
	tokenOf := func(body map[string]any) *apiClient {
		accountID, _ := c.account(body)
		tok := c.must(201, "POST", "/api/v1/accounts/"+accountID+"/tokens", nil)["token"].(string)
		return &apiClient{t: t, base: c.base, token: tok, app: c.app}
	}
	leadUnit := tokenOf(map[string]any{"role": "unit", "name": "供电所经办人", "unit_id": unit})
	other := tokenOf(map[string]any{"role": "unit", "name": "交管站经办人", "unit_id": foreign})
	coDeputy := tokenOf(map[string]any{"role": "deputy", "name": "韩玉平", "deputy_id": co})
	leadUnit.pdfText(docs + "assignment.pdf")
	coDeputy.pdfText(docs + "assignment.pdf")
	other.refusedWith(404, docs+"assignment.pdf", "not_found")

	due, err := time.Parse(time.RFC3339, sg["due_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	newDue := due.AddDate(0, 0, 20)
	leadUnit.must(200, "POST", "/api/v1/suggestions/"+id+"/extension-requests", map[string]any{
		"reason": "需等待县里批复增容资金", "measures": "已上报增容方案", "new_due_at": newDue.UTC().Format(time.RFC3339)})
	text, _ = c.pdfText(docs + "extension.pdf")
	reads(t, "the extension request", text, "代表建议延办反馈书", "编号："+number, "关于农村电网增容的建议", "领衔代表王西林", "主办单位供电所",
		"原答复期限"+due.In(loc).Format("2006年1月2日"), "申请延期至"+newDue.In(loc).Format("2006年1月2日"),
		"延期理由需等待县里批复增容资金", "已上报增容方案", "待主席团审批")
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/extension-decision", map[string]any{"approve": true, "comment": "请抓紧落实"})
	text, _ = c.pdfText(docs + "extension.pdf")
	reads(t, "the decided extension request", text, "同意延期办理，答复期限延至"+newDue.In(loc).Format("2006年1月2日"), "请抓紧落实")
	other.refusedWith(404, docs+"extension.pdf", "not_found")

	leadUnit.must(200, "POST", "/api/v1/suggestions/"+id+"/consultations", map[string]any{
		"held_at": time.Now().UTC().Format(time.RFC3339), "method": "on_site", "participants": []string{"王西林", "李所长"}, "notes": "现场查看"})
	sg = leadUnit.must(200, "POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已完成三个村的电网增容改造。"})
	text, pdf := c.pdfText(docs + "reply.pdf")
	reads(t, "the reply letter", text, "代表建议答复函", "编号："+number, "王西林代表：", "关于农村电网增容的建议",
		"已完成三个村的电网增容改造。", "办理结果A 类（已解决或采纳）", "供电所", day(sg["reply"].(map[string]any)["replied_at"]), "扫码评价")
	// The QR code is the lead deputy's rating link, the same at every print.
	letterLink := printouttest.QR(t, pdf)
	if !strings.HasPrefix(letterLink, c.base+"/r/") || !ratingLinkPattern.MatchString(letterLink) {
		t.Errorf("the reply letter's QR code reads %q, want a rating link under %s/r/", letterLink, c.base)
	}
	if _, again := c.pdfText(docs + "reply.pdf"); printouttest.QR(t, again) != letterLink {
		t.Errorf("a second print of the reply letter carries another link")
	}
	anon := &apiClient{t: t, base: c.base}
	letterToken := strings.TrimPrefix(letterLink, c.base+"/r/")
	if v := anon.must(200, "GET", "/api/v1/public/rating-links/"+letterToken, nil); v["deputy"] != "王西林" || v["number"] != number {
		t.Errorf("the letter's link opens %v, want the lead deputy's rating of %s", v, number)
	}
	other.refusedWith(404, docs+"reply.pdf", "not_found")

	// The meeting notice, from the same data as its printable page.
	at := time.Now().AddDate(0, 0, 10).Truncate(time.Minute)
	m := c.must(201, "POST", "/api/v1/meetings", map[string]any{"suggestion_id": id, "scheduled_at": at.UTC().Format(time.RFC3339),
		"place": "镇政府三楼会议室", "agenda": "听取增容进展"})
	text, _ = c.pdfText("/api/v1/meetings/" + m["id"].(string) + "/notice.pdf")
	reads(t, "the meeting notice", text, "约见通知", "编号："+number, "供电所李所长：", "《关于农村电网增容的建议》", "地点镇政府三楼会议室",
		"议程听取增容进展", "时间"+at.In(loc).Format("2006年1月2日15:04"), "王西林代表")
	other.refusedWith(404, "/api/v1/meetings/"+m["id"].(string)+"/notice.pdf", "not_found")

	// The lead deputy's record of the year, read by the presidium and by
	// that deputy only.
	year := time.Now().In(loc).Format("2006")
	text, _ = c.pdfText("/api/v1/deputies/" + lead + "/record.pdf?year=" + year)
	reads(t, "the deputy's record", text, "人大代表履职档案", "王西林·"+year+"年度", "代表小组第一组", "领衔建议1件", "一、领衔提出的建议",
		number, "关于农村电网增容的建议", "已答复", "未评价")
	text, _ = c.pdfText("/api/v1/deputies/" + co + "/record.pdf?year=" + year)
	reads(t, "the co-signer's record", text, "韩玉平·"+year+"年度", "联名建议1件", number)
	coDeputy.refusedWith(404, "/api/v1/deputies/"+lead+"/record.pdf?year="+year, "not_found")
	coDeputy.pdfText("/api/v1/deputies/" + co + "/record.pdf?year=" + year)
	if r := c.do("GET", "/api/v1/deputies/"+lead+"/record.pdf?year=20x6", nil); r.status != 422 {
		t.Errorf("record of a malformed year: %d %s", r.status, r.body)
	}

	// The bulletin: with no scores yet every unit totals 0, and the tie
	// shares the first rank.
	text, _ = c.pdfText("/api/v1/rankings/" + year + "/bulletin.pdf")
	reads(t, "the bulletin", text, "关于"+year+"年度代表建议办理工作考评结果的通报", "各承办单位：", "供电所李所长", "水利站周站长", "交管站赵站长", "人大主席团")
	if n := strings.Count(text, "0.00"); n != 3 {
		t.Errorf("the bulletin lists %d totals, want 3:\n%s", n, text)
	}
	reads(t, "the bulletin's ranks", text, "1供电所李所长0.00", "1水利站周站长0.00", "1交管站赵站长0.00")
	if strings.Contains(text, "2供电所") || strings.Contains(text, "2水利站") || strings.Contains(text, "2交管站") {
		t.Errorf("tied units do not share the rank:\n%s", text)
	}

	// The pages link to the documents of the steps taken, and serve them.
	s := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	status, page := s.get("/ui/suggestions/" + id)
	if status != 200 {
		t.Fatalf("case page: %d", status)
	}
	for _, want := range []string{"打印交办单", "打印答复函", "打印延办反馈书", "/ui/suggestions/" + id + "/documents/reply.pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page has no %q", want)
		}
	}
	status, body, h := s.download("/ui/suggestions/" + id + "/documents/reply.pdf")
	if status != 200 || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("reply letter from the page: %d %s", status, h.Get("Content-Type"))
	}
	reads(t, "the page's reply letter", strings.Join(strings.Fields(printouttest.Text(t, body)), ""), "代表建议答复函", number)
	fresh := c.must(201, "POST", "/api/v1/suggestions", map[string]any{"title": "关于修缮村小学围墙的建议", "content": "围墙倒塌。",
		"kind": "suggestion", "category": "教育", "lead_deputy_id": lead, "co_signer_ids": []string{}, "submitted_in": "recess"})["id"].(string)
	_, page = s.get("/ui/suggestions/" + fresh)
	if strings.Contains(page, "打印交办单") || strings.Contains(page, "打印答复函") {
		t.Errorf("a case not yet assigned links to its documents")
	}
	if status, _, _ := s.download("/ui/suggestions/" + fresh + "/documents/assignment.pdf"); status != 409 {
		t.Errorf("the page's assignment form before assignment: %d", status)
	}
	// The printable notice page says what the PDF says.
	_, page = s.get("/ui/meetings/" + m["id"].(string) + "/notice")
	for _, want := range []string{"供电所 李所长：", "镇政府三楼会议室", "听取增容进展", at.In(loc).Format("2006年1月2日 15:04"), "王西林代表"} {
		if !strings.Contains(page, want) {
			t.Errorf("the printable notice has no %q", want)
		}
	}
	_, page = s.get("/ui/meetings/" + m["id"].(string))
	if !strings.Contains(page, "/ui/meetings/"+m["id"].(string)+"/notice.pdf") {
		t.Errorf("the meeting page has no link to the notice PDF")
	}
	_, page = s.get("/ui/deputies/" + lead)
	if !strings.Contains(page, "/ui/deputies/"+lead+"/record.pdf?year="+year) {
		t.Errorf("the deputy page has no link to the record")
	}
	if status, _, _ := s.download("/ui/deputies/" + lead + "/record.pdf?year=" + year); status != 200 {
		t.Errorf("the record from the page: %d", status)
	}
	_, leadLogin := c.account(map[string]any{"role": "deputy", "name": "王西林", "deputy_id": lead})
	ds := signIn(t, c.base, leadLogin)
	_, page = ds.get("/ui/visits")
	if !strings.Contains(page, "/ui/deputies/"+lead+"/record.pdf?year="+year) {
		t.Errorf("the deputy's visits page has no link to their record")
	}
	if status, _, _ := ds.download("/ui/deputies/" + lead + "/record.pdf?year=" + year); status != 200 {
		t.Errorf("the deputy's own record from the page: %d", status)
	}
	if status, _, _ := ds.download("/ui/deputies/" + co + "/record.pdf?year=" + year); status != 404 {
		t.Errorf("another deputy's record from the page: %d", status)
	}
	if status, _, _ := ds.download("/ui/suggestions/" + id + "/documents/reply.pdf"); status != 200 {
		t.Errorf("the lead deputy's reply letter from the page: %d", status)
	}
	_, otherLogin := c.account(map[string]any{"role": "unit", "name": "交管站文书", "unit_id": foreign})
	outsider := signIn(t, c.base, otherLogin)
	for _, path := range []string{"/ui/suggestions/" + id + "/documents/assignment.pdf", "/ui/suggestions/" + id + "/documents/reply.pdf",
		"/ui/meetings/" + m["id"].(string) + "/notice.pdf"} {
		if status, _, _ := outsider.download(path); status != 404 {
			t.Errorf("another unit's %s from the page: %d", path, status)
		}
	}
	now := time.Now().In(loc)
	c.must(200, "POST", "/api/v1/evaluations", map[string]any{"quarter": fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())-1)/3+1)})
	_, page = s.get("/ui/evaluations")
	if !strings.Contains(page, "/ui/rankings/"+year+"/bulletin.pdf") {
		t.Errorf("the evaluations page has no link to the bulletin")
	}
	if status, _, _ := s.download("/ui/rankings/" + year + "/bulletin.pdf"); status != 200 {
		t.Errorf("the bulletin from the page: %d", status)
	}

	// The lead deputy scans the letter's QR code with a phone and rates,
	// without signing in.
	phone := newBrowser(t, c.base, 390, 844)
	phone.open(strings.TrimPrefix(letterLink, c.base))
	phone.expect("#rl-deputy", "王西林")
	phone.do(chromedp.Click(chromedp.CSS(`#rl-form input[name=attitude][value=satisfied]`)),
		chromedp.Click(chromedp.CSS(`#rl-form input[name=result][value=satisfied]`)))
	phone.submit("#rl-submit")
	phone.expect("#rl-thanks", "谢谢您的评价")
	if sg := c.must(200, "GET", "/api/v1/suggestions/"+id, nil); sg["status"] != "closed" {
		t.Errorf("after the rating from the letter: %v", sg["status"])
	}
	if r := anon.do("GET", "/api/v1/public/rating-links/"+letterToken, nil); r.status != 410 {
		t.Errorf("the letter's link after its rating: %d", r.status)
	}
}
