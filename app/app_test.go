package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"suggestflow/config"
	"suggestflow/embedded"
	"suggestflow/i18n"
)

const testToken = "test-admin-token"

// TestMain doubles as the child process of the restart test: with
// SUGGESTFLOW_TEST_CHILD set, the test binary runs the service itself.
func TestMain(m *testing.M) {
	if os.Getenv("SUGGESTFLOW_TEST_CHILD") == "1" {
		cfg, err := config.FromEnv(nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		role := os.Getenv("SUGGESTFLOW_TEST_ROLE")
		if role == "" {
			role = RoleAll
		}
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		if err := Run(ctx, cfg, role, log, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testConfig is a configuration on free loopback ports in a temp dir.
func testConfig(t *testing.T, dataDir, policyYAML string) config.Config {
	t.Helper()
	pol := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(pol, []byte(policyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{
		HTTPAddr:          fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1")),
		DataDir:           dataDir,
		TemporalNamespace: "default",
		TemporalListen:    fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1")),
		TemporalUIAddr:    "off",
		DBDSN:             "sqlite://" + filepath.Join(dataDir, "suggestflow.db"),
		PolicyFile:        pol,
		AdminToken:        testToken,
		LogFormat:         "text",
	}
	cfg.PublicURL = "http://" + cfg.HTTPAddr
	return cfg
}

// startApp runs the whole system in this process.
func startApp(t *testing.T, policyYAML string) *apiClient {
	t.Helper()
	return startWith(t, testConfig(t, t.TempDir(), policyYAML))
}

func startWith(t *testing.T, cfg config.Config) *apiClient {
	t.Helper()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := Start(context.Background(), cfg, RoleAll, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	return &apiClient{t: t, base: "http://" + a.HTTPAddr, token: testToken, app: a}
}

type apiClient struct {
	t     *testing.T
	base  string
	token string
	app   *App
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return m
}

func (c *apiClient) do(method, path string, body any, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// must sends a request that must answer with the status.
func (c *apiClient) must(status int, method, path string, body any, headers ...string) map[string]any {
	c.t.Helper()
	r := c.do(method, path, body, headers...)
	if status == 0 && r.status < 300 {
		return nil
	}
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body)
	}
	if len(r.body) == 0 {
		return nil
	}
	return r.json(c.t)
}

// setup creates two deputies and two units.
func (c *apiClient) setup() (lead, co, unit, unit2 string) {
	lead = c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "王西林", "level": "county", "group": "第一组", "phone": "13800000001"})["id"].(string)
	co = c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "韩玉平", "level": "township", "group": "第一组"})["id"].(string)
	unit = c.must(201, "POST", "/api/v1/units", map[string]any{"name": "供电所", "head": "李所长", "phone": "0717-0000000"})["id"].(string)
	unit2 = c.must(201, "POST", "/api/v1/units", map[string]any{"name": "水利站", "head": "周站长"})["id"].(string)
	return
}

func submission(lead string, co ...string) map[string]any {
	if co == nil {
		co = []string{}
	}
	return map[string]any{"title": "关于农村电网增容的建议", "content": "三个村用电高峰电压不足，建议增容。", "kind": "suggestion",
		"category": "基础设施", "lead_deputy_id": lead, "co_signer_ids": co, "submitted_in": "session",
		"opinions": []string{"村民张三：夏天空调开不了"}}
}

func types(s map[string]any) []string {
	var out []string
	for _, e := range s["timeline"].([]any) {
		out = append(out, e.(map[string]any)["type"].(string))
	}
	return out
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestLifecycleOverHTTP(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, unit2 := c.setup()

	first := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co), "Idempotency-Key", "k-1")
	id := first["id"].(string)
	if first["status"] != "submitted" || first["number"] == "" {
		t.Fatalf("submitted: %v", first)
	}
	again := c.do("POST", "/api/v1/suggestions", submission(lead, co), "Idempotency-Key", "k-1")
	if again.status != 200 || again.json(t)["id"] != id {
		t.Fatalf("repeated submission: %d %s", again.status, again.body)
	}
	other := submission(lead, co)
	other["title"] = "另一条建议"
	if r := c.do("POST", "/api/v1/suggestions", other, "Idempotency-Key", "k-1"); r.status != 409 {
		t.Fatalf("reused key with another body: %d %s", r.status, r.body)
	}
	if r := c.do("POST", "/api/v1/suggestions", submission(lead, co)); r.status != 409 {
		t.Fatalf("duplicate open suggestion without a key: %d %s", r.status, r.body)
	}
	if list := c.must(200, "GET", "/api/v1/suggestions?deputy_id="+co, nil); list["total"].(float64) != 1 {
		t.Fatalf("list by co-signer: %v", list["total"])
	}

	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	s := c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{
		"lead_unit_id": unit, "co_unit_ids": []string{unit2}, "leader": "张镇长", "handler": "李干事"})
	if s["status"] != "handling" || s["due_at"] == nil || s["lead_unit_id"] != unit || s["due_explanation"] == "" {
		t.Fatalf("assigned: %v", s)
	}

	// Consult before reply: refused, and nothing changes.
	before := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	r := c.do("POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已解决"})
	if r.status != 409 || !strings.Contains(string(r.body), "consultation") {
		t.Fatalf("reply without consultation: %d %s", r.status, r.body)
	}
	after := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	if len(after["timeline"].([]any)) != len(before["timeline"].([]any)) || after["reply"] != nil || after["status"] != "handling" {
		t.Fatal("a refused reply changed the case")
	}

	c.must(200, "POST", "/api/v1/suggestions/"+id+"/co-opinions", map[string]any{"unit_id": unit2, "content": "同意"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/consultations", map[string]any{
		"held_at": time.Now().UTC().Format(time.RFC3339), "method": "on_site", "participants": []string{"王西林", "李所长"}, "notes": "现场查看"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/progress-reports", map[string]any{"content": "已上报增容计划"})
	s = c.must(200, "POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已完成增容"})
	if s["status"] != "replied" {
		t.Fatalf("replied: %v", s["status"])
	}
	if r := c.do("POST", "/api/v1/suggestions/"+id+"/ratings", map[string]any{"deputy_id": unit, "attitude": "satisfied", "result": "satisfied"}); r.status != 422 {
		t.Fatalf("rating by someone not on the suggestion: %d %s", r.status, r.body)
	}
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/ratings", map[string]any{"deputy_id": co, "attitude": "satisfied", "result": "basically_satisfied"})
	s = c.must(200, "POST", "/api/v1/suggestions/"+id+"/ratings", map[string]any{"deputy_id": lead, "attitude": "satisfied", "result": "satisfied"})
	if s["status"] != "closed" || s["closed_as"] != "satisfied" || len(s["ratings"].([]any)) != 2 {
		t.Fatalf("closed: %v %v", s["status"], s["ratings"])
	}
	got := types(s)
	for _, want := range []string{"submitted", "accepted", "assigned", "co_opinion", "consultation", "progress_report", "replied", "rated", "closed", "notice"} {
		if !has(got, want) {
			t.Errorf("timeline lacks %s: %v", want, got)
		}
	}
	msgs := c.must(200, "GET", "/api/v1/suggestions/"+id+"/messages", nil)["items"].([]any)
	var assigned bool
	for _, m := range msgs {
		m := m.(map[string]any)
		if m["kind"] == "assigned" && m["recipient"] == "unit:"+unit {
			assigned = strings.Contains(m["body"].(string), "供电所") && strings.Contains(m["body"].(string), "面商") &&
				strings.Contains(m["body"].(string), c.base+"/s/"+id) && m["link"] == c.base+"/s/"+id
		}
		if strings.Contains(m["body"].(string), "张三") {
			t.Error("a constituent's opinion leaked into a notice")
		}
	}
	if !assigned {
		t.Errorf("no Chinese assignment notice to the unit in %d messages", len(msgs))
	}
	// The short link a notice (and a text message) carries leads to the
	// case's page.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := noFollow.Get(c.base + "/s/" + id); err != nil || res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/ui/suggestions/"+id {
		t.Errorf("the case's short link: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if r := c.do("POST", "/api/v1/suggestions/"+id+"/progress-reports", map[string]any{"content": "x"}); r.status != 409 {
		t.Errorf("action on a closed case: %d %s", r.status, r.body)
	}
	recordHistory(t, c, id, "suggestion-lifecycle-"+historyShape)
}

