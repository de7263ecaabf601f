package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
	"suggestflow/evaluation"
)

type complaintRow struct {
	ID         string    `gorm:"primaryKey;size:40"`
	UnitID     string    `gorm:"size:64;index"`
	Content    string    `gorm:"type:text"`
	Finding    string    `gorm:"size:20"`
	ReceivedAt time.Time `gorm:"index"`
	CreatedBy  string    `gorm:"size:64"`
	CreatedAt  time.Time
}

func (complaintRow) TableName() string { return "complaints" }

func (r complaintRow) complaint() Complaint {
	return Complaint{ID: r.ID, UnitID: r.UnitID, Content: r.Content, Finding: r.Finding, ReceivedAt: r.ReceivedAt, CreatedBy: r.CreatedBy}
}

type questionnaireRow struct {
	UnitID  string `gorm:"primaryKey;size:64"`
	Quarter string `gorm:"primaryKey;size:8"`
	Score   float64
}

func (questionnaireRow) TableName() string { return "questionnaire_scores" }

type unitScoreRow struct {
	UnitID     string `gorm:"primaryKey;size:64"`
	Quarter    string `gorm:"primaryKey;size:8"`
	Total      float64
	Parts      string `gorm:"type:text"`
	ComputedAt time.Time
}

func (unitScoreRow) TableName() string { return "unit_scores" }

// Complaint is a public complaint about a unit (群众投诉) and its finding.
type Complaint struct {
	ID         string    `json:"id"`
	UnitID     string    `json:"unit_id"`
	Content    string    `json:"content"`
	Finding    string    `json:"finding"`
	ReceivedAt time.Time `json:"received_at"`
	CreatedBy  string    `json:"created_by"`
}

// CreateComplaint records a complaint.
func (s *Store) CreateComplaint(ctx context.Context, c Complaint) error {
	row := complaintRow{ID: c.ID, UnitID: c.UnitID, Content: c.Content, Finding: c.Finding, ReceivedAt: c.ReceivedAt, CreatedBy: c.CreatedBy}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create complaint: %w", translate(err))
	}
	return nil
}

// Complaint finds one complaint.
func (s *Store) Complaint(ctx context.Context, id string) (Complaint, error) {
	row, err := byID[complaintRow](s.db.WithContext(ctx), "complaint", id)
	if err != nil {
		return Complaint{}, err
	}
	return row.complaint(), nil
}

