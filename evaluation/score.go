package evaluation

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Rules is the evaluation rule set (DOMAIN.md §5). It is policy, not code:
// load it from the policy file over DefaultRules, so that a key left out
// keeps its default, then call Validate.
type Rules struct {
	// Base is the score a unit starts each quarter with.
	Base float64 `json:"base" yaml:"base"`
	// Deductions per item.
	OverdueReply           float64 `json:"overdue_reply" yaml:"overdue_reply"`
	MissedProgressReport   float64 `json:"missed_progress_report" yaml:"missed_progress_report"`
	UnsatisfiedRating      float64 `json:"unsatisfied_rating" yaml:"unsatisfied_rating"`
	SubstantiatedComplaint float64 `json:"substantiated_complaint" yaml:"substantiated_complaint"`
	// QuestionnaireWeight w blends in the deputies' questionnaire score q
	// (0..100): total = (base - deductions) * (1-w) + q * w. A quarter
	// without a questionnaire is not weighted: total = base - deductions.
	QuestionnaireWeight float64 `json:"questionnaire_weight" yaml:"questionnaire_weight"`
	// AwardSize is how many units of the year get the award
	// (群众信得过单位); more when the last place is shared (see RankYear).
	// DOMAIN.md section 5 and the seed: the top five of the year.
	AwardSize int `json:"award_size" yaml:"award_size"`
	// MaxUnsatisfiedWithoutReason: a unit with more than this many
	// suggestions in a year that end unsatisfied without a valid reason
	// loses award eligibility, and so does its head. DOMAIN.md section 5,
	// from the seed: 一年内只要超过2件，即取消该承办单位和负责人的评先资格
	// (2). What counts is each case's ending, not its ratings along the
	// way (Ending.Counts).
	MaxUnsatisfiedWithoutReason int `json:"max_unsatisfied_without_reason" yaml:"max_unsatisfied_without_reason"`
}

// DefaultRules are the defaults of DOMAIN.md §5.
func DefaultRules() Rules {
	return Rules{
		Base:                        100,
		OverdueReply:                5,
		MissedProgressReport:        2,
		UnsatisfiedRating:           3,
		SubstantiatedComplaint:      5,
		QuestionnaireWeight:         0.2,
		AwardSize:                   5,
		MaxUnsatisfiedWithoutReason: 2,
	}
}

// Validate checks the rule set, naming every bad field by its policy key.
// All problems are reported at once (joined with errors.Join).
func (r Rules) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	if !finite(r.Base) || r.Base <= 0 {
		bad("base", "must be a positive number, got %v", r.Base)
	}
	for _, d := range []struct {
		key string
		v   float64
	}{
		{"overdue_reply", r.OverdueReply},
		{"missed_progress_report", r.MissedProgressReport},
		{"unsatisfied_rating", r.UnsatisfiedRating},
		{"substantiated_complaint", r.SubstantiatedComplaint},
	} {
		if !finite(d.v) || d.v < 0 {
			bad(d.key, "must be a deduction of 0 or more points, got %v", d.v)
		}
	}
	if !finite(r.QuestionnaireWeight) || r.QuestionnaireWeight < 0 || r.QuestionnaireWeight > 1 {
		bad("questionnaire_weight", "must be from 0 to 1, got %v", r.QuestionnaireWeight)
	}
	if r.AwardSize < 1 {
		bad("award_size", "must be at least 1, got %d", r.AwardSize)
	}
	if r.MaxUnsatisfiedWithoutReason < 0 {
		bad("max_unsatisfied_without_reason", "must be 0 or more, got %d", r.MaxUnsatisfiedWithoutReason)
	}
	return errors.Join(errs...)
}

// Rule names of the parts of a score. The deduction rules are named as
// their keys in Rules.
const (
	RuleBase                   = "base"
	RuleOverdueReply           = "overdue_reply"
	RuleMissedProgressReport   = "missed_progress_report"
	RuleUnsatisfiedRating      = "unsatisfied_rating"
	RuleSubstantiatedComplaint = "substantiated_complaint"
	// RuleFloor appears only when the deductions exceed the base score.
	RuleFloor         = "floor"
	RuleQuestionnaire = "questionnaire"
)

