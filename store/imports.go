package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"suggestflow/domain"
)

// An import of the roster reads the whole roster and writes what it plans
// in one transaction: the plan is made against the roster as it is when
// written, and a failure half-way writes nothing.

// importBatch is how many rows one INSERT carries: few enough for any
// database's limit on bound parameters.
const importBatch = 200

// RosterPlan decides, from the whole roster as it is, what to create and
// what to change; returning nothing writes nothing (a dry run, or a file
// with errors).
type RosterPlan[T any] func(existing []T) (create, update []T, err error)

// ImportDeputies hands every deputy (retired ones too: a likely duplicate
// of a retired deputy is still one) to plan and writes what it returns.
// Updated deputies keep when they were added and whether they are
// retired.
func (s *Store) ImportDeputies(ctx context.Context, plan RosterPlan[domain.Deputy]) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []deputyRow
		if err := tx.Order("created_at, id").Find(&rows).Error; err != nil {
			return fmt.Errorf("read the deputies: %w", err)
		}
		create, update, err := plan(convert(rows, deputyRow.domain))
		if err != nil {
			return err
		}
		if len(create) > 0 {
			news := make([]deputyRow, 0, len(create))
			for _, d := range create {
				news = append(news, deputyRowOf(d))
			}
			if err := tx.CreateInBatches(&news, importBatch).Error; err != nil {
				return fmt.Errorf("add %d deputies: %w", len(news), translate(err))
			}
		}
		for _, d := range update {
			row := deputyRowOf(d)
			if err := tx.Model(&deputyRow{ID: d.ID}).Select("name", "level", "group_name", "phone", "email").Updates(&row).Error; err != nil {
				return fmt.Errorf("update deputy %s: %w", d.ID, translate(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import deputies: %w", err)
	}
	return nil
}

// ImportUnits is ImportDeputies for the units.
func (s *Store) ImportUnits(ctx context.Context, plan RosterPlan[domain.Unit]) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []unitRow
		if err := tx.Order("created_at, id").Find(&rows).Error; err != nil {
			return fmt.Errorf("read the units: %w", err)
		}
		create, update, err := plan(convert(rows, unitRow.domain))
		if err != nil {
			return err
		}
		if len(create) > 0 {
			news := make([]unitRow, 0, len(create))
			for _, u := range create {
				news = append(news, unitRowOf(u))
			}
			if err := tx.CreateInBatches(&news, importBatch).Error; err != nil {
				return fmt.Errorf("add %d units: %w", len(news), translate(err))
			}
		}
		for _, u := range update {
			row := unitRowOf(u)
			if err := tx.Model(&unitRow{ID: u.ID}).Select("name", "head", "phone", "email", "leader", "leader_phone", "leader_email",
				"handler", "handler_phone", "handler_email").Updates(&row).Error; err != nil {
				return fmt.Errorf("update unit %s: %w", u.ID, translate(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import units: %w", err)
	}
	return nil
}

// AllDeputies lists every deputy, retired ones too, in the order they
// were added.
func (s *Store) AllDeputies(ctx context.Context) ([]domain.Deputy, error) {
	var rows []deputyRow
	if err := s.db.WithContext(ctx).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("all deputies: %w", err)
	}
	return convert(rows, deputyRow.domain), nil
}

// SuggestionTitle is a suggestion as an import matches it: by its lead
// deputy and its title.
type SuggestionTitle struct {
	ID           string
	LeadDeputyID string
	Title        string
	Status       domain.Status
}

// SuggestionTitles lists the suggestions the deputies lead, whatever their
// status: an import does not submit again what is already there.
func (s *Store) SuggestionTitles(ctx context.Context, leadDeputyIDs []string) ([]SuggestionTitle, error) {
	if len(leadDeputyIDs) == 0 {
		return nil, nil
	}
	var rows []suggestionRow
	if err := s.db.WithContext(ctx).Select("id", "lead_deputy_id", "title", "status").
		Where("lead_deputy_id IN ?", leadDeputyIDs).Order("submitted_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("suggestions by lead deputy: %w", err)
	}
	out := make([]SuggestionTitle, 0, len(rows))
	for _, r := range rows {
		out = append(out, SuggestionTitle{ID: r.ID, LeadDeputyID: r.LeadDeputyID, Title: r.Title, Status: domain.Status(r.Status)})
	}
	return out, nil
}
