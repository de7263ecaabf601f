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
	q = whereSet(q, "status = ?", f.Status)
	q = whereSet(q, "suggestion_id = ?", f.SuggestionID)
	q = whereSet(q, "unit_id = ?", f.UnitID)
	if f.DeputyID != "" {
		q = q.Where("suggestion_id IN (?)", s.db.Model(&partyRow{}).Select("suggestion_id").
			Where("party_id = ? AND role IN ?", f.DeputyID, []string{"lead_deputy", "co_signer"}))
	}
	return paged(q, "meetings", "scheduled_at, id", page, meetingRow.domain)
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
	row, err := byID[meetingRow](s.db.WithContext(ctx), "meeting", id)
	if err != nil {
		return domain.Meeting{}, err
	}
	return row.domain()
}
