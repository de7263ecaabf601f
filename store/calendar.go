package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"

	"suggestflow/holiday"
)

type calendarOverrideRow struct {
	Date    string `gorm:"primaryKey;size:10"`
	Working bool
	Note    string `gorm:"size:200"`
}

func (calendarOverrideRow) TableName() string { return "calendar_overrides" }

// CalendarOverrides lists the local working-day overrides.
func (s *Store) CalendarOverrides(ctx context.Context) ([]holiday.Override, error) {
	var rows []calendarOverrideRow
	if err := s.db.WithContext(ctx).Order("date").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("calendar overrides: %w", err)
	}
	return convert(rows, func(r calendarOverrideRow) holiday.Override {
		return holiday.Override{Date: r.Date, Working: r.Working, Note: r.Note}
	}), nil
}

// SetCalendarOverride sets one day's override.
func (s *Store) SetCalendarOverride(ctx context.Context, o holiday.Override) error {
	row := calendarOverrideRow{Date: o.Date, Working: o.Working, Note: o.Note}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "date"}},
		DoUpdates: clause.AssignmentColumns([]string{"working", "note"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set calendar override: %w", err)
	}
	return nil
}
