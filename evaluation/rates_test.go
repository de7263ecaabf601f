package evaluation

import (
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

func TestNewRate(t *testing.T) {
	for _, tc := range []struct {
		num, den int
		value    float64
		str      string
	}{
		{0, 0, 0, "0/0 (-)"},
		{3, 4, 0.75, "3/4 (75%)"},
		{1, 3, 1.0 / 3, "1/3 (33.3%)"},
		{2, 2, 1, "2/2 (100%)"},
		{0, 5, 0, "0/5 (0%)"},
	} {
		r := NewRate(tc.num, tc.den)
		if r.Numerator != tc.num || r.Denominator != tc.den || r.Value != tc.value {
			t.Errorf("NewRate(%d, %d) = %+v, want value %v", tc.num, tc.den, r, tc.value)
		}
		if got := r.String(); got != tc.str {
			t.Errorf("NewRate(%d, %d).String() = %q, want %q", tc.num, tc.den, got, tc.str)
		}
	}
}

func TestComputeRates(t *testing.T) {
	rate := func(n, d int) Rate { return NewRate(n, d) }
	for _, tc := range []struct {
		name    string
		replies []ReplyFact
		ratings []RatingFact
		want    Rates
	}{
		{
			name: "nothing: every denominator 0, every value 0",
			want: Rates{},
		},
		{
			name:    "ratings without replies: only satisfaction has a denominator",
			ratings: []RatingFact{{SuggestionID: "s1", DeputyID: "d1", Lead: true, Result: "satisfied"}},
			want:    Rates{Satisfaction: rate(1, 1)},
		},
		{
			name: "replies without ratings: satisfaction 0/0",
			replies: []ReplyFact{
				{SuggestionID: "s1", Round: 1, Class: "A", Consulted: true, OnTime: true, Final: true},
			},
			want: Rates{Consultation: rate(1, 1), Resolution: rate(1, 1), OnTime: rate(1, 1)},
		},
		{
			name: "re-handling rounds count as replies for consultation and on-time",
			replies: []ReplyFact{
				// s1: round 1 late and without consultation, unsatisfied;
				// round 2 consulted and on time, class A, final.
				{SuggestionID: "s1", Round: 1, Class: "D", RepliedAt: day(100), DueAt: day(90), OnTime: false, Consulted: false},
				{SuggestionID: "s1", Round: 2, Class: "A", RepliedAt: day(120), DueAt: day(130), OnTime: true, Consulted: true, Final: true},
				// s2: one round, consulted, on time, class B.
				{SuggestionID: "s2", Round: 1, Class: "B", RepliedAt: day(50), DueAt: day(90), OnTime: true, Consulted: true, Final: true},
			},
			want: Rates{Consultation: rate(2, 3), OnTime: rate(2, 3), Resolution: rate(1, 2)},
		},
		{
			name: "resolution counts suggestions by their final reply, not replies",
			replies: []ReplyFact{
				// s1: A first, then rated unsatisfied and re-handled into a D: not resolved.
				{SuggestionID: "s1", Round: 1, Class: "A", Consulted: true, OnTime: true},
				{SuggestionID: "s1", Round: 2, Class: "D", Consulted: true, OnTime: true, Final: true},
				// s2: C first, A after re-handling: resolved once.
				{SuggestionID: "s2", Round: 1, Class: "C", Consulted: true, OnTime: true},
				{SuggestionID: "s2", Round: 2, Class: "A", Consulted: true, OnTime: true},
				{SuggestionID: "s2", Round: 3, Class: "A", Consulted: true, OnTime: true, Final: true},
				// s3: one B reply.
				{SuggestionID: "s3", Round: 1, Class: "B", Consulted: true, OnTime: true, Final: true},
			},
			want: Rates{Consultation: rate(6, 6), OnTime: rate(6, 6), Resolution: rate(1, 3)},
		},
		{
			name: "the final mark wins over input order",
			replies: []ReplyFact{
				{SuggestionID: "s1", Round: 2, Class: "A", Final: true},
				{SuggestionID: "s1", Round: 1, Class: "D"},
			},
			want: Rates{Consultation: rate(0, 2), OnTime: rate(0, 2), Resolution: rate(1, 1)},
		},
		{
			name: "no reply marked final: the highest round stands for it",
			replies: []ReplyFact{
				{SuggestionID: "s1", Round: 2, Class: "A", RepliedAt: day(40)},
				{SuggestionID: "s1", Round: 1, Class: "D", RepliedAt: day(10)},
				{SuggestionID: "s2", Round: 1, Class: "A", RepliedAt: day(10)},
				{SuggestionID: "s2", Round: 2, Class: "C", RepliedAt: day(40)},
			},
			want: Rates{Consultation: rate(0, 4), OnTime: rate(0, 4), Resolution: rate(1, 2)},
		},
		{
			name: "same round twice (a corrected reply): the later one stands for it",
			replies: []ReplyFact{
				{SuggestionID: "s1", Round: 1, Class: "A", RepliedAt: day(20)},
				{SuggestionID: "s1", Round: 1, Class: "B", RepliedAt: day(10)},
			},
			want: Rates{Consultation: rate(0, 2), OnTime: rate(0, 2), Resolution: rate(1, 1)},
		},
		{
			name: "satisfaction counts co-signers and every round; unknown results are not result ratings",
			ratings: []RatingFact{
				{SuggestionID: "s1", Round: 1, DeputyID: "lead", Lead: true, Result: "unsatisfied"},
				{SuggestionID: "s1", Round: 1, DeputyID: "co1", Result: "basically_satisfied"},
				{SuggestionID: "s1", Round: 2, DeputyID: "lead", Lead: true, Result: "satisfied"},
				{SuggestionID: "s1", Round: 2, DeputyID: "co1", Result: "satisfied"},
				{SuggestionID: "s1", Round: 2, DeputyID: "co2", Result: "unsatisfied"},
				{SuggestionID: "s1", Round: 2, DeputyID: "co3", Result: ""},
				{SuggestionID: "s1", Round: 2, DeputyID: "co4", Result: "no_feedback"},
			},
			want: Rates{Satisfaction: rate(3, 5)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ComputeRates(tc.replies, tc.ratings)
			if got != tc.want {
				t.Errorf("ComputeRates =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestComputeRatesByUnit(t *testing.T) {
	replies := []ReplyFact{
		{SuggestionID: "s1", UnitID: "u1", Round: 1, Class: "A", Consulted: true, OnTime: true, Final: true},
		{SuggestionID: "s2", UnitID: "u2", Round: 1, Class: "D", Consulted: false, OnTime: true},
		{SuggestionID: "s2", UnitID: "u2", Round: 2, Class: "A", Consulted: true, OnTime: false, Final: true},
	}
	ratings := []RatingFact{
		{SuggestionID: "s1", UnitID: "u1", DeputyID: "d1", Lead: true, Result: "satisfied"},
		{SuggestionID: "s2", UnitID: "u2", DeputyID: "d2", Lead: true, Result: "unsatisfied"},
		{SuggestionID: "s2", UnitID: "u2", DeputyID: "d2", Lead: true, Round: 2, Result: "basically_satisfied"},
		{SuggestionID: "s3", UnitID: "u3", DeputyID: "d3", Lead: true, Result: "satisfied"},
	}
	got := ComputeRatesByUnit(replies, ratings)
	want := map[string]Rates{
		"u1": {Consultation: NewRate(1, 1), Resolution: NewRate(1, 1), Satisfaction: NewRate(1, 1), OnTime: NewRate(1, 1)},
		"u2": {Consultation: NewRate(1, 2), Resolution: NewRate(1, 1), Satisfaction: NewRate(1, 2), OnTime: NewRate(1, 2)},
		"u3": {Satisfaction: NewRate(1, 1)},
	}
	if len(got) != len(want) {
		t.Fatalf("ComputeRatesByUnit returned %d units, want %d: %+v", len(got), len(want), got)
	}
	for u, w := range want {
		if got[u] != w {
			t.Errorf("unit %s: got %+v, want %+v", u, got[u], w)
		}
	}
	if len(ComputeRatesByUnit(nil, nil)) != 0 {
		t.Error("ComputeRatesByUnit(nil, nil) is not empty")
	}
}
