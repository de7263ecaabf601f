package duties

import (
	"strings"
	"testing"
)

func months(n ...int) [12]int {
	var m [12]int
	copy(m[:], n)
	return m
}

func every(n int) [12]int {
	var m [12]int
	for i := range m {
		m[i] = n
	}
	return m
}

// TestScoreFollowsTheRule: each part counts as the package comment says,
// and the parts add up to the score.
func TestScoreFollowsTheRule(t *testing.T) {
	r := DefaultRules()
	c := Score(r, 2, []DeputyFacts{{
		DeputyID: "dp_1", Name: "王西林", Group: "第一组",
		// 12 months of 3 visits (2 counted each) but one month of 10:
		// 2 + 11*2 = 24 counted, all 12 months met.
		VisitsByMonth: [12]int{10, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3},
		Opinions:      5, OpinionsToSuggestions: 2, SuggestionsLed: 1, SuggestionsCoSigned: 3, GroupMeetings: 4, Inspections: 1,
	}}, []GroupFacts{{Group: "第一组", MeetingsByPeriod: []int{1, 2, 1, 1}, OpinionsToSuggestions: 1}})
	d := c.Deputies[0]
	// 24*1 + 5*1 + 2*3 + 1*5 + 3*2 + 4*3 + 1*3 = 61.
	if d.Score != 61 || d.MonthsMet != 12 || !d.Eligible || !d.Commended || d.Rank != 1 {
		t.Errorf("deputy: %+v", d)
	}
	total := 0.0
	for _, p := range d.Parts {
		total += p.Points
		if !strings.Contains(p.Explanation, " / ") {
			t.Errorf("part %s explains itself in one language: %q", p.Rule, p.Explanation)
		}
	}
	if total != d.Score || d.Parts[0].Rule != RuleVisit || d.Parts[0].Count != 24 {
		t.Errorf("parts: %+v", d.Parts)
	}
	g := c.Groups[0]
	// 4 periods met * 5 + 1 opinion * 3 + mean 61 = 84.
	if g.Score != 84 || g.PeriodsMet != 4 || !g.Eligible || !g.Commended || g.Members != 1 {
		t.Errorf("group: %+v", g)
	}
}

// TestEligibility: a deputy short of min_months_met months at the floor,
// and a group that skipped a period, are ranked but not commended, and say
// why; the next eligible one is commended in their place.
func TestEligibility(t *testing.T) {
	r := DefaultRules()
	r.Deputies, r.Groups = 1, 1
	c := Score(r, 2, []DeputyFacts{
		{DeputyID: "dp_busy", Group: "A", VisitsByMonth: months(2, 2, 2, 2, 2, 2, 2, 2, 2), SuggestionsLed: 20}, // 9 months
		{DeputyID: "dp_steady", Group: "B", VisitsByMonth: every(2)},
	}, []GroupFacts{
		{Group: "A", MeetingsByPeriod: []int{1, 1, 0, 1}, OpinionsToSuggestions: 10},
		{Group: "B", MeetingsByPeriod: []int{1, 1, 1, 1}},
	})
	if c.Deputies[0].ID != "dp_busy" || c.Deputies[0].Eligible || c.Deputies[0].Commended ||
		!strings.Contains(c.Deputies[0].Reason, "fewer than 10") {
		t.Errorf("the busy deputy: %+v", c.Deputies[0])
	}
	if len(c.CommendedDeputies) != 1 || c.CommendedDeputies[0].ID != "dp_steady" {
		t.Errorf("commended deputies: %+v", c.CommendedDeputies)
	}
	if c.Groups[0].ID != "A" || c.Groups[0].Eligible || !strings.Contains(c.Groups[0].Reason, "met in 3 of the year's 4 periods") {
		t.Errorf("group A: %+v", c.Groups[0])
	}
	if len(c.CommendedGroups) != 1 || c.CommendedGroups[0].ID != "B" {
		t.Errorf("commended groups: %+v", c.CommendedGroups)
	}
}

// TestTiesShareTheLastPlace: equal scores share a rank, and a tie at the
// last commended place commends all of it.
func TestTiesShareTheLastPlace(t *testing.T) {
	r := DefaultRules()
	r.Deputies = 2
	c := Score(r, 2, []DeputyFacts{
		{DeputyID: "dp_c", VisitsByMonth: every(2), Inspections: 1},
		{DeputyID: "dp_a", VisitsByMonth: every(2)},
		{DeputyID: "dp_b", VisitsByMonth: every(2)},
		{DeputyID: "dp_d", VisitsByMonth: every(1)},
	}, nil)
	ranks := ""
	for _, d := range c.Deputies {
		ranks += d.ID + ":" + string(rune('0'+d.Rank)) + " "
	}
	if ranks != "dp_c:1 dp_a:2 dp_b:2 dp_d:4 " {
		t.Errorf("ranks: %s", ranks)
	}
	if len(c.CommendedDeputies) != 3 {
		t.Errorf("commended: %+v", c.CommendedDeputies)
	}
	if len(c.CommendedGroups) != 0 || c.Groups == nil {
		t.Errorf("no groups: %+v", c)
	}
}

func TestRulesValidate(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatal(err)
	}
	r := DefaultRules()
	r.Visit, r.MinMonthsMet, r.Groups = -1, 13, -2
	err := r.Validate()
	for _, key := range []string{"visit:", "min_months_met:", "groups:"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Validate does not name %s: %v", key, err)
		}
	}
}
