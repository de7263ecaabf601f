package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"suggestflow/domain"
)

// intakeStartRow marks a case stored by intake whose workflow is not known
// to have started. Intake stores the case first and starts its workflow
// after; the row is written in the case's own transaction and deleted once
// the start is confirmed, so a case whose start was cut off (a crash, a
// Temporal outage) is found and started again.
type intakeStartRow struct {
	SuggestionID string    `gorm:"primaryKey;size:64"`
	ActorID      string    `gorm:"size:64;not null"`
	ActorRole    string    `gorm:"size:32;not null"`
	CreatedAt    time.Time `gorm:"not null;index"`
}

func (intakeStartRow) TableName() string { return "intake_starts" }

// PendingIntake is a case stored by intake whose workflow may not have
// started, with who submitted it (its first event names them).
type PendingIntake struct {
	SuggestionID string
	Actor        domain.Actor
	Since        time.Time
}

// CreateIntake stores a new case as CreateSuggestion does, marked as
// waiting for its workflow's start, and says whether it was new (false:
// a case of that id was stored already, and is left as it is).
func (s *Store) CreateIntake(ctx context.Context, sg domain.Suggestion, year int, actor domain.Actor) (string, bool, error) {
	return s.createSuggestion(ctx, sg, year, func(tx *gorm.DB) error {
		return tx.Create(&intakeStartRow{SuggestionID: sg.ID, ActorID: actor.ID, ActorRole: actor.Role, CreatedAt: time.Now().UTC()}).Error
	})
}

// IntakeStarted clears the mark of a case whose workflow has started.
func (s *Store) IntakeStarted(ctx context.Context, id string) error {
	if err := s.db.WithContext(ctx).Where("suggestion_id = ?", id).Delete(&intakeStartRow{}).Error; err != nil {
		return fmt.Errorf("clear the intake mark of %s: %w", id, translate(err))
	}
	return nil
}

// PendingIntakes lists the cases marked before the given time, oldest
// first, at most limit.
func (s *Store) PendingIntakes(ctx context.Context, before time.Time, limit int) ([]PendingIntake, error) {
	var rows []intakeStartRow
	if err := s.db.WithContext(ctx).Where("created_at < ?", before.UTC()).Order("created_at").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list pending intakes: %w", translate(err))
	}
	out := make([]PendingIntake, 0, len(rows))
	for _, r := range rows {
		out = append(out, PendingIntake{SuggestionID: r.SuggestionID, Actor: domain.Actor{ID: r.ActorID, Role: r.ActorRole}, Since: r.CreatedAt})
	}
	return out, nil
}
