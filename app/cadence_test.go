package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"suggestflow/contract"
	"suggestflow/holiday"
	"suggestflow/printout/printouttest"
	"suggestflow/store"
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

// TestYearWithoutOfficialData: the calculator and a running case count
// working days in 2028, which the built-in holiday data lacks, Monday to
// Friday with a warning; staff load 2028's official schedule (days off at
// the start of January), and both move and agree. A bad schedule is
// refused with a code and changes nothing; the calendar page loads one too.
func TestYearWithoutOfficialData(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	// A reply due on Wednesday 5 January 2028 when counted without 2028's
	// data: the working days from tomorrow to then.
	today := time.Now().In(loc)
	target := time.Date(2028, 1, 5, 12, 0, 0, 0, loc)
	if !today.Before(target.AddDate(0, 0, -14)) {
		t.Skip("the running case's deadline is set to reach early January 2028; run before mid-December 2027")
	}
	builtin, err := holiday.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for d := today.AddDate(0, 0, 1); !d.After(target); d = d.AddDate(0, 0, 1) {
		if builtin.IsWorkingDay(d) {
			n++
		}
	}
	within := fmt.Sprintf("%dwd", n)
	c := startApp(t, "reply_within: "+within+"\n")
	lead, _, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})

	years := func() map[string]string {
		t.Helper()
		r := c.do("GET", "/api/v1/calendar/years", nil)
		var list []map[string]any
		if err := json.Unmarshal(r.body, &list); r.status != 200 || err != nil {
			t.Fatalf("years: %d %s", r.status, r.body)
		}
		out := map[string]string{}
		for _, y := range list {
			out[fmt.Sprint(y["year"])] = y["source"].(string)
		}
		return out
	}
	const fixed = "/api/v1/calendar/due?from=2027-12-28T10:00:00%2B08:00&duration=7wd"
	// warned checks the calculator and the case agree, and whether both
	// warn about 2028.
	warned := func(when string, want bool) map[string]any {
		t.Helper()
		d := c.must(200, "GET", fixed, nil)
		warnings := d["warnings"].([]any)
		if want && !(len(warnings) == 1 && strings.Contains(warnings[0].(string), "2028")) || !want && len(warnings) != 0 {
			t.Errorf("%s: the calculator's warnings: %v", when, d["warnings"])
		}
		if want && d["warning_details"].([]any)[0].(map[string]any)["code"] != "no_holiday_data" {
			t.Errorf("%s: warning details: %v", when, d["warning_details"])
		}
		s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		// The round started when the case was assigned.
		started := s["assignment"].(map[string]any)["assigned_at"].(string)
		calc := c.must(200, "GET", "/api/v1/calendar/due?from="+url.QueryEscape(started)+"&duration="+within, nil)
		if calc["due_at"] != s["due_at"] || calc["explanation"] != s["due_explanation"] {
			t.Errorf("%s: the calculator says %v (%v), the case %v (%v)", when, calc["due_at"], calc["explanation"], s["due_at"], s["due_explanation"])
		}
		if got := strings.Contains(s["due_explanation"].(string), "no official holiday schedule for 2028"); got != want {
			t.Errorf("%s: the case's explanation warns: %t: %v", when, got, s["due_explanation"])
		}
		return d
	}
	if y := years(); y["2027"] != "builtin" || y["2028"] != "none" {
		t.Errorf("years before loading: %v", y)
	}
	before := warned("without 2028's data", true)
	if before["due_at"] != "2028-01-06T15:59:59Z" {
		t.Errorf("7wd from 2027-12-28 without 2028's data: %v", before["due_at"])
	}
	caseBefore := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)["due_at"].(string)

	// Bad schedules: each refused with its code, nothing loaded.
	for _, bad := range []struct {
		path  string
		body  any
		field string
		code  string
	}{
		{"/api/v1/calendar/years/2028", map[string]any{"days_off": []string{"2028-02-30"}}, "days_off[0]", "day_format"},
		{"/api/v1/calendar/years/2028", map[string]any{"days_off": []string{"2028-01-01", "2028/01/02"}}, "days_off[1]", "day_format"},
		{"/api/v1/calendar/years/2028", map[string]any{"days_off": []string{"2028-01-01"}, "working_days": []string{"2028-01-01"}}, "working_days[0]", "day_off_and_working"},
		{"/api/v1/calendar/years/2028", map[string]any{"days_off": []string{"2029-01-01"}}, "days_off[0]", "day_outside_year"},
		{"/api/v1/calendar/years/2028", map[string]any{"days_off": []string{}}, "days_off", "required"},
		{"/api/v1/calendar/years/1999", map[string]any{"days_off": []string{"1999-01-01"}}, "year", "year_out_of_range"},
		{"/api/v1/calendar/years/20x8", map[string]any{"days_off": []string{"2028-01-01"}}, "year", "year_format"},
	} {
		r := c.do("PUT", bad.path, bad.body)
		if r.status != 422 {
			t.Errorf("%s %v: %d %s", bad.path, bad.body, r.status, r.body)
			continue
		}
		errs := r.json(t)["errors"].([]any)
		if f := errs[0].(map[string]any); f["field"] != bad.field || f["code"] != bad.code {
			t.Errorf("%s %v: %v", bad.path, bad.body, errs)
		}
	}
	if r := c.do("PUT", "/api/v1/calendar/years/2028", `{"days_off": ["2028-01-01"`); r.status != 400 || r.json(t)["code"] != "malformed_json" {
		t.Errorf("malformed body: %d %s", r.status, r.body)
	}
	if y := years(); y["2028"] != "none" {
		t.Errorf("a refused schedule was loaded: %v", y)
	}
	warned("after the refusals", true)

	// The State Council's 2028 notice: 1 to 3 January off.
	got := c.must(200, "PUT", "/api/v1/calendar/years/2028", map[string]any{
		"days_off": []string{"2028-01-01", "2028-01-02", "2028-01-03"}, "working_days": []string{}, "note": "元旦"})
	if got["source"] != "loaded" || len(got["days_off"].([]any)) != 3 {
		t.Errorf("loaded: %v", got)
	}
	if y := years(); y["2028"] != "loaded" {
		t.Errorf("years after loading: %v", y)
	}
	after := c.must(200, "GET", fixed, nil)
	if after["due_at"] != "2028-01-07T15:59:59Z" || len(after["warnings"].([]any)) != 0 {
		t.Errorf("7wd from 2027-12-28 with 2028's schedule: %v", after)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		if s["due_at"] != caseBefore {
			if s["due_at"].(string) <= caseBefore || !has(types(s), "deadlines_recomputed") {
				t.Errorf("the case's due moved from %s to %v", caseBefore, s["due_at"])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the open case did not recompute its deadline with 2028's schedule")
		}
	}
	warned("with 2028's schedule", false)

	// The calendar page shows the years and loads one from its form.
	web := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	status, body := web.get("/ui/calendar")
	if status != 200 || !strings.Contains(body, `id="year-2028"`) || !strings.Contains(body, "已录入") {
		t.Fatalf("calendar page: %d", status)
	}
	status, body = web.post("/ui/calendar/years", url.Values{"year": {"2029"}, "days_off": {"2029-01-01\n2029-02-30"}})
	if status != 422 || !strings.Contains(body, "2029-02-30") {
		t.Errorf("a bad date on the form: %d", status)
	}
	status, body = web.post("/ui/calendar/years", url.Values{"year": {"2029"}, "days_off": {"2029-01-01\n2029-02-12~2029-02-18"},
		"working_days": {"2029-02-10"}, "note": {"国办发明电"}})
	if status != 200 || !strings.Contains(body, "2029 年节假日安排已录入") {
		t.Errorf("the form: %d %.300s", status, body)
	}
	if y := years(); y["2029"] != "loaded" {
		t.Errorf("years after the form: %v", y)
	}
	d := c.must(200, "GET", "/api/v1/calendar/days?from=2029-02-09&to=2029-02-13", nil)["days"].([]any)
	if d[1].(map[string]any)["working"] != true || d[3].(map[string]any)["working"] != false {
		t.Errorf("2029 as loaded from the form: %v", d)
	}
}

