package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// signInFailureRow counts the failed sign-ins in a row of one key (an
// account's user name, or a client address). It lives in the database so
// that every API replica holds the same count.
type signInFailureRow struct {
	Subject      string `gorm:"primaryKey;size:200"`
	Failures     int
	LastAt       time.Time
	BlockedUntil *time.Time
}

func (signInFailureRow) TableName() string { return "sign_in_failures" }

// SignInBlockedUntil is the latest time until which any of the keys is
// held off; zero when none is.
func (s *Store) SignInBlockedUntil(ctx context.Context, keys []string, at time.Time) (time.Time, error) {
	var rows []signInFailureRow
	if err := s.db.WithContext(ctx).Where("subject IN ? AND blocked_until > ?", keys, at).Find(&rows).Error; err != nil {
		return time.Time{}, fmt.Errorf("sign-in blocks: %w", err)
	}
	var until time.Time
	for _, r := range rows {
		if r.BlockedUntil.After(until) {
			until = *r.BlockedUntil
		}
	}
	return until, nil
}

// SignInLimit is how many failures in a row a key may have before it is
// held off for the block's length.
type SignInLimit struct {
	Key   string
	Limit int
}

// RecordSignInFailure counts a failed sign-in against each key. A key
// that reaches its limit is held off until at+block and starts counting
// afresh; a failure after more than block since the last one also starts
// afresh. It returns the latest block it set (zero if none).
func (s *Store) RecordSignInFailure(ctx context.Context, limits []SignInLimit, block time.Duration, at time.Time) (time.Time, error) {
	var until time.Time
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, l := range limits {
			var row signInFailureRow
			err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&row, "subject = ?", l.Key).Error
			fresh := errors.Is(err, gorm.ErrRecordNotFound)
			if err != nil && !fresh {
				return err
			}
			if fresh || at.Sub(row.LastAt) > block {
				row = signInFailureRow{Subject: l.Key}
			}
			row.Failures++
			row.LastAt = at
			if row.Failures >= l.Limit {
				end := at.Add(block)
				row.BlockedUntil, row.Failures = &end, 0
				if end.After(until) {
					until = end
				}
			}
			if err := tx.Save(&row).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("count a failed sign-in: %w", err)
	}
	return until, nil
}

// ClearSignInFailures forgets a key's failures (after a sign-in that
// succeeded).
func (s *Store) ClearSignInFailures(ctx context.Context, key string) error {
	if err := s.db.WithContext(ctx).Where("subject = ?", key).Delete(&signInFailureRow{}).Error; err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	return nil
}
