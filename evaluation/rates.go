// Package evaluation computes the numbers the presidium publishes about the
// handling units (DOMAIN.md sections 5 and 7): the rates (三率 and the
// on-time reply rate), the quarterly unit score (综合评议) and the yearly
// ranking with the "trusted by the people" award (群众信得过单位).
//
// It is pure: plain facts in, explained numbers out. It reads no database,
// keeps no state and does no I/O; the caller gathers the facts (for a
// period, a unit, a year) and decides what to do with the result. Every
// number carries what it was made of: a rate its numerator and denominator,
// a score its parts with a Chinese and English explanation, a ranked unit
// the reason it is not eligible.
package evaluation

import (
	"fmt"
	"strconv"
	"time"

	"suggestflow/domain"
)

// ClassSolved is the result class that counts as resolved (A: solved or
// adopted).
const ClassSolved = "A"

// Rate is a ratio with what it was made of. Value is Numerator/Denominator,
// and 0 when the denominator is 0 (nothing to measure).
type Rate struct {
	Numerator   int     `json:"numerator"`
	Denominator int     `json:"denominator"`
	Value       float64 `json:"value"`
}

// NewRate builds a rate; the value is 0 when the denominator is 0.
func NewRate(numerator, denominator int) Rate {
	r := Rate{Numerator: numerator, Denominator: denominator}
	if denominator != 0 {
		r.Value = float64(numerator) / float64(denominator)
	}
	return r
}

// String shows the rate as "3/4 (75%)", or "0/0 (-)" when there is nothing
// to measure.
func (r Rate) String() string {
	if r.Denominator == 0 {
		return fmt.Sprintf("%d/%d (-)", r.Numerator, r.Denominator)
	}
	return fmt.Sprintf("%d/%d (%s%%)", r.Numerator, r.Denominator,
		strconv.FormatFloat(round(r.Value*100, 1), 'f', -1, 64))
}

// Rates are the published rates over one set of records (DOMAIN.md §7).
type Rates struct {
	// Consultation: replies preceded by a consultation / replies.
	Consultation Rate `json:"consultation"`
	// Resolution: suggestions whose final reply is class A / replied
	// suggestions. Counted per suggestion, not per reply.
	Resolution Rate `json:"resolution"`
	// Satisfaction: satisfied and basically satisfied result ratings / all
	// result ratings, the lead deputy's and the co-signers', of every round.
	Satisfaction Rate `json:"satisfaction"`
	// OnTime: replies made by their due time / replies.
	OnTime Rate `json:"on_time"`
}

// ReplyFact is one reply of one round. A re-handled suggestion has one fact
// per round's reply.
type ReplyFact struct {
	SuggestionID string    `json:"suggestion_id"`
	UnitID       string    `json:"unit_id"`
	Round        int       `json:"round"`
	Class        string    `json:"class"`
	RepliedAt    time.Time `json:"replied_at"`
	DueAt        time.Time `json:"due_at"`
	// OnTime is whether the reply was made by its due time (after any
	// approved extension), as recorded when the reply was made.
	OnTime bool `json:"on_time"`
	// Consulted is whether a consultation preceded the reply in its round.
	Consulted bool `json:"consulted"`
	// Final marks the last reply of its suggestion.
	Final bool `json:"final"`
}

// RatingFact is one deputy's rating of one round's reply: the lead deputy's
// or a co-signer's.
type RatingFact struct {
	SuggestionID string    `json:"suggestion_id"`
	UnitID       string    `json:"unit_id"`
	DeputyID     string    `json:"deputy_id"`
	Round        int       `json:"round"`
	Lead         bool      `json:"lead"`
	Result       string    `json:"result"`
	At           time.Time `json:"at"`
}

// ComputeRates computes the four rates over the given facts; the caller
// chooses the period and the unit by the facts it passes.
//
//   - Consultation and on-time are counted per reply: a suggestion handled
//     in three rounds contributes three replies.
//   - Resolution is counted per suggestion: the denominator is the number of
//     distinct suggestions with at least one reply, the numerator those whose
//     final reply is class A. The final reply is the one marked Final; when
//     none of a suggestion's replies is marked (the period cut off its last
//     round), or several are, the one with the highest round, then the latest
//     reply time, stands for it.
//   - Satisfaction is counted per result rating, co-signers' included. A
//     rating whose result is not one of satisfied, basically_satisfied and
//     unsatisfied is not a result rating and is left out of both counts.
func ComputeRates(replies []ReplyFact, ratings []RatingFact) Rates {
	var rs Rates

	consulted, onTime := 0, 0
	final := map[string]ReplyFact{}
	var order []string
	for _, r := range replies {
		if r.Consulted {
			consulted++
		}
		if r.OnTime {
			onTime++
		}
		cur, seen := final[r.SuggestionID]
		if !seen {
			order = append(order, r.SuggestionID)
			final[r.SuggestionID] = r
			continue
		}
		if laterFinal(r, cur) {
			final[r.SuggestionID] = r
		}
	}
	rs.Consultation = NewRate(consulted, len(replies))
	rs.OnTime = NewRate(onTime, len(replies))

	solved := 0
	for _, id := range order {
		if final[id].Class == ClassSolved {
			solved++
		}
	}
	rs.Resolution = NewRate(solved, len(order))

	good, rated := 0, 0
	for _, r := range ratings {
		switch r.Result {
		case domain.Satisfied, domain.BasicallySatisfied:
			good++
			rated++
		case domain.Unsatisfied:
			rated++
		}
	}
	rs.Satisfaction = NewRate(good, rated)
	return rs
}

// laterFinal reports whether r stands for its suggestion's final reply
// rather than cur: a reply marked Final beats one not marked, then the
// higher round, then the later reply time; on a full tie the later fact in
// the input wins.
func laterFinal(r, cur ReplyFact) bool {
	if r.Final != cur.Final {
		return r.Final
	}
	if r.Round != cur.Round {
		return r.Round > cur.Round
	}
	return !r.RepliedAt.Before(cur.RepliedAt)
}

// ComputeRatesByUnit computes the rates of each unit, keyed by unit id, over
// the facts of that unit (replies and ratings grouped by their UnitID).
func ComputeRatesByUnit(replies []ReplyFact, ratings []RatingFact) map[string]Rates {
	rep := map[string][]ReplyFact{}
	rat := map[string][]RatingFact{}
	for _, r := range replies {
		rep[r.UnitID] = append(rep[r.UnitID], r)
	}
	for _, r := range ratings {
		rat[r.UnitID] = append(rat[r.UnitID], r)
	}
	out := make(map[string]Rates, len(rep)+len(rat))
	for u := range rep {
		out[u] = ComputeRates(rep[u], rat[u])
	}
	for u := range rat {
		if _, done := out[u]; !done {
			out[u] = ComputeRates(nil, rat[u])
		}
	}
	return out
}
