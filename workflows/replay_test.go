package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
)

// TestReplayRecordedHistories replays the histories recorded from real
// runs (testdata/*.json, written by the app tests with
// SUGGESTFLOW_RECORD_HISTORIES set). A change to workflow code that would
// break a case already running fails here: put such a change behind
// workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("expected recorded histories in testdata, found %d", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(SuggestionWorkflow, workflow.RegisterOptions{Name: contract.SuggestionWorkflowName})
			r.RegisterWorkflowWithOptions(MeetingWorkflow, workflow.RegisterOptions{Name: contract.MeetingWorkflowName})
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}
