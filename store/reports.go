package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

type reportRow struct {
	ID        string `gorm:"primaryKey;size:80"`
	Kind      string `gorm:"size:40;index"`
	Period    string `gorm:"size:20"`
	Body      string `gorm:"type:mediumtext"`
	CreatedAt time.Time
}

func (reportRow) TableName() string { return "reports" }

func (r reportRow) report() Report {
	return Report{ID: r.ID, Kind: r.Kind, Period: r.Period, Body: json.RawMessage(r.Body), CreatedAt: r.CreatedAt}
}

// Report is the output of a cadence run: a hearing's unit reports, an
// inspection's chosen cases, a board, a ranking.
type Report struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Period    string          `json:"period"`
	Body      json.RawMessage `json:"body"`
	CreatedAt time.Time       `json:"created_at"`
}

// SaveReport stores a report with its messages; a second run for the same
// kind and period replaces the report and queues nothing twice.
func (s *Store) SaveReport(ctx context.Context, r Report, messages []domain.Message) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := reportRow{ID: r.ID, Kind: r.Kind, Period: r.Period, Body: string(r.Body), CreatedAt: r.CreatedAt}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{"body", "created_at"})}).Create(&row).Error; err != nil {
			return fmt.Errorf("save report: %w", err)
		}
		for _, m := range messages {
			o := outboxRowOf(m)
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&o).Error; err != nil {
				return fmt.Errorf("queue report notice: %w", err)
			}
		}
		return nil
	})
}

// Reports lists reports, newest first, optionally of one kind.
func (s *Store) Reports(ctx context.Context, kind string, page Page) ([]Report, int64, error) {
	q := whereSet(s.db.WithContext(ctx).Model(&reportRow{}), "kind = ?", kind)
	return paged(q, "reports", "created_at DESC, id DESC", page, always(reportRow.report))
}

// ReportByID reads one report.
func (s *Store) ReportByID(ctx context.Context, id string) (Report, error) {
	row, err := byID[reportRow](s.db.WithContext(ctx), "report", id)
	if err != nil {
		return Report{}, err
	}
	return row.report(), nil
}

// ProgressReportCounts counts the progress reports filed per suggestion in
// a period.
func (s *Store) ProgressReportCounts(ctx context.Context, p Period) (map[string]int, error) {
	out, err := countsBy[int](s.db.WithContext(ctx).Model(&progressReportRow{}).Select("suggestion_id AS k, COUNT(*) AS n").
		Where("at >= ? AND at < ?", p.From, p.To).Group("suggestion_id"))
	if err != nil {
		return nil, fmt.Errorf("progress report counts: %w", err)
	}
	return out, nil
}
