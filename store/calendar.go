package store

import (
	"context"
	"fmt"
	"time"

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

// calendarYearRow is a year's official schedule as the township loaded it.
type calendarYearRow struct {
	Year        int      `gorm:"primaryKey;autoIncrement:false"`
	DaysOff     []string `gorm:"serializer:json;type:text"`
	WorkingDays []string `gorm:"serializer:json;type:text"`
	Note        string   `gorm:"size:200"`
	LoadedBy    string   `gorm:"size:64"`
	LoadedAt    time.Time
}

func (calendarYearRow) TableName() string { return "calendar_years" }

// CalendarYear is a loaded schedule with who loaded it and when.
type CalendarYear struct {
	holiday.Schedule
	LoadedBy string    `json:"loaded_by"`
	LoadedAt time.Time `json:"loaded_at"`
}

func (r calendarYearRow) year() CalendarYear {
	s := holiday.Schedule{Year: r.Year, DaysOff: r.DaysOff, WorkingDays: r.WorkingDays, Note: r.Note}
	if s.DaysOff == nil {
		s.DaysOff = []string{}
	}
	if s.WorkingDays == nil {
		s.WorkingDays = []string{}
	}
	return CalendarYear{Schedule: s, LoadedBy: r.LoadedBy, LoadedAt: r.LoadedAt}
}

// CalendarYears lists the loaded schedules by year.
func (s *Store) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	var rows []calendarYearRow
	if err := s.db.WithContext(ctx).Order("year").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("calendar years: %w", err)
	}
	return convert(rows, calendarYearRow.year), nil
}

// SetCalendarYear loads a year's schedule, replacing the one loaded before.
func (s *Store) SetCalendarYear(ctx context.Context, y CalendarYear) error {
	row := calendarYearRow{Year: y.Year, DaysOff: y.DaysOff, WorkingDays: y.WorkingDays, Note: y.Note, LoadedBy: y.LoadedBy, LoadedAt: y.LoadedAt}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "year"}},
		DoUpdates: clause.AssignmentColumns([]string{"days_off", "working_days", "note", "loaded_by", "loaded_at"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set calendar year %d: %w", y.Year, err)
	}
	return nil
}
