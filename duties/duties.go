// Package duties scores the deputies' year of duties (the six-step method,
// DOMAIN.md §6) and picks those commended at year end (表彰奖励): each
// deputy's record (履职档案) and each deputy group's. It is pure: the facts
// come from the store (package supervision gathers them), the rule from the
// policy (key `commendation`), so the API and the yearly cadence share it.
//
// The rule, with the defaults of DefaultRules:
//
//   - A deputy scores, for the year: 1 point per visit to constituents,
//     counting at most visits_per_month visits in any month (a visit beyond
//     the floor is good, but a burst of visits in December does not make a
//     year); 1 per opinion collected on a visit; 3 per opinion that became a
//     suggestion (collected on a visit, or raised by the deputy at a group
//     meeting); 5 per suggestion led and 2 per suggestion co-signed (returned
//     ones do not count); 3 per group meeting and 3 per inspection attended.
//   - A deputy may be commended only with at least min_months_met months of
//     the year in which they made visits_per_month visits (default 10 of 12:
//     room for the Spring Festival and harvest).
//   - A group scores 5 points per period of the year in which it met
//     (group_meeting_every: a quarter by default, so 4 periods), 3 per
//     opinion raised at its meetings that became a suggestion, and the mean
//     of its members' scores. It may be commended only when it met in every
//     period of the year.
//   - Deputies and groups are ranked by score, highest first; equal scores
//     share a rank. The best `deputies` eligible deputies (default 10) and
//     `groups` eligible groups (default 1) are commended; when the last place
//     is shared, every eligible one sharing it is commended too, so a tie is
//     never broken by an id.
package duties

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Rules is the commendation rule. It is policy: load it from the policy
// file over DefaultRules, then call Validate.
type Rules struct {
	// Points per item of a deputy's year.
	Visit               float64 `json:"visit" yaml:"visit"`
	Opinion             float64 `json:"opinion" yaml:"opinion"`
	OpinionToSuggestion float64 `json:"opinion_to_suggestion" yaml:"opinion_to_suggestion"`
	SuggestionLed       float64 `json:"suggestion_led" yaml:"suggestion_led"`
	SuggestionCoSigned  float64 `json:"suggestion_co_signed" yaml:"suggestion_co_signed"`
	GroupMeeting        float64 `json:"group_meeting" yaml:"group_meeting"`
	Inspection          float64 `json:"inspection" yaml:"inspection"`
	// MinMonthsMet is how many months of the year a deputy must have made
	// visits_per_month visits in to be commended.
	MinMonthsMet int `json:"min_months_met" yaml:"min_months_met"`
	// GroupPeriodMet is a group's points per period it met in.
	GroupPeriodMet float64 `json:"group_period_met" yaml:"group_period_met"`
	// Deputies and Groups are how many are commended (more on a tie).
	Deputies int `json:"deputies" yaml:"deputies"`
	Groups   int `json:"groups" yaml:"groups"`
}

// DefaultRules is the rule described in the package comment.
func DefaultRules() Rules {
	return Rules{Visit: 1, Opinion: 1, OpinionToSuggestion: 3, SuggestionLed: 5, SuggestionCoSigned: 2,
		GroupMeeting: 3, Inspection: 3, MinMonthsMet: 10, GroupPeriodMet: 5, Deputies: 10, Groups: 1}
}

// Validate checks the rule, naming every bad field by its policy key.
func (r Rules) Validate() error {
	var errs []error
	for _, p := range []struct {
		key string
		v   float64
	}{{"visit", r.Visit}, {"opinion", r.Opinion}, {"opinion_to_suggestion", r.OpinionToSuggestion},
		{"suggestion_led", r.SuggestionLed}, {"suggestion_co_signed", r.SuggestionCoSigned}, {"group_meeting", r.GroupMeeting},
		{"inspection", r.Inspection}, {"group_period_met", r.GroupPeriodMet}} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || p.v < 0 || p.v > 1000 {
			errs = append(errs, fmt.Errorf("%s: must be from 0 to 1000 points, got %v", p.key, p.v))
		}
	}
	if r.MinMonthsMet < 0 || r.MinMonthsMet > 12 {
		errs = append(errs, fmt.Errorf("min_months_met: must be from 0 to 12, got %d", r.MinMonthsMet))
	}
	if r.Deputies < 0 || r.Deputies > 1000 {
		errs = append(errs, fmt.Errorf("deputies: must be from 0 to 1000, got %d", r.Deputies))
	}
	if r.Groups < 0 || r.Groups > 1000 {
		errs = append(errs, fmt.Errorf("groups: must be from 0 to 1000, got %d", r.Groups))
	}
	return errors.Join(errs...)
}

// The rules of the parts of a score, named as their keys in Rules.
const (
	RuleVisit               = "visit"
	RuleOpinion             = "opinion"
	RuleOpinionToSuggestion = "opinion_to_suggestion"
	RuleSuggestionLed       = "suggestion_led"
	RuleSuggestionCoSigned  = "suggestion_co_signed"
	RuleGroupMeeting        = "group_meeting"
	RuleInspection          = "inspection"
	RuleGroupPeriodMet      = "group_period_met"
	// RuleMembers is a group's part from its members' mean score.
	RuleMembers = "members"
)

