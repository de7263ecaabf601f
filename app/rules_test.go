package app

import (
	"fmt"
	"net/url"
	"strings"
	"suggestflow/store"
	"testing"
	"time"
)

// now3339 is the current time as the API takes it.
func now3339() string { return time.Now().UTC().Format(time.RFC3339) }

// code is a problem's code, or the code of its first field error.
func code(t *testing.T, r response) string {
	t.Helper()
	p := r.json(t)
	if errs, _ := p["errors"].([]any); len(errs) > 0 {
		return fmt.Sprint(errs[0].(map[string]any)["code"])
	}
	return fmt.Sprint(p["code"])
}

// refused sends a request that must be refused with the status and code,
// and checks that the case did not change.
func (c *apiClient) refused(status int, wantCode, method, path, caseID string, body any) {
	c.t.Helper()
	before := c.must(200, "GET", "/api/v1/suggestions/"+caseID, nil)
	r := c.do(method, path, body)
	if r.status != status || code(c.t, r) != wantCode {
		c.t.Errorf("%s %s: %d %s, want %d %s", method, path, r.status, r.body, status, wantCode)
	}
	after := c.must(200, "GET", "/api/v1/suggestions/"+caseID, nil)
	if fmt.Sprint(after["status"], len(after["timeline"].([]any)), after["co_signer_ids"]) !=
		fmt.Sprint(before["status"], len(before["timeline"].([]any)), before["co_signer_ids"]) {
		c.t.Errorf("%s %s was refused but changed %s", method, path, caseID)
	}
}

// account makes an account bound to a deputy and returns its token.
func (c *apiClient) deputyToken(deputyID, name string) *apiClient {
	c.t.Helper()
	id := c.must(201, "POST", "/api/v1/accounts", map[string]any{"role": "deputy", "name": name, "deputy_id": deputyID})["id"].(string)
	token := c.must(201, "POST", "/api/v1/accounts/"+id+"/tokens", nil)["token"].(string)
	return &apiClient{t: c.t, base: c.base, token: token, app: c.app}
}

