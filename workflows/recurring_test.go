package workflows

import (
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
