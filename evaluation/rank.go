package evaluation

import (
	"fmt"
	"sort"
)

// YearFacts is one unit's year: its quarter scores and the number of its
// suggestions that ended unsatisfied without a valid reason.
type YearFacts struct {
	UnitID string `json:"unit_id"`
	// Head is the unit's head (负责人), named when eligibility is lost.
	Head                            string  `json:"head"`
	Quarters                        []Score `json:"quarters"`
	UnsatisfiedEndingsWithoutReason int     `json:"unsatisfied_endings_without_reason"`
}

// Ranked is one unit's place in the year.
type Ranked struct {
	Rank   int    `json:"rank"`
	UnitID string `json:"unit_id"`
	Head   string `json:"head"`
	// Total is the sum of the quarter totals.
	Total float64 `json:"total"`
	// Eligible is false when the unit, and with it its head, lost award
	// eligibility; Reason says why, in Chinese then English.
	Eligible bool   `json:"eligible"`
	Reason   string `json:"reason,omitempty"`
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
//     ended unsatisfied without a valid reason is not eligible for the award,
//     and neither is its head (DOMAIN.md §5): Eligible is false and Reason
//     names both. It keeps its rank.
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
		ru := Ranked{UnitID: u.UnitID, Head: u.Head, Total: round(total, 2), Eligible: true}
		if n := u.UnsatisfiedEndingsWithoutReason; n > r.MaxUnsatisfiedWithoutReason {
			ru.Eligible = false
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
