package evaluation

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// unit builds a year from quarter totals.
func unit(id, head string, unsatisfied int, totals ...float64) YearFacts {
	y := YearFacts{UnitID: id, Head: head}
	for i := range unsatisfied {
		y.Endings = append(y.Endings, Ending{SuggestionID: fmt.Sprintf("%s-s%d", id, i), Kind: "unsatisfied"})
	}
	for _, t := range totals {
		y.Quarters = append(y.Quarters, Score{UnitID: id, Total: t})
	}
	return y
}

// row is what a test expects of one ranked unit.
type row struct {
	rank     int
	unit     string
	total    float64
	eligible bool
	award    bool
}

func rows(rs []Ranked) []row {
	out := []row{}
	for _, r := range rs {
		out = append(out, row{r.Rank, r.UnitID, r.Total, r.Eligible, r.Award})
	}
	return out
}

func ids(rs []Ranked) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.UnitID)
	}
	return out
}

func TestRankYear(t *testing.T) {
	def := DefaultRules()
	top2 := def
	top2.AwardSize = 2
	top3 := def
	top3.AwardSize = 3
	for _, tc := range []struct {
		name  string
		rules Rules
		units []YearFacts
		want  []row
		best  []string
		worst []string
	}{
		{
			name:  "empty input",
			rules: def,
			want:  []row{},
			best:  []string{},
			worst: []string{},
		},
		{
			name:  "one unit is best and worst",
			rules: def,
			units: []YearFacts{unit("u1", "甲", 0, 90, 95)},
			want:  []row{{1, "u1", 185, true, true}},
			best:  []string{"u1"},
			worst: []string{"u1"},
		},
		{
			name:  "totals are the sum of the quarters, rounded to 0.01: float noise does not break a tie",
			rules: top2,
			units: []YearFacts{
				unit("u4", "", 0, 80, 80, 80, 80),
				unit("u3", "", 0, 90, 90, 90, 90.4),
				// 87.4+80.2+99.1+93.7 is 360.40000000000003 in float64.
				unit("u1", "", 0, 87.4, 80.2, 99.1, 93.7),
				unit("u2", "", 0, 90, 90, 90, 90.4),
			},
			want: []row{
				{1, "u1", 360.4, true, true},
				{1, "u2", 360.4, true, true},
				{1, "u3", 360.4, true, true},
				{4, "u4", 320, true, false},
			},
			best:  []string{"u1", "u2", "u3"},
			worst: []string{"u4"},
		},
		{
			name:  "ranks 1,2,2,4",
			rules: top3,
			units: []YearFacts{
				unit("d", "", 0, 10), unit("c", "", 0, 20), unit("b", "", 0, 20), unit("a", "", 0, 30),
			},
			want: []row{
				{1, "a", 30, true, true},
				{2, "b", 20, true, true},
				{2, "c", 20, true, true},
				{4, "d", 10, true, false},
			},
			best:  []string{"a", "b", "c"},
			worst: []string{"d"},
		},
		{
			name:  "tie across the award boundary: every tied eligible unit wins",
			rules: def, // 5 awards
			units: []YearFacts{
				unit("u1", "", 0, 400), unit("u2", "", 0, 390), unit("u3", "", 0, 380), unit("u4", "", 0, 370),
				unit("u7", "", 0, 360), unit("u5", "", 0, 360), unit("u6", "", 0, 360), unit("u8", "", 0, 350),
			},
			want: []row{
				{1, "u1", 400, true, true},
				{2, "u2", 390, true, true},
				{3, "u3", 380, true, true},
				{4, "u4", 370, true, true},
				{5, "u5", 360, true, true},
				{5, "u6", 360, true, true},
				{5, "u7", 360, true, true},
				{8, "u8", 350, true, false},
			},
			best:  []string{"u1", "u2", "u3", "u4", "u5", "u6", "u7"},
			worst: []string{"u8"},
		},
		{
			name:  "tie just below the boundary does not widen the award",
			rules: top2,
			units: []YearFacts{
				unit("u1", "", 0, 300), unit("u2", "", 0, 200), unit("u3", "", 0, 100), unit("u4", "", 0, 100),
			},
			want: []row{
				{1, "u1", 300, true, true},
				{2, "u2", 200, true, true},
				{3, "u3", 100, true, false},
				{3, "u4", 100, true, false},
			},
			best:  []string{"u1", "u2"},
			worst: []string{"u3", "u4"},
		},
		{
			name:  "ineligible unit inside the boundary tie keeps its rank, not the award",
			rules: top2,
			units: []YearFacts{
				unit("u1", "", 0, 300), unit("u2", "", 3, 200), unit("u3", "", 0, 200), unit("u4", "", 0, 200), unit("u5", "", 0, 100),
			},
			want: []row{
				{1, "u1", 300, true, true},
				{2, "u2", 200, false, false},
				{2, "u3", 200, true, true},
				{2, "u4", 200, true, true},
				{5, "u5", 100, true, false},
			},
			best:  []string{"u1", "u3", "u4"},
			worst: []string{"u5"},
		},
		{
			name:  "ineligible top unit is skipped: the award goes further down",
			rules: top2,
			units: []YearFacts{
				unit("u1", "王", 3, 400), unit("u2", "", 0, 300), unit("u3", "", 2, 200), unit("u4", "", 0, 100),
			},
			want: []row{
				{1, "u1", 400, false, false},
				{2, "u2", 300, true, true},
				{3, "u3", 200, true, true},
				{4, "u4", 100, true, false},
			},
			best:  []string{"u2", "u3"},
			worst: []string{"u4"},
		},
		{
			name:  "more than two: exactly 2 keeps eligibility, 3 loses it",
			rules: def,
			units: []YearFacts{
				unit("u0", "", 0, 100), unit("u1", "", 1, 100), unit("u2", "", 2, 100), unit("u3", "", 3, 100), unit("u9", "", 9, 100),
			},
			want: []row{
				{1, "u0", 100, true, true},
				{1, "u1", 100, true, true},
				{1, "u2", 100, true, true},
				{1, "u3", 100, false, false},
				{1, "u9", 100, false, false},
			},
			best:  []string{"u0", "u1", "u2"},
			worst: []string{"u0", "u1", "u2", "u3", "u9"},
		},
		{
			name:  "no eligible unit: no award",
			rules: def,
			units: []YearFacts{unit("u1", "", 3, 100), unit("u2", "", 4, 50)},
			want: []row{
				{1, "u1", 100, false, false},
				{2, "u2", 50, false, false},
			},
			best:  []string{},
			worst: []string{"u2"},
		},
		{
			name:  "a unit without quarters totals 0",
			rules: top2,
			units: []YearFacts{unit("u1", "", 0), unit("u2", "", 0, 10)},
			want: []row{
				{1, "u2", 10, true, true},
				{2, "u1", 0, true, true},
			},
			best:  []string{"u2", "u1"},
			worst: []string{"u1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rk := RankYear(tc.rules, tc.units)
			if got := rows(rk.Units); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("units =\n %v\nwant\n %v", got, tc.want)
			}
			if got := ids(rk.Best); !reflect.DeepEqual(got, tc.best) {
				t.Errorf("best = %v, want %v", got, tc.best)
			}
			if got := ids(rk.Worst); !reflect.DeepEqual(got, tc.worst) {
				t.Errorf("worst = %v, want %v", got, tc.worst)
			}
			for _, u := range rk.Units {
				if u.Eligible != (u.Reason == "") {
					t.Errorf("%s: eligible %v with reason %q", u.UnitID, u.Eligible, u.Reason)
				}
				if u.Award && !u.Eligible {
					t.Errorf("%s: award without eligibility", u.UnitID)
				}
			}
			// Stable: any input order gives the same ranking.
			rng := rand.New(rand.NewSource(1))
			for i := 0; i < 20; i++ {
				shuffled := append([]YearFacts(nil), tc.units...)
				rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
				if again := RankYear(tc.rules, shuffled); !reflect.DeepEqual(again, rk) {
					t.Fatalf("order %v ranks differently:\n %+v\nwant\n %+v", ids(again.Units), again, rk)
				}
			}
		})
	}
}

