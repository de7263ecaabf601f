package board

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"suggestflow/domain"
	"suggestflow/store"
)

// The public board lists accepted cases at every later step, and not those
// waiting for review or returned at review.
func TestBoardListsAcceptedCasesOnly(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "board.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	statuses := []domain.Status{domain.StatusSubmitted, domain.StatusReturned, domain.StatusAccepted, domain.StatusHandling, domain.StatusClosed}
	for i, status := range statuses {
		sg := domain.Suggestion{ID: "sg_" + string(status), Title: "建议 " + string(status), Content: "内容", Kind: "suggestion",
			LeadDeputyID: "dp_1", SubmittedIn: "session", Status: domain.StatusSubmitted, SubmittedAt: at.Add(time.Duration(i) * time.Minute)}
		if sg.Number, err = st.CreateSuggestion(ctx, sg, 2026); err != nil {
			t.Fatal(err)
		}
		sg.Seq, sg.Status = 1, status
		if err := st.Record(ctx, domain.Step{Suggestion: &sg}, nil); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := Entries(ctx, st, store.Period{From: at.Add(-time.Hour), To: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Status)
	}
	if len(got) != 3 || got[0] != "accepted" || got[1] != "handling" || got[2] != "closed" {
		t.Errorf("the board lists %v, want accepted, handling, closed", got)
	}
}