// DeputyFacts is one deputy's year.
type DeputyFacts struct {
	DeputyID string `json:"deputy_id"`
	Name     string `json:"name"`
	Group    string `json:"group"`
	// VisitsByMonth are the visits of each month, January first.
	VisitsByMonth         [12]int `json:"visits_by_month"`
	Opinions              int     `json:"opinions"`
	OpinionsToSuggestions int     `json:"opinions_to_suggestions"`
	SuggestionsLed        int     `json:"suggestions_led"`
	SuggestionsCoSigned   int     `json:"suggestions_co_signed"`
	GroupMeetings         int     `json:"group_meetings"`
	Inspections           int     `json:"inspections"`
}

// GroupFacts is one deputy group's year.
type GroupFacts struct {
	Group string `json:"group"`
	// MeetingsByPeriod are the group meetings held in each period of the
	// year (group_meeting_every), in order.
	MeetingsByPeriod      []int `json:"meetings_by_period"`
	OpinionsToSuggestions int   `json:"opinions_to_suggestions"`
}

// Part is one line of a score: the rule, how many items it counted, the
// points it gives and a sentence saying so, in Chinese, then in English.
type Part struct {
	Rule        string  `json:"rule"`
	Count       int     `json:"count"`
	Points      float64 `json:"points"`
	Explanation string  `json:"explanation"`
}

// Scored is one deputy's or group's place in the year.
type Scored struct {
	Rank int `json:"rank"`
	// ID is the deputy's id, or the group's name.
	ID    string `json:"id"`
	Name  string `json:"name"`
	Group string `json:"group,omitempty"`
	// Members is a group's number of deputies.
	Members int     `json:"members,omitempty"`
	Score   float64 `json:"score"`
	Parts   []Part  `json:"parts"`
	// MonthsMet (a deputy) or PeriodsMet (a group) is how much of the
	// year met the duty's floor; Eligible says whether it was enough, and
	// Reason why not, in Chinese, then in English.
	MonthsMet  int    `json:"months_met,omitempty"`
	PeriodsMet int    `json:"periods_met,omitempty"`
	Eligible   bool   `json:"eligible"`
	Reason     string `json:"reason,omitempty"`
	Commended  bool   `json:"commended"`
}

// Commendation is the year's scores and who is commended.
type Commendation struct {
	// Deputies and Groups are everyone, best first.
	Deputies []Scored `json:"deputies"`
	Groups   []Scored `json:"groups"`
	// CommendedDeputies and CommendedGroups are those commended, best first.
	CommendedDeputies []Scored `json:"commended_deputies"`
	CommendedGroups   []Scored `json:"commended_groups"`
}

// Score scores a year under r: visitsPerMonth is the monthly floor of
// visits (visits_per_month), and each group's MeetingsByPeriod has one
// count per period of the year. A deputy's group is found by name; a
// group without facts of its own scores its members' mean alone.
func Score(r Rules, visitsPerMonth int, deputies []DeputyFacts, groups []GroupFacts) Commendation {
	c := Commendation{Deputies: make([]Scored, 0, len(deputies)), Groups: make([]Scored, 0, len(groups)),
		CommendedDeputies: []Scored{}, CommendedGroups: []Scored{}}
	members := map[string][]float64{}
	for _, d := range deputies {
		s := scoreDeputy(r, visitsPerMonth, d)
		c.Deputies = append(c.Deputies, s)
		if d.Group != "" {
			members[d.Group] = append(members[d.Group], s.Score)
		}
	}
	for _, g := range groups {
		c.Groups = append(c.Groups, scoreGroup(r, g, members[g.Group]))
	}
	c.CommendedDeputies = rank(c.Deputies, r.Deputies)
	c.CommendedGroups = rank(c.Groups, r.Groups)
	return c
}

