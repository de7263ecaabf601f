package store

import (
	"context"
	"fmt"
	"time"
)

// WebSession is a signed-in browser. It lives in the database so that any
// API replica can serve the browser, and a restart signs nobody out.
type WebSession struct {
	// IDHash is the SHA-256 of the cookie's value: the database alone
	// cannot be used to take over a session.
	IDHash    string
	TokenHash string
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
	Flash     string
}

type webSessionRow struct {
	IDHash    string    `gorm:"primaryKey;size:64"`
	TokenHash string    `gorm:"size:64;index"`
	CSRF      string    `gorm:"size:64"`
	CreatedAt time.Time `gorm:"index"`
	LastSeen  time.Time `gorm:"index"`
	Flash     string    `gorm:"size:500"`
}

func (webSessionRow) TableName() string { return "web_sessions" }

// touchEvery limits the writes a busy session causes: its last-seen time is
// moved at most this often.
const touchEvery = time.Minute

// CreateWebSession stores a new session and drops those that have ended.
func (s *Store) CreateWebSession(ctx context.Context, ws WebSession, idle, maxAge time.Duration) error {
	db := s.db.WithContext(ctx)
	if err := db.Where("last_seen < ? OR created_at < ?", ws.CreatedAt.Add(-idle), ws.CreatedAt.Add(-maxAge)).
		Delete(&webSessionRow{}).Error; err != nil {
		return fmt.Errorf("sweep web sessions: %w", err)
	}
	row := webSessionRow(ws)
	if err := db.Create(&row).Error; err != nil {
		return fmt.Errorf("create web session: %w", translate(err))
	}
	return nil
}

// LiveWebSession finds a session that has not ended (idle for longer than
// idle, or older than maxAge) and marks it seen; ErrNotFound otherwise.
func (s *Store) LiveWebSession(ctx context.Context, idHash string, now time.Time, idle, maxAge time.Duration) (WebSession, error) {
	db := s.db.WithContext(ctx)
	var row webSessionRow
	if err := db.First(&row, "id_hash = ?", idHash).Error; err != nil {
		return WebSession{}, fmt.Errorf("web session: %w", translate(err))
	}
	if now.Sub(row.LastSeen) > idle || now.Sub(row.CreatedAt) > maxAge {
		if err := db.Delete(&webSessionRow{}, "id_hash = ?", idHash).Error; err != nil {
			return WebSession{}, fmt.Errorf("end web session: %w", err)
		}
		return WebSession{}, fmt.Errorf("web session: %w", ErrNotFound)
	}
	if now.Sub(row.LastSeen) > touchEvery {
		row.LastSeen = now
		if err := db.Model(&webSessionRow{}).Where("id_hash = ?", idHash).Update("last_seen", now).Error; err != nil {
			return WebSession{}, fmt.Errorf("touch web session: %w", err)
		}
	}
	return WebSession(row), nil
}

// DeleteWebSession ends a session.
func (s *Store) DeleteWebSession(ctx context.Context, idHash string) error {
	if err := s.db.WithContext(ctx).Delete(&webSessionRow{}, "id_hash = ?", idHash).Error; err != nil {
		return fmt.Errorf("delete web session: %w", err)
	}
	return nil
}

// SetWebSessionFlash keeps a message for the session's next page.
func (s *Store) SetWebSessionFlash(ctx context.Context, idHash, flash string) error {
	if err := s.db.WithContext(ctx).Model(&webSessionRow{}).Where("id_hash = ?", idHash).Update("flash", flash).Error; err != nil {
		return fmt.Errorf("set web session message: %w", err)
	}
	return nil
}

// ClearWebSessionFlash clears the kept message once shown, unless a newer
// one has replaced it meanwhile.
func (s *Store) ClearWebSessionFlash(ctx context.Context, idHash, shown string) error {
	if err := s.db.WithContext(ctx).Model(&webSessionRow{}).Where("id_hash = ? AND flash = ?", idHash, shown).
		Update("flash", "").Error; err != nil {
		return fmt.Errorf("clear web session message: %w", err)
	}
	return nil
}