func TestRankYearReason(t *testing.T) {
	rk := RankYear(DefaultRules(), []YearFacts{
		unit("u1", "张三", 3, 100),
		unit("u2", "", 4, 90),
		unit("u3", "李四", 2, 80),
	})
	byID := map[string]Ranked{}
	for _, u := range rk.Units {
		byID[u.UnitID] = u
	}
	for _, want := range []string{
		"一年内无正当理由不满意办结的建议 3 件，超过 2 件，取消本单位及其负责人张三的评先资格",
		"3 suggestions ended unsatisfied without a valid reason this year, more than 2: the unit and its head 张三 lose award eligibility",
	} {
		if !strings.Contains(byID["u1"].Reason, want) {
			t.Errorf("u1 reason %q lacks %q", byID["u1"].Reason, want)
		}
	}
	if r := byID["u2"].Reason; !strings.Contains(r, "取消本单位及其负责人的评先资格") || !strings.Contains(r, "the unit and its head lose") {
		t.Errorf("u2 reason without a head name: %q", r)
	}
	if u := byID["u3"]; !u.Eligible || u.Reason != "" || !u.Award {
		t.Errorf("u3 with exactly 2 = %+v, want eligible with the award", u)
	}
	if byID["u1"].Head != "张三" {
		t.Errorf("u1 head = %q", byID["u1"].Head)
	}

	// A limit of 0: a single unsatisfied ending loses eligibility.
	strict := DefaultRules()
	strict.MaxUnsatisfiedWithoutReason = 0
	rk = RankYear(strict, []YearFacts{unit("u1", "", 1, 100), unit("u2", "", 0, 50)})
	if rk.Units[0].Eligible || !strings.Contains(rk.Units[0].Reason, "1 suggestion ended") || !rk.Units[1].Award {
		t.Errorf("limit 0: %+v", rk.Units)
	}
}