func scoreDeputy(r Rules, floor int, d DeputyFacts) Scored {
	s := Scored{ID: d.DeputyID, Name: d.Name, Group: d.Group}
	counted, total := 0, 0
	for _, n := range d.VisitsByMonth {
		n = max(n, 0)
		total += n
		counted += min(n, floor)
		if n >= floor {
			s.MonthsMet++
		}
	}
	add := func(rule string, n int, per float64, zh, en string) {
		n = max(n, 0)
		s.Parts = append(s.Parts, Part{Rule: rule, Count: n, Points: round(float64(n) * per),
			Explanation: fmt.Sprintf("%s %d，每项 %s 分 / %s: %d, %s each", zh, n, num(per), en, n, points(per))})
	}
	s.Parts = append(s.Parts, Part{Rule: RuleVisit, Count: counted, Points: round(float64(counted) * r.Visit),
		Explanation: fmt.Sprintf("走访选民 %d 次，每月至多计 %d 次，计 %d 次，每次 %s 分 / visits to constituents: %d, at most %d a month counted: %d, %s each",
			total, floor, counted, num(r.Visit), total, floor, counted, points(r.Visit))})
	add(RuleOpinion, d.Opinions, r.Opinion, "收集群众意见", "opinions collected")
	add(RuleOpinionToSuggestion, d.OpinionsToSuggestions, r.OpinionToSuggestion, "群众意见形成建议", "opinions that became suggestions")
	add(RuleSuggestionLed, d.SuggestionsLed, r.SuggestionLed, "领衔提出建议", "suggestions led")
	add(RuleSuggestionCoSigned, d.SuggestionsCoSigned, r.SuggestionCoSigned, "联名提出建议", "suggestions co-signed")
	add(RuleGroupMeeting, d.GroupMeetings, r.GroupMeeting, "参加代表小组会议", "group meetings attended")
	add(RuleInspection, d.Inspections, r.Inspection, "参加视察", "inspections attended")
	s.Score = sum(s.Parts)
	s.Eligible = s.MonthsMet >= r.MinMonthsMet
	if !s.Eligible {
		s.Reason = fmt.Sprintf("全年走访达到每月 %d 次的月份 %d 个，少于 %d 个，不列入表彰 / %d months of the year with %d visits or more, fewer than %d: not commended",
			floor, s.MonthsMet, r.MinMonthsMet, s.MonthsMet, floor, r.MinMonthsMet)
	}
	return s
}

func scoreGroup(r Rules, g GroupFacts, scores []float64) Scored {
	s := Scored{ID: g.Group, Name: g.Group, Members: len(scores)}
	for _, n := range g.MeetingsByPeriod {
		if n > 0 {
			s.PeriodsMet++
		}
	}
	periods := len(g.MeetingsByPeriod)
	s.Parts = append(s.Parts, Part{Rule: RuleGroupPeriodMet, Count: s.PeriodsMet, Points: round(float64(s.PeriodsMet) * r.GroupPeriodMet),
		Explanation: fmt.Sprintf("全年 %d 个会议周期中召开小组会议的 %d 个，每个 %s 分 / met in %d of the year's %d periods, %s each",
			periods, s.PeriodsMet, num(r.GroupPeriodMet), s.PeriodsMet, periods, points(r.GroupPeriodMet))})
	n := max(g.OpinionsToSuggestions, 0)
	s.Parts = append(s.Parts, Part{Rule: RuleOpinionToSuggestion, Count: n, Points: round(float64(n) * r.OpinionToSuggestion),
		Explanation: fmt.Sprintf("小组会议上的意见形成建议 %d 条，每条 %s 分 / opinions raised at its meetings that became suggestions: %d, %s each",
			n, num(r.OpinionToSuggestion), n, points(r.OpinionToSuggestion))})
	mean := 0.0
	for _, x := range scores {
		mean += x
	}
	if len(scores) > 0 {
		mean /= float64(len(scores))
	}
	s.Parts = append(s.Parts, Part{Rule: RuleMembers, Count: len(scores), Points: round(mean),
		Explanation: fmt.Sprintf("%d 名代表的平均分 %s / the mean score of its %d deputies: %s", len(scores), num(mean), len(scores), num(mean))})
	s.Score = sum(s.Parts)
	s.Eligible = periods > 0 && s.PeriodsMet == periods
	if !s.Eligible {
		s.Reason = fmt.Sprintf("全年 %d 个会议周期中仅 %d 个召开小组会议，不列入表彰 / met in %d of the year's %d periods: not commended",
			periods, s.PeriodsMet, s.PeriodsMet, periods)
	}
	return s
}

// rank sorts the list best first, gives ranks (equal scores share one:
// 1, 2, 2, 4; the same score is listed by id), and commends the best n
// eligible ones and every eligible one tied with the last of them.
func rank(list []Scored, n int) []Scored {
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Score != list[j].Score {
			return list[i].Score > list[j].Score
		}
		return list[i].ID < list[j].ID
	})
	for i := range list {
		if i > 0 && list[i].Score == list[i-1].Score {
			list[i].Rank = list[i-1].Rank
		} else {
			list[i].Rank = i + 1
		}
	}
	out := []Scored{}
	if n <= 0 {
		return out
	}
	eligible, boundary, found := 0, 0.0, false
	for _, s := range list {
		if !s.Eligible {
			continue
		}
		eligible++
		boundary, found = s.Score, true
		if eligible == n {
			break
		}
	}
	if !found {
		return out
	}
	for i := range list {
		if list[i].Eligible && list[i].Score >= boundary {
			list[i].Commended = true
			out = append(out, list[i])
		}
	}
	return out
}

func sum(parts []Part) float64 {
	t := 0.0
	for _, p := range parts {
		t += p.Points
	}
	return round(t)
}

// round rounds to 0.01, never to negative zero.
func round(x float64) float64 {
	x = math.Round(x*100) / 100
	if x == 0 {
		return 0
	}
	return x
}

func num(x float64) string { return strconv.FormatFloat(round(x), 'f', -1, 64) }

func points(x float64) string {
	if round(x) == 1 {
		return "1 point"
	}
	return num(x) + " points"
}
