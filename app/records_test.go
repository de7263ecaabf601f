package app

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"suggestflow/period"
	"suggestflow/store"
	"testing"
	"time"
)

// TestWebComplaintsAndVisits: the presidium records a complaint about a
// unit on the pages; a deputy records their own visit with the opinions
// collected, which the presidium then sees; a unit may do neither, and a
// refused form keeps what was typed.
func TestWebComplaintsAndVisits(t *testing.T) {
	c := startApp(t, "")
	w := buildWorld(t, c)
	staff := signIn(t, c.base, w.logins["staff"])
	status, body := staff.post("/ui/complaints", url.Values{"unit_id": {w.unitA}, "content": {"窗口办事推诿"}, "finding": {"substantiated"}})
	if status != 200 || !strings.Contains(body, "窗口办事推诿") || !strings.Contains(body, "属实") {
		t.Fatalf("complaint: %d %.400s", status, body)
	}
	// The world has one pending complaint about the unit already.
	list := c.must(200, "GET", "/api/v1/complaints?unit_id="+w.unitA, nil)
	if list["total"] != float64(2) {
		t.Fatalf("complaints stored: %v", list["total"])
	}
	// What checking the pending one found, recorded on its page later.
	if status, _ := staff.post("/ui/complaints/"+w.complaint, url.Values{"finding": {"substantiated"}}); status != 200 {
		t.Errorf("the finding: %d", status)
	}
	for _, it := range c.must(200, "GET", "/api/v1/complaints?unit_id="+w.unitA, nil)["items"].([]any) {
		if m := it.(map[string]any); m["id"] == w.complaint && m["finding"] != "substantiated" {
			t.Errorf("the finding was not recorded: %v", m)
		}
	}
	c.must(422, "PATCH", "/api/v1/complaints/"+w.complaint, map[string]any{"finding": "maybe"})
	c.must(404, "PATCH", "/api/v1/complaints/cp_nope", map[string]any{"finding": "pending"})
	status, body = staff.post("/ui/complaints", url.Values{"unit_id": {w.unitA}, "content": {"没有结论的投诉"}, "finding": {"maybe"}})
	if status != 422 || !strings.Contains(body, "没有结论的投诉") || !strings.Contains(body, `id="e-finding"`) {
		t.Errorf("a refused complaint: %d", status)
	}

	// The deputies' questionnaire score of a unit, on the evaluations page.
	sh, _ := time.LoadLocation("Asia/Shanghai")
	quarter := fmt.Sprintf("%d-Q%d", time.Now().In(sh).Year(), (int(time.Now().In(sh).Month())+2)/3)
	if status, body := staff.post("/ui/evaluations/questionnaire", url.Values{"unit_id": {w.unitA}, "quarter": {quarter}, "score": {"一百"}}); status != 422 || !strings.Contains(body, "一百") {
		t.Errorf("a score that is not a number: %d", status)
	}
	if status, body := staff.post("/ui/evaluations/questionnaire", url.Values{"unit_id": {w.unitA}, "quarter": {quarter}, "score": {"92.5"}}); status != 200 || !strings.Contains(body, "问卷得分已保存") {
		t.Errorf("a score: %d %.300s", status, body)
	}
	facts, err := c.app.Store.QuarterFacts(context.Background(), quarter, store.Period(mustQuarter(t, quarter, sh)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range facts {
		if f.UnitID == w.unitA && f.Questionnaire != nil && *f.Questionnaire == 92.5 {
			found = true
		}
	}
	if !found {
		t.Errorf("the questionnaire score is not among the quarter's facts: %+v", facts)
	}

	deputy := signIn(t, c.base, w.logins["deputyLead"])
	when := time.Now().Add(-2 * time.Hour).In(sh).Format("2006-01-02T15:04")
	status, body = deputy.post("/ui/visits", url.Values{"visited_at": {when}, "place": {"王家村"},
		"opinions": {"村民赵六：桥面破损\n希望增加公交班次"}})
	if status != 200 || !strings.Contains(body, "桥面破损") || !strings.Contains(body, "希望增加公交班次") {
		t.Fatalf("visit: %d %.400s", status, body)
	}
	if _, body := staff.get("/ui/visits?deputy_id=" + w.lead); !strings.Contains(body, "桥面破损") {
		t.Errorf("the presidium does not see the deputy's visit")
	}
	status, body = deputy.post("/ui/visits", url.Values{"visited_at": {time.Now().AddDate(0, 0, 3).In(sh).Format("2006-01-02T15:04")}, "place": {"未来村"}})
	if status != 422 || !strings.Contains(body, "未来村") {
		t.Errorf("a visit in the future: %d", status)
	}
	// A local rest day, set on the calendar page, is in the calendar.
	if status, body := staff.post("/ui/calendar/days", url.Values{"date": {"2026-13-40"}, "working": {"false"}}); status != 422 || !strings.Contains(body, "2026-13-40") {
		t.Errorf("a bad date: %d", status)
	}
	if status, body := staff.post("/ui/calendar/days", url.Values{"date": {"2027-03-15"}, "working": {"false"}, "note": {"镇庆休息"}}); status != 200 || !strings.Contains(body, "镇庆休息") {
		t.Errorf("a local day: %d", status)
	}
	days := c.must(200, "GET", "/api/v1/calendar/days?from=2027-03-15&to=2027-03-16", nil)
	if !strings.Contains(fmt.Sprint(days), "镇庆休息") {
		t.Errorf("the API's calendar lacks the local day: %v", days)
	}

	// The reports page lists what the cadence made (the world ran a visit check).
	if status, body := staff.get("/ui/reports"); status != 200 || !strings.Contains(body, "走访选民检查") {
		t.Errorf("reports page: %d", status)
	}
	unit := signIn(t, c.base, w.logins["unitLead"])
	for _, path := range []string{"/ui/visits", "/ui/complaints", "/ui/reports"} {
		if status, _ := unit.get(path); status != 403 {
			t.Errorf("a unit opens %s: %d", path, status)
		}
	}
}

func mustQuarter(t *testing.T, label string, loc *time.Location) period.Range {
	t.Helper()
	q, err := period.QuarterField("quarter", label, loc)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestWebLongTitleIsRefusedNotCut: a title past its limit is refused with
// a message beside it and the whole text kept, never cut.
func TestWebLongTitleIsRefusedNotCut(t *testing.T) {
	c := startApp(t, "")
	w := buildWorld(t, c)
	staff := signIn(t, c.base, w.logins["staff"])
	_, page := staff.get("/ui/suggestions/new")
	m := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no idempotency key on the form")
	}
	// A maxlength would let the browser cut a pasted title without a word.
	if tag := regexp.MustCompile(`<input[^>]*id="title"[^>]*>`).FindString(page); tag == "" || strings.Contains(tag, "maxlength") {
		t.Errorf("the title input: %q", tag)
	}
	long := strings.Repeat("路", 5000)
	status, body := staff.post("/ui/suggestions", url.Values{"idempotency_key": {m[1]}, "title": {long}, "content": {"内容"},
		"kind": {"suggestion"}, "submitted_in": {"recess"}, "lead_deputy_id": {w.lead}})
	if status != 422 || !strings.Contains(body, long) || !strings.Contains(body, "200") {
		t.Errorf("a 5,000-character title: %d", status)
	}
}
