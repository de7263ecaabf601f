package stickyhistory_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/grpc"

	"suggestflow/embedded"
	"suggestflow/stickyhistory"
)

// counter waits forever and counts the updates it takes.
func counter(ctx workflow.Context) error {
	n := 0
	if err := workflow.SetUpdateHandler(ctx, "bump", func(ctx workflow.Context) (int, error) {
		n++
		return n, nil
	}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// failedTasksAfterEviction sends an update to a case the worker's cache
// lost (the cache holds one case and another took the place), and counts
// the workflow tasks that failed on the way.
func failedTasksAfterEviction(t *testing.T, addr, queue string, dial ...grpc.DialOption) int {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: "default", Logger: quiet,
		ConnectionOptions: client.ConnectionOptions{DialOptions: dial}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	w := sdkworker.New(c, queue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(counter, workflow.RegisterOptions{Name: "counter"})
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bump := func(id string) {
		t.Helper()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: "bump", WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatalf("update %s: %v", id, err)
		}
	}
	a, b := queue+"-a", queue+"-b"
	for _, id := range []string{a, b} {
		if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, "counter"); err != nil {
			t.Fatalf("start %s: %v", id, err)
		}
	}
	bump(a)
	bump(b) // takes a's place in the cache
	bump(a) // a speculative task on a's sticky queue, a no longer cached
	failed := 0
	it := c.GetWorkflowHistory(ctx, a, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", a, err)
		}
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED {
			failed++
		}
	}
	return failed
}

// TestUpdateOfAnEvictedCaseDoesNotFailItsTask: without the splicer the
// server of the pinned version makes the task fail (the first half shows
// the fault is there, so the second half can fail); with it the update
// runs in its first task.
func TestUpdateOfAnEvictedCaseDoesNotFailItsTask(t *testing.T) {
	// The SDK's cache is the process's and takes its size when the first
	// worker starts, the server's own system workers included: this test
	// has a package (a test binary) of its own so that it is the first, and
	// sets the size before it starts a server. Run after another test that
	// started a server, the cache has the SDK's default size (10,000) and
	// the fault hides.
	sdkworker.SetStickyWorkflowCacheSize(1)
	srv, err := embedded.Start(embedded.Options{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Namespace: "default", Logger: discard})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	defer srv.Stop()
	// On a loaded machine a task may miss the sticky queue and come with
	// the whole history, which shows nothing: a few rounds each.
	const rounds = 5
	plain := 0
	for i := 0; i < rounds && plain == 0; i++ {
		plain += failedTasksAfterEviction(t, srv.Address, fmt.Sprintf("plain%d", i))
	}
	if plain == 0 {
		t.Fatalf("without the splicer no workflow task failed in %d rounds: the server no longer has the fault (or the cache is not of one case), so this test proves nothing", rounds)
	}
	splicer := stickyhistory.New()
	for i := 0; i < rounds; i++ {
		if n := failedTasksAfterEviction(t, srv.Address, fmt.Sprintf("spliced%d", i), splicer.DialOption()); n != 0 {
			t.Errorf("with the splicer %d workflow tasks failed in round %d", n, i)
		}
	}
}

// discard and quiet drop the logs of the server and of the SDK's client.
var (
	discard = slog.New(slog.NewTextHandler(io.Discard, nil))
	quiet   = sdklog.NewStructuredLogger(discard)
)
