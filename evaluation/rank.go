package evaluation

import (
	"fmt"
	"sort"
	"time"
)

// YearFacts is one unit's year: its quarter scores and its suggestions
// that ended in the year without the deputy's satisfaction.
type YearFacts struct {
	UnitID string `json:"unit_id"`
	// Head is the unit's head (负责人), named when eligibility is lost.
	Head     string   `json:"head"`
	Quarters []Score  `json:"quarters"`
	Endings  []Ending `json:"endings"`
}

// Ending is one case of a unit that ended without its deputy's
// satisfaction, with the presidium's judgement on it if there is one.
type Ending struct {
	SuggestionID string    `json:"suggestion_id"`
	Number       string    `json:"number"`
	Title        string    `json:"title"`
	ClosedAt     time.Time `json:"closed_at"`
	// Kind is "unsatisfied" (the lead deputy's final result rating) or
	// "no_feedback" (closed without a rating).
	Kind string `json:"kind"`
	// Reviewed says whether the presidium judged it; ValidReason and
	// Reason are that judgement.
	Reviewed    bool   `json:"reviewed"`
	ValidReason bool   `json:"valid_reason"`
	Reason      string `json:"reason,omitempty"`
}

// Counts says whether an ending counts in the ">2" rule: a final result
// the deputy rated unsatisfied counts unless the presidium found a valid
// reason; a case closed without feedback counts only once the presidium
// found that the deputy's dissatisfaction stands without one, since the
// deputy said nothing.
func (e Ending) Counts() bool {
	if e.Kind == "unsatisfied" {
		return !e.Reviewed || !e.ValidReason
	}
	return e.Reviewed && !e.ValidReason
}

// Ranked is one unit's place in the year.
type Ranked struct {
	Rank   int    `json:"rank"`
	UnitID string `json:"unit_id"`
	Head   string `json:"head"`
	// Total is the sum of the quarter totals.
	Total float64 `json:"total"`
	// Eligible is false when the unit lost award eligibility, and
	// HeadEligible when its head did too (both, under DOMAIN.md section
	// 5); Reason says why, in Chinese then English.
	Eligible     bool   `json:"eligible"`
	HeadEligible bool   `json:"head_eligible"`
	Reason       string `json:"reason,omitempty"`
	// Counted are the unit's endings of the year that count against it;
	// Excused those that do not (a valid reason, or no feedback not
	// judged).
	Counted []Ending `json:"counted"`
	Excused []Ending `json:"excused"`
	// Award is the "trusted by the people" award (群众信得过单位).
	Award bool `json:"award"`
}

// Ranking is the year's ranking and its bulletins.
type Ranking struct {
	// Units are all units, best first.
	Units []Ranked `json:"units"`
	// Best are the award winners (the praising bulletin), best first.
	Best []Ranked `json:"best"`
	// Worst are the unit(s) sharing the lowest total (the criticising
	// bulletin); empty only when there are no units.
	Worst []Ranked `json:"worst"`
}

// RankYear ranks the units of a year under r.
//
//   - Each unit's total is the sum of its quarter totals (rounded to 0.01).
//   - Units are sorted by total, highest first; units with the same total
//     share a rank (competition ranking: 1, 2, 2, 4) and are listed by
//     UnitID so that the order is stable.
//   - A unit with more than r.MaxUnsatisfiedWithoutReason suggestions that
//     ended unsatisfied without a valid reason (the endings that Count) is
//     not eligible for the award, and neither is its head (DOMAIN.md §5):
//     Eligible and HeadEligible are false and Reason names both. It keeps
//     its rank. Counted and Excused list its endings either way.
//   - The award goes to the top r.AwardSize eligible units, skipping the
//     ineligible ones. When the boundary falls inside a tie, that is when the
//     r.AwardSize-th eligible unit shares its total with the next eligible
//     unit(s), all the tied eligible units get the award: a tie is never
//     broken by the unit id. So more than r.AwardSize units may win, never
//     fewer unless fewer are eligible.
//   - Best is the award winners; Worst is every unit with the lowest total,
//     eligible or not (with a single unit, or all units tied, the same units
//     may be in both).
func RankYear(r Rules, units []YearFacts) Ranking {
	rk := Ranking{Units: make([]Ranked, 0, len(units)), Best: []Ranked{}, Worst: []Ranked{}}
	for _, u := range units {
		total := 0.0
		for _, q := range u.Quarters {
			total += q.Total
		}
		ru := Ranked{UnitID: u.UnitID, Head: u.Head, Total: round(total, 2), Eligible: true, HeadEligible: true,
			Counted: []Ending{}, Excused: []Ending{}}
		for _, e := range u.Endings {
			if e.Counts() {
				ru.Counted = append(ru.Counted, e)
			} else {
				ru.Excused = append(ru.Excused, e)
			}
		}
		if n := len(ru.Counted); n > r.MaxUnsatisfiedWithoutReason {
			ru.Eligible, ru.HeadEligible = false, false
			ru.Reason = ineligibleReason(n, r.MaxUnsatisfiedWithoutReason, u.Head)
		}
		rk.Units = append(rk.Units, ru)
	}
	sort.SliceStable(rk.Units, func(i, j int) bool {
		a, b := rk.Units[i], rk.Units[j]
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return a.UnitID < b.UnitID
	})
	for i := range rk.Units {
		if i > 0 && rk.Units[i].Total == rk.Units[i-1].Total {
			rk.Units[i].Rank = rk.Units[i-1].Rank
		} else {
			rk.Units[i].Rank = i + 1
		}
	}

	// The award boundary is the total of the AwardSize-th eligible unit (or
	// of the last eligible one when there are fewer); every eligible unit
	// at or above it wins.
	if r.AwardSize > 0 {
		eligible, found, boundary := 0, false, 0.0
		for _, u := range rk.Units {
			if !u.Eligible {
				continue
			}
			eligible++
			boundary, found = u.Total, true
			if eligible == r.AwardSize {
				break
			}
		}
		if found {
			for i := range rk.Units {
				if rk.Units[i].Eligible && rk.Units[i].Total >= boundary {
					rk.Units[i].Award = true
					rk.Best = append(rk.Best, rk.Units[i])
				}
			}
		}
	}

	if n := len(rk.Units); n > 0 {
		lowest := rk.Units[n-1].Total
		for _, u := range rk.Units {
			if u.Total == lowest {
				rk.Worst = append(rk.Worst, u)
			}
		}
	}
	return rk
}

func ineligibleReason(n, limit int, head string) string {
	zhHead, enHead := "其负责人", "its head"
	if head != "" {
		zhHead, enHead = "其负责人"+head, "its head "+head
	}
	return fmt.Sprintf("一年内无正当理由不满意办结的建议 %d 件，超过 %d 件，取消本单位及%s的评先资格 / %d %s ended unsatisfied without a valid reason this year, more than %d: the unit and %s lose award eligibility",
		n, limit, zhHead, n, plural(n, "suggestion", "suggestions"), limit, enHead)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