// TestDutyRecordsAndCommendation: inspections and group meetings are
// recorded with their attendees, findings and opinions (linked to the
// suggestions they became), bad records are refused with a code and store
// nothing, and the year's commendation scores them by the policy's rule;
// visits_per_month is the policy's in the monthly reminder too.
func TestDutyRecordsAndCommendation(t *testing.T) {
	c := startApp(t, "visits_per_month: 1\ngroup_meeting_every: P1Y\ncommendation:\n  min_months_met: 1\n  deputies: 1\n")
	ctx := context.Background()
	lead, co, _, _ := c.setup() // both in 第一组
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006")
	held := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	c.must(201, "POST", "/api/v1/deputies/"+lead+"/visits", map[string]any{"visited_at": held, "opinions": []map[string]any{{"content": "路灯坏了"}}})
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)

	gm := c.must(201, "POST", "/api/v1/group-meetings", map[string]any{"held_at": held, "place": "村委会", "group": "第一组",
		"attendee_ids": []string{lead, co, lead}, "others": []string{"张镇长"}, "findings": "汇总本季度意见",
		"opinions": []map[string]any{{"content": "三组电压不足", "deputy_id": co}}})
	if att := gm["attendee_ids"].([]any); len(att) != 2 || gm["kind"] != "group_meeting" {
		t.Errorf("group meeting: %v", gm)
	}
	opinion := gm["opinions"].([]any)[0].(map[string]any)["id"].(string)
	c.must(200, "PUT", "/api/v1/opinions/"+opinion, map[string]any{"suggestion_id": id})
	c.must(201, "POST", "/api/v1/inspections", map[string]any{"held_at": held, "place": "三组现场", "attendee_ids": []string{lead},
		"suggestion_ids": []string{id}, "findings": "线路改造已开工"})

	for _, bad := range []struct {
		path  string
		body  map[string]any
		field string
		code  string
	}{
		{"/api/v1/group-meetings", map[string]any{"held_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "place": "p", "group": "第一组"}, "held_at", "held_in_future"},
		{"/api/v1/group-meetings", map[string]any{"held_at": held, "place": "p", "group": "第九组"}, "group", "unknown_group"},
		{"/api/v1/group-meetings", map[string]any{"held_at": held, "place": "p"}, "group", "required"},
		{"/api/v1/group-meetings", map[string]any{"held_at": held, "place": "p", "group": "第一组", "attendee_ids": []string{"dp_nobody"}}, "attendee_ids", "no_such_id"},
		{"/api/v1/inspections", map[string]any{"held_at": held, "place": "p", "suggestion_ids": []string{"sg_nothing"}}, "suggestion_ids", "no_such_id"},
		{"/api/v1/inspections", map[string]any{"held_at": held, "place": "p", "group": "第一组"}, "group", "unknown_field"},
		{"/api/v1/inspections", map[string]any{"held_at": "yesterday", "place": "p"}, "body", "unreadable"},
		{"/api/v1/inspections", map[string]any{"held_at": held}, "place", "required"},
	} {
		r := c.do("POST", bad.path, bad.body)
		if r.status != 422 {
			t.Errorf("%s %v: %d %s", bad.path, bad.body, r.status, r.body)
			continue
		}
		if f := r.json(t)["errors"].([]any)[0].(map[string]any); f["field"] != bad.field || f["code"] != bad.code {
			t.Errorf("%s %v: %s", bad.path, bad.body, r.body)
		}
	}
	meetings := c.must(200, "GET", "/api/v1/group-meetings?year="+year, nil)
	if meetings["total"].(float64) != 1 {
		t.Fatalf("a refused record was stored: %v", meetings)
	}
	if o := meetings["items"].([]any)[0].(map[string]any)["opinions"].([]any)[0].(map[string]any); o["suggestion_id"] != id {
		t.Errorf("the opinion is not linked to its suggestion: %v", o)
	}
	if got := c.must(200, "GET", "/api/v1/inspections?year="+year+"&deputy_id="+lead, nil); got["total"].(float64) != 1 {
		t.Errorf("the lead's inspections: %v", got)
	}
	if got := c.must(200, "GET", "/api/v1/inspections?year="+year+"&deputy_id="+co, nil); got["total"].(float64) != 0 {
		t.Errorf("co's inspections: %v", got)
	}
	rec := c.must(200, "GET", "/api/v1/deputies/"+lead+"/record?year="+year, nil)
	if rec["group_meetings"].(float64) != 1 || rec["inspections"].(float64) != 1 {
		t.Errorf("the lead's record: %v", rec)
	}

	// The lead: 1 visit + 1 opinion + 5 (led) + 3 (meeting) + 3
	// (inspection) = 13, 1 month at the floor of 1: commended. Co: 3
	// (meeting) + 3 (an opinion that became a suggestion) = 6, no month
	// at the floor: not eligible. The group met in the year's one period.
	cm := c.must(200, "GET", "/api/v1/commendations?year="+year, nil)
	deps := cm["deputies"].([]any)
	first, second := deps[0].(map[string]any), deps[1].(map[string]any)
	if first["id"] != lead || first["score"].(float64) != 13 || first["commended"] != true || second["id"] != co ||
		second["score"].(float64) != 6 || second["eligible"] != false || second["reason"] == "" {
		t.Errorf("deputies: %v", deps)
	}
	cg := cm["commended_groups"].([]any)
	if len(cg) != 1 || cg[0].(map[string]any)["id"] != "第一组" || cm["visits_per_month"].(float64) != 1 || cm["group_meeting_every"] != "P1Y" {
		t.Errorf("commendation: %v", cm)
	}
	if r := c.do("GET", "/api/v1/commendations?year=20x6", nil); r.status != 422 {
		t.Errorf("a bad year: %d", r.status)
	}

	// The yearly cadence scores last year and tells the presidium; the
	// monthly visit check reminds by the policy's floor.
	for _, kind := range []string{contract.CadenceCommendation, contract.CadenceVisitCheck} {
		run, err := c.app.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "duties-" + kind, TaskQueue: contract.TaskQueue},
			contract.CadenceWorkflowName, contract.CadenceInput{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		var res contract.CadenceResult
		if err := run.Get(ctx, &res); err != nil {
			t.Fatalf("cadence %s: %v", kind, err)
		}
		if kind == contract.CadenceCommendation && (res.Notices != 1 || c.must(200, "GET", "/api/v1/reports/"+res.ReportID, nil)["kind"] != kind) {
			t.Errorf("commendation cadence: %+v", res)
		}
	}
	msgs := c.must(200, "GET", "/api/v1/messages?page_size=100", nil)["items"].([]any)
	var commended, reminded bool
	for _, m := range msgs {
		m := m.(map[string]any)
		switch m["kind"] {
		case "deputies_commended":
			commended = strings.Contains(m["body"].(string), "拟表彰代表")
		case "visit_reminder":
			reminded = strings.Contains(m["body"].(string), "少于每月1次")
		}
	}
	if !commended || !reminded {
		t.Errorf("notices: commended %t, reminded by the policy's floor %t", commended, reminded)
	}
}
