// Package worker runs the workflows and activities on the task queue.
package worker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"suggestflow/activities"
	"suggestflow/contract"
	"suggestflow/workflows"
)

// New builds a worker with every workflow and activity registered under
// its durable name.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, contract.TaskQueue, sdkworker.Options{})
	Register(w, acts)
	return w
}

// SizeCache bounds the SDK's workflow cache to n cases. Cases wait for
// months; keeping every one of them in memory buys little, and an evicted
// case replays its short history when it wakes. It must run before any
// worker in the process is created, the embedded server's included.
func SizeCache(n int) { sdkworker.SetStickyWorkflowCacheSize(n) }

// Register adds the workflows and activities to any registry (a worker, a
// test environment or a replayer).
func Register(r interface {
	RegisterWorkflowWithOptions(interface{}, workflow.RegisterOptions)
	RegisterActivityWithOptions(interface{}, activity.RegisterOptions)
}, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.SuggestionWorkflow, workflow.RegisterOptions{Name: contract.SuggestionWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.MeetingWorkflow, workflow.RegisterOptions{Name: contract.MeetingWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.CadenceWorkflow, workflow.RegisterOptions{Name: contract.CadenceWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.RecomputeDeadlinesWorkflow, workflow.RegisterOptions{Name: contract.RecomputeWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.OutboxWorkflow, workflow.RegisterOptions{Name: contract.OutboxWorkflowName})
	if acts != nil {
		r.RegisterActivityWithOptions(acts.CreateSuggestion, activity.RegisterOptions{Name: contract.ActivityCreateSuggestion})
		r.RegisterActivityWithOptions(acts.Record, activity.RegisterOptions{Name: contract.ActivityRecord})
		r.RegisterActivityWithOptions(acts.RunCadence, activity.RegisterOptions{Name: contract.ActivityRunCadence})
		r.RegisterActivityWithOptions(acts.SignalOpenCases, activity.RegisterOptions{Name: contract.ActivitySignalOpenCases})
		r.RegisterActivityWithOptions(acts.RunDispatcher, activity.RegisterOptions{Name: contract.ActivityDispatcher})
	}
}

// EnsureSchedules creates the presidium's recurring schedules, or brings
// existing ones up to the policy's cron and time zone. It is safe to run
// from every worker at every start.
func EnsureSchedules(ctx context.Context, c client.Client, crons map[string]string, timezone string) error {
	kinds := make([]string, 0, len(crons))
	for k := range crons {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		spec := client.ScheduleSpec{CronExpressions: []string{crons[kind]}, TimeZoneName: timezone}
		// The server keeps a cron as calendar entries; the note keeps the
		// expression, so a start can tell whether the policy changed it.
		note := scheduleNote(crons[kind], timezone)
		id := ScheduleID(kind)
		_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID:   id,
			Spec: spec,
			Note: note,
			Action: &client.ScheduleWorkflowAction{
				ID: "cadence-" + kind, Workflow: contract.CadenceWorkflowName, TaskQueue: contract.TaskQueue,
				Args: []interface{}{contract.CadenceInput{Kind: kind}},
			},
			// A run missed while everything was down still happens once.
			CatchupWindow: 7 * 24 * time.Hour,
		})
		if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			h := c.ScheduleClient().GetHandle(ctx, id)
			err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
				sched := in.Description.Schedule
				if sched.State != nil && sched.State.Note == note {
					return nil, temporal.ErrSkipScheduleUpdate
				}
				sched.Spec = &spec
				if sched.State == nil {
					sched.State = &client.ScheduleState{}
				}
				sched.State.Note = note
				return &client.ScheduleUpdate{Schedule: &sched}, nil
			}})
		}
		if err != nil {
			return fmt.Errorf("schedule %s: %w", kind, err)
		}
	}
	return nil
}

func scheduleNote(cron, timezone string) string { return "cron " + cron + " in " + timezone }

// ScheduleID is the id of a cadence's schedule.
func ScheduleID(kind string) string { return "suggestflow-" + kind }

// EnsureDispatcher starts the outbox dispatcher unless it runs already.
func EnsureDispatcher(ctx context.Context, c client.Client) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: contract.OutboxWorkflowID, TaskQueue: contract.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, contract.OutboxWorkflowName)
	if err != nil {
		return fmt.Errorf("start the outbox dispatcher: %w", err)
	}
	return nil
}
