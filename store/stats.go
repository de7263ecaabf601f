package store

import (
	"context"
	"fmt"
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

// CountByStatus counts the suggestions submitted in a period by status.
func (s *Store) CountByStatus(ctx context.Context, p Period, unitID string) (map[string]int64, error) {
	q := s.db.WithContext(ctx).Model(&suggestionRow{}).Where("submitted_at >= ? AND submitted_at < ?", p.From, p.To)
	q = whereSet(q, "lead_unit_id = ?", unitID)
	out, err := statusCounts(q)
	if err != nil {
		return nil, fmt.Errorf("count by status: %w", err)
	}
	return out, nil
}

// statusCounts counts q's suggestions by status. Every status is a key,
// with 0 where no case has it, so a chart or a gauge never loses a line.
func statusCounts(q *gorm.DB) (map[string]int64, error) {
	counts, err := countsBy[int64](q.Select("status AS k, COUNT(*) AS n").Group("status"))
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(domain.Statuses))
	for _, st := range domain.Statuses {
		out[string(st)] = 0
	}
	for st, n := range counts {
		out[st] = n
	}
	return out, nil
}

// BoardEntry is one suggestion's five publics: the item, the unit, the due
// date, the result and the deputy's satisfaction. Nothing personal.
type BoardEntry struct {
	Number       string     `json:"number"`
	Title        string     `json:"title"`
	Unit         string     `json:"unit"`
	DueAt        *time.Time `json:"due_at"`
	Status       string     `json:"status"`
	ResultClass  string     `json:"result_class,omitempty"`
	Satisfaction string     `json:"satisfaction,omitempty"`
}

// Board lists the suggestions handled in a period: submitted before its end,
// not returned, and not closed before its start.
func (s *Store) Board(ctx context.Context, p Period) ([]BoardEntry, error) {
	var rows []suggestionRow
	err := s.db.WithContext(ctx).Where("submitted_at < ? AND status <> ? AND (closed_at IS NULL OR closed_at >= ?)", p.To, "returned", p.From).
		Order("number").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("board: %w", err)
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
		e := BoardEntry{Number: sg.Number, Title: sg.Title, Unit: units[sg.LeadUnitID()].Name, DueAt: sg.DueAt, Status: string(sg.Status)}
		if sg.Reply != nil {
			e.ResultClass = sg.Reply.ResultClass
		}
		for _, g := range sg.Ratings {
			if g.Lead {
				e.Satisfaction = g.Result
			}
		}
		out = append(out, e)
	}
	return out, nil
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
