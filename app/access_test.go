package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/store"
)

// world is a small township: suggestion S led by deputy lead with co-signer
// co, handled by unit A with co-handling unit C; unit B and deputy other
// have nothing to do with it. Every role has an account and a token.
type world struct {
	c                         *apiClient
	lead, co, other           string
	unitA, unitB, unitC       string
	suggestion, meeting       string
	tokens                    map[string]string
	logins                    map[string]login
	accountID, throwawayToken string
	opinion, report           string
	complaint                 string
}

func (w *world) as(who string) *apiClient {
	return &apiClient{t: w.c.t, base: w.c.base, token: w.tokens[who], app: w.c.app}
}

func buildWorld(t *testing.T, c *apiClient) *world {
	w := &world{c: c, tokens: map[string]string{"admin": testToken, "none": ""},
		logins: map[string]login{"admin": {store.AdminUsername, c.app.AdminPassword}}}
	w.lead, w.co, w.unitA, w.unitC = c.setup()
	w.other = c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "路人代表", "level": "township"})["id"].(string)
	w.unitB = c.must(201, "POST", "/api/v1/units", map[string]any{"name": "交管站", "head": "赵站长"})["id"].(string)
	w.suggestion = c.must(201, "POST", "/api/v1/suggestions", submission(w.lead, w.co))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+w.suggestion+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+w.suggestion+"/assignment", map[string]any{
		"lead_unit_id": w.unitA, "co_unit_ids": []string{w.unitC}, "leader": "张镇长", "handler": "李干事"})
	w.meeting = c.must(201, "POST", "/api/v1/meetings", map[string]any{"suggestion_id": w.suggestion,
		"scheduled_at": time.Now().AddDate(0, 0, 10).UTC().Format(time.RFC3339)})["id"].(string)
	accounts := map[string]map[string]any{
		"staff":         {"role": "staff", "name": "办公室"},
		"unitLead":      {"role": "unit", "name": "供电所经办人", "unit_id": w.unitA},
		"unitCo":        {"role": "unit", "name": "水利站经办人", "unit_id": w.unitC},
		"unitForeign":   {"role": "unit", "name": "交管站经办人", "unit_id": w.unitB},
		"deputyLead":    {"role": "deputy", "name": "王西林", "deputy_id": w.lead},
		"deputyCo":      {"role": "deputy", "name": "韩玉平", "deputy_id": w.co},
		"deputyForeign": {"role": "deputy", "name": "路人代表", "deputy_id": w.other},
	}
	for who, body := range accounts {
		var id string
		id, w.logins[who] = c.account(body)
		w.tokens[who] = c.must(201, "POST", "/api/v1/accounts/"+id+"/tokens", nil)["token"].(string)
		w.accountID = id
	}
	w.throwawayToken = c.must(201, "POST", "/api/v1/accounts/"+w.accountID+"/tokens", nil)["id"].(string)
	v := c.must(201, "POST", "/api/v1/deputies/"+w.lead+"/visits", map[string]any{"visited_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"opinions": []map[string]any{{"constituent": "李四", "content": "路灯坏了"}}})
	w.opinion = v["opinions"].([]any)[0].(map[string]any)["id"].(string)
	w.complaint = c.must(201, "POST", "/api/v1/complaints", map[string]any{"unit_id": w.unitA, "content": "办事拖拉", "finding": "pending"})["id"].(string)
	run, err := c.app.Temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "world-report", TaskQueue: contract.TaskQueue},
		contract.CadenceWorkflowName, contract.CadenceInput{Kind: contract.CadenceVisitCheck})
	if err != nil {
		t.Fatal(err)
	}
	var res contract.CadenceResult
	if err := run.Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
	w.report = res.ReportID
	return w
}

// Expected outcome per principal: "ok" (allowed: anything but 401, 403,
// 404), "403" or "404". Principals not listed for a route get 403.
var principals = []string{"admin", "staff", "unitLead", "unitCo", "unitForeign", "deputyLead", "deputyCo", "deputyForeign"}

