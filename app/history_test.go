package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// recordHistory writes a finished workflow's history to the replay
// corpus when SUGGESTFLOW_RECORD_HISTORIES names a directory. The
// workflows package replays every file there, so a change that would break
// a running case fails its tests.
// historyShape names the recorded histories of the current workflow code;
// raise it with each released workflow.GetVersion change, so the histories
// of the shapes before it stay in the corpus.
//
// v1: the first release. v2: a called meeting's notice is stored with the
// calling step (versionNoticeInStep). v3: the same commands as v2, with
// timeline events carrying their parameters and due times their basis in
// what the steps record, after the move to one deadline loop. v4: cases
// start under the case rules of contract.RulesVersion 1 (the extension
// cap over all rounds). v5: the workflow takes referrals, referral
// answers and merges (new updates and the merged-in signal, which no
// earlier history holds; a case keeps RulesVersion 1), with a policy
// that carries referral_answer_within; recorded beside the lifecycle ones
// are a referred case answered, a merged case and the case kept by the
// merge. v6: a run records at the assignment (or at its start, when it
// continues an assigned case) whether reply reminders counted in days
// fall at remind_at on a working day, and the rating reminder on its
// last day's morning (versionRemindInWorkHours). v7: intake stores the
// case and its first step, then starts the workflow with that state
// (cases.Submit): no submit update and no local activity in the first
// workflow task. v8: the assignment records versionRemindInWorkHours 2,
// which also says that meetings carry their notice in the calling step
// (an escalation records no versionNoticeInStep marker and upserts no
// search attribute) and that the case starts a called meeting's workflow
// later (startLater): at once when minutes come (the overdue case), or
// by its own timer (suggestion-meeting-started-later, recorded while the
// case still runs).
const historyShape = "v8"

func recordHistory(t *testing.T, c *apiClient, workflowID, name string) {
	dir := os.Getenv("SUGGESTFLOW_RECORD_HISTORIES")
	if dir == "" {
		return
	}
	t.Helper()
	raw, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&historypb.History{Events: history(t, c, workflowID)})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// history reads a workflow's events as the server holds them (payloads
// still encrypted).
func history(t *testing.T, c *apiClient, workflowID string) []*historypb.HistoryEvent {
	t.Helper()
	var events []*historypb.HistoryEvent
	it := c.app.Temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, 0)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return events
}
