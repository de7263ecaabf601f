// Package worker runs the workflows and activities on the task queue.
package worker

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"suggestflow/activities"
	"suggestflow/workflows"
)

// New builds a worker with every workflow and activity registered under
// its durable name.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{})
	Register(w, acts)
	return w
}

// Register adds the workflows and activities to any registry (a worker, a
// test environment or a replayer).
func Register(r interface {
	RegisterWorkflowWithOptions(interface{}, workflow.RegisterOptions)
	RegisterActivityWithOptions(interface{}, activity.RegisterOptions)
}, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.SuggestionWorkflow, workflow.RegisterOptions{Name: workflows.SuggestionWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.MeetingWorkflow, workflow.RegisterOptions{Name: workflows.MeetingWorkflowName})
	if acts != nil {
		r.RegisterActivityWithOptions(acts.CreateSuggestion, activity.RegisterOptions{Name: workflows.ActivityCreateSuggestion})
		r.RegisterActivityWithOptions(acts.Record, activity.RegisterOptions{Name: workflows.ActivityRecord})
	}
}
