package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The bare workloads run on their own task queue with their own worker, on
// the same Temporal server and client as the application: they are the
// ceiling the application's figures are compared with.
const (
	bareQueue      = "bench-bare"
	bareNoop       = "BenchNoop"
	bareTimer      = "BenchTimer"
	bareActivity   = "BenchActivity"
	bareUpdatable  = "BenchUpdatable"
	bareUpdate     = "noop"
	bareStartTO    = 10 * time.Second
	bareActivityTO = time.Minute
)

// bareRan holds when each bare timer workflow's activity ran, so that the
// burst is watched without a thousand long polls on the server.
var bareRan sync.Map

func registerBare(w sdkworker.Worker) {
	w.RegisterWorkflowWithOptions(func(ctx workflow.Context) error { return nil }, workflow.RegisterOptions{Name: bareNoop})
	w.RegisterWorkflowWithOptions(timerWorkflow, workflow.RegisterOptions{Name: bareTimer})
	w.RegisterWorkflowWithOptions(updatableWorkflow, workflow.RegisterOptions{Name: bareUpdatable})
	w.RegisterActivityWithOptions(func(ctx context.Context) (time.Time, error) {
		t := time.Now()
		if info := activity.GetInfo(ctx); info.WorkflowExecution.ID != "" {
			bareRan.Store(info.WorkflowExecution.ID, t)
		}
		return t, nil
	}, activity.RegisterOptions{Name: bareActivity})
}

// timerResult is when the bare timer fired (workflow time) and when its
// activity ran (wall clock).
type timerResult struct {
	Fired time.Time `json:"fired"`
	Ran   time.Time `json:"ran"`
}

// timerWorkflow sleeps until one instant, then runs one activity: the
// workload of the ARCHITECTURE.md baseline.
func timerWorkflow(ctx workflow.Context, at time.Time) (timerResult, error) {
	if d := at.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return timerResult{}, err
		}
	}
	res := timerResult{Fired: workflow.Now(ctx)}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: bareActivityTO})
	err := workflow.ExecuteActivity(ctx, bareActivity).Get(ctx, &res.Ran)
	return res, err
}

// updatableWorkflow takes one no-op update and ends: the bare shape of
// the application's intake (Update-With-Start, answered once the update
// has completed).
func updatableWorkflow(ctx workflow.Context) error {
	done := false
	if err := workflow.SetUpdateHandler(ctx, bareUpdate, func(ctx workflow.Context) error {
		done = true
		return nil
	}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return done })
}

// bareUpdateWithStart measures Update-With-Start of a no-op update, waiting
// for the update to complete, with conc callers.
func (e *env) bareUpdateWithStart(ctx context.Context, n, conc int) (float64, lat, error) {
	durs := make([]time.Duration, n)
	start := time.Now()
	errs := parallel(ctx, n, conc, func(i int) error {
		t := time.Now()
		uctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		op := e.tc.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID: fmt.Sprintf("bench-uws-%s-%d", e.tag, i), TaskQueue: bareQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}, bareUpdatable)
		h, err := e.tc.UpdateWithStartWorkflow(uctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: op,
			UpdateOptions: client.UpdateWorkflowOptions{UpdateName: bareUpdate, WaitForStage: client.WorkflowUpdateStageCompleted}})
		if err == nil {
			err = h.Get(uctx, nil)
		}
		durs[i] = time.Since(t)
		return err
	})
	elapsed := time.Since(start)
	if len(errs) > 0 {
		return 0, lat{}, fmt.Errorf("%d of %d failed: %s", len(errs), n, firstErrors(errs, 3))
	}
	return float64(n) / elapsed.Seconds(), stats(durs), nil
}

