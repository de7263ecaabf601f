package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

// endingReviewRow is the presidium's judgement on a case that ended
// without its deputy's satisfaction. It is kept beside the case, not in
// its workflow's state: such a case's workflow has ended by the time
// anyone judges it. One row per case; a new judgement replaces the old,
// and each one is a line of the timeline.
type endingReviewRow struct {
	SuggestionID string `gorm:"primaryKey;size:64"`
	ValidReason  bool
	Reason       string `gorm:"type:text"`
	JudgedBy     string `gorm:"size:64"`
	JudgedRole   string `gorm:"size:20"`
	JudgedAt     time.Time
}

func (endingReviewRow) TableName() string { return "ending_reviews" }

func (r endingReviewRow) domain() domain.EndingReview {
	return domain.EndingReview{ValidReason: r.ValidReason, Reason: r.Reason,
		JudgedBy: domain.Actor{ID: r.JudgedBy, Role: r.JudgedRole}, JudgedAt: r.JudgedAt}
}

// SaveEndingReview stores a case's ending review with its timeline event,
// in one transaction.
func (s *Store) SaveEndingReview(ctx context.Context, suggestionID string, r domain.EndingReview, ev domain.Event) error {
	row := endingReviewRow{SuggestionID: suggestionID, ValidReason: r.ValidReason, Reason: r.Reason,
		JudgedBy: r.JudgedBy.ID, JudgedRole: r.JudgedBy.Role, JudgedAt: r.JudgedAt}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "suggestion_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"valid_reason", "reason", "judged_by", "judged_role", "judged_at"})}).
			Create(&row).Error; err != nil {
			return err
		}
		ev := eventRowOf(ev, 0)
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ev).Error
	})
	if err != nil {
		return fmt.Errorf("save ending review of %s: %w", suggestionID, translate(err))
	}
	return nil
}

// EndingReview reads a case's ending review; nil when it has none.
func (s *Store) EndingReview(ctx context.Context, suggestionID string) (*domain.EndingReview, error) {
	reviews, err := s.EndingReviews(ctx, []string{suggestionID})
	if err != nil {
		return nil, err
	}
	if r, ok := reviews[suggestionID]; ok {
		return &r, nil
	}
	return nil, nil
}

// EndingReviews reads the ending reviews of the cases given, by case.
func (s *Store) EndingReviews(ctx context.Context, suggestionIDs []string) (map[string]domain.EndingReview, error) {
	out := map[string]domain.EndingReview{}
	if len(suggestionIDs) == 0 {
		return out, nil
	}
	var rows []endingReviewRow
	if err := s.db.WithContext(ctx).Where("suggestion_id IN ?", suggestionIDs).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("ending reviews: %w", err)
	}
	for _, r := range rows {
		out[r.SuggestionID] = r.domain()
	}
	return out, nil
}

// NoFeedbackEndings lists the assigned cases closed as "no feedback" in
// the period. They are the only cases that can have ended without their
// deputy's satisfaction (domain.Suggestion.UnsatisfiedEnding): every other
// closing follows a lead rating that was not "unsatisfied".
func (s *Store) NoFeedbackEndings(ctx context.Context, p Period) ([]domain.Suggestion, error) {
	var rows []suggestionRow
	err := s.db.WithContext(ctx).Where("status = ? AND closed_as = ? AND closed_at >= ? AND closed_at < ? AND lead_unit_id <> ?",
		domain.StatusClosed, domain.ClosedNoFeedback, p.From, p.To, "").Order("number").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("endings without feedback: %w", err)
	}
	return decode(rows, suggestionRow.domain)
}

// CaseSummary is what a list of other cases shows of each.
type CaseSummary struct {
	ID           string        `json:"id"`
	Number       string        `json:"number"`
	Title        string        `json:"title"`
	Category     string        `json:"category"`
	Status       domain.Status `json:"status"`
	LeadDeputyID string        `json:"lead_deputy_id"`
	SubmittedAt  time.Time     `json:"submitted_at"`
}

// BeforeAssignment lists the cases of a category not yet assigned (those
// that may still be merged), other than one, newest first, at most limit.
func (s *Store) BeforeAssignment(ctx context.Context, category, exceptID string, limit int) ([]CaseSummary, error) {
	var rows []suggestionRow
	err := s.db.WithContext(ctx).Select("id", "number", "title", "category", "status", "lead_deputy_id", "submitted_at").
		Where("status IN ? AND category = ? AND id <> ?", []domain.Status{domain.StatusSubmitted, domain.StatusAccepted}, category, exceptID).
		Order("submitted_at DESC, id DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("cases before assignment: %w", err)
	}
	return convert(rows, func(r suggestionRow) CaseSummary {
		return CaseSummary{ID: r.ID, Number: r.Number, Title: r.Title, Category: r.Category, Status: domain.Status(r.Status),
			LeadDeputyID: r.LeadDeputyID, SubmittedAt: r.SubmittedAt}
	}), nil
}
