package store

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"suggestflow/domain"
)

// slogWriter sends GORM's warnings (slow queries, errors) to slog.
type slogWriter struct{}

func (slogWriter) Printf(format string, args ...any) {
	slog.Warn("database", "message", strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// Suggestion reads one suggestion's stored state.
func (s *Store) Suggestion(ctx context.Context, id string) (domain.Suggestion, error) {
	var row suggestionRow
	if err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error; err != nil {
		return domain.Suggestion{}, fmt.Errorf("suggestion %s: %w", id, translate(err))
	}
	return row.domain()
}

func (r suggestionRow) domain() (domain.Suggestion, error) {
	var sg domain.Suggestion
	if err := json.Unmarshal([]byte(r.State), &sg); err != nil {
		return sg, fmt.Errorf("decode suggestion %s: %w", r.ID, err)
	}
	return sg, nil
}

// SuggestionFilter narrows a list of suggestions.
type SuggestionFilter struct {
	Status   string
	UnitID   string
	DeputyID string
	Overdue  *bool
	Query    string
	// Scope limits a unit's or a deputy's lists to their own cases, on top
	// of the filters they chose.
	ScopeUnitID   string
	ScopeDeputyID string
}

// Suggestions lists suggestions, newest first.
func (s *Store) Suggestions(ctx context.Context, f SuggestionFilter, page Page) ([]domain.Suggestion, int64, error) {
	q := s.db.WithContext(ctx).Model(&suggestionRow{})
	if f.Overdue != nil {
		q = q.Where("suggestions.overdue = ?", *f.Overdue)
	}
	// A party is on a suggestion in one role only (submission and
	// assignment refuse doubles), so each join keeps one row per case.
	joins := 0
	var onlyParty string
	var onlyRoles []string
	join := func(party string, roles []string) {
		if party == "" {
			return
		}
		joins++
		onlyParty, onlyRoles = party, roles
		alias := fmt.Sprintf("p%d", joins)
		if f.Status != "" {
			// The party's rows carry the status: the first join filters
			// and orders on one index of its own.
			q = q.Joins(fmt.Sprintf("JOIN suggestion_parties %[1]s ON %[1]s.suggestion_id = suggestions.id AND %[1]s.party_id = ? AND %[1]s.status = ? AND %[1]s.role IN ?", alias), party, f.Status, roles)
			return
		}
		q = q.Joins(fmt.Sprintf("JOIN suggestion_parties %[1]s ON %[1]s.suggestion_id = suggestions.id AND %[1]s.party_id = ? AND %[1]s.role IN ?", alias), party, roles)
	}
	units, deputies := []string{"lead_unit", "co_unit"}, []string{"lead_deputy", "co_signer"}
	join(f.UnitID, units)
	if f.ScopeUnitID != f.UnitID {
		join(f.ScopeUnitID, units)
	}
	join(f.DeputyID, deputies)
	if f.ScopeDeputyID != f.DeputyID {
		join(f.ScopeDeputyID, deputies)
	}
	if f.Status != "" && joins == 0 {
		q = q.Where("suggestions.status = ?", f.Status)
	}
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("(suggestions.title LIKE ? ESCAPE '!' OR suggestions.number LIKE ? ESCAPE '!')", like, like)
	}
	var total int64
	count := q
	if joins == 1 && f.Overdue == nil && f.Query == "" {
		// Nothing to check on the cases themselves: the party's index rows
		// are the count.
		count = s.db.WithContext(ctx).Model(&partyRow{}).Where("party_id = ? AND role IN ?", onlyParty, onlyRoles)
		if f.Status != "" {
			count = count.Where("status = ?", f.Status)
		}
	}
	if err := count.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count suggestions: %w", err)
	}
	// With a party, its own rows are in submission order already (see
	// partyRow): the database reads the page from that index.
	order := "suggestions.submitted_at DESC, suggestions.id DESC"
	if joins > 0 {
		order = "p1.submitted_at DESC, p1.suggestion_id DESC"
	}
	var rows []suggestionRow
	if err := q.Select("suggestions.*").Order(order).Offset(page.offset()).Limit(page.Size).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list suggestions: %w", err)
	}
	out := make([]domain.Suggestion, 0, len(rows))
	for _, r := range rows {
		sg, err := r.domain()
		if err != nil {
			return nil, 0, err
		}
		out = append(out, sg)
	}
	return out, total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// Timeline lists a suggestion's events in order.
func (s *Store) Timeline(ctx context.Context, suggestionID string) ([]domain.Event, error) {
	var rows []eventRow
	if err := s.db.WithContext(ctx).Where("suggestion_id = ?", suggestionID).Order("at, ord, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", suggestionID, err)
	}
	out := make([]domain.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, domain.Event{ID: r.ID, SuggestionID: r.SuggestionID, MeetingID: r.MeetingID, At: r.At,
			Actor: domain.Actor{ID: r.ActorID, Role: r.ActorRole}, Type: r.Type, Detail: r.Detail})
	}
	return out, nil
}

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

// Messages lists the outbox messages of a suggestion.
func (s *Store) Messages(ctx context.Context, suggestionID string) ([]domain.Message, error) {
	var rows []outboxRow
	if err := s.db.WithContext(ctx).Where("suggestion_id = ?", suggestionID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("messages of %s: %w", suggestionID, err)
	}
	out := make([]domain.Message, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

// Names resolves unit and deputy ids to names, for rendering notices.
func (s *Store) Names(ctx context.Context, unitIDs, deputyIDs []string) (units map[string]domain.Unit, deputies map[string]domain.Deputy, err error) {
	units, deputies = map[string]domain.Unit{}, map[string]domain.Deputy{}
	if len(unitIDs) > 0 {
		var rows []unitRow
		if err := s.db.WithContext(ctx).Where("id IN ?", unitIDs).Find(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("unit names: %w", err)
		}
		for _, r := range rows {
			units[r.ID] = r.domain()
		}
	}
	if len(deputyIDs) > 0 {
		var rows []deputyRow
		if err := s.db.WithContext(ctx).Where("id IN ?", deputyIDs).Find(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("deputy names: %w", err)
		}
		for _, r := range rows {
			deputies[r.ID] = r.domain()
		}
	}
	return units, deputies, nil
}

// CaseIDs lists the id of every suggestion, for comparing the database with
// the workflows.
func (s *Store) CaseIDs(ctx context.Context) ([]string, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&suggestionRow{}).Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("case ids: %w", err)
	}
	return ids, nil
}
