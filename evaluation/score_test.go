package evaluation

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func ptr(f float64) *float64 { return &f }

func TestDefaultRules(t *testing.T) {
	r := DefaultRules()
	want := Rules{Base: 100, OverdueReply: 5, MissedProgressReport: 2, UnsatisfiedRating: 3,
		SubstantiatedComplaint: 5, QuestionnaireWeight: 0.2, AwardSize: 5, MaxUnsatisfiedWithoutReason: 2}
	if r != want {
		t.Fatalf("DefaultRules() = %+v, want %+v", r, want)
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("DefaultRules().Validate() = %v", err)
	}
}

func TestRulesValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Rules)
		keys   []string // the fields the error must name; none: valid
	}{
		{"defaults", func(*Rules) {}, nil},
		{"zero deductions and weight are allowed", func(r *Rules) {
			r.OverdueReply, r.MissedProgressReport, r.UnsatisfiedRating, r.SubstantiatedComplaint = 0, 0, 0, 0
			r.QuestionnaireWeight, r.MaxUnsatisfiedWithoutReason = 0, 0
		}, nil},
		{"weight 1 is allowed", func(r *Rules) { r.QuestionnaireWeight = 1 }, nil},
		{"zero base", func(r *Rules) { r.Base = 0 }, []string{"base"}},
		{"NaN base", func(r *Rules) { r.Base = math.NaN() }, []string{"base"}},
		{"infinite base", func(r *Rules) { r.Base = math.Inf(1) }, []string{"base"}},
		{"negative deduction", func(r *Rules) { r.OverdueReply = -1 }, []string{"overdue_reply"}},
		{"NaN deduction", func(r *Rules) { r.SubstantiatedComplaint = math.NaN() }, []string{"substantiated_complaint"}},
		{"weight above 1", func(r *Rules) { r.QuestionnaireWeight = 1.5 }, []string{"questionnaire_weight"}},
		{"negative weight", func(r *Rules) { r.QuestionnaireWeight = -0.1 }, []string{"questionnaire_weight"}},
		{"award size 0", func(r *Rules) { r.AwardSize = 0 }, []string{"award_size"}},
		{"negative limit", func(r *Rules) { r.MaxUnsatisfiedWithoutReason = -1 }, []string{"max_unsatisfied_without_reason"}},
		{"every bad field named at once", func(r *Rules) {
			r.MissedProgressReport, r.UnsatisfiedRating, r.AwardSize = -2, -3, -5
		}, []string{"missed_progress_report", "unsatisfied_rating", "award_size"}},
		{"zero value is invalid", func(r *Rules) { *r = Rules{} }, []string{"base", "award_size"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := DefaultRules()
			tc.change(&r)
			err := r.Validate()
			if len(tc.keys) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error naming %v", tc.keys)
			}
			for _, k := range tc.keys {
				if !strings.Contains(err.Error(), k+":") {
					t.Errorf("Validate() = %q, does not name %s", err, k)
				}
			}
			if lines := strings.Count(err.Error(), "\n") + 1; lines != len(tc.keys) {
				t.Errorf("Validate() = %q: %d problems, want %d", err, lines, len(tc.keys))
			}
		})
	}
}

func TestRulesDecodeOverDefaults(t *testing.T) {
	src := "base: 120\noverdue_reply: 4\nquestionnaire_weight: 0.3\naward_size: 3\nmax_unsatisfied_without_reason: 1\n"
	r := DefaultRules()
	if err := yaml.Unmarshal([]byte(src), &r); err != nil {
		t.Fatal(err)
	}
	want := Rules{Base: 120, OverdueReply: 4, MissedProgressReport: 2, UnsatisfiedRating: 3,
		SubstantiatedComplaint: 5, QuestionnaireWeight: 0.3, AwardSize: 3, MaxUnsatisfiedWithoutReason: 1}
	if r != want {
		t.Errorf("YAML over defaults = %+v, want %+v", r, want)
	}

	j := DefaultRules()
	if err := json.Unmarshal([]byte(`{"missed_progress_report": 1.5, "substantiated_complaint": 10}`), &j); err != nil {
		t.Fatal(err)
	}
	if j.MissedProgressReport != 1.5 || j.SubstantiatedComplaint != 10 || j.Base != 100 {
		t.Errorf("JSON over defaults = %+v", j)
	}
	b, err := json.Marshal(DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"base", "overdue_reply", "missed_progress_report", "unsatisfied_rating",
		"substantiated_complaint", "questionnaire_weight", "award_size", "max_unsatisfied_without_reason"} {
		if !strings.Contains(string(b), `"`+k+`":`) {
			t.Errorf("JSON %s lacks key %s", b, k)
		}
	}
}

