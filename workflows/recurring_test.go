package workflows

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/holiday"
	"suggestflow/policy"
)

// Each schedule's workflow runs its cadence's activity once, at the time the
// schedule fired, and returns what it produced.
func TestCadenceWorkflowRunsItsKind(t *testing.T) {
	for _, kind := range contract.CadenceKinds {
		t.Run(kind, func(t *testing.T) {
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestWorkflowEnvironment()
			fired := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
			env.SetStartTime(fired)
			var gotKind string
			var gotAt time.Time
			env.RegisterWorkflowWithOptions(CadenceWorkflow, workflow.RegisterOptions{Name: contract.CadenceWorkflowName})
			env.RegisterActivityWithOptions(func(k string, at time.Time) (contract.CadenceResult, error) {
				gotKind, gotAt = k, at
				return contract.CadenceResult{Kind: k, Period: "2026-Q1", ReportID: k + "-2026-Q1", Notices: 3}, nil
			}, activity.RegisterOptions{Name: contract.ActivityRunCadence})
			env.ExecuteWorkflow(contract.CadenceWorkflowName, contract.CadenceInput{Kind: kind})
			var res contract.CadenceResult
			if err := env.GetWorkflowResult(&res); err != nil {
				t.Fatal(err)
			}
			if gotKind != kind || !gotAt.Equal(fired) || res.ReportID != kind+"-2026-Q1" {
				t.Errorf("ran %s at %s: %+v", gotKind, gotAt, res)
			}
		})
	}
}

// A changed calendar reaches an open case: its working-day deadlines move.
func TestCalendarChangeRecomputesDeadlines(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(func(s domain.Suggestion) {
		eq(t, "review due", s.ReviewDueAt, endOfDay(2026, 3, 19))
	})
	h.at(time.Hour)
	h.then(func() {
		// Two local rest days inside the review window.
		h.env.SignalWorkflow(contract.SignalCalendar, contract.RecomputeInput{Overrides: []holiday.Override{
			{Date: "2026-03-12", Working: false, Note: "镇人代会"}, {Date: "2026-03-13", Working: false, Note: "镇人代会"}}})
	})
	h.at(2 * time.Hour)
	h.then(func() {
		s := h.query()
		eq(t, "recomputed review due", s.ReviewDueAt, endOfDay(2026, 3, 23))
	})
	h.at(20 * 24 * time.Hour)
	h.then(h.env.CancelWorkflow)
	h.run()
	if len(h.events("deadlines_recomputed")) != 1 {
		t.Error("no timeline event for the recomputation")
	}
	rem := h.events("review_overdue")
	if len(rem) != 1 {
		t.Fatalf("review reminders: %d", len(rem))
	}
	eq(t, "review reminder at the new due time", rem[0].At, endOfDay(2026, 3, 23))
}

// TestYearWithoutHolidayData: a running case whose deadline is counted
// across a year the built-in data lacks (7 working days from Tuesday 28
// December 2027 into 2028) says so in its explanation; once 2028's
// schedule is loaded (New Year's holiday 1 to 3 January) and sent to it,
// its deadlines move exactly as the calculator's (policy.Due on the same
// calendar) do. A later signal without schedules keeps the loaded one.
func TestYearWithoutHolidayData(t *testing.T) {
	pol := policy.Default()
	pol.ReplyWithin = policy.MustDuration("7wd")
	pol.HolidayData = holiday.DataVersion
	h := newHarness(t, pol)
	from := time.Date(2027, 12, 28, 10, 0, 0, 0, shanghai)
	h.env.SetStartTime(from)
	h.submit(func(s domain.Suggestion) {
		eq(t, "review due without 2028 data", s.ReviewDueAt, endOfDay(2028, 1, 6))
	})
	h.acceptAndAssign(false, func(s domain.Suggestion) {
		eq(t, "reply due without 2028 data", *s.DueAt, endOfDay(2028, 1, 6))
		if s.DueBasis == nil || s.DueBasis.NoData != "2028" || !strings.Contains(s.DueExplanation, "no official holiday schedule for 2028") {
			t.Errorf("no warning about 2028: %q %+v", s.DueExplanation, s.DueBasis)
		}
	})
	y2028 := holiday.Schedule{Year: 2028, DaysOff: []string{"2028-01-01", "2028-01-02", "2028-01-03"}, Note: "元旦"}
	h.at(time.Hour)
	h.then(func() {
		h.env.SignalWorkflow(contract.SignalCalendar, contract.RecomputeInput{Years: []holiday.Schedule{y2028}})
	})
	h.at(2 * time.Hour)
	h.then(func() {
		s := h.query()
		loaded := pol
		loaded.CalendarYears = []holiday.Schedule{y2028}
		calc := loaded.Due(s.RoundStartedAt, pol.ReplyWithin)
		eq(t, "reply due with 2028 loaded", *s.DueAt, endOfDay(2028, 1, 7))
		eq(t, "the calculator on the same calendar", calc.At, *s.DueAt)
		if s.DueExplanation != calc.Explanation || s.DueBasis.NoData != "" || strings.Contains(s.DueExplanation, "no official") {
			t.Errorf("explanation after loading: %q, the calculator's %q", s.DueExplanation, calc.Explanation)
		}
		if s.Status != domain.StatusHandling {
			t.Errorf("status %s", s.Status)
		}
		h.env.SignalWorkflow(contract.SignalCalendar, contract.RecomputeInput{Overrides: []holiday.Override{{Date: "2028-01-04", Working: false, Note: "镇人代会"}}})
	})
	h.at(3 * time.Hour)
	h.then(func() {
		// 29, 30, 31 December, then 5, 6, 7 and 10 January: 2028's
		// schedule still counts beside the new local day.
		eq(t, "reply due with a local day too", *h.query().DueAt, endOfDay(2028, 1, 10))
	})
	h.at(4 * time.Hour)
	h.then(h.env.CancelWorkflow)
	h.run()
	if n := len(h.events("deadlines_recomputed")); n != 2 {
		t.Errorf("%d recomputations on the timeline, want 2", n)
	}
}
