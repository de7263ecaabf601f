package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// The outbox dispatcher: one per namespace, started by every worker.
const (
	OutboxWorkflowName  = "Outbox"
	OutboxWorkflowID    = "suggestflow-outbox"
	ActivityDispatcher  = "RunDispatcher"
	dispatcherRun       = 5 * time.Minute
	dispatchersPerChain = 100
)

// DispatchResult counts what a dispatcher run did.
type DispatchResult struct {
	Sent     int `json:"sent"`
	Failed   int `json:"failed"`
	Retrying int `json:"retrying"`
}

// OutboxWorkflow keeps a dispatcher activity running: each run polls the
// outbox for a few minutes and heartbeats, so a dead worker's run moves to
// another worker. The chain continues as new to keep its history short.
func OutboxWorkflow(ctx workflow.Context) (DispatchResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: dispatcherRun + time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	var total DispatchResult
	for i := 0; i < dispatchersPerChain; i++ {
		var res DispatchResult
		if err := workflow.ExecuteActivity(ctx, ActivityDispatcher, dispatcherRun).Get(ctx, &res); err != nil {
			return total, err
		}
		total.Sent += res.Sent
		total.Failed += res.Failed
		total.Retrying += res.Retrying
	}
	return total, workflow.NewContinueAsNewError(ctx, OutboxWorkflowName)
}