func expect(pairs ...string) map[string]string {
	m := map[string]string{}
	for _, p := range principals {
		m[p] = "403"
	}
	m["admin"], m["staff"] = "ok", "ok"
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

var (
	seesCase  = []string{"unitLead", "ok", "unitCo", "ok", "unitForeign", "404", "deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "404"}
	leadActs  = []string{"unitLead", "ok", "unitCo", "403", "unitForeign", "404"}
	everybody = []string{"unitLead", "ok", "unitCo", "ok", "unitForeign", "ok", "deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "ok"}
)

var matrix = map[string]map[string]string{
	"POST /api/v1/deputies":                           expect(),
	"GET /api/v1/deputies":                            expect(),
	"GET /api/v1/deputies/:id":                        expect("unitLead", "ok", "unitCo", "ok", "unitForeign", "404", "deputyLead", "ok", "deputyCo", "404", "deputyForeign", "404"),
	"POST /api/v1/units":                              expect(),
	"GET /api/v1/units":                               expect(everybody...),
	"GET /api/v1/units/:id":                           expect(everybody...),
	"POST /api/v1/imports/:kind":                      expect(),
	"GET /api/v1/imports/:kind/template.xlsx":         expect(),
	"POST /api/v1/suggestions":                        expect("deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "ok"),
	"GET /api/v1/suggestions":                         expect(everybody...),
	"GET /api/v1/suggestions/:id":                     expect(seesCase...),
	"GET /api/v1/suggestions/:id/messages":            expect(seesCase...),
	"GET /api/v1/suggestions/:id/attachments":         expect(seesCase...),
	"POST /api/v1/suggestions/:id/attachments":        expect(seesCase...),
	"GET /api/v1/attachments/:id":                     expect(seesCase...),
	"POST /api/v1/suggestions/:id/review":             expect(),
	"POST /api/v1/suggestions/:id/assignment":         expect(),
	"POST /api/v1/suggestions/:id/extension-decision": expect(),
	"POST /api/v1/suggestions/:id/ending-review":      expect(),
	"POST /api/v1/suggestions/:id/referral":           expect(),
	"POST /api/v1/suggestions/:id/referral-answer":    expect(),
	"POST /api/v1/suggestions/:id/merge":              expect(),
	"GET /api/v1/suggestions/:id/similar":             expect(),
	"POST /api/v1/suggestions/:id/assignment-return":  expect(leadActs...),
	"POST /api/v1/suggestions/:id/consultations":      expect(leadActs...),
	"POST /api/v1/suggestions/:id/progress-reports":   expect(leadActs...),
	"POST /api/v1/suggestions/:id/extension-requests": expect(leadActs...),
	"POST /api/v1/suggestions/:id/reply":              expect(leadActs...),
	"POST /api/v1/suggestions/:id/completion":         expect(leadActs...),
	"POST /api/v1/suggestions/:id/co-opinions":        expect("unitLead", "403", "unitCo", "ok", "unitForeign", "404"),
	"POST /api/v1/suggestions/:id/ratings":            expect("deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "404"),
	"POST /api/v1/suggestions/:id/rating-links":       expect(),
	"GET /api/v1/suggestions/:id/rating-links":        expect(),
	// The link named does not exist: staff pass the rule and get 404
	// (TestRatingByLink revokes a real one).
	"DELETE /api/v1/rating-links/:id":              expect("admin", "404", "staff", "404"),
	"GET /api/v1/meetings":                         expect(everybody...),
	"POST /api/v1/meetings":                        expect(),
	"GET /api/v1/meetings/:id":                     expect("unitLead", "ok", "unitCo", "404", "unitForeign", "404", "deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "404"),
	"GET /api/v1/meetings/:id/notice.ics":          expect("unitLead", "ok", "unitCo", "404", "unitForeign", "404", "deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "404"),
	"POST /api/v1/meetings/:id/minutes":            expect(),
	"GET /api/v1/calendar/due":                     expect(everybody...),
	"POST /api/v1/accounts":                        expect("staff", "403"),
	"GET /api/v1/accounts":                         expect("staff", "403"),
	"POST /api/v1/accounts/:id/tokens":             expect("staff", "403"),
	"DELETE /api/v1/tokens/:id":                    expect("staff", "403"),
	"GET /api/v1/accounts/:id":                     expect("staff", "403"),
	"PATCH /api/v1/accounts/:id":                   expect("staff", "403"),
	"GET /api/v1/accounts/:id/tokens":              expect("staff", "403"),
	"DELETE /api/v1/sessions/current":              expect(everybody...),
	"GET /api/v1/me":                               expect(everybody...),
	"PUT /api/v1/me/password":                      expect(everybody...),
	"PATCH /api/v1/deputies/:id":                   expect(),
	"GET /api/v1/settings":                         expect(),
	"PATCH /api/v1/complaints/:id":                 expect(),
	"PUT /api/v1/settings/policy/:key":             expect("staff", "403"),
	"POST /api/v1/settings/channels/:channel/test": expect(),
	"PATCH /api/v1/units/:id":                      expect(),
	"GET /api/v1/audit":                            expect(),
	"GET /api/v1/stats":                            expect(everybody...),
	"POST /api/v1/complaints":                      expect(),
	"GET /api/v1/complaints":                       expect(),
	"POST /api/v1/questionnaires":                  expect(),
	"GET /api/v1/evaluations":                      expect(everybody...),
	"POST /api/v1/evaluations":                     expect(),
	"GET /api/v1/rankings":                         expect(everybody...),
	"POST /api/v1/deputies/:id/visits":             expect("deputyLead", "ok", "deputyCo", "404", "deputyForeign", "404"),
	"GET /api/v1/deputies/:id/record":              expect("deputyLead", "ok", "deputyCo", "404", "deputyForeign", "404"),
	"PUT /api/v1/opinions/:id":                     expect("deputyLead", "ok", "deputyCo", "404", "deputyForeign", "404"),
	"POST /api/v1/inspections":                     expect(),
	"GET /api/v1/inspections":                      expect("deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "ok"),
	"POST /api/v1/group-meetings":                  expect(),
	"GET /api/v1/group-meetings":                   expect("deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "ok"),
	"GET /api/v1/commendations":                    expect(),
	"GET /api/v1/calendar/days":                    expect(everybody...),
	"PUT /api/v1/calendar/days/:date":              expect(),
	"GET /api/v1/calendar/years":                   expect(everybody...),
	"PUT /api/v1/calendar/years/:year":             expect(),
	"GET /api/v1/reports":                          expect(),
	"GET /api/v1/reports/:id":                      expect(),
	"GET /api/v1/messages":                         expect(),
	"GET /api/v1/inbox":                            expect(everybody...),
	"GET /api/v1/preferences":                      expect(everybody...),
	"PUT /api/v1/preferences":                      expect(everybody...),

	// The official documents: as the case, the meeting, the record and
	// the ranking they are of.
	"GET /api/v1/suggestions/:id/documents/assignment.pdf": expect(seesCase...),
	"GET /api/v1/suggestions/:id/documents/reply.pdf":      expect(seesCase...),
	"GET /api/v1/suggestions/:id/documents/extension.pdf":  expect(seesCase...),
	"GET /api/v1/meetings/:id/notice.pdf":                  expect("unitLead", "ok", "unitCo", "404", "unitForeign", "404", "deputyLead", "ok", "deputyCo", "ok", "deputyForeign", "404"),
	"GET /api/v1/deputies/:id/record.pdf":                  expect("deputyLead", "ok", "deputyCo", "404", "deputyForeign", "404"),
	"GET /api/v1/rankings/:year/bulletin.pdf":              expect(everybody...),
}

// TestAccessMatrix walks every route the router has, for every role, on
// the objects of the world, and checks allow or deny. A route added
// without a rule (here and in the access policy) fails it.
func TestAccessMatrix(t *testing.T) {
	c := startApp(t, "")
	w := buildWorld(t, c)
	at := c.attach(w.suggestion, "submission", "photo.png", photo(t))
	if at.status != 201 {
		t.Fatalf("attach: %d %s", at.status, at.body)
	}
	ids := map[string]string{
		"/api/v1/attachments/":  at.json(t)["id"].(string),
		"/api/v1/deputies/":     w.lead,
		"/api/v1/units/":        w.unitA,
		"/api/v1/suggestions/":  w.suggestion,
		"/api/v1/meetings/":     w.meeting,
		"/api/v1/accounts/":     w.accountID,
		"/api/v1/tokens/":       w.throwawayToken,
		"/api/v1/rating-links/": "rl_none",
		"/api/v1/opinions/":     w.opinion,
		"/api/v1/reports/":      w.report,
		"/api/v1/complaints/":   w.complaint,
	}
	seen := 0
	for _, r := range c.app.Routes {
		if !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasSuffix(r.Path, "*") {
			continue
		}
		route := r.Method + " " + r.Path
		if access.Public[route] {
			// Answered without a token: read, or refused for its input only.
			if res := w.as("none").do(r.Method, r.Path, nil); res.status == 401 || res.status == 403 || res.status >= 500 {
				t.Errorf("public %s without a token: %d", route, res.status)
			}
			continue
		}
		seen++
		if _, ok := access.Rules[route]; !ok {
			t.Errorf("%s has no access rule", route)
		}
		want, ok := matrix[route]
		if !ok {
			t.Errorf("%s is not in the access matrix test", route)
			continue
		}
		path := r.Path
		for prefix, id := range ids {
			if strings.HasPrefix(path, prefix+":id") {
				path = strings.Replace(path, ":id", id, 1)
			}
		}
		path = strings.Replace(path, ":date", "2026-12-01", 1)
		path = strings.Replace(path, ":year", "2029", 1)
		path = strings.Replace(path, ":key", "meeting_place", 1)
		path = strings.Replace(path, ":channel", "sms", 1)
		path = strings.Replace(path, ":kind", "deputies", 1)
		if strings.Contains(path, ":") {
			t.Fatalf("no object for %s", route)
		}
		if r.Path == "/api/v1/calendar/due" {
			path += "?duration=P7D"
		}
		var body any
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			body = "{}"
		}
		if r.Path == "/api/v1/accounts/:id/tokens" {
			body = nil
		}
		if res := w.as("none").do(r.Method, path, body); res.status != 401 {
			t.Errorf("%s without a token: %d", route, res.status)
		}
		for _, who := range principals {
			res := w.as(who).do(r.Method, path, body)
			got := fmt.Sprint(res.status)
			if res.status != 401 && res.status != 403 && res.status != 404 {
				got = "ok"
			}
			if got != want[who] {
				t.Errorf("%s as %s: got %s (%d %s), want %s", route, who, got, res.status, res.body, want[who])
			}
		}
	}
	if seen != len(matrix) {
		t.Errorf("the router has %d API routes, the matrix %d", seen, len(matrix))
	}
}

// TestForeignUnitAndDeputyAreRefused sends valid requests, the kind that
// would succeed for the right account, and checks that nothing changes.
func TestForeignUnitAndDeputyAreRefused(t *testing.T) {
	c := startApp(t, "")
	w := buildWorld(t, c)
	sg := "/api/v1/suggestions/" + w.suggestion
	before := c.must(200, "GET", sg, nil)
	foreign := w.as("unitForeign")
	now := time.Now().UTC().Format(time.RFC3339)
	for _, a := range []struct {
		path string
		body any
	}{
		{sg + "/consultations", map[string]any{"held_at": now, "method": "phone"}},
		{sg + "/progress-reports", map[string]any{"content": "x"}},
		{sg + "/extension-requests", map[string]any{"reason": "r", "measures": "m", "new_due_at": time.Now().AddDate(0, 4, 0).UTC().Format(time.RFC3339)}},
		{sg + "/reply", map[string]any{"result_class": "A", "content": "x"}},
		{sg + "/completion", map[string]any{"content": "x"}},
		{sg + "/assignment-return", map[string]any{"reason": "x"}},
		{sg + "/co-opinions", map[string]any{"unit_id": w.unitB, "content": "x"}},
	} {
		if r := foreign.do("POST", a.path, a.body); r.status != 404 {
			t.Errorf("foreign unit %s: %d %s", a.path, r.status, r.body)
		}
	}
	if r := foreign.do("GET", sg, nil); r.status != 404 {
		t.Errorf("foreign unit read: %d", r.status)
	}
	if list := foreign.must(200, "GET", "/api/v1/suggestions", nil); list["total"].(float64) != 0 {
		t.Errorf("foreign unit lists %v suggestions", list["total"])
	}
	if list := foreign.must(200, "GET", "/api/v1/suggestions?unit_id="+w.unitA, nil); list["total"].(float64) != 0 {
		t.Errorf("foreign unit lists another unit's suggestions by filter: %v", list["total"])
	}
	if list := w.as("unitLead").must(200, "GET", "/api/v1/suggestions", nil); list["total"].(float64) != 1 {
		t.Errorf("lead unit lists %v suggestions", list["total"])
	}
	// A co-handling unit may file its opinion, but only in its own name.
	if r := w.as("unitCo").do("POST", sg+"/co-opinions", map[string]any{"unit_id": w.unitA, "content": "x"}); r.status != 403 {
		t.Errorf("co unit filing as another unit: %d", r.status)
	}
	w.as("unitCo").must(200, "POST", sg+"/co-opinions", map[string]any{"unit_id": w.unitC, "content": "同意"})

	// Take the case to a reply, then let deputies rate.
	lead := w.as("unitLead")
	lead.must(200, "POST", sg+"/consultations", map[string]any{"held_at": now, "method": "in_person"})
	lead.must(200, "POST", sg+"/reply", map[string]any{"result_class": "A", "content": "已解决"})
	rating := func(deputy string) map[string]any {
		return map[string]any{"deputy_id": deputy, "attitude": "satisfied", "result": "satisfied"}
	}
	if r := w.as("deputyForeign").do("POST", sg+"/ratings", rating(w.other)); r.status != 404 {
		t.Errorf("a deputy rating a suggestion they did not sign: %d %s", r.status, r.body)
	}
	if r := w.as("deputyCo").do("POST", sg+"/ratings", rating(w.lead)); r.status != 403 {
		t.Errorf("a co-signer rating in the lead deputy's name: %d %s", r.status, r.body)
	}
	if r := w.as("deputyForeign").do("POST", "/api/v1/suggestions", submission(w.lead)); r.status != 403 {
		t.Errorf("a deputy submitting in another's name: %d", r.status)
	}
	after := c.must(200, "GET", sg, nil)
	if after["status"] != "replied" || len(after["ratings"].([]any)) != 0 || len(after["timeline"].([]any)) <= len(before["timeline"].([]any)) {
		t.Errorf("state after refusals: %v, %d ratings", after["status"], len(after["ratings"].([]any)))
	}
	w.as("deputyLead").must(200, "POST", sg+"/ratings", rating(w.lead))

	// The timeline names the account and role of each action, and the
	// audit log has every write, refused ones included.
	var byUnit bool
	for _, e := range c.must(200, "GET", sg, nil)["timeline"].([]any) {
		actor := e.(map[string]any)["actor"].(map[string]any)
		if e.(map[string]any)["type"] == "replied" && actor["role"] == "unit" {
			byUnit = true
		}
	}
	if !byUnit {
		t.Error("the reply is not recorded with the unit's account")
	}
	audit := c.must(200, "GET", "/api/v1/audit?page_size=100", nil)
	var refused, replied bool
	for _, e := range audit["items"].([]any) {
		e := e.(map[string]any)
		if e["route"] == "/api/v1/suggestions/:id/reply" && e["status"].(float64) == 404 && e["role"] == "unit" {
			refused = true
		}
		if e["route"] == "/api/v1/suggestions/:id/reply" && e["status"].(float64) == 200 {
			replied = true
		}
	}
	if !refused || !replied {
		t.Errorf("audit lacks the refused or the accepted reply (refused %t, replied %t)", refused, replied)
	}
	// Revoked and expired tokens stop working.
	acc := c.must(201, "POST", "/api/v1/accounts", map[string]any{"role": "staff", "name": "临时"})["id"].(string)
	tok := c.must(201, "POST", "/api/v1/accounts/"+acc+"/tokens", map[string]any{"expires_at": time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)})
	temp := &apiClient{t: t, base: c.base, token: tok["token"].(string)}
	temp.must(200, "GET", "/api/v1/suggestions", nil)
	time.Sleep(2100 * time.Millisecond)
	if r := temp.do("GET", "/api/v1/suggestions", nil); r.status != 401 {
		t.Errorf("expired token: %d", r.status)
	}
	tok2 := c.must(201, "POST", "/api/v1/accounts/"+acc+"/tokens", nil)
	c.must(0, "DELETE", "/api/v1/tokens/"+tok2["id"].(string), nil)
}

func TestWriteRateLimit(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), "")
	cfg.WriteRate = 1
	c := startWith(t, cfg)
	limited := 0
	for i := 0; i < 30; i++ {
		r := c.do("POST", "/api/v1/units", map[string]any{"name": fmt.Sprintf("单位%d", i), "head": "x"})
		if r.status == 429 {
			limited++
			if r.header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Fatal("30 rapid writes were not limited")
	}
	c.must(200, "GET", "/api/v1/units", nil)
}

// TestPayloadsAreEncrypted runs a case with SUGGESTFLOW_PAYLOAD_KEY set and
// reads its history without the key: the title must not be there in clear.
func TestPayloadsAreEncrypted(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), "")
	cfg.PayloadKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	c := startWith(t, cfg)
	lead, _, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	s := c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
	if s["status"] != "handling" {
		t.Fatalf("the case does not run with encrypted payloads: %v", s["status"])
	}
	raw, err := dial(context.Background(), cfg.TemporalListen, "default", nil, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	it := raw.GetWorkflowHistory(context.Background(), id, "", false, 0)
	var events int
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		events++
		if up := e.GetUpsertWorkflowSearchAttributesEventAttributes(); up != nil {
			// workflow.GetVersion records the change ids in the
			// TemporalChangeVersion search attribute, which the server
			// must read (so no codec): ids of code changes, no case data.
			for key := range up.GetSearchAttributes().GetIndexedFields() {
				if key != "TemporalChangeVersion" {
					t.Fatalf("history event %d upserts the search attribute %s", events, key)
				}
			}
			continue
		}
		b, _ := protojson.Marshal(e)
		if strings.Contains(string(b), "农村电网") || strings.Contains(string(b), base64.StdEncoding.EncodeToString([]byte(`"title":"关于农村电网增容的建议"`))[:20]) {
			t.Fatalf("history event %d holds the title in clear", events)
		}
		if strings.Contains(string(b), "json/plain") || strings.Contains(string(b), "anNvbi9wbGFpbg==") {
			t.Fatalf("history event %d holds an unencrypted payload: %s", events, b)
		}
	}
	if events < 5 {
		t.Fatalf("only %d events", events)
	}
}

var accountSeq atomic.Int64

// login is a user name and a password that signs in.
type login struct{ user, pass string }

// account creates an account with a user name and a first password, and
// changes that password as its holder would at the first sign-in; it
// returns the account's id and how it signs in now.
func (c *apiClient) account(body map[string]any) (string, login) {
	c.t.Helper()
	user := fmt.Sprintf("user%d", accountSeq.Add(1))
	b := map[string]any{"username": user, "password": "first-" + user}
	for k, v := range body {
		b[k] = v
	}
	id := c.must(201, "POST", "/api/v1/accounts", b)["id"].(string)
	anon := &apiClient{t: c.t, base: c.base}
	tok := anon.must(201, "POST", "/api/v1/sessions", map[string]any{"username": user, "password": "first-" + user})["token"].(string)
	holder := &apiClient{t: c.t, base: c.base, token: tok}
	holder.must(204, "PUT", "/api/v1/me/password", map[string]any{"current": "first-" + user, "new": "own-" + user})
	holder.must(204, "DELETE", "/api/v1/sessions/current", nil)
	return id, login{user, "own-" + user}
}