// overdueCase submits, accepts and assigns a case, and returns its id and
// reply due time once that is three seconds past.
func overdueCase(t *testing.T, c *apiClient) (string, time.Time) {
	t.Helper()
	lead, _, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	s := c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张镇长", "handler": "李干事"})
	due, err := time.Parse(time.RFC3339Nano, s["due_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(due.Add(3 * time.Second)))
	return id, due
}

func TestOverdueEscalatesWithinSeconds(t *testing.T) {
	c := startApp(t, "reply_within: PT5S\n")
	id, due := overdueCase(t, c)
	s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	flags := fmt.Sprint(s["flags"])
	if !strings.Contains(flags, "overdue") || !strings.Contains(flags, "escalated") {
		t.Fatalf("3 s after the due time: flags %s", flags)
	}
	meetings := s["meetings"].([]any)
	if len(meetings) != 1 {
		t.Fatalf("meetings: %v", meetings)
	}
	m := meetings[0].(map[string]any)
	if m["reason"] != "overdue" || m["notice_sent_at"] == nil {
		t.Fatalf("meeting: %v", m)
	}
	sent, _ := time.Parse(time.RFC3339Nano, m["notice_sent_at"].(string))
	if late := sent.Sub(due); late > 3*time.Second || late < 0 {
		t.Errorf("meeting notice %s after the due time", late)
	}
	var notice bool
	for _, msg := range c.must(200, "GET", "/api/v1/suggestions/"+id+"/messages", nil)["items"].([]any) {
		if msg.(map[string]any)["kind"] == "meeting_notice" {
			notice = true
		}
	}
	if !notice {
		t.Error("no meeting notice in the outbox")
	}
	// The escalation asks no version of its own: the assignment's marker
	// said how the case calls meetings, and a second marker would upsert
	// TemporalChangeVersion again, a visibility write per escalation.
	var markers, upserts int
	for _, e := range history(t, c, id) {
		if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
			markers++
		}
		if e.GetUpsertWorkflowSearchAttributesEventAttributes() != nil {
			upserts++
		}
	}
	if markers != 1 || upserts != 1 {
		t.Errorf("up to the escalation: %d version markers and %d search attribute upserts, want 1 each (the assignment's)", markers, upserts)
	}
	mid := m["id"].(string)
	ics := c.do("GET", "/api/v1/meetings/"+mid+"/notice.ics", nil)
	if ics.status != 200 || !strings.Contains(string(ics.body), "BEGIN:VCALENDAR") || !strings.Contains(string(ics.body), "DTSTART") {
		t.Errorf("notice.ics: %d %s", ics.status, ics.body)
	}
	held := c.must(200, "POST", "/api/v1/meetings/"+mid+"/minutes", map[string]any{"content": "所长当面说明", "outcome": "两周内答复"})
	if held["status"] != "held" {
		t.Errorf("minutes: %v", held)
	}
	if r := c.do("POST", "/api/v1/meetings/"+mid+"/minutes", map[string]any{"content": "x", "outcome": "y"}); r.status != 409 {
		t.Errorf("minutes twice: %d %s", r.status, r.body)
	}
	// A late reply is still taken and recorded as late.
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/consultations", map[string]any{"held_at": time.Now().UTC().Format(time.RFC3339), "method": "phone"})
	s = c.must(200, "POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "C", "content": "列入明年计划", "promised_at": time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)})
	if s["reply"].(map[string]any)["on_time"] != false || !strings.Contains(fmt.Sprint(s["flags"]), "overdue") {
		t.Errorf("late reply: %v %v", s["reply"], s["flags"])
	}
	if list := c.must(200, "GET", "/api/v1/meetings?suggestion_id="+id, nil); list["total"].(float64) != 1 {
		t.Errorf("meetings list: %v", list)
	}
	recordHistory(t, c, mid, "meeting-held-"+historyShape)
	recordHistory(t, c, id, "suggestion-overdue-late-reply-"+historyShape)
}

// A meeting called at a deadline is on record at once; its own workflow
// starts by itself soon after, here when its reminder falls: held 70 s
// after the deadline and reminded a minute before, so ten seconds on.
func TestOverdueMeetingStartsByItself(t *testing.T) {
	c := startApp(t, "reply_within: PT5S\nmeeting_within: PT70S\nmeeting_remind_before: PT60S\n")
	id, due := overdueCase(t, c)
	meetings := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)["meetings"].([]any)
	if len(meetings) != 1 || meetings[0].(map[string]any)["notice_sent_at"] == nil {
		t.Fatalf("3 s after the due time: meetings %v", meetings)
	}
	mid := meetings[0].(map[string]any)["id"].(string)
	ctx := context.Background()
	if _, err := c.app.Temporal.DescribeWorkflowExecution(ctx, mid, ""); err == nil {
		t.Error("the meeting's workflow started with the escalation's step")
	}
	var started time.Time
	for until := due.Add(40 * time.Second); time.Now().Before(until); time.Sleep(500 * time.Millisecond) {
		if d, err := c.app.Temporal.DescribeWorkflowExecution(ctx, mid, ""); err == nil {
			started = d.GetWorkflowExecutionInfo().GetStartTime().AsTime()
			break
		}
	}
	if started.IsZero() {
		t.Fatal("the meeting's workflow did not start within 40 s of the due time")
	}
	if after := started.Sub(due); after < 8*time.Second || after > 30*time.Second {
		t.Errorf("the meeting's workflow started %s after the due time, want about 10 s (at its reminder)", after)
	}
	var reminded bool
	for until := time.Now().Add(10 * time.Second); !reminded && time.Now().Before(until); time.Sleep(500 * time.Millisecond) {
		for _, msg := range c.must(200, "GET", "/api/v1/suggestions/"+id+"/messages", nil)["items"].([]any) {
			reminded = reminded || msg.(map[string]any)["kind"] == "meeting_reminder"
		}
	}
	if !reminded {
		t.Error("the meeting's workflow sent no reminder")
	}
	recordHistory(t, c, id, "suggestion-meeting-started-later-"+historyShape)
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
	before := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	sg := "/api/v1/suggestions/" + id
	long := strings.Repeat("长", 201)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		field              string
	}{
		{"malformed JSON", "POST", "/api/v1/suggestions", `{"title": `, 400, ""},
		{"not an object", "POST", "/api/v1/suggestions", `[1,2]`, 400, ""},
		{"two objects", "POST", "/api/v1/deputies", `{"name":"a","level":"township"}{}`, 400, ""},
		{"empty body", "POST", sg + "/review", ``, 400, ""},
		{"unknown field", "POST", "/api/v1/deputies", map[string]any{"name": "a", "level": "township", "age": 3}, 422, "age"},
		{"missing field", "POST", "/api/v1/units", map[string]any{"name": "x"}, 422, "head"},
		{"wrong type", "POST", "/api/v1/deputies", map[string]any{"name": 5, "level": "township"}, 422, "name"},
		{"wrong enum", "POST", "/api/v1/deputies", map[string]any{"name": "a", "level": "province"}, 422, "level"},
		{"bad email", "POST", "/api/v1/units", map[string]any{"name": "x", "head": "y", "email": "nope"}, 422, "email"},
		{"over-long title", "POST", "/api/v1/suggestions", map[string]any{"title": long, "content": "c", "kind": "suggestion", "lead_deputy_id": lead, "submitted_in": "session"}, 422, "title"},
		{"unknown lead deputy", "POST", "/api/v1/suggestions", map[string]any{"title": "t", "content": "c", "kind": "suggestion", "lead_deputy_id": "dp_nobody", "submitted_in": "session"}, 422, "lead_deputy_id"},
		{"co-signer twice", "POST", "/api/v1/suggestions", map[string]any{"title": "t", "content": "c", "kind": "suggestion", "lead_deputy_id": lead, "co_signer_ids": []string{lead}, "submitted_in": "session"}, 422, "co_signer_ids"},
		{"unknown suggestion", "GET", "/api/v1/suggestions/sg_nothing", nil, 404, ""},
		{"action on unknown suggestion", "POST", "/api/v1/suggestions/sg_nothing/review", map[string]any{"decision": "accept"}, 404, ""},
		{"unknown meeting", "GET", "/api/v1/meetings/m_nothing", nil, 404, ""},
		{"unknown route", "GET", "/api/v1/nothing", nil, 404, ""},
		{"state does not allow", "POST", sg + "/review", map[string]any{"decision": "accept"}, 409, ""},
		{"reply without consultation", "POST", sg + "/reply", map[string]any{"result_class": "A", "content": "x"}, 409, ""},
		{"B without promise", "POST", sg + "/reply", map[string]any{"result_class": "B", "content": "x"}, 422, "promised_at"},
		{"extension past the cap", "POST", sg + "/extension-requests", map[string]any{"reason": "r", "measures": "m", "new_due_at": time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)}, 422, "new_due_at"},
		{"bad time", "POST", sg + "/extension-requests", map[string]any{"reason": "r", "measures": "m", "new_due_at": "tomorrow"}, 422, ""},
		{"no decision pending", "POST", sg + "/extension-decision", map[string]any{"approve": true}, 409, ""},
		{"missing approve", "POST", sg + "/extension-decision", map[string]any{"comment": "x"}, 422, "approve"},
		{"rating before a reply", "POST", sg + "/ratings", map[string]any{"deputy_id": lead, "attitude": "satisfied", "result": "satisfied"}, 409, ""},
		{"rating by a stranger", "POST", sg + "/ratings", map[string]any{"deputy_id": "dp_x", "attitude": "satisfied", "result": "satisfied"}, 422, "deputy_id"},
		{"unknown unit", "POST", sg + "/co-opinions", map[string]any{"unit_id": "un_x", "content": "c"}, 422, "unit_id"},
		{"meeting too soon", "POST", "/api/v1/meetings", map[string]any{"suggestion_id": id, "scheduled_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, 422, "scheduled_at"},
		{"meeting for nothing", "POST", "/api/v1/meetings", map[string]any{"suggestion_id": "sg_x", "scheduled_at": time.Now().AddDate(0, 0, 5).UTC().Format(time.RFC3339)}, 422, "suggestion_id"},
		{"page too large", "GET", "/api/v1/suggestions?page_size=1000", nil, 422, "page_size"},
		{"bad status filter", "GET", "/api/v1/suggestions?status=lost", nil, 422, "status"},
		{"bad duration", "GET", "/api/v1/calendar/due?duration=3%20months", nil, 422, "duration"},
		{"body too large", "POST", "/api/v1/deputies", `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, 413, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do(tc.method, tc.path, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q", ct)
			}
			p := r.json(t)
			if p["detail"] == "" || p["status"].(float64) != float64(tc.status) {
				t.Errorf("problem without detail: %s", r.body)
			}
			if tc.field != "" && !strings.Contains(fmt.Sprint(p["errors"]), "field:"+tc.field) {
				t.Errorf("errors do not name %s: %v", tc.field, p["errors"])
			}
			// Every refusal says why by a stable code, and so does each
			// of its fields, with its texts in both languages.
			code, _ := p["code"].(string)
			if !i18n.HasRefusal(code) {
				t.Errorf("problem without a known code: %s", r.body)
			}
			errs, _ := p["errors"].([]any)
			for _, e := range errs {
				if fc, _ := e.(map[string]any)["code"].(string); !i18n.HasRefusal(fc) {
					t.Errorf("field error without a known code: %v", e)
				}
			}
		})
	}
	noToken := &apiClient{t: t, base: c.base}
	if r := noToken.do("GET", "/api/v1/suggestions", nil); r.status != 401 {
		t.Errorf("no token: %d", r.status)
	}
	badToken := &apiClient{t: t, base: c.base, token: "wrong"}
	if r := badToken.do("GET", "/api/v1/suggestions", nil); r.status != 401 {
		t.Errorf("bad token: %d", r.status)
	}
	after := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	if len(after["timeline"].([]any)) != len(before["timeline"].([]any)) || after["status"] != before["status"] || fmt.Sprint(after["due_at"]) != fmt.Sprint(before["due_at"]) {
		t.Error("refused requests changed the case")
	}
	if list := c.must(200, "GET", "/api/v1/suggestions", nil); list["total"].(float64) != 1 {
		t.Errorf("refused submissions created suggestions: %v", list["total"])
	}
}

func TestCalendarDueAndHealth(t *testing.T) {
	c := startApp(t, "")
	d := c.must(200, "GET", "/api/v1/calendar/due?from=2026-09-30T10:00:00%2B08:00&duration=7wd", nil)
	// The National Day week and its make-up Saturday (10 October) count as the
	// official 2026 calendar has them.
	if d["due_at"] != "2026-10-15T15:59:59Z" || !strings.Contains(d["explanation"].(string), "10-07") {
		t.Errorf("7wd from 30 September: %v", d)
	}
	if r := c.do("GET", "/readyz", nil); r.status != 200 {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/api/openapi.yaml", nil); r.status != 200 || !strings.Contains(string(r.body), "openapi:") {
		t.Errorf("openapi: %d", r.status)
	}
}

// TestDeadlineFiresAfterKill kills the whole process with SIGKILL while a
// deadline is pending, starts it again on the same data dir, and expects
// the deadline to fire.
func TestDeadlineFiresAfterKill(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "reply_within: PT12S\n")
	start := func() *exec.Cmd { return startChild(t, cfg) }
	cmd := start()
	c := &apiClient{t: t, base: "http://" + cfg.HTTPAddr, token: testToken}
	lead, _, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	s := c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
	due, _ := time.Parse(time.RFC3339Nano, s["due_at"].(string))

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	time.Sleep(2 * time.Second)
	cmd = start()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	deadline := due.Add(20 * time.Second)
	for {
		s = c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		if strings.Contains(fmt.Sprint(s["flags"]), "overdue") && len(s["meetings"].([]any)) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deadline did not fire after the restart: %v", s["flags"])
		}
		time.Sleep(200 * time.Millisecond)
	}
	var overdue int
	for _, e := range s["timeline"].([]any) {
		if e.(map[string]any)["type"] == "overdue" {
			overdue++
		}
	}
	if overdue != 1 {
		t.Errorf("overdue fired %d times", overdue)
	}
}

// startChild runs the all-in-one process as a child of the test, so that
// the test can kill it.
func startChild(t *testing.T, cfg config.Config, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SUGGESTFLOW_TEST_CHILD=1",
		"SUGGESTFLOW_HTTP_ADDR="+cfg.HTTPAddr, "SUGGESTFLOW_DATA_DIR="+cfg.DataDir, "SUGGESTFLOW_DB_DSN="+cfg.DBDSN,
		"SUGGESTFLOW_TEMPORAL_LISTEN="+cfg.TemporalListen, "SUGGESTFLOW_TEMPORAL_UI_ADDR=off",
		"SUGGESTFLOW_POLICY_FILE="+cfg.PolicyFile, "SUGGESTFLOW_ADMIN_TOKEN="+testToken, "SUGGESTFLOW_WRITE_RATE="+strconv.FormatFloat(cfg.WriteRate, 'g', -1, 64))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitReady(t, "http://"+cfg.HTTPAddr)
	return cmd
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not become ready", base)
}

// TestConcurrentSubmissionsWithOneKeyMakeOneCase sends the same submission
// with one Idempotency-Key from many clients at once.
func TestConcurrentSubmissionsWithOneKeyMakeOneCase(t *testing.T) {
	c := startApp(t, "")
	lead, _, _, _ := c.setup()
	body, _ := json.Marshal(submission(lead))
	const clients = 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]int{}
	statuses := map[int]int{}
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", c.base+"/api/v1/suggestions", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			req.Header.Set("Idempotency-Key", "same-key")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(res.Body).Decode(&out)
			mu.Lock()
			defer mu.Unlock()
			statuses[res.StatusCode]++
			if id, ok := out["id"].(string); ok {
				ids[id]++
			}
		}()
	}
	wg.Wait()
	if len(ids) != 1 || statuses[201]+statuses[200] != clients {
		t.Fatalf("%d submissions with one key: ids %v, statuses %v", clients, ids, statuses)
	}
	if list := c.must(200, "GET", "/api/v1/suggestions", nil); list["total"].(float64) != 1 {
		t.Fatalf("%v suggestions stored", list["total"])
	}
}
