// Package supervision turns stored records into the presidium's periodic
// judgements: a quarter's unit scores and a year's ranking. The cadence
// activities and the API share it.
package supervision

import (
	"context"
	"fmt"
	"time"

	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/store"
)

// EvaluateQuarter scores every unit for a quarter and stores the scores.
func EvaluateQuarter(ctx context.Context, st *store.Store, rules evaluation.Rules, q period.Range, at time.Time) ([]evaluation.Score, error) {
	facts, err := st.QuarterFacts(ctx, q.Label, q)
	if err != nil {
		return nil, err
	}
	scores := make([]evaluation.Score, 0, len(facts))
	for _, f := range facts {
		scores = append(scores, evaluation.ScoreQuarter(rules, f))
	}
	if err := st.SaveScores(ctx, q.Label, scores, at); err != nil {
		return nil, err
	}
	return scores, nil
}

// RankYear ranks the units on a year's stored quarter scores. Ranked.Head
// carries the unit's name and head, as the bulletin names them.
func RankYear(ctx context.Context, st *store.Store, rules evaluation.Rules, y period.Range) (evaluation.Ranking, error) {
	var quarters []string
	for q := 1; q <= 4; q++ {
		quarters = append(quarters, fmt.Sprintf("%s-Q%d", y.Label, q))
	}
	_, byUnit, err := st.Scores(ctx, quarters)
	if err != nil {
		return evaluation.Ranking{}, err
	}
	endings, err := Endings(ctx, st, y)
	if err != nil {
		return evaluation.Ranking{}, err
	}
	units, err := st.AllUnits(ctx)
	if err != nil {
		return evaluation.Ranking{}, err
	}
	facts := make([]evaluation.YearFacts, 0, len(units))
	for _, u := range units {
		facts = append(facts, evaluation.YearFacts{UnitID: u.ID, Head: u.Name + " " + u.Head, Quarters: byUnit[u.ID],
			Endings: endings[u.ID]})
	}
	return evaluation.RankYear(rules, facts), nil
}

// Endings are, per lead unit, the cases that ended in the period without
// their deputy's satisfaction, each with the presidium's judgement on it.
// A case counts in the year it ended, whatever its ratings before: one
// re-handled to "satisfied" is not an unsatisfied ending.
func Endings(ctx context.Context, st *store.Store, p period.Range) (map[string][]evaluation.Ending, error) {
	closed, err := st.NoFeedbackEndings(ctx, p)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(closed))
	for _, sg := range closed {
		ids = append(ids, sg.ID)
	}
	reviews, err := st.EndingReviews(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string][]evaluation.Ending{}
	for _, sg := range closed {
		kind := sg.UnsatisfiedEnding()
		if kind == "" || sg.ClosedAt == nil {
			continue
		}
		e := evaluation.Ending{SuggestionID: sg.ID, Number: sg.Number, Title: sg.Title, ClosedAt: *sg.ClosedAt, Kind: kind}
		if r, ok := reviews[sg.ID]; ok {
			e.Reviewed, e.ValidReason, e.Reason = true, r.ValidReason, r.Reason
		}
		out[sg.LeadUnitID()] = append(out[sg.LeadUnitID()], e)
	}
	return out, nil
}
