package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
)

const (
	cadenceActivityTimeout    = 10 * time.Minute
	recomputeActivityDuration = 30 * time.Minute
)

// CadenceWorkflow runs one round of recurring work at the time the schedule
// fired: the activity reads the database, writes the report and queues the
// notices, idempotently for that kind and period.
func CadenceWorkflow(ctx workflow.Context, in contract.CadenceInput) (contract.CadenceResult, error) {
	ctx = workflow.WithActivityOptions(activityOptions(ctx), workflow.ActivityOptions{StartToCloseTimeout: cadenceActivityTimeout})
	var out contract.CadenceResult
	err := workflow.ExecuteActivity(ctx, contract.ActivityRunCadence, in.Kind, now(ctx)).Get(ctx, &out)
	if err != nil {
		return out, fmt.Errorf("cadence %s: %w", in.Kind, err)
	}
	return out, nil
}

// RecomputeDeadlinesWorkflow tells every open case that the calendar
// changed, so each recomputes its working-day deadlines.
func RecomputeDeadlinesWorkflow(ctx workflow.Context, in contract.RecomputeInput) (int, error) {
	ctx = workflow.WithActivityOptions(activityOptions(ctx), workflow.ActivityOptions{StartToCloseTimeout: recomputeActivityDuration,
		HeartbeatTimeout: time.Minute})
	var n int
	err := workflow.ExecuteActivity(ctx, contract.ActivitySignalOpenCases, in.Overrides, in.Years).Get(ctx, &n)
	return n, err
}
