package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"suggestflow/domain"
)

type visitRow struct {
	ID        string    `gorm:"primaryKey;size:40"`
	DeputyID  string    `gorm:"size:64;index"`
	VisitedAt time.Time `gorm:"index"`
	Place     string    `gorm:"size:200"`
	Note      string    `gorm:"type:text"`
	CreatedAt time.Time
}

func (visitRow) TableName() string { return "constituent_visits" }

// Visit is a deputy's visit to constituents with the opinions collected.
type Visit struct {
	ID        string    `json:"id"`
	DeputyID  string    `json:"deputy_id"`
	VisitedAt time.Time `json:"visited_at"`
	Place     string    `json:"place"`
	Note      string    `json:"note"`
	Opinions  []Opinion `json:"opinions"`
}

// Opinion is one constituent's opinion. The constituent's name is personal
// data: it is stored, and shown only to the presidium and the deputy.
type Opinion struct {
	ID           string `json:"id"`
	Constituent  string `json:"constituent,omitempty"`
	Content      string `json:"content"`
	SuggestionID string `json:"suggestion_id,omitempty"`
}

// CreateVisit stores a visit and its opinions.
func (s *Store) CreateVisit(ctx context.Context, v Visit) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&visitRow{ID: v.ID, DeputyID: v.DeputyID, VisitedAt: v.VisitedAt, Place: v.Place, Note: v.Note}).Error; err != nil {
			return fmt.Errorf("create visit: %w", translate(err))
		}
		for _, o := range v.Opinions {
			row := opinionRow{ID: o.ID, DeputyID: v.DeputyID, VisitID: v.ID, Constituent: o.Constituent, Content: o.Content}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("create opinion: %w", translate(err))
			}
		}
		return nil
	})
}

// LinkOpinion links an opinion to the suggestion that grew from it.
func (s *Store) LinkOpinion(ctx context.Context, opinionID, suggestionID string) (Opinion, error) {
	res := s.db.WithContext(ctx).Model(&opinionRow{}).Where("id = ?", opinionID).Update("suggestion_id", suggestionID)
	if res.Error != nil {
		return Opinion{}, fmt.Errorf("link opinion: %w", res.Error)
	}
	row, err := byID[opinionRow](s.db.WithContext(ctx), "opinion", opinionID)
	if err != nil {
		return Opinion{}, err
	}
	return Opinion{ID: row.ID, Constituent: row.Constituent, Content: row.Content, SuggestionID: row.SuggestionID}, nil
}

// OpinionDeputy is the deputy who collected an opinion.
func (s *Store) OpinionDeputy(ctx context.Context, opinionID string) (string, error) {
	row, err := byID[opinionRow](s.db.WithContext(ctx).Select("deputy_id"), "opinion", opinionID)
	if err != nil {
		return "", err
	}
	return row.DeputyID, nil
}

// VisitCounts counts each deputy's visits in a period.
func (s *Store) VisitCounts(ctx context.Context, p Period) (map[string]int, []domain.Deputy, error) {
	counts, err := countsBy[int](s.db.WithContext(ctx).Model(&visitRow{}).Select("deputy_id AS k, COUNT(*) AS n").
		Where("visited_at >= ? AND visited_at < ?", p.From, p.To).Group("deputy_id"))
	if err != nil {
		return nil, nil, fmt.Errorf("visit counts: %w", err)
	}
	var deps []deputyRow
	if err := s.db.WithContext(ctx).Order("id").Find(&deps).Error; err != nil {
		return nil, nil, fmt.Errorf("deputies: %w", err)
	}
	return counts, convert(deps, deputyRow.domain), nil
}

// DeputyRecord is what a deputy did in a year (履职档案).
type DeputyRecord struct {
	DeputyID         string `json:"deputy_id"`
	Year             int    `json:"year"`
	Visits           int64  `json:"visits"`
	Opinions         int64  `json:"opinions"`
	OpinionsLinked   int64  `json:"opinions_linked"`
	SuggestionsLed   int64  `json:"suggestions_led"`
	CoSigned         int64  `json:"suggestions_co_signed"`
	MeetingsAttended int64  `json:"meetings_attended"`
	RatingsGiven     int64  `json:"ratings_given"`
	// GroupMeetings and Inspections are those the deputy attended.
	GroupMeetings int64 `json:"group_meetings"`
	Inspections   int64 `json:"inspections"`
}

