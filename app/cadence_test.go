package app

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"suggestflow/contract"
	"suggestflow/holiday"
	"suggestflow/printout/printouttest"
	"suggestflow/worker"
)

// TestSchedulesAndCadence checks that every cadence has its schedule in the
// township's zone, that creating them again is harmless, and that each
// schedule's workflow runs and leaves its report and notices.
func TestSchedulesAndCadence(t *testing.T) {
	c := startApp(t, "")
	ctx := context.Background()
	lead, co, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})

	tc := c.app.Temporal
	for _, kind := range contract.CadenceKinds {
		d, err := tc.ScheduleClient().GetHandle(ctx, worker.ScheduleID(kind)).Describe(ctx)
		if err != nil {
			t.Fatalf("schedule %s: %v", kind, err)
		}
		if d.Schedule.Spec.TimeZoneName != "Asia/Shanghai" || len(d.Schedule.Spec.Calendars) == 0 || !strings.HasPrefix(d.Schedule.State.Note, "cron ") {
			t.Errorf("schedule %s spec: %+v", kind, d.Schedule.Spec)
		}
	}
	crons := map[string]string{}
	for _, k := range contract.CadenceKinds {
		crons[k] = "0 9 1 * *"
	}
	if err := worker.EnsureSchedules(ctx, tc, crons, "Asia/Shanghai"); err != nil {
		t.Fatalf("creating the schedules again: %v", err)
	}
	d, _ := tc.ScheduleClient().GetHandle(ctx, worker.ScheduleID(contract.CadencePublicBoard)).Describe(ctx)
	if cal := d.Schedule.Spec.Calendars; len(cal) != 1 || len(cal[0].Month) != 1 || cal[0].Month[0].End != 12 || d.Schedule.State.Note != "cron 0 9 1 * * in Asia/Shanghai" {
		t.Errorf("a changed cron was not applied: %+v %q", d.Schedule.Spec.Calendars, d.Schedule.State.Note)
	}

	for _, kind := range contract.CadenceKinds {
		run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "test-" + kind, TaskQueue: contract.TaskQueue},
			contract.CadenceWorkflowName, contract.CadenceInput{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		var res contract.CadenceResult
		if err := run.Get(ctx, &res); err != nil {
			t.Fatalf("cadence %s: %v", kind, err)
		}
		r := c.must(200, "GET", "/api/v1/reports/"+res.ReportID, nil)
		if r["kind"] != kind {
			t.Errorf("report %s: %v", res.ReportID, r["kind"])
		}
		if kind == contract.CadenceProgressHearing {
			units := r["body"].(map[string]any)["units"].([]any)
			if len(units) != 1 || res.Notices != 1 {
				t.Errorf("hearing: %d units, %d notices: %v", len(units), res.Notices, r["body"])
			}
		}
		if kind == contract.CadenceVisitCheck && res.Notices != 2 {
			t.Errorf("visit check reminded %d deputies, want both (no visits)", res.Notices)
		}
	}
	// Triggering a schedule runs the same workflow.
	if err := tc.ScheduleClient().GetHandle(ctx, worker.ScheduleID(contract.CadenceGroupMeetings)).Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		list := c.must(200, "GET", "/api/v1/reports?kind=group_meetings", nil)
		if list["total"].(float64) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the triggered schedule left no report")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestStatsBoardAndEvaluation(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, unit2 := c.setup()
	now := time.Now().UTC().Format(time.RFC3339)
	run := func(title, class string, consult bool, result string) string {
		body := submission(lead, co)
		body["title"] = title
		id := c.must(201, "POST", "/api/v1/suggestions", body)["id"].(string)
		sg := "/api/v1/suggestions/" + id
		c.must(200, "POST", sg+"/review", map[string]any{"decision": "accept"})
		c.must(200, "POST", sg+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
		if !consult {
			return id
		}
		c.must(200, "POST", sg+"/consultations", map[string]any{"held_at": now, "method": "phone"})
		reply := map[string]any{"result_class": class, "content": "答复"}
		if class == "B" || class == "C" {
			reply["promised_at"] = time.Now().AddDate(0, 6, 0).UTC().Format(time.RFC3339)
		}
		c.must(200, "POST", sg+"/reply", reply)
		if result != "" {
			c.must(200, "POST", sg+"/ratings", map[string]any{"deputy_id": lead, "attitude": "satisfied", "result": result, "reasons": "理由"})
		}
		return id
	}
	run("道路硬化", "A", true, "satisfied")
	run("路灯安装", "D", true, "unsatisfied")
	run("饮水工程", "", false, "")

	from := time.Now().AddDate(0, 0, -1).UTC().Format(time.RFC3339)
	to := time.Now().AddDate(0, 0, 1).UTC().Format(time.RFC3339)
	st := c.must(200, "GET", "/api/v1/stats?from="+from+"&to="+to, nil)
	rates := st["rates"].(map[string]any)
	want := map[string][2]float64{"consultation": {2, 2}, "resolution": {1, 2}, "satisfaction": {1, 2}, "on_time": {2, 2}}
	for name, w := range want {
		r := rates[name].(map[string]any)
		if r["numerator"].(float64) != w[0] || r["denominator"].(float64) != w[1] {
			t.Errorf("%s rate: %v, want %v/%v", name, r, w[0], w[1])
		}
	}
	if bs := st["by_status"].(map[string]any); bs["closed"].(float64) != 1 || bs["rehandling"].(float64) != 1 || bs["handling"].(float64) != 1 {
		t.Errorf("by status: %v", bs)
	}
	if r := c.do("GET", "/api/v1/stats?from=yesterday", nil); r.status != 422 {
		t.Errorf("bad from: %d", r.status)
	}

	// The public board: no token, the five publics, nothing personal.
	public := &apiClient{t: t, base: c.base}
	half := "2026-H2"
	if time.Now().Month() < 7 {
		half = time.Now().Format("2006") + "-H1"
	} else {
		half = time.Now().Format("2006") + "-H2"
	}
	b := public.do("GET", "/api/v1/public/board?period="+half, nil)
	if b.status != 200 {
		t.Fatalf("board: %d %s", b.status, b.body)
	}
	for _, secret := range []string{"13800000001", "0717-0000000", "王西林", "韩玉平", "张三", "夏天空调"} {
		if strings.Contains(string(b.body), secret) {
			t.Errorf("the public board shows %q", secret)
		}
	}
	items := b.json(t)["items"].([]any)
	if len(items) != 3 || !strings.Contains(string(b.body), "供电所") || !strings.Contains(string(b.body), "道路硬化") {
		t.Errorf("board items: %s", b.body)
	}
	page := public.do("GET", "/board?period="+half, nil)
	if page.status != 200 || !strings.Contains(string(page.body), "五公开") || strings.Contains(string(page.body), "13800000001") {
		t.Errorf("board page: %d", page.status)
	}
	pdf := public.do("GET", "/board.pdf?period="+half, nil)
	if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("board PDF: %d %s", pdf.status, pdf.header.Get("Content-Type"))
	}
	if text := strings.Join(strings.Fields(printouttest.Text(t, pdf.body)), ""); !strings.Contains(text, "五公开") ||
		!strings.Contains(text, "供电所") || !strings.Contains(text, "道路硬化") || strings.Contains(text, "13800000001") {
		t.Errorf("the board PDF reads:\n%s", text)
	}
	if r := public.do("GET", "/board.pdf?period=2026-H3", nil); r.status != 422 {
		t.Errorf("bad period for the PDF: %d", r.status)
	}
	if r := public.do("GET", "/api/v1/public/board?period=2026-H3", nil); r.status != 422 {
		t.Errorf("bad period: %d", r.status)
	}

	// Evaluation: a substantiated complaint and an unsatisfied rating cost
	// points; the questionnaire counts; every score explains itself.
	c.must(201, "POST", "/api/v1/complaints", map[string]any{"unit_id": unit, "content": "态度差", "finding": "substantiated"})
	q := currentQuarter()
	c.must(200, "POST", "/api/v1/questionnaires", map[string]any{"unit_id": unit2, "quarter": q, "score": 90})
	ev := c.must(200, "POST", "/api/v1/evaluations", map[string]any{"quarter": q})
	scores := map[string]map[string]any{}
	for _, s := range ev["scores"].([]any) {
		s := s.(map[string]any)
		scores[s["unit_id"].(string)] = s
	}
	// 100 - 3 (one unsatisfied rating) - 5 (one complaint) = 92.
	if scores[unit]["total"].(float64) != 92 || len(scores[unit]["parts"].([]any)) < 4 {
		t.Errorf("unit score: %v", scores[unit])
	}
	// 100 * 0.8 + 90 * 0.2 = 98.
	if scores[unit2]["total"].(float64) != 98 {
		t.Errorf("questionnaire unit score: %v", scores[unit2]["total"])
	}
	if got := c.must(200, "GET", "/api/v1/evaluations?quarter="+q, nil); len(got["scores"].([]any)) != 2 {
		t.Errorf("stored scores: %v", got)
	}
	rk := c.must(200, "GET", "/api/v1/rankings?year="+time.Now().Format("2006"), nil)
	units := rk["units"].([]any)
	if len(units) != 2 || units[0].(map[string]any)["unit_id"] != unit2 {
		t.Errorf("ranking: %v", units)
	}
}