// part is what a test expects of one part.
type part struct {
	rule   string
	count  int
	points float64
	expl   []string // substrings of the explanation
}

func TestScoreQuarter(t *testing.T) {
	def := DefaultRules()
	noDeductions := def
	noDeductions.OverdueReply = 0
	onePoint := def
	onePoint.MissedProgressReport = 1
	onePoint.QuestionnaireWeight = 0.01
	for _, tc := range []struct {
		name  string
		rules Rules
		facts UnitQuarterFacts
		total float64
		parts []part
	}{
		{
			name:  "clean quarter without questionnaire: the base",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u1"},
			total: 100,
			parts: []part{
				{RuleBase, 0, 100, []string{"基础分 100 分 / base score 100"}},
				{RuleOverdueReply, 0, 0, []string{"逾期答复 0 件，每件扣 5 分 / 0 overdue replies, 5 points each"}},
				{RuleMissedProgressReport, 0, 0, []string{"未按期报告办理进展 0 次，每次扣 2 分 / 0 missed progress reports, 2 points each"}},
				{RuleUnsatisfiedRating, 0, 0, []string{"不满意评价 0 次，每次扣 3 分 / 0 unsatisfied ratings, 3 points each"}},
				{RuleSubstantiatedComplaint, 0, 0, []string{"群众投诉查实 0 件，每件扣 5 分 / 0 substantiated public complaints, 5 points each"}},
				{RuleQuestionnaire, 0, 0, []string{"本季度无代表问卷评分，不适用权重 / no deputies' questionnaire this quarter: weight not applied"}},
			},
		},
		{
			name:  "deductions without questionnaire: weight not applied",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u1", OverdueReplies: 2, MissedProgressReports: 1, UnsatisfiedRatings: 3, SubstantiatedComplaints: 1},
			total: 100 - 10 - 2 - 9 - 5,
			parts: []part{
				{RuleBase, 0, 100, []string{"基础分 100 分 / base score 100"}},
				{RuleOverdueReply, 2, -10, []string{"逾期答复 2 件，每件扣 5 分 / 2 overdue replies, 5 points each"}},
				{RuleMissedProgressReport, 1, -2, []string{"未按期报告办理进展 1 次，每次扣 2 分 / 1 missed progress report, 2 points each"}},
				{RuleUnsatisfiedRating, 3, -9, []string{"不满意评价 3 次，每次扣 3 分 / 3 unsatisfied ratings, 3 points each"}},
				{RuleSubstantiatedComplaint, 1, -5, []string{"群众投诉查实 1 件，每件扣 5 分 / 1 substantiated public complaint, 5 points each"}},
				{RuleQuestionnaire, 0, 0, []string{"weight not applied"}},
			},
		},
		{
			name:  "with questionnaire: (base - deductions) * 0.8 + q * 0.2",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u2", OverdueReplies: 2, MissedProgressReports: 1, Questionnaire: ptr(85)},
			total: (100-10-2)*0.8 + 85*0.2, // 87.4
			parts: []part{
				{RuleBase, 0, 80, []string{"基础分 100 分，按 80% 计 80 分", "base score 100, weighted 80%: 80"}},
				{RuleOverdueReply, 2, -8, []string{"逾期答复 2 件，每件扣 5 分，共扣 10 分，按 80% 计 -8 分", "2 overdue replies, 5 points each: -10, weighted 80%: -8"}},
				{RuleMissedProgressReport, 1, -1.6, []string{"共扣 2 分，按 80% 计 -1.6 分", "weighted 80%: -1.6"}},
				{RuleUnsatisfiedRating, 0, 0, []string{"不满意评价 0 次，每次扣 3 分 / 0 unsatisfied ratings, 3 points each"}},
				{RuleSubstantiatedComplaint, 0, 0, nil},
				{RuleQuestionnaire, 1, 17, []string{"代表问卷评分 85 分，权重 20%，计 17 分", "deputies' questionnaire score 85, weight 20%: 17 points"}},
			},
		},
		{
			name:  "questionnaire of 0 is a questionnaire, not none",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u3", Questionnaire: ptr(0)},
			total: 80,
			parts: []part{
				{RuleBase, 0, 80, nil}, {RuleOverdueReply, 0, 0, nil}, {RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 0, 0, nil}, {RuleSubstantiatedComplaint, 0, 0, nil},
				{RuleQuestionnaire, 1, 0, []string{"权重 20%"}},
			},
		},
		{
			name:  "floor at 0 without questionnaire",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u4", OverdueReplies: 15, UnsatisfiedRatings: 20},
			total: 0,
			parts: []part{
				{RuleBase, 0, 100, nil},
				{RuleOverdueReply, 15, -75, nil},
				{RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 20, -60, nil},
				{RuleSubstantiatedComplaint, 0, 0, nil},
				{RuleFloor, 0, 35, []string{"扣分合计 135 分超过基础分 100 分，扣完为止", "deductions of 135 exceed the base score of 100"}},
				{RuleQuestionnaire, 0, 0, nil},
			},
		},
		{
			name:  "deductions exactly the base: 0, no floor part",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u5", OverdueReplies: 20},
			total: 0,
			parts: []part{
				{RuleBase, 0, 100, nil}, {RuleOverdueReply, 20, -100, nil}, {RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 0, 0, nil}, {RuleSubstantiatedComplaint, 0, 0, nil}, {RuleQuestionnaire, 0, 0, nil},
			},
		},
		{
			name:  "deductions stop at the base: the questionnaire still counts",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u6", OverdueReplies: 30, Questionnaire: ptr(90)},
			total: 18,
			parts: []part{
				{RuleBase, 0, 80, nil},
				{RuleOverdueReply, 30, -120, nil},
				{RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 0, 0, nil},
				{RuleSubstantiatedComplaint, 0, 0, nil},
				{RuleFloor, 0, 40, []string{"超出的 50 分不扣，按 80% 计 40 分", "the excess 50 is given back, weighted 80%: 40"}},
				{RuleQuestionnaire, 1, 18, nil},
			},
		},
		{
			name:  "questionnaire outside 0..100 is taken at the bound",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u7", Questionnaire: ptr(130)},
			total: 100,
			parts: []part{
				{RuleBase, 0, 80, nil}, {RuleOverdueReply, 0, 0, nil}, {RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 0, 0, nil}, {RuleSubstantiatedComplaint, 0, 0, nil},
				{RuleQuestionnaire, 1, 20, []string{"130 分超出 0–100，按 100 分计", "130 (outside 0–100, counted as 100)"}},
			},
		},
		{
			name:  "questionnaire that is not a number counts as none",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u8", OverdueReplies: 1, Questionnaire: ptr(math.NaN())},
			total: 95,
			parts: []part{
				{RuleBase, 0, 100, nil}, {RuleOverdueReply, 1, -5, []string{"1 overdue reply, 5 points each"}}, {RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 0, 0, nil}, {RuleSubstantiatedComplaint, 0, 0, nil},
				{RuleQuestionnaire, 0, 0, []string{"not a number", "weight not applied"}},
			},
		},
		{
			name:  "negative counts are taken as 0",
			rules: def,
			facts: UnitQuarterFacts{UnitID: "u9", OverdueReplies: -3},
			total: 100,
			parts: []part{
				{RuleBase, 0, 100, nil}, {RuleOverdueReply, 0, 0, []string{"0 overdue replies"}}, {RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 0, 0, nil}, {RuleSubstantiatedComplaint, 0, 0, nil}, {RuleQuestionnaire, 0, 0, nil},
			},
		},
		{
			name:  "a rule worth 0 points deducts nothing",
			rules: noDeductions,
			facts: UnitQuarterFacts{UnitID: "u10", OverdueReplies: 4, Questionnaire: ptr(50)},
			total: 90,
			parts: []part{
				{RuleBase, 0, 80, nil}, {RuleOverdueReply, 4, 0, []string{"每件扣 0 分 / 4 overdue replies, 0 points each"}}, {RuleMissedProgressReport, 0, 0, nil},
				{RuleUnsatisfiedRating, 0, 0, nil}, {RuleSubstantiatedComplaint, 0, 0, nil}, {RuleQuestionnaire, 1, 10, nil},
			},
		},
		{
			name:  "one point each, and a weight of 1%",
			rules: onePoint,
			facts: UnitQuarterFacts{UnitID: "u11", MissedProgressReports: 3, Questionnaire: ptr(100)},
			total: 97*0.99 + 1,
			parts: []part{
				{RuleBase, 0, 99, []string{"按 99% 计 99 分"}}, {RuleOverdueReply, 0, 0, nil},
				{RuleMissedProgressReport, 3, -2.97, []string{"3 missed progress reports, 1 point each: -3, weighted 99%: -2.97"}},
				{RuleUnsatisfiedRating, 0, 0, nil}, {RuleSubstantiatedComplaint, 0, 0, nil},
				{RuleQuestionnaire, 1, 1, []string{"weight 1%: 1 point"}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ScoreQuarter(tc.rules, tc.facts)
			if s.UnitID != tc.facts.UnitID {
				t.Errorf("UnitID = %q, want %q", s.UnitID, tc.facts.UnitID)
			}
			if math.Abs(s.Total-tc.total) > 1e-9 {
				t.Errorf("Total = %v, want %v", s.Total, tc.total)
			}
			if s.Total < 0 {
				t.Errorf("Total = %v is below 0", s.Total)
			}
			sum := 0.0
			for _, p := range s.Parts {
				sum += p.Points
				if p.Explanation == "" || !strings.Contains(p.Explanation, " / ") {
					t.Errorf("part %s: explanation %q is not Chinese / English", p.Rule, p.Explanation)
				}
			}
			if math.Abs(sum-s.Total) > 1e-9 {
				t.Errorf("parts add up to %v, total is %v", sum, s.Total)
			}
			if len(s.Parts) != len(tc.parts) {
				t.Fatalf("%d parts, want %d: %+v", len(s.Parts), len(tc.parts), s.Parts)
			}
			for i, w := range tc.parts {
				p := s.Parts[i]
				if p.Rule != w.rule || p.Count != w.count || math.Abs(p.Points-w.points) > 1e-9 {
					t.Errorf("part %d = {%s %d %v}, want {%s %d %v}", i, p.Rule, p.Count, p.Points, w.rule, w.count, w.points)
				}
				for _, e := range w.expl {
					if !strings.Contains(p.Explanation, e) {
						t.Errorf("part %s: explanation %q lacks %q", p.Rule, p.Explanation, e)
					}
				}
			}
		})
	}
}

// TestScoreQuarterFormula checks the total against the formula of
// DOMAIN.md §5 over a grid of facts and weights.
func TestScoreQuarterFormula(t *testing.T) {
	for _, w := range []float64{0, 0.2, 0.25, 1.0 / 3, 0.5, 1} {
		r := DefaultRules()
		r.QuestionnaireWeight = w
		for n := 0; n < 25; n += 3 {
			for _, q := range []*float64{nil, ptr(0), ptr(66.5), ptr(100)} {
				f := UnitQuarterFacts{UnitID: "u", OverdueReplies: n, MissedProgressReports: n / 2, UnsatisfiedRatings: n / 3, SubstantiatedComplaints: n / 4, Questionnaire: q}
				s := ScoreQuarter(r, f)
				d := float64(n)*5 + float64(n/2)*2 + float64(n/3)*3 + float64(n/4)*5
				want := math.Max(0, 100-d)
				if q != nil {
					want = want*(1-w) + *q*w
				}
				// Each part is rounded to 0.01, so the total may drift by
				// at most half a cent per part.
				if math.Abs(s.Total-want) > 0.005*float64(len(s.Parts))+1e-9 {
					t.Errorf("w=%v n=%d q=%v: Total = %v, want %v", w, n, qs(q), s.Total, want)
				}
				if s.Total < 0 {
					t.Errorf("w=%v n=%d: Total = %v below 0", w, n, s.Total)
				}
			}
		}
	}
}

func TestScoreQuarterInvalidRulesNeverBelowZero(t *testing.T) {
	r := DefaultRules()
	r.QuestionnaireWeight = 2 // invalid: 1-w is negative
	s := ScoreQuarter(r, UnitQuarterFacts{UnitID: "u", Questionnaire: ptr(0)})
	if s.Total != 0 {
		t.Fatalf("Total = %v, want 0", s.Total)
	}
	sum := 0.0
	for _, p := range s.Parts {
		sum += p.Points
	}
	if math.Abs(sum) > 1e-9 {
		t.Errorf("parts add up to %v, want 0: %+v", sum, s.Parts)
	}
}

func qs(q *float64) string {
	if q == nil {
		return "none"
	}
	return num(*q)
}