// DeputyYear gathers a deputy's year.
func (s *Store) DeputyYear(ctx context.Context, deputyID string, year int, p Period) (DeputyRecord, error) {
	r := DeputyRecord{DeputyID: deputyID, Year: year}
	db := s.db.WithContext(ctx)
	steps := []struct {
		dst *int64
		q   *gorm.DB
	}{
		{&r.Visits, db.Model(&visitRow{}).Where("deputy_id = ? AND visited_at >= ? AND visited_at < ?", deputyID, p.From, p.To)},
		{&r.Opinions, db.Model(&opinionRow{}).Joins("JOIN constituent_visits ON constituent_visits.id = constituent_opinions.visit_id").
			Where("constituent_opinions.deputy_id = ? AND constituent_visits.visited_at >= ? AND constituent_visits.visited_at < ?", deputyID, p.From, p.To)},
		{&r.OpinionsLinked, db.Model(&opinionRow{}).Joins("JOIN constituent_visits ON constituent_visits.id = constituent_opinions.visit_id").
			Where("constituent_opinions.deputy_id = ? AND constituent_opinions.suggestion_id <> '' AND constituent_visits.visited_at >= ? AND constituent_visits.visited_at < ?", deputyID, p.From, p.To)},
		{&r.SuggestionsLed, db.Model(&suggestionRow{}).Where("lead_deputy_id = ? AND submitted_at >= ? AND submitted_at < ?", deputyID, p.From, p.To)},
		{&r.CoSigned, db.Model(&partyRow{}).Joins("JOIN suggestions ON suggestions.id = suggestion_parties.suggestion_id").
			Where("suggestion_parties.party_id = ? AND suggestion_parties.role = ? AND suggestions.submitted_at >= ? AND suggestions.submitted_at < ?", deputyID, "co_signer", p.From, p.To)},
		{&r.MeetingsAttended, db.Model(&meetingRow{}).Joins("JOIN suggestion_parties ON suggestion_parties.suggestion_id = meetings.suggestion_id").
			Where("suggestion_parties.party_id = ? AND suggestion_parties.role IN ? AND meetings.status = ? AND meetings.scheduled_at >= ? AND meetings.scheduled_at < ?",
				deputyID, []string{"lead_deputy", "co_signer"}, domain.MeetingHeld, p.From, p.To)},
		{&r.RatingsGiven, db.Model(&ratingRow{}).Where("deputy_id = ? AND at >= ? AND at < ?", deputyID, p.From, p.To)},
	}
	for _, st := range steps {
		if err := st.q.Count(st.dst).Error; err != nil {
			return r, fmt.Errorf("deputy record: %w", err)
		}
	}
	var err error
	if r.GroupMeetings, r.Inspections, err = s.attendance(ctx, deputyID, p); err != nil {
		return r, fmt.Errorf("deputy record: %w", err)
	}
	return r, nil
}

// Visits lists visits, newest first, with their opinions: one deputy's
// when deputyID is set.
func (s *Store) Visits(ctx context.Context, deputyID string, page Page) ([]Visit, int64, error) {
	db := s.db.WithContext(ctx)
	q := whereSet(db.Model(&visitRow{}), "deputy_id = ?", deputyID)
	visits, total, err := paged(q, "visits", "visited_at DESC, id DESC", page, always(func(r visitRow) Visit {
		return Visit{ID: r.ID, DeputyID: r.DeputyID, VisitedAt: r.VisitedAt, Place: r.Place, Note: r.Note, Opinions: []Opinion{}}
	}))
	if err != nil || len(visits) == 0 {
		return visits, total, err
	}
	ids := make([]string, len(visits))
	at := map[string]int{}
	for i, v := range visits {
		ids[i], at[v.ID] = v.ID, i
	}
	var rows []opinionRow
	if err := db.Where("visit_id IN ?", ids).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("opinions of visits: %w", err)
	}
	for _, r := range rows {
		v := &visits[at[r.VisitID]]
		v.Opinions = append(v.Opinions, Opinion{ID: r.ID, SuggestionID: r.SuggestionID, Constituent: r.Constituent, Content: r.Content})
	}
	return visits, total, nil
}
