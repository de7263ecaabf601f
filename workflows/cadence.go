package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"suggestflow/holiday"
)

// Cadence kinds: the presidium's recurring work, each run by a Temporal
// Schedule (DOMAIN.md section 4).
const (
	CadenceProgressHearing = "progress_hearing"
	CadenceSiteInspection  = "site_inspection"
	CadenceGroupMeetings   = "group_meetings"
	CadenceUnitEvaluation  = "unit_evaluation"
	CadencePublicBoard     = "public_board"
	CadenceYearlyRanking   = "yearly_ranking"
	CadenceVisitCheck      = "visit_check"
)

// CadenceKinds lists every cadence.
var CadenceKinds = []string{CadenceProgressHearing, CadenceSiteInspection, CadenceGroupMeetings,
	CadenceUnitEvaluation, CadencePublicBoard, CadenceYearlyRanking, CadenceVisitCheck}

// Workflow and activity names of the cadence.
const (
	CadenceWorkflowName       = "Cadence"
	RecomputeWorkflowName     = "RecomputeDeadlines"
	ActivityRunCadence        = "RunCadence"
	ActivitySignalOpenCases   = "SignalOpenCases"
	SignalCalendar            = "calendar"
	cadenceActivityTimeout    = 10 * time.Minute
	recomputeActivityDuration = 30 * time.Minute
)

// CadenceInput names the work a schedule starts.
type CadenceInput struct {
	Kind string `json:"kind"`
}

// CadenceResult says what a run produced.
type CadenceResult struct {
	Kind     string `json:"kind"`
	Period   string `json:"period"`
	ReportID string `json:"report_id"`
	Notices  int    `json:"notices"`
}

// CadenceWorkflow runs one round of recurring work at the time the schedule
// fired: the activity reads the database, writes the report and queues the
// notices, idempotently for that kind and period.
func CadenceWorkflow(ctx workflow.Context, in CadenceInput) (CadenceResult, error) {
	ctx = workflow.WithActivityOptions(activityOptions(ctx), workflow.ActivityOptions{StartToCloseTimeout: cadenceActivityTimeout})
	var out CadenceResult
	err := workflow.ExecuteActivity(ctx, ActivityRunCadence, in.Kind, now(ctx)).Get(ctx, &out)
	if err != nil {
		return out, fmt.Errorf("cadence %s: %w", in.Kind, err)
	}
	return out, nil
}

// RecomputeInput carries a changed working-day calendar to the open cases.
type RecomputeInput struct {
	Overrides []holiday.Override `json:"overrides"`
}

// RecomputeDeadlinesWorkflow tells every open case that the calendar
// changed, so each recomputes its working-day deadlines.
func RecomputeDeadlinesWorkflow(ctx workflow.Context, in RecomputeInput) (int, error) {
	ctx = workflow.WithActivityOptions(activityOptions(ctx), workflow.ActivityOptions{StartToCloseTimeout: recomputeActivityDuration,
		HeartbeatTimeout: time.Minute})
	var n int
	err := workflow.ExecuteActivity(ctx, ActivitySignalOpenCases, in.Overrides).Get(ctx, &n)
	return n, err
}