// waitStatus polls a case until it has the status.
func (c *apiClient) waitStatus(id, status string, within time.Duration) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(within)
	for {
		s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		if s["status"] == status {
			return s
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s is %v after %s, want %s", id, s["status"], within, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// unitOf finds a unit's entry in a ranking.
func unitOf(t *testing.T, ranking map[string]any, unit string) map[string]any {
	t.Helper()
	for _, u := range ranking["units"].([]any) {
		if u := u.(map[string]any); u["unit_id"] == unit {
			return u
		}
	}
	t.Fatalf("unit %s is not ranked: %v", unit, ranking)
	return nil
}

// TestUnsatisfiedEndingsDecideAwardEligibility: the yearly ">2" rule
// counts cases whose final result is unsatisfied without a valid reason
// (DOMAIN.md section 5), as the presidium judges them. A unit with three
// such endings loses its award eligibility, and so does its head; with one
// of them judged to have a valid reason it keeps it. A case re-handled
// until the deputy was satisfied does not count, whatever its earlier
// ratings.
func TestUnsatisfiedEndingsDecideAwardEligibility(t *testing.T) {
	c := startApp(t, "evaluation_within: PT3S\nevaluation_grace: PT2S\n")
	lead, co, unit, unit2 := c.setup()
	open := func(title string) string {
		body := submission(lead, co)
		body["title"] = title
		id := c.must(201, "POST", "/api/v1/suggestions", body)["id"].(string)
		c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
		c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张镇长", "handler": "李干事"})
		return id
	}
	reply := func(id string) {
		c.must(200, "POST", "/api/v1/suggestions/"+id+"/consultations", map[string]any{"held_at": now3339(), "method": "phone"})
		c.must(200, "POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已办理"})
	}
	rate := func(id, result string) map[string]any {
		body := map[string]any{"deputy_id": lead, "attitude": "satisfied", "result": result}
		if result == "unsatisfied" {
			body["reasons"] = "问题没有解决"
		}
		return c.must(200, "POST", "/api/v1/suggestions/"+id+"/ratings", body)
	}
	// Three cases rated unsatisfied, re-handled, and their new replies
	// never rated: each ends with the deputy's final word "unsatisfied".
	var ended []string
	for i := 1; i <= 3; i++ {
		id := open(fmt.Sprintf("关于第%d村排水沟清淤的建议", i))
		reply(id)
		if s := rate(id, "unsatisfied"); s["status"] != "rehandling" {
			t.Fatalf("after an unsatisfied rating: %v", s["status"])
		}
		reply(id)
		ended = append(ended, id)
	}
	// One rated unsatisfied, then re-handled until the deputy was satisfied.
	rehandled := open("关于村口路灯维修的建议")
	reply(rehandled)
	rate(rehandled, "unsatisfied")
	reply(rehandled)
	if s := rate(rehandled, "satisfied"); s["status"] != "closed" {
		t.Fatalf("re-handled to satisfied: %v", s["status"])
	}
	stillOpen := open("关于河道护栏的建议")
	for _, id := range ended {
		if s := c.waitStatus(id, "closed", 30*time.Second); s["closed_as"] != "no_feedback" {
			t.Fatalf("%s closed as %v", id, s["closed_as"])
		}
	}

	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	year := time.Now().In(shanghai).Year()
	ranking := func() map[string]any {
		return unitOf(t, c.must(200, "GET", fmt.Sprintf("/api/v1/rankings?year=%d", year), nil), unit)
	}
	counted := func(u map[string]any) []string {
		var out []string
		for _, e := range u["counted"].([]any) {
			out = append(out, e.(map[string]any)["suggestion_id"].(string))
		}
		return out
	}
	// Not judged yet: an unsatisfied final result stands.
	u := ranking()
	if u["eligible"] != false || u["head_eligible"] != false || len(counted(u)) != 3 || !strings.Contains(u["reason"].(string), "李所长") {
		t.Fatalf("three unsatisfied endings: %v", u)
	}
	if other := unitOf(t, c.must(200, "GET", fmt.Sprintf("/api/v1/rankings?year=%d", year), nil), unit2); other["eligible"] != true {
		t.Errorf("a unit without endings: %v", other)
	}

	// Bad judgements are refused and change nothing.
	c.refused(422, "required", "POST", "/api/v1/suggestions/"+ended[0]+"/ending-review", ended[0], map[string]any{"reason": "x"})
	c.refused(409, "ending_satisfied", "POST", "/api/v1/suggestions/"+rehandled+"/ending-review", rehandled,
		map[string]any{"valid_reason": false, "reason": "x"})
	c.refused(409, "wrong_status", "POST", "/api/v1/suggestions/"+stillOpen+"/ending-review", stillOpen,
		map[string]any{"valid_reason": false, "reason": "x"})

	// Two judged without a valid reason, one with: the unit keeps its
	// eligibility.
	c.must(200, "POST", "/api/v1/suggestions/"+ended[0]+"/ending-review", map[string]any{"valid_reason": false, "reason": "单位未认真办理"})
	c.must(200, "POST", "/api/v1/suggestions/"+ended[1]+"/ending-review", map[string]any{"valid_reason": false, "reason": "单位未认真办理"})
	s := c.must(200, "POST", "/api/v1/suggestions/"+ended[2]+"/ending-review", map[string]any{"valid_reason": true, "reason": "受上级规划限制，暂不具备实施条件"})
	review, _ := s["ending_review"].(map[string]any)
	if review == nil || review["valid_reason"] != true || review["judged_by"].(map[string]any)["role"] != "admin" || !has(types(s), "ending_reviewed") {
		t.Fatalf("the judgement is not on the case: %v %v", s["ending_review"], types(s))
	}
	u = ranking()
	if u["eligible"] != true || u["head_eligible"] != true || len(counted(u)) != 2 || len(u["excused"].([]any)) != 1 {
		t.Fatalf("one of three with a valid reason: %v", u)
	}

	// The page shows the counted cases once a quarter is evaluated.
	q := fmt.Sprintf("%d-Q%d", year, (int(time.Now().In(shanghai).Month())-1)/3+1)
	c.must(200, "POST", "/api/v1/evaluations", map[string]any{"quarter": q})
	web := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	if status, page := web.get("/ui/evaluations"); status != 200 || !strings.Contains(page, "计入的不满意办结") ||
		!strings.Contains(page, "/ui/suggestions/"+ended[0]) {
		t.Errorf("the evaluations page does not list the counted cases: %d", status)
	}

	if status, page := web.get("/ui/suggestions/" + ended[2]); status != 200 || !strings.Contains(page, `id="act-ending-review"`) ||
		!strings.Contains(page, "受上级规划限制") {
		t.Errorf("the case page does not show the judgement: %d", status)
	}
	// A judgement corrected: all three without a valid reason again.
	c.must(200, "POST", "/api/v1/suggestions/"+ended[2]+"/ending-review", map[string]any{"valid_reason": false, "reason": "复核：理由不成立"})
	if u = ranking(); u["eligible"] != false || u["head_eligible"] != false || len(counted(u)) != 3 {
		t.Fatalf("after the correction: %v", u)
	}
	if status, page := web.get("/ui/evaluations"); status != 200 || !strings.Contains(page, "取消评先资格") {
		t.Errorf("the evaluations page does not show the loss of eligibility: %d", status)
	}
}

// TestReferralAnswerReachesTheDeputy: a suggestion outside the township's
// competence is referred to a named higher body; the deputies are told,
// the higher body's answer is recorded and reaches them, and the public
// board shows the case as referred.
func TestReferralAnswerReachesTheDeputy(t *testing.T) {
	c := startApp(t, "quiet_hours: \"\"\n")
	lead, co, unit, _ := c.setup()
	body := submission(lead, co)
	body["title"] = "关于县道拓宽改造的建议"
	id := c.must(201, "POST", "/api/v1/suggestions", body)["id"].(string)
	sg := "/api/v1/suggestions/" + id

	// An assigned case is the unit's, not the presidium's to refer.
	other := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+other+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+other+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
	c.refused(409, "wrong_status", "POST", "/api/v1/suggestions/"+other+"/referral", other,
		map[string]any{"to": "县交通运输局", "reason": "r", "sent_at": now3339()})
	c.refused(422, "referral_in_future", "POST", sg+"/referral", id,
		map[string]any{"to": "县交通运输局", "reason": "r", "sent_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)})
	c.refused(422, "required", "POST", sg+"/referral", id, map[string]any{"reason": "r", "sent_at": now3339()})
	c.refused(409, "wrong_status", "POST", sg+"/referral-answer", id, map[string]any{"received_at": now3339(), "content": "x"})

	web := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	if status, page := web.get("/ui/suggestions/" + id); status != 200 || !strings.Contains(page, `id="act-referral"`) {
		t.Errorf("the case page offers no referral: %d", status)
	}
	s := c.must(200, "POST", sg+"/referral", map[string]any{"to": "县交通运输局", "reason": "县道改造属县级事权", "sent_at": now3339()})
	ref, _ := s["referral"].(map[string]any)
	if s["status"] != "referred" || ref == nil || ref["to"] != "县交通运输局" || !has(types(s), "referred") {
		t.Fatalf("referred: %v %v", s["status"], s["referral"])
	}
	board := c.must(200, "GET", "/api/v1/public/board", nil)
	onBoard := false
	for _, e := range board["items"].([]any) {
		if e := e.(map[string]any); e["number"] == s["number"] {
			onBoard = e["status"] == "referred"
		}
	}
	if !onBoard {
		t.Errorf("the board does not show the case as referred: %v", board["items"])
	}

	s = c.must(200, "POST", sg+"/referral-answer", map[string]any{"received_at": now3339(), "content": "已列入明年县道改造计划"})
	if ref, _ = s["referral"].(map[string]any); ref["answer"] == nil || s["closed_at"] == nil || s["status"] != "referred" {
		t.Fatalf("answered: %v", s)
	}
	c.refused(409, "referral_answered", "POST", sg+"/referral-answer", id, map[string]any{"received_at": now3339(), "content": "again"})
	if status, page := web.get("/ui/suggestions/" + id); status != 200 || !strings.Contains(page, "县交通运输局") ||
		!strings.Contains(page, "已列入明年县道改造计划") || strings.Contains(page, `id="act-referral-answer"`) {
		t.Errorf("the case page does not show the answered referral: %d", status)
	}

	// Each step reached the deputies, the answer with its text.
	told := map[string]bool{}
	for _, m := range c.must(200, "GET", sg+"/messages", nil)["items"].([]any) {
		m := m.(map[string]any)
		body := m["body"].(string)
		switch {
		case m["kind"] == "referred" && strings.Contains(body, "县交通运输局"):
			told["referred:"+m["recipient"].(string)] = true
		case m["kind"] == "referral_answered" && strings.Contains(body, "已列入明年县道改造计划"):
			told["answered:"+m["recipient"].(string)] = true
		}
	}
	for _, want := range []string{"referred:deputy:" + lead, "referred:deputy:" + co, "answered:deputy:" + lead, "answered:deputy:" + co} {
		if !told[want] {
			t.Errorf("no notice %s in %v", want, told)
		}
	}
	deputy := c.deputyToken(lead, "王西林")
	inbox := deputy.must(200, "GET", "/api/v1/inbox", nil)
	if !strings.Contains(fmt.Sprint(inbox), "已列入明年县道改造计划") {
		t.Errorf("the answer is not in the deputy's inbox: %v", inbox)
	}
	recordHistory(t, c, id, "suggestion-referred-"+historyShape)
}

// TestMergedDeputiesRateTheKeptCase: staff see the similar open
// suggestion on the case page and merge into it (并案); the merged case
// ends as merged, its deputies become co-signers of the kept one, are
// told, see it and rate its reply.
func TestMergedDeputiesRateTheKeptCase(t *testing.T) {
	c := startApp(t, "quiet_hours: \"\"\nevaluation_within: PT3S\nevaluation_grace: PT1S\n")
	lead, co, unit, _ := c.setup()
	third := c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "刘春梅", "level": "township", "group": "第二组"})["id"].(string)
	newCase := func(leadID, title string, co ...string) string {
		body := submission(leadID, co...)
		body["title"] = title
		return c.must(201, "POST", "/api/v1/suggestions", body)["id"].(string)
	}
	kept := newCase(co, "关于三个村电网增容改造的建议")
	merged := newCase(lead, "关于农村电网增容的建议", third)
	other := newCase(third, "关于增设公交站点的建议")
	assigned := newCase(third, "关于电网增容改造的意见")
	c.must(200, "POST", "/api/v1/suggestions/"+assigned+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+assigned+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
	returned := newCase(third, "关于电网增容的批评")
	c.must(200, "POST", "/api/v1/suggestions/"+returned+"/review", map[string]any{"decision": "return", "reason": "无实质内容"})

	similar := c.must(200, "GET", "/api/v1/suggestions/"+merged+"/similar", nil)["items"].([]any)
	if len(similar) != 1 || similar[0].(map[string]any)["id"] != kept {
		t.Fatalf("similar open suggestions: %v", similar)
	}

	path := "/api/v1/suggestions/" + merged + "/merge"
	c.refused(422, "merge_into_self", "POST", path, merged, map[string]any{"into": merged, "reason": "同一事项"})
	c.refused(422, "no_such_object", "POST", path, merged, map[string]any{"into": "sg_nothing", "reason": "同一事项"})
	c.refused(409, "merge_target_status", "POST", path, merged, map[string]any{"into": assigned, "reason": "同一事项"})
	c.refused(409, "merge_target_status", "POST", path, merged, map[string]any{"into": returned, "reason": "同一事项"})
	c.refused(409, "wrong_status", "POST", "/api/v1/suggestions/"+assigned+"/merge", assigned, map[string]any{"into": kept, "reason": "同一事项"})
	c.refused(422, "required", "POST", path, merged, map[string]any{"into": kept})

	// Staff merge from the case page, where the similar case is offered.
	web := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	status, page := web.get("/ui/suggestions/" + merged)
	keptNumber := c.must(200, "GET", "/api/v1/suggestions/"+kept, nil)["number"].(string)
	if status != 200 || !strings.Contains(page, `id="act-merge"`) || !strings.Contains(page, keptNumber) {
		t.Fatalf("the case page offers no merge into %s: %d", keptNumber, status)
	}
	if status, _ := web.get("/ui/suggestions/" + other); status != 200 {
		t.Fatalf("other page: %d", status)
	}
	if status, body := web.post("/ui/suggestions/"+merged+"/merge", url.Values{"into": {kept}, "reason": {"反映同一事项"}}); status != 200 ||
		!strings.Contains(body, "已并案") {
		t.Fatalf("merge from the page: %d", status)
	}

	m := c.must(200, "GET", "/api/v1/suggestions/"+merged, nil)
	if m["status"] != "merged" || m["merged_into"] != kept || m["closed_at"] == nil {
		t.Fatalf("the merged case: %v into %v", m["status"], m["merged_into"])
	}
	k := c.must(200, "GET", "/api/v1/suggestions/"+kept, nil)
	cosigners := fmt.Sprint(k["co_signer_ids"])
	if !strings.Contains(cosigners, lead) || !strings.Contains(cosigners, third) || len(k["merged_from"].([]any)) != 1 || !has(types(k), "merged_in") {
		t.Fatalf("the kept case: co-signers %s, merged from %v", cosigners, k["merged_from"])
	}
	c.refused(409, "wrong_status", "POST", path, merged, map[string]any{"into": kept, "reason": "again"})
	told := 0
	for _, msg := range c.must(200, "GET", "/api/v1/suggestions/"+merged+"/messages", nil)["items"].([]any) {
		msg := msg.(map[string]any)
		if msg["kind"] == "merged" && strings.Contains(msg["body"].(string), keptNumber) &&
			(msg["recipient"] == "deputy:"+lead || msg["recipient"] == "deputy:"+third) {
			told++
		}
	}
	if told != 2 {
		t.Errorf("the merged deputies were told %d times, want 2", told)
	}

	// The merged lead deputy sees the kept case and rates its reply.
	deputy := c.deputyToken(lead, "王西林")
	deputy.must(200, "GET", "/api/v1/suggestions/"+kept, nil)
	if list := deputy.must(200, "GET", "/api/v1/suggestions?deputy_id="+lead, nil); list["total"].(float64) != 2 {
		t.Errorf("the merged deputy's list: %v", list["total"])
	}
	c.must(200, "POST", "/api/v1/suggestions/"+kept+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+kept+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张镇长", "handler": "李干事"})
	c.must(200, "POST", "/api/v1/suggestions/"+kept+"/consultations", map[string]any{"held_at": now3339(), "method": "on_site"})
	c.must(200, "POST", "/api/v1/suggestions/"+kept+"/reply", map[string]any{"result_class": "A", "content": "已完成增容"})
	s := deputy.must(200, "POST", "/api/v1/suggestions/"+kept+"/ratings", map[string]any{"deputy_id": lead, "attitude": "satisfied", "result": "basically_satisfied"})
	rated := false
	for _, r := range s["ratings"].([]any) {
		if r := r.(map[string]any); r["deputy_id"] == lead && r["lead"] == false {
			rated = true
		}
	}
	if !rated || s["status"] != "replied" {
		t.Fatalf("the merged deputy's rating: %v %v", s["status"], s["ratings"])
	}
	c.must(200, "POST", "/api/v1/suggestions/"+kept+"/ratings", map[string]any{"deputy_id": co, "attitude": "satisfied", "result": "satisfied"})
	c.must(200, "POST", "/api/v1/suggestions/"+kept+"/ratings", map[string]any{"deputy_id": third, "attitude": "satisfied", "result": "satisfied"})
	recordHistory(t, c, merged, "suggestion-merged-"+historyShape)
	recordHistory(t, c, kept, "suggestion-kept-"+historyShape)
}
