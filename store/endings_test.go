package store

import (
	"context"
	"testing"
	"time"

	"suggestflow/domain"
)

// TestEndingsAndMergeCandidates: the cases closed without feedback in a
// period with their judgements (a new judgement replaces the old, each
// one a line of the timeline), and the cases of a category that may still
// take in a merge.
func TestEndingsAndMergeCandidates(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		put := func(id string, mod func(*domain.Suggestion)) {
			sg := suggestion(id, "dp_1", at)
			sg.Category = "基础设施"
			number, err := s.CreateSuggestion(ctx, sg, 2026)
			if err != nil {
				t.Fatal(err)
			}
			sg.Number, sg.Seq = number, 1
			mod(&sg)
			if err := s.Record(ctx, domain.Step{Suggestion: &sg}, nil); err != nil {
				t.Fatal(err)
			}
		}
		closed := at.Add(100 * 24 * time.Hour)
		closeAs := func(as string) func(*domain.Suggestion) {
			return func(sg *domain.Suggestion) {
				sg.Status, sg.ClosedAs, sg.ClosedAt = domain.StatusClosed, as, &closed
				sg.Assignment = &domain.Assignment{LeadUnitID: "un_1"}
			}
		}
		put("sg_nf", closeAs(domain.ClosedNoFeedback))
		put("sg_sat", closeAs(domain.ClosedSatisfied))
		put("sg_open", func(sg *domain.Suggestion) { sg.Status = domain.StatusAccepted })
		put("sg_sub", func(*domain.Suggestion) {})
		put("sg_handling", func(sg *domain.Suggestion) { sg.Status = domain.StatusHandling })

		year := Period{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
		endings, err := s.NoFeedbackEndings(ctx, year)
		if err != nil || len(endings) != 1 || endings[0].ID != "sg_nf" {
			t.Fatalf("endings: %v %v", endings, err)
		}
		for i, valid := range []bool{true, false} {
			r := domain.EndingReview{ValidReason: valid, Reason: "理由", JudgedBy: domain.Actor{ID: "ac_1", Role: "staff"}, JudgedAt: closed.Add(time.Duration(i) * time.Hour)}
			ev := domain.Event{ID: "sg_nf-er" + string(rune('a'+i)), SuggestionID: "sg_nf", At: r.JudgedAt, Actor: r.JudgedBy, Type: "ending_reviewed"}
			if err := s.SaveEndingReview(ctx, "sg_nf", r, ev); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.EndingReview(ctx, "sg_nf")
		if err != nil || got == nil || got.ValidReason || got.JudgedBy.Role != "staff" {
			t.Fatalf("the latest judgement: %+v %v", got, err)
		}
		if none, err := s.EndingReview(ctx, "sg_sat"); err != nil || none != nil {
			t.Errorf("a case without a judgement: %+v %v", none, err)
		}
		if tl, _ := s.Timeline(ctx, "sg_nf"); len(tl) != 2 {
			t.Errorf("judgements in the timeline: %d", len(tl))
		}

		candidates, err := s.BeforeAssignment(ctx, "基础设施", "sg_sub", 10)
		if err != nil || len(candidates) != 1 || candidates[0].ID != "sg_open" || candidates[0].Status != domain.StatusAccepted {
			t.Errorf("merge candidates: %+v %v", candidates, err)
		}
	})
}