// bareStarts measures client.ExecuteWorkflow of a no-op workflow with
// conc starters, then waits until every one has completed.
func (e *env) bareStarts(ctx context.Context, n, conc int) (rate float64, l lat, err error) {
	runs := make([]client.WorkflowRun, n)
	durs := make([]time.Duration, n)
	start := time.Now()
	errs := parallel(ctx, n, conc, func(i int) error {
		t := time.Now()
		sctx, cancel := context.WithTimeout(ctx, bareStartTO)
		defer cancel()
		run, err := e.tc.ExecuteWorkflow(sctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("bench-noop-%s-%d", e.tag, i), TaskQueue: bareQueue}, bareNoop)
		durs[i] = time.Since(t)
		runs[i] = run
		return err
	})
	elapsed := time.Since(start)
	if len(errs) > 0 {
		return 0, lat{}, fmt.Errorf("%d of %d bare starts failed: %s", len(errs), n, firstErrors(errs, 3))
	}
	// Let them all finish before anything else is measured.
	t := time.Now()
	werrs := parallel(ctx, n, 64, func(i int) error { return runs[i].Get(ctx, nil) })
	if len(werrs) > 0 {
		return 0, lat{}, fmt.Errorf("%d bare workflows failed: %s", len(werrs), firstErrors(werrs, 3))
	}
	logf("  bare no-op workflows all completed %s after the last start", secs(time.Since(t)))
	return float64(n) / elapsed.Seconds(), stats(durs), nil
}

// bareBurstPhase starts K timer workflows that all wake at one instant and
// then run one activity, as in the ARCHITECTURE.md table.
func (e *env) bareBurstPhase(ctx context.Context) {
	k, conc := e.o.burst, e.o.conc
	rate := e.bareRate
	if rate <= 0 {
		rate = 100
	}
	est := time.Duration(float64(k) / rate * float64(time.Second))
	at := time.Now().Add(est*3/2 + 5*time.Second).Truncate(time.Second).Add(time.Second)
	logf("bare burst: %d timer workflows, all due at %s (in %s)", k, at.Format("15:04:05"), secs(time.Until(at)))
	runs := make([]client.WorkflowRun, k)
	var lateStarts int
	var mu sync.Mutex
	errs := parallel(ctx, k, conc, func(i int) error {
		if time.Now().After(at) {
			mu.Lock()
			lateStarts++
			mu.Unlock()
		}
		run, err := e.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("bench-timer-%s-%d", e.tag, i), TaskQueue: bareQueue}, bareTimer, at)
		runs[i] = run
		return err
	})
	if len(errs) > 0 {
		e.rep.fail("bare-burst", "bare Temporal burst", fmt.Errorf("%d starts failed: %s", len(errs), firstErrors(errs, 3)))
		return
	}
	logf("  all started; %s before the instant", secs(time.Until(at)))
	ids := make([]string, k)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench-timer-%s-%d", e.tag, i)
	}
	// Wait until every activity has run (seen in-process), then read the
	// fire times from the results.
	deadline := at.Add(e.o.burstTimeout)
	done := make([]time.Duration, 0, k)
	for {
		n := 0
		for _, id := range ids {
			if _, ok := bareRan.Load(id); ok {
				n++
			}
		}
		if n == k || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, id := range ids {
		if v, ok := bareRan.Load(id); ok {
			done = append(done, v.(time.Time).Sub(at))
		}
	}
	if len(done) < k {
		e.rep.fail("bare-burst", "bare Temporal burst", fmt.Errorf("%d of %d activities ran within %s", len(done), k, e.o.burstTimeout))
		return
	}
	fired := make([]time.Duration, k)
	werrs := parallel(ctx, k, 16, func(i int) error {
		var res timerResult
		if err := runs[i].Get(ctx, &res); err != nil {
			return err
		}
		fired[i] = res.Fired.Sub(at)
		return nil
	})
	if len(werrs) > 0 {
		e.rep.fail("bare-burst", "bare Temporal burst", fmt.Errorf("%d of %d failed: %s", len(werrs), k, firstErrors(werrs, 3)))
		return
	}
	fs, ds := stats(fired), stats(done)
	e.rep.add("bare-burst", fmt.Sprintf("bare Temporal: %d timers at one instant + 1 activity each: all done after", k),
		fmt.Sprintf("%s (p50 %s); timers fired p50 %s, p99 %s late", secs(ds.max), secs(ds.p50), secs(fs.p50), secs(fs.p99)),
		"baseline: 15.8 s (p50 4.1 s)", nil)
	if lateStarts > 0 {
		e.rep.note("bare burst: %d workflows were started after the common instant (starts slower than estimated)", lateStarts)
	}
}
