package store

import (
	"context"
	"encoding/json"
	"fmt"

	"suggestflow/domain"
)

// MeetingFilter narrows a list of meetings.
type MeetingFilter struct {
	Status       string
	SuggestionID string
	UnitID       string
	// DeputyID: meetings on suggestions the deputy leads or co-signs.
	DeputyID string
}

// Meetings lists meetings, soonest first.
func (s *Store) Meetings(ctx context.Context, f MeetingFilter, page Page) ([]domain.Meeting, int64, error) {
	q := s.db.WithContext(ctx).Model(&meetingRow{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.SuggestionID != "" {
		q = q.Where("suggestion_id = ?", f.SuggestionID)
	}
	if f.UnitID != "" {
		q = q.Where("unit_id = ?", f.UnitID)
	}
	if f.DeputyID != "" {
		q = q.Where("suggestion_id IN (?)", s.db.Model(&partyRow{}).Select("suggestion_id").
			Where("party_id = ? AND role IN ?", f.DeputyID, []string{"lead_deputy", "co_signer"}))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count meetings: %w", err)
	}
	var rows []meetingRow
	if err := q.Order("scheduled_at, id").Offset(page.offset()).Limit(page.Size).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list meetings: %w", err)
	}
	out := make([]domain.Meeting, 0, len(rows))
	for _, r := range rows {
		m, err := r.domain()
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, nil
}

func (r meetingRow) domain() (domain.Meeting, error) {
	var m domain.Meeting
	if err := json.Unmarshal([]byte(r.State), &m); err != nil {
		return m, fmt.Errorf("decode meeting %s: %w", r.ID, err)
	}
	return m, nil
}

// Meeting reads one meeting.
func (s *Store) Meeting(ctx context.Context, id string) (domain.Meeting, error) {
	var row meetingRow
	if err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error; err != nil {
		return domain.Meeting{}, fmt.Errorf("meeting %s: %w", id, translate(err))
	}
	return row.domain()
}
