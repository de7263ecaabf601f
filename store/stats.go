package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"suggestflow/domain"
	"suggestflow/evaluation"
	"suggestflow/period"
)

// Period is a half-open time range.
type Period = period.Range

// RateFacts gathers the replies and ratings of a period (by their own
// times), optionally of one lead unit, for the rates.
func (s *Store) RateFacts(ctx context.Context, p Period, unitID string) ([]evaluation.ReplyFact, []evaluation.RatingFact, error) {
	type replyJoin struct {
		R          replyRow `gorm:"embedded"`
		LeadUnitID string
	}
	var replies []replyJoin
	q := s.withLeadUnit(ctx, "replies", "replied_at", p, unitID).Order("replies.suggestion_id, replies.round")
	if err := q.Find(&replies).Error; err != nil {
		return nil, nil, fmt.Errorf("reply facts: %w", err)
	}
	last := map[string]int{}
	for _, j := range replies {
		if r := j.R; r.Round > last[r.SuggestionID] {
			last[r.SuggestionID] = r.Round
		}
	}
	rf := make([]evaluation.ReplyFact, 0, len(replies))
	for _, j := range replies {
		r := j.R
		rf = append(rf, evaluation.ReplyFact{SuggestionID: r.SuggestionID, UnitID: j.LeadUnitID, Round: r.Round, Class: r.ResultClass,
			RepliedAt: r.RepliedAt, DueAt: r.DueAt, OnTime: r.OnTime, Consulted: r.Consulted, Final: r.Round == last[r.SuggestionID]})
	}
	type ratingJoin struct {
		R          ratingRow `gorm:"embedded"`
		LeadUnitID string
	}
	var ratings []ratingJoin
	if err := s.withLeadUnit(ctx, "ratings", "at", p, unitID).Find(&ratings).Error; err != nil {
		return nil, nil, fmt.Errorf("rating facts: %w", err)
	}
	gf := make([]evaluation.RatingFact, 0, len(ratings))
	for _, j := range ratings {
		r := j.R
		gf = append(gf, evaluation.RatingFact{SuggestionID: r.SuggestionID, UnitID: j.LeadUnitID, DeputyID: r.DeputyID,
			Round: r.Round, Lead: r.Lead, Result: r.Result, At: r.At})
	}
	return rf, gf, nil
}

// withLeadUnit selects the rows of a table of a suggestion's steps whose
// own time column falls in the period, each with the lead unit of its
// suggestion, and only that unit's when unitID is set. The names are the
// package's own constants, never input.
func (s *Store) withLeadUnit(ctx context.Context, table, at string, p Period, unitID string) *gorm.DB {
	q := s.db.WithContext(ctx).Table(table).Select(table+".*, suggestions.lead_unit_id").
		Joins("JOIN suggestions ON suggestions.id = "+table+".suggestion_id").
		Where(fmt.Sprintf("%[1]s.%[2]s >= ? AND %[1]s.%[2]s < ?", table, at), p.From, p.To)
	return whereSet(q, "suggestions.lead_unit_id = ?", unitID)
}

// statusCounts counts q's suggestions by status. Every status is a key,
// with 0 where no case has it, so a chart or a gauge never loses a line.
func statusCounts(q *gorm.DB) (map[string]int64, error) {
	counts, err := countsBy[int64](q.Select("status AS k, COUNT(*) AS n").Group("status"))
	if err != nil {
		return nil, err
	}
	out := zeroStatuses()
	for st, n := range counts {
		out[st] = n
	}
	return out, nil
}

// zeroStatuses is a count of 0 for every status.
func zeroStatuses() map[string]int64 {
	out := make(map[string]int64, len(domain.Statuses))
	for _, st := range domain.Statuses {
		out[string(st)] = 0
	}
	return out
}

// BoardEntry is one suggestion's five publics: the item, the unit, the due
// date, the result and the deputy's satisfaction. Nothing personal.
//
// The result and the satisfaction are of the current round only, so a row
// never shows one round's reply beside another round's rating; the rounds
// before it (a case re-handled after an unsatisfied rating) come apart, in
// EarlierRounds.
type BoardEntry struct {
	Number        string       `json:"number"`
	Title         string       `json:"title"`
	Unit          string       `json:"unit"`
	DueAt         *time.Time   `json:"due_at"`
	Status        string       `json:"status"`
	ReferredTo    string       `json:"referred_to,omitempty"`
	Round         int          `json:"round"`
	ResultClass   string       `json:"result_class,omitempty"`
	Satisfaction  string       `json:"satisfaction,omitempty"`
	EarlierRounds []BoardRound `json:"earlier_rounds,omitempty"`
}

