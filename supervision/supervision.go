// Package supervision turns stored records into the presidium's periodic
// judgements: a quarter's unit scores, a year's ranking and the year's
// commendation of deputies and groups. The cadence activities and the API
// share it.
package supervision

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"suggestflow/duties"
	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/policy"
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

// Commend scores the deputies' and groups' year of duties under the
// policy's commendation rule (package duties), with visits counted by
// month and group meetings by period (group_meeting_every) in the
// township's zone.
func Commend(ctx context.Context, st *store.Store, pol policy.Policy, y period.Range) (duties.Commendation, error) {
	loc := pol.Location()
	facts, err := st.DutyYearFacts(ctx, store.Period(y))
	if err != nil {
		return duties.Commendation{}, err
	}
	of := period.OfMonths(pol.GroupMeetingMonths())
	if of == nil {
		return duties.Commendation{}, fmt.Errorf("commendation: group_meeting_every %s is not a month, a quarter, a half or a year", pol.GroupMeetingEvery)
	}
	periods := period.Within(of, y, loc)
	deputies := make([]duties.DeputyFacts, 0, len(facts.Deputies))
	groups := map[string]bool{}
	for _, d := range facts.Deputies {
		f := duties.DeputyFacts{DeputyID: d.ID, Name: d.Name, Group: d.Group, Opinions: facts.Opinions[d.ID],
			OpinionsToSuggestions: facts.OpinionsLinked[d.ID], SuggestionsLed: facts.Led[d.ID], SuggestionsCoSigned: facts.CoSigned[d.ID],
			GroupMeetings: facts.GroupMeetings[d.ID], Inspections: facts.Inspections[d.ID]}
		for _, at := range facts.VisitTimes[d.ID] {
			f.VisitsByMonth[at.In(loc).Month()-1]++
		}
		deputies = append(deputies, f)
		if d.Group != "" {
			groups[d.Group] = true
		}
	}
	// Every group that has deputies, and any that met without any left.
	for g := range facts.GroupMeetingTimes {
		if g != "" {
			groups[g] = true
		}
	}
	out := make([]duties.GroupFacts, 0, len(groups))
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		f := duties.GroupFacts{Group: g, MeetingsByPeriod: make([]int, len(periods)), OpinionsToSuggestions: facts.GroupOpinionsLinked[g]}
		for _, at := range facts.GroupMeetingTimes[g] {
			for i, p := range periods {
				if !at.Before(p.From) && at.Before(p.To) {
					f.MeetingsByPeriod[i]++
				}
			}
		}
		out = append(out, f)
	}
	return duties.Score(pol.Commendation, pol.VisitsPerMonth, deputies, out), nil
}
