package store

import (
	"context"
	"fmt"
	"time"

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
	q := s.db.WithContext(ctx).Table("replies").Select("replies.*, suggestions.lead_unit_id").
		Joins("JOIN suggestions ON suggestions.id = replies.suggestion_id").
		Where("replies.replied_at >= ? AND replies.replied_at < ?", p.From, p.To)
	if unitID != "" {
		q = q.Where("suggestions.lead_unit_id = ?", unitID)
	}
	var replies []replyJoin
	if err := q.Order("replies.suggestion_id, replies.round").Find(&replies).Error; err != nil {
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
	rq := s.db.WithContext(ctx).Table("ratings").Select("ratings.*, suggestions.lead_unit_id").
		Joins("JOIN suggestions ON suggestions.id = ratings.suggestion_id").
		Where("ratings.at >= ? AND ratings.at < ?", p.From, p.To)
	if unitID != "" {
		rq = rq.Where("suggestions.lead_unit_id = ?", unitID)
	}
	var ratings []ratingJoin
	if err := rq.Find(&ratings).Error; err != nil {
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

// CountByStatus counts the suggestions submitted in a period by status.
func (s *Store) CountByStatus(ctx context.Context, p Period, unitID string) (map[string]int64, error) {
	type row struct {
		Status string
		N      int64
	}
	q := s.db.WithContext(ctx).Model(&suggestionRow{}).Select("status, COUNT(*) AS n").
		Where("submitted_at >= ? AND submitted_at < ?", p.From, p.To)
	if unitID != "" {
		q = q.Where("lead_unit_id = ?", unitID)
	}
	var rows []row
	if err := q.Group("status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count by status: %w", err)
	}
	out := map[string]int64{}
	for _, st := range domain.Statuses {
		out[string(st)] = 0
	}
	for _, r := range rows {
		out[r.Status] = r.N
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
	out := StateCounts{ByStatus: map[string]int64{}}
	for _, st := range domain.Statuses {
		out.ByStatus[string(st)] = 0
	}
	type row struct {
		Status string
		N      int64
	}
	var rows []row
	db := s.db.WithContext(ctx)
	if err := db.Model(&suggestionRow{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return out, fmt.Errorf("state counts: %w", err)
	}
	for _, r := range rows {
		out.ByStatus[r.Status] = r.N
	}
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