// BoardRound is a round before the current one: its reply's class and the
// lead deputy's rating of it.
type BoardRound struct {
	Round        int    `json:"round"`
	ResultClass  string `json:"result_class"`
	Satisfaction string `json:"satisfaction,omitempty"`
}

// Board lists the suggestions handled in a period: submitted before its end,
// in one of statuses (the board package says which), and not closed before
// its start.
func (s *Store) Board(ctx context.Context, p Period, statuses []string) ([]BoardEntry, error) {
	db := s.db.WithContext(ctx)
	listed := db.Model(&suggestionRow{}).
		Where("submitted_at < ? AND status IN ? AND (closed_at IS NULL OR closed_at >= ?)", p.To, statuses, p.From)
	var rows []suggestionRow
	if err := listed.Session(&gorm.Session{}).Order("number").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	// Every round's reply: the case's state keeps only the latest.
	var replies []replyRow
	if err := db.Where("suggestion_id IN (?)", listed.Session(&gorm.Session{}).Select("id")).
		Order("suggestion_id, round").Find(&replies).Error; err != nil {
		return nil, fmt.Errorf("board: replies: %w", err)
	}
	classes := map[string]map[int]string{}
	for _, r := range replies {
		if classes[r.SuggestionID] == nil {
			classes[r.SuggestionID] = map[int]string{}
		}
		classes[r.SuggestionID][r.Round] = r.ResultClass
	}
	var unitIDs []string
	for _, r := range rows {
		if r.LeadUnitID != "" {
			unitIDs = append(unitIDs, r.LeadUnitID)
		}
	}
	units, _, err := s.Names(ctx, unitIDs, nil)
	if err != nil {
		return nil, err
	}
	out := make([]BoardEntry, 0, len(rows))
	for _, r := range rows {
		sg, err := r.domain()
		if err != nil {
			return nil, err
		}
		out = append(out, boardEntry(sg, units[sg.LeadUnitID()].Name, classes[sg.ID]))
	}
	return out, nil
}

// boardEntry is a case's row: classes are its replies' classes by round.
func boardEntry(sg domain.Suggestion, unit string, classes map[int]string) BoardEntry {
	if sg.Reply != nil {
		if classes == nil {
			classes = map[int]string{}
		}
		classes[sg.Reply.Round] = sg.Reply.ResultClass
	}
	// The lead deputy rates each round once; the state keeps every rating.
	satisfaction := map[int]string{}
	for _, g := range sg.Ratings {
		if g.Lead {
			satisfaction[g.Round] = g.Result
		}
	}
	// The current round, or the latest reply's where the state predates
	// rounds.
	current := sg.Round
	if sg.Reply != nil {
		current = max(current, sg.Reply.Round)
	}
	e := BoardEntry{Number: sg.Number, Title: sg.Title, Unit: unit, DueAt: sg.DueAt, Status: string(sg.Status), Round: current,
		ResultClass: classes[current], Satisfaction: satisfaction[current]}
	if sg.Referral != nil {
		e.ReferredTo = sg.Referral.To
	}
	if e.ResultClass == "" {
		// No reply in this round yet: nothing of it is rated either.
		e.Satisfaction = ""
	}
	rounds := make([]int, 0, len(classes))
	for round := range classes {
		if round < current {
			rounds = append(rounds, round)
		}
	}
	slices.Sort(rounds)
	for _, round := range rounds {
		e.EarlierRounds = append(e.EarlierRounds, BoardRound{Round: round, ResultClass: classes[round], Satisfaction: satisfaction[round]})
	}
	return e
}

// StateCounts are the numbers the metrics show.
type StateCounts struct {
	ByStatus        map[string]int64
	Overdue         int64
	PendingMeetings int64
	OutboxBacklog   int64
}

// StateCounts reads them.
func (s *Store) StateCounts(ctx context.Context) (StateCounts, error) {
	var out StateCounts
	db := s.db.WithContext(ctx)
	byStatus, err := statusCounts(db.Model(&suggestionRow{}))
	if err != nil {
		return out, fmt.Errorf("state counts: %w", err)
	}
	out.ByStatus = byStatus
	if err := db.Model(&suggestionRow{}).Where("overdue = ? AND status NOT IN ?", true, []string{"closed", "returned"}).Count(&out.Overdue).Error; err != nil {
		return out, fmt.Errorf("state counts: %w", err)
	}
	if err := db.Model(&meetingRow{}).Where("status = ?", domain.MeetingScheduled).Count(&out.PendingMeetings).Error; err != nil {
		return out, fmt.Errorf("state counts: %w", err)
	}
	if err := db.Model(&outboxRow{}).Where("status = ?", domain.MessageQueued).Count(&out.OutboxBacklog).Error; err != nil {
		return out, fmt.Errorf("state counts: %w", err)
	}
	return out, nil
}