func TestRankingJSON(t *testing.T) {
	b, err := json.Marshal(RankYear(DefaultRules(), nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"units":[],"best":[],"worst":[]}`; got != want {
		t.Errorf("empty ranking JSON = %s, want %s", got, want)
	}
}

// TestEndingsCountByTheirFinalResult: what counts in the ">2" rule is how
// each case ended and the presidium's judgement on it. A final result
// rated unsatisfied counts until a valid reason is found; a case closed
// without feedback counts only once judged to have none.
func TestEndingsCountByTheirFinalResult(t *testing.T) {
	for _, c := range []struct {
		e    Ending
		want bool
	}{
		{Ending{Kind: "unsatisfied"}, true},
		{Ending{Kind: "unsatisfied", Reviewed: true, ValidReason: false}, true},
		{Ending{Kind: "unsatisfied", Reviewed: true, ValidReason: true}, false},
		{Ending{Kind: "no_feedback"}, false},
		{Ending{Kind: "no_feedback", Reviewed: true, ValidReason: false}, true},
		{Ending{Kind: "no_feedback", Reviewed: true, ValidReason: true}, false},
	} {
		if got := c.e.Counts(); got != c.want {
			t.Errorf("%+v counts %t, want %t", c.e, got, c.want)
		}
	}

	// Three unsatisfied endings, one with a valid reason: two count, the
	// unit keeps its eligibility (and wins, as the only eligible unit
	// here); with none judged valid it loses it, and so does its head.
	endings := func(valid bool) []Ending {
		return []Ending{
			{SuggestionID: "s1", Kind: "unsatisfied"},
			{SuggestionID: "s2", Kind: "unsatisfied", Reviewed: true},
			{SuggestionID: "s3", Kind: "unsatisfied", Reviewed: true, ValidReason: valid},
		}
	}
	rk := RankYear(DefaultRules(), []YearFacts{{UnitID: "u1", Head: "供电所 李所长", Endings: endings(true)}})
	u := rk.Units[0]
	if !u.Eligible || !u.HeadEligible || !u.Award || len(u.Counted) != 2 || len(u.Excused) != 1 || u.Excused[0].SuggestionID != "s3" {
		t.Errorf("one of three with a valid reason: %+v", u)
	}
	rk = RankYear(DefaultRules(), []YearFacts{{UnitID: "u1", Head: "供电所 李所长", Endings: endings(false)}})
	u = rk.Units[0]
	if u.Eligible || u.HeadEligible || u.Award || len(u.Counted) != 3 || len(u.Excused) != 0 || !strings.Contains(u.Reason, "李所长") {
		t.Errorf("three without a valid reason: %+v", u)
	}
}