// SetComplaintFinding records what checking a complaint found.
func (s *Store) SetComplaintFinding(ctx context.Context, id, finding string) error {
	res := s.db.WithContext(ctx).Model(&complaintRow{}).Where("id = ?", id).Update("finding", finding)
	if res.Error != nil {
		return fmt.Errorf("complaint %s finding: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		if _, err := s.Complaint(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// Complaints lists complaints, newest first, optionally of one unit.
func (s *Store) Complaints(ctx context.Context, unitID string, page Page) ([]Complaint, int64, error) {
	q := whereSet(s.db.WithContext(ctx).Model(&complaintRow{}), "unit_id = ?", unitID)
	return paged(q, "complaints", "received_at DESC, id DESC", page, always(complaintRow.complaint))
}

// SetQuestionnaire records a unit's questionnaire score for a quarter.
func (s *Store) SetQuestionnaire(ctx context.Context, unitID, quarter string, score float64) error {
	row := questionnaireRow{UnitID: unitID, Quarter: quarter, Score: score}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_id"}, {Name: "quarter"}},
		DoUpdates: clause.AssignmentColumns([]string{"score"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set questionnaire: %w", err)
	}
	return nil
}

// QuarterFacts gathers each unit's counts for a quarter's evaluation.
func (s *Store) QuarterFacts(ctx context.Context, quarter string, p Period) ([]evaluation.UnitQuarterFacts, error) {
	var units []unitRow
	if err := s.db.WithContext(ctx).Order("id").Find(&units).Error; err != nil {
		return nil, fmt.Errorf("quarter facts: %w", err)
	}
	db := s.db.WithContext(ctx)
	overdue, err := countsBy[int](db.Table("rounds").Select("suggestions.lead_unit_id AS k, COUNT(*) AS n").
		Joins("JOIN suggestions ON suggestions.id = rounds.suggestion_id").
		Where("rounds.overdue = ? AND rounds.due_at >= ? AND rounds.due_at < ?", true, p.From, p.To).Group("suggestions.lead_unit_id"))
	if err != nil {
		return nil, fmt.Errorf("overdue facts: %w", err)
	}
	missed, err := countsBy[int](db.Table("timeline_events").Select("suggestions.lead_unit_id AS k, COUNT(*) AS n").
		Joins("JOIN suggestions ON suggestions.id = timeline_events.suggestion_id").
		Where("timeline_events.type = ? AND timeline_events.at >= ? AND timeline_events.at < ?", "progress_missed", p.From, p.To).
		Group("suggestions.lead_unit_id"))
	if err != nil {
		return nil, fmt.Errorf("progress facts: %w", err)
	}
	unsatisfied, err := countsBy[int](db.Table("ratings").Select("suggestions.lead_unit_id AS k, COUNT(*) AS n").
		Joins("JOIN suggestions ON suggestions.id = ratings.suggestion_id").
		Where("ratings.result = ? AND ratings.at >= ? AND ratings.at < ?", domain.Unsatisfied, p.From, p.To).
		Group("suggestions.lead_unit_id"))
	if err != nil {
		return nil, fmt.Errorf("rating facts: %w", err)
	}
	complaints, err := countsBy[int](db.Table("complaints").Select("unit_id AS k, COUNT(*) AS n").
		Where("finding = ? AND received_at >= ? AND received_at < ?", "substantiated", p.From, p.To).Group("unit_id"))
	if err != nil {
		return nil, fmt.Errorf("complaint facts: %w", err)
	}
	var qs []questionnaireRow
	if err := db.Where("quarter = ?", quarter).Find(&qs).Error; err != nil {
		return nil, fmt.Errorf("questionnaire facts: %w", err)
	}
	scores := map[string]float64{}
	for _, q := range qs {
		scores[q.UnitID] = q.Score
	}
	out := make([]evaluation.UnitQuarterFacts, 0, len(units))
	for _, u := range units {
		f := evaluation.UnitQuarterFacts{UnitID: u.ID, OverdueReplies: overdue[u.ID], MissedProgressReports: missed[u.ID],
			UnsatisfiedRatings: unsatisfied[u.ID], SubstantiatedComplaints: complaints[u.ID]}
		if sc, ok := scores[u.ID]; ok {
			sc := sc
			f.Questionnaire = &sc
		}
		out = append(out, f)
	}
	return out, nil
}

// SaveScores stores a quarter's scores, replacing earlier ones.
func (s *Store) SaveScores(ctx context.Context, quarter string, scores []evaluation.Score, at time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, sc := range scores {
			parts, err := json.Marshal(sc.Parts)
			if err != nil {
				return fmt.Errorf("encode score parts of %s: %w", sc.UnitID, err)
			}
			row := unitScoreRow{UnitID: sc.UnitID, Quarter: quarter, Total: sc.Total, Parts: string(parts), ComputedAt: at}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_id"}, {Name: "quarter"}},
				DoUpdates: clause.AssignmentColumns([]string{"total", "parts", "computed_at"})}).Create(&row).Error; err != nil {
				return fmt.Errorf("save score: %w", err)
			}
		}
		return nil
	})
}

// Scores lists stored scores of the quarters given.
func (s *Store) Scores(ctx context.Context, quarters []string) ([]evaluation.Score, map[string][]evaluation.Score, error) {
	var rows []unitScoreRow
	if err := s.db.WithContext(ctx).Where("quarter IN ?", quarters).Order("quarter, unit_id").Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("scores: %w", err)
	}
	var all []evaluation.Score
	byUnit := map[string][]evaluation.Score{}
	for _, r := range rows {
		sc := evaluation.Score{UnitID: r.UnitID, Total: r.Total}
		if err := json.Unmarshal([]byte(r.Parts), &sc.Parts); err != nil {
			return nil, nil, fmt.Errorf("decode score parts: %w", err)
		}
		all = append(all, sc)
		byUnit[r.UnitID] = append(byUnit[r.UnitID], sc)
	}
	return all, byUnit, nil
}