func currentQuarter() string {
	n := time.Now().In(time.FixedZone("CST", 8*3600))
	return n.Format("2006") + "-Q" + string(rune('1'+(int(n.Month())-1)/3))
}

func TestDeputyDutiesAndCalendar(t *testing.T) {
	c := startApp(t, "")
	lead, _, _, _ := c.setup()
	v := c.must(201, "POST", "/api/v1/deputies/"+lead+"/visits", map[string]any{
		"visited_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "place": "三组",
		"opinions": []map[string]any{{"constituent": "李四", "content": "路灯坏了"}, {"content": "希望修路"}}})
	ops := v["opinions"].([]any)
	if len(ops) != 2 {
		t.Fatalf("visit: %v", v)
	}
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "PUT", "/api/v1/opinions/"+ops[0].(map[string]any)["id"].(string), map[string]any{"suggestion_id": id})
	rec := c.must(200, "GET", "/api/v1/deputies/"+lead+"/record?year="+time.Now().Format("2006"), nil)
	if rec["visits"].(float64) != 1 || rec["opinions"].(float64) != 2 || rec["opinions_linked"].(float64) != 1 || rec["suggestions_led"].(float64) != 1 {
		t.Errorf("record: %v", rec)
	}
	if r := c.do("POST", "/api/v1/deputies/"+lead+"/visits", map[string]any{"visited_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}); r.status != 422 {
		t.Errorf("a visit in the future: %d", r.status)
	}

	// A local rest day moves the open case's working-day review deadline.
	before := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)["review_due_at"].(string)
	due, _ := time.Parse(time.RFC3339, before)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := time.Now().In(loc).AddDate(0, 0, 1)
	cal := c.must(200, "GET", "/api/v1/calendar/days?from="+day.Format("2006-01-02")+"&to="+due.In(loc).Format("2006-01-02"), nil)
	var restDay string
	for _, d := range cal["days"].([]any) {
		if d.(map[string]any)["working"] == true {
			restDay = d.(map[string]any)["date"].(string)
			break
		}
	}
	if restDay == "" {
		t.Fatal("no working day before the review deadline")
	}
	got := c.must(200, "PUT", "/api/v1/calendar/days/"+restDay, map[string]any{"working": false, "note": "镇人代会"})
	if got["working"] != false || !strings.Contains(got["reason"].(string), "镇人代会") {
		t.Errorf("override: %v", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		if s["review_due_at"] != before {
			after, _ := time.Parse(time.RFC3339, s["review_due_at"].(string))
			if !after.After(due) {
				t.Errorf("review due moved from %s to %s", before, after)
			}
			if !has(types(s), "deadlines_recomputed") {
				t.Error("no timeline event for the recomputation")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the open case did not recompute its deadline")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if r := c.do("PUT", "/api/v1/calendar/days/2026-02-30", map[string]any{"working": true}); r.status != 422 {
		t.Errorf("bad date: %d", r.status)
	}
}

// TestOneCalendar: the deadline calculator and a running case use one
// calendar, the statutory days under the policy file's overrides under the
// database's, and agree after a day is changed in either.
func TestOneCalendar(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	official, err := holiday.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// The next two working days after tomorrow: one the policy file
	// makes a rest day, one the database will.
	var working []time.Time
	for d := time.Now().In(loc).AddDate(0, 0, 2); len(working) < 2; d = d.AddDate(0, 0, 1) {
		if official.IsWorkingDay(d) {
			working = append(working, d)
		}
	}
	fileDay, dbDay := working[0].Format("2006-01-02"), working[1].Format("2006-01-02")
	c := startApp(t, "calendar_overrides:\n  - {date: \""+fileDay+"\", working: false, note: 镇庆}\n")
	lead, _, _, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)

	agree := func(when string) string {
		t.Helper()
		s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		d := c.must(200, "GET", "/api/v1/calendar/due?from="+url.QueryEscape(s["submitted_at"].(string))+"&duration=7wd", nil)
		if d["due_at"] != s["review_due_at"] {
			t.Errorf("%s: the calculator says %v, the case %v", when, d["due_at"], s["review_due_at"])
		}
		expl, _ := d["explanation"].(string)
		if !strings.Contains(expl, fileDay[5:]) {
			t.Errorf("%s: the policy file's rest day %s is not skipped: %s", when, fileDay, expl)
		}
		return s["review_due_at"].(string)
	}
	before := agree("with the policy file's day")
	c.must(200, "PUT", "/api/v1/calendar/days/"+dbDay, map[string]any{"working": false, "note": "镇人代会"})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if c.must(200, "GET", "/api/v1/suggestions/"+id, nil)["review_due_at"] != before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the open case did not recompute its deadline")
		}
	}
	agree("with the database's day too")
}
