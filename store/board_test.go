package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"suggestflow/domain"
)

// The board lists the statuses it is given, and shows each case's current
// round apart from the rounds before it.
func TestBoardListsGivenStatusesAndTheCurrentRound(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		if err := s.CreateUnit(ctx, domain.Unit{ID: "un_1", Name: "供电所"}); err != nil {
			t.Fatal(err)
		}
		record := func(sg domain.Suggestion, step domain.Step) {
			t.Helper()
			step.Suggestion = &sg
			if err := s.Record(ctx, step, nil); err != nil {
				t.Fatal(err)
			}
		}
		create := func(id string, status domain.Status) domain.Suggestion {
			t.Helper()
			sg := suggestion(id, "dp_1", at)
			n, err := s.CreateSuggestion(ctx, sg, 2026)
			if err != nil {
				t.Fatal(err)
			}
			sg.Number, sg.Seq, sg.Status = n, 1, status
			if status != domain.StatusSubmitted && status != domain.StatusAccepted {
				sg.Assignment, sg.Round = &domain.Assignment{LeadUnitID: "un_1"}, 1
			}
			record(sg, domain.Step{})
			return sg
		}
		create("sg_pending", domain.StatusSubmitted)
		create("sg_accepted", domain.StatusAccepted)

		// Round 1: class D, rated unsatisfied; round 2: class A, not rated yet.
		sg := create("sg_again", domain.StatusHandling)
		d := domain.Reply{ID: "sg_again-y1", Round: 1, ResultClass: "D", RepliedAt: at.Add(time.Hour), DueAt: at.Add(48 * time.Hour)}
		no := domain.Rating{ID: "sg_again-g1", Round: 1, DeputyID: "dp_1", Lead: true, Attitude: "satisfied", Result: "unsatisfied", At: at.Add(2 * time.Hour)}
		sg.Seq, sg.Status, sg.Reply, sg.Ratings = 2, domain.StatusReplied, &d, []domain.Rating{no}
		record(sg, domain.Step{Reply: &d, Rating: &no})
		sg.Seq, sg.Status, sg.Round = 3, domain.StatusRehandling, 2
		record(sg, domain.Step{})
		board := func() map[string]BoardEntry {
			t.Helper()
			entries, err := s.Board(ctx, Period{From: at.Add(-time.Hour), To: at.Add(72 * time.Hour)},
				[]string{"accepted", "handling", "replied", "rehandling", "following_up", "closed"})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]BoardEntry{}
			for _, e := range entries {
				out[e.Number] = e
			}
			return out
		}
		rows := board()
		if _, ok := rows["2026-001"]; ok || len(rows) != 2 {
			t.Errorf("the board lists the case waiting for review, or misses one: %+v", rows)
		}
		earlier := []BoardRound{{Round: 1, ResultClass: "D", Satisfaction: "unsatisfied"}}
		again := rows["2026-003"]
		if again.Round != 2 || again.ResultClass != "" || again.Satisfaction != "" || !reflect.DeepEqual(again.EarlierRounds, earlier) {
			t.Errorf("re-handling, before the new reply: %+v", again)
		}
		a := domain.Reply{ID: "sg_again-y2", Round: 2, ResultClass: "A", RepliedAt: at.Add(3 * time.Hour), DueAt: at.Add(60 * time.Hour)}
		sg.Seq, sg.Status, sg.Reply = 4, domain.StatusReplied, &a
		record(sg, domain.Step{Reply: &a})
		again = board()["2026-003"]
		if again.ResultClass != "A" || again.Satisfaction != "" || !reflect.DeepEqual(again.EarlierRounds, earlier) {
			t.Errorf("the new reply (A) beside round 1's rating, or round 1 lost: %+v", again)
		}
		yes := domain.Rating{ID: "sg_again-g2", Round: 2, DeputyID: "dp_1", Lead: true, Attitude: "satisfied", Result: "satisfied", At: at.Add(4 * time.Hour)}
		sg.Seq, sg.Status, sg.Ratings = 5, domain.StatusClosed, append(sg.Ratings, yes)
		record(sg, domain.Step{Rating: &yes})
		if again = board()["2026-003"]; again.ResultClass != "A" || again.Satisfaction != "satisfied" || len(again.EarlierRounds) != 1 {
			t.Errorf("closed satisfied in round 2: %+v", again)
		}
	})
}
