package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
)

// The outbox dispatcher: one per namespace, started by every worker.
const (
	dispatcherRun       = 5 * time.Minute
	dispatchersPerChain = 100
)

// OutboxWorkflow keeps a dispatcher activity running: each run polls the
// outbox for a few minutes and heartbeats, so a dead worker's run moves to
// another worker. The chain continues as new to keep its history short.
func OutboxWorkflow(ctx workflow.Context) (contract.DispatchResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: dispatcherRun + time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	var total contract.DispatchResult
	for i := 0; i < dispatchersPerChain; i++ {
		var res contract.DispatchResult
		if err := workflow.ExecuteActivity(ctx, contract.ActivityDispatcher, dispatcherRun).Get(ctx, &res); err != nil {
			return total, err
		}
		total.Sent += res.Sent
		total.Failed += res.Failed
		total.Retrying += res.Retrying
	}
	return total, workflow.NewContinueAsNewError(ctx, contract.OutboxWorkflowName)
}
