package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

// ratingLinkRow is one rating link: a deputy, a case's round, and the
// hash of the token the link carries.
type ratingLinkRow struct {
	ID           string    `gorm:"primaryKey;size:200"`
	TokenHash    string    `gorm:"size:64;uniqueIndex"`
	SuggestionID string    `gorm:"size:64;index"`
	DeputyID     string    `gorm:"size:64"`
	Round        int       `gorm:"not null"`
	CreatedAt    time.Time `gorm:"not null"`
	CreatedBy    string    `gorm:"size:200"`
	ExpiresAt    time.Time `gorm:"not null"`
	UsedAt       *time.Time
	RevokedAt    *time.Time
}

func (ratingLinkRow) TableName() string { return "rating_links" }

func ratingLinkRowOf(l domain.RatingLink) ratingLinkRow {
	return ratingLinkRow{ID: l.ID, TokenHash: l.TokenHash, SuggestionID: l.SuggestionID, DeputyID: l.DeputyID, Round: l.Round,
		CreatedAt: l.CreatedAt, CreatedBy: l.CreatedBy, ExpiresAt: l.ExpiresAt, UsedAt: l.UsedAt, RevokedAt: l.RevokedAt}
}

func (r ratingLinkRow) link() domain.RatingLink {
	return domain.RatingLink{ID: r.ID, TokenHash: r.TokenHash, SuggestionID: r.SuggestionID, DeputyID: r.DeputyID, Round: r.Round,
		CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt, RevokedAt: r.RevokedAt}
}

// recordMessageWithLink writes a reply notice and, only when the notice
// is new, the rating link its body carries: a retried step keeps the
// first link (whose token is in the first body) and adds none.
func recordMessageWithLink(tx *gorm.DB, m domain.Message) error {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(ptr(outboxRowOf(m)))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return nil
	}
	if err := tx.Create(ptr(ratingLinkRowOf(*m.RatingLink))).Error; err != nil {
		return fmt.Errorf("rating link of message %s: %w", m.ID, err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// CreateRatingLink stores a link the office issues by hand.
func (s *Store) CreateRatingLink(ctx context.Context, l domain.RatingLink) error {
	if err := s.db.WithContext(ctx).Create(ptr(ratingLinkRowOf(l))).Error; err != nil {
		return fmt.Errorf("create rating link: %w", err)
	}
	return nil
}

// RatingLinkByToken is the link a token opens; ErrNotFound for none.
func (s *Store) RatingLinkByToken(ctx context.Context, token string) (domain.RatingLink, error) {
	var row ratingLinkRow
	err := s.db.WithContext(ctx).Where("token_hash = ?", HashToken(token)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.RatingLink{}, fmt.Errorf("rating link: %w", ErrNotFound)
	}
	if err != nil {
		return domain.RatingLink{}, fmt.Errorf("read rating link: %w", err)
	}
	return row.link(), nil
}

// RatingLink is one link by its id; ErrNotFound for none.
func (s *Store) RatingLink(ctx context.Context, id string) (domain.RatingLink, error) {
	var row ratingLinkRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.RatingLink{}, fmt.Errorf("rating link %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return domain.RatingLink{}, fmt.Errorf("read rating link %s: %w", id, err)
	}
	return row.link(), nil
}

// RatingLinks lists a case's links, newest first.
func (s *Store) RatingLinks(ctx context.Context, suggestionID string) ([]domain.RatingLink, error) {
	var rows []ratingLinkRow
	if err := s.db.WithContext(ctx).Where("suggestion_id = ?", suggestionID).Order("created_at DESC, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list rating links of %s: %w", suggestionID, err)
	}
	out := make([]domain.RatingLink, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.link())
	}
	return out, nil
}

// ClaimRatingLink marks a link used if it is neither used nor revoked;
// false when another request took it first.
func (s *Store) ClaimRatingLink(ctx context.Context, id string, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&ratingLinkRow{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", id).Update("used_at", at)
	if res.Error != nil {
		return false, fmt.Errorf("claim rating link %s: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseRatingLink gives a claimed link back when the rating it carried
// was refused, so that the deputy may correct it and send it again.
func (s *Store) ReleaseRatingLink(ctx context.Context, id string) error {
	if err := s.db.WithContext(ctx).Model(&ratingLinkRow{}).Where("id = ?", id).Update("used_at", nil).Error; err != nil {
		return fmt.Errorf("release rating link %s: %w", id, err)
	}
	return nil
}

// RevokeRatingLink ends a link for good; revoking twice keeps the first
// time. ErrNotFound for no such link.
func (s *Store) RevokeRatingLink(ctx context.Context, id string, at time.Time) (domain.RatingLink, error) {
	res := s.db.WithContext(ctx).Model(&ratingLinkRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", at)
	if res.Error != nil {
		return domain.RatingLink{}, fmt.Errorf("revoke rating link %s: %w", id, res.Error)
	}
	return s.RatingLink(ctx, id)
}

// EnsureRatingLink stores a link unless one of its id exists: two prints
// of the same reply letter at once store it once.
func (s *Store) EnsureRatingLink(ctx context.Context, l domain.RatingLink) error {
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(ptr(ratingLinkRowOf(l))).Error; err != nil {
		return fmt.Errorf("ensure rating link %s: %w", l.ID, err)
	}
	return nil
}

// secretRow is a random key the service made for itself, kept with the
// data so that every replica uses the same one.
type secretRow struct {
	Name  string `gorm:"primaryKey;size:100"`
	Value []byte `gorm:"not null"`
}

func (secretRow) TableName() string { return "secrets" }

// Secret is the service's key of a name, made (32 random bytes) on first
// use; concurrent first uses agree on one.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	db := s.db.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&secretRow{Name: name, Value: fresh}).Error; err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var row secretRow
	if err := db.Where("name = ?", name).Take(&row).Error; err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return row.Value, nil
}