// UnitQuarterFacts is what one unit did in one quarter.
type UnitQuarterFacts struct {
	UnitID                  string `json:"unit_id"`
	OverdueReplies          int    `json:"overdue_replies"`
	MissedProgressReports   int    `json:"missed_progress_reports"`
	UnsatisfiedRatings      int    `json:"unsatisfied_ratings"`
	SubstantiatedComplaints int    `json:"substantiated_complaints"`
	// Questionnaire is the deputies' questionnaire score, 0..100; nil when
	// there was none this quarter, and then the weight is not applied.
	Questionnaire *float64 `json:"questionnaire,omitempty"`
}

// Score is one unit's quarter score with its parts. The parts add up to
// Total.
type Score struct {
	UnitID string  `json:"unit_id"`
	Total  float64 `json:"total"`
	Parts  []Part  `json:"parts"`
}

// Part is one line of a score: the rule, how many items it counted, its
// effect on the total (positive adds, negative deducts; already weighted
// when a questionnaire is blended in) and a sentence saying so, in Chinese
// first, then in English.
type Part struct {
	Rule        string  `json:"rule"`
	Count       int     `json:"count"`
	Points      float64 `json:"points"`
	Explanation string  `json:"explanation"`
}

// ScoreQuarter scores one unit's quarter under r, which should have passed
// Validate.
//
// The parts are, always and in this order: base, overdue_reply,
// missed_progress_report, unsatisfied_rating, substantiated_complaint and
// questionnaire, each listed even when it counts nothing; a floor part is
// added after the deductions when they exceed the base. Points are rounded
// to 0.01 and Total is their sum, so the parts always add up to it.
//
//   - Without a questionnaire: total = base - deductions.
//   - With one: total = (base - deductions) * (1-w) + questionnaire * w,
//     and the base and deduction parts show their weighted points.
//   - The score never goes below 0. Deductions stop at the base score (扣完为止):
//     base - deductions is taken as 0 when the deductions exceed it, so a
//     questionnaire still counts for a unit that has lost every point.
//
// Negative counts are taken as 0; a questionnaire score outside 0..100 is
// taken as the nearest bound and one that is not a number as none, and the
// explanation says so.
func ScoreQuarter(r Rules, f UnitQuarterFacts) Score {
	w := r.QuestionnaireWeight
	var q float64
	weighted, invalid, clamped := false, false, false
	if f.Questionnaire != nil {
		q = *f.Questionnaire
		switch {
		case math.IsNaN(q):
			invalid = true
		case q < 0 || q > 100:
			q, weighted, clamped = math.Max(0, math.Min(100, q)), true, true
		default:
			weighted = true
		}
	}
	factor := 1.0
	if weighted {
		factor = 1 - w
	}
	pct := num(factor*100) + "%"
	weigh := func(zh, en string, raw float64) (string, string) {
		if !weighted {
			return zh, en
		}
		return fmt.Sprintf("%s，按 %s 计 %s 分", zh, pct, num(raw*factor)),
			fmt.Sprintf("%s, weighted %s: %s", en, pct, num(raw*factor))
	}

	s := Score{UnitID: f.UnitID}
	zh, en := weigh(fmt.Sprintf("基础分 %s 分", num(r.Base)), fmt.Sprintf("base score %s", num(r.Base)), r.Base)
	s.Parts = append(s.Parts, Part{Rule: RuleBase, Points: round(r.Base*factor, 2), Explanation: zh + " / " + en})

	deductions := 0.0
	for _, d := range []struct {
		rule          string
		count         int
		per           float64
		zhItem, zhMw  string
		enOne, enMany string
	}{
		{RuleOverdueReply, f.OverdueReplies, r.OverdueReply, "逾期答复", "件", "overdue reply", "overdue replies"},
		{RuleMissedProgressReport, f.MissedProgressReports, r.MissedProgressReport, "未按期报告办理进展", "次", "missed progress report", "missed progress reports"},
		{RuleUnsatisfiedRating, f.UnsatisfiedRatings, r.UnsatisfiedRating, "不满意评价", "次", "unsatisfied rating", "unsatisfied ratings"},
		{RuleSubstantiatedComplaint, f.SubstantiatedComplaints, r.SubstantiatedComplaint, "群众投诉查实", "件", "substantiated public complaint", "substantiated public complaints"},
	} {
		n := max(d.count, 0)
		raw := float64(n) * d.per
		deductions += raw
		item := d.enMany
		if n == 1 {
			item = d.enOne
		}
		zh := fmt.Sprintf("%s %d %s，每%s扣 %s 分", d.zhItem, n, d.zhMw, d.zhMw, num(d.per))
		en := fmt.Sprintf("%d %s, %s each", n, item, points(d.per))
		if raw > 0 && weighted {
			zh = fmt.Sprintf("%s，共扣 %s 分", zh, num(raw))
			en = fmt.Sprintf("%s: -%s", en, num(raw))
			zh, en = weigh(zh, en, -raw)
		}
		s.Parts = append(s.Parts, Part{Rule: d.rule, Count: n, Points: round(-raw*factor, 2), Explanation: zh + " / " + en})
	}

	if excess := deductions - r.Base; excess > 0 {
		zh, en := weigh(
			fmt.Sprintf("扣分合计 %s 分超过基础分 %s 分，扣完为止，超出的 %s 分不扣", num(deductions), num(r.Base), num(excess)),
			fmt.Sprintf("deductions of %s exceed the base score of %s: deductions stop at the base, the excess %s is given back", num(deductions), num(r.Base), num(excess)),
			excess)
		s.Parts = append(s.Parts, Part{Rule: RuleFloor, Points: round(excess*factor, 2), Explanation: zh + " / " + en})
	}

	qp := Part{Rule: RuleQuestionnaire}
	switch {
	case weighted:
		qp.Count = 1
		qp.Points = round(q*w, 2)
		zhScore, enScore := fmt.Sprintf("%s 分", num(q)), num(q)
		if clamped {
			zhScore = fmt.Sprintf("%s 分超出 0–100，按 %s 分计", num(*f.Questionnaire), num(q))
			enScore = fmt.Sprintf("%s (outside 0–100, counted as %s)", num(*f.Questionnaire), num(q))
		}
		qp.Explanation = fmt.Sprintf("代表问卷评分 %s，权重 %s%%，计 %s 分 / deputies' questionnaire score %s, weight %s%%: %s",
			zhScore, num(w*100), num(q*w), enScore, num(w*100), points(q*w))
	case invalid:
		qp.Explanation = "代表问卷评分无效，按无问卷计，不适用权重 / the deputies' questionnaire score is not a number: treated as no questionnaire, weight not applied"
	default:
		qp.Explanation = "本季度无代表问卷评分，不适用权重 / no deputies' questionnaire this quarter: weight not applied"
	}
	s.Parts = append(s.Parts, qp)

	total := 0.0
	for _, p := range s.Parts {
		total += p.Points
	}
	s.Total = round(total, 2)
	if s.Total < 0 {
		// Only reachable with rules that did not pass Validate.
		s.Parts = append(s.Parts, Part{Rule: RuleFloor, Points: -s.Total,
			Explanation: fmt.Sprintf("总分 %s 分低于 0，按 0 分计 / a total of %s is below 0: counted as 0", num(s.Total), num(s.Total))})
		s.Total = 0
	}
	return s
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// round rounds x to d decimals, and never returns negative zero.
func round(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	x = math.Round(x*p) / p
	if x == 0 {
		return 0
	}
	return x
}

// num formats a number of points to at most two decimals.
func num(x float64) string { return strconv.FormatFloat(round(x, 2), 'f', -1, 64) }

// points is "1 point" or "5 points".
func points(x float64) string {
	if round(x, 2) == 1 {
		return "1 point"
	}
	return num(x) + " points"
}
