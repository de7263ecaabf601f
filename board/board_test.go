package board

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"suggestflow/domain"
	"suggestflow/store"
)

// The public board lists accepted cases at every later step and referred
// ones, and not those waiting for review, returned at review or merged.
func TestBoardListsAcceptedCasesOnly(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "board.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	statuses := []domain.Status{domain.StatusSubmitted, domain.StatusReturned, domain.StatusAccepted, domain.StatusHandling,
		domain.StatusClosed, domain.StatusReferred, domain.StatusMerged}
	for i, status := range statuses {
		sg := domain.Suggestion{ID: "sg_" + string(status), Title: "建议 " + string(status), Content: "内容", Kind: "suggestion",
			LeadDeputyID: "dp_1", SubmittedIn: "session", Status: domain.StatusSubmitted, SubmittedAt: at.Add(time.Duration(i) * time.Minute)}
		if sg.Number, err = st.CreateSuggestion(ctx, sg, 2026); err != nil {
			t.Fatal(err)
		}
		sg.Seq, sg.Status = 1, status
		if status == domain.StatusReferred {
			sg.Referral = &domain.Referral{To: "县交通运输局", Reason: "县道不属乡镇事权", SentAt: at, ReferredAt: at}
		}
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
	if strings.Join(got, ",") != "accepted,handling,closed,referred" {
		t.Errorf("the board lists %v, want accepted, handling, closed, referred", got)
	}
	if e := entries[len(entries)-1]; e.ReferredTo != "县交通运输局" {
		t.Errorf("the referred case does not say where it went: %+v", e)
	}
}
