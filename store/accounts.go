package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Account is who a token belongs to.
type Account struct {
	TokenID  string
	ID       string
	Role     string
	Name     string
	UnitID   string
	DeputyID string
}

// AccountByTokenHash finds the account of a live token.
func (s *Store) AccountByTokenHash(ctx context.Context, hash string, at time.Time) (Account, error) {
	var tok tokenRow
	err := s.db.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", hash, at).
		First(&tok).Error
	if err != nil {
		return Account{}, fmt.Errorf("token: %w", translate(err))
	}
	var acc accountRow
	if err := s.db.WithContext(ctx).First(&acc, "id = ?", tok.AccountID).Error; err != nil {
		return Account{}, fmt.Errorf("account of token: %w", translate(err))
	}
	return Account{TokenID: tok.ID, ID: acc.ID, Role: acc.Role, Name: acc.Name, UnitID: acc.UnitID, DeputyID: acc.DeputyID}, nil
}

// EnsureAdmin creates the bootstrap admin account with the token hash if
// no admin exists; it reports whether it created one.
func (s *Store) EnsureAdmin(ctx context.Context, tokenHash string) (bool, error) {
	created := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&accountRow{}).Where("id = ?", "admin").Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := tx.Create(&accountRow{ID: "admin", Role: "admin", Name: "presidium administrator"}).Error; err != nil {
			return err
		}
		created = true
		return tx.Create(&tokenRow{ID: "admin-bootstrap", AccountID: "admin", Hash: tokenHash}).Error
	})
	if err != nil {
		return false, fmt.Errorf("ensure admin: %w", err)
	}
	return created, nil
}

// SetAdminToken replaces the bootstrap token's hash (a configured token).
func (s *Store) SetAdminToken(ctx context.Context, tokenHash string) error {
	err := s.db.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", "admin-bootstrap").Update("hash", tokenHash).Error
	if err != nil {
		return fmt.Errorf("set admin token: %w", err)
	}
	return nil
}

// AccountRecord is an account as listed.
type AccountRecord struct {
	ID        string    `json:"id"`
	Role      string    `json:"role"`
	Name      string    `json:"name"`
	UnitID    string    `json:"unit_id,omitempty"`
	DeputyID  string    `json:"deputy_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func (r accountRow) record() AccountRecord {
	return AccountRecord{ID: r.ID, Role: r.Role, Name: r.Name, UnitID: r.UnitID, DeputyID: r.DeputyID, CreatedAt: r.CreatedAt}
}

// CreateAccount stores a new account.
func (s *Store) CreateAccount(ctx context.Context, a AccountRecord) (AccountRecord, error) {
	row := accountRow{ID: a.ID, Role: a.Role, Name: a.Name, UnitID: a.UnitID, DeputyID: a.DeputyID}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return AccountRecord{}, fmt.Errorf("create account: %w", translate(err))
	}
	return row.record(), nil
}

// Accounts lists accounts.
func (s *Store) Accounts(ctx context.Context, page Page) ([]AccountRecord, int64, error) {
	return paged(s.db.WithContext(ctx).Model(&accountRow{}), "accounts", "created_at, id", page, always(accountRow.record))
}

// AccountByID finds one account.
func (s *Store) AccountByID(ctx context.Context, id string) (AccountRecord, error) {
	row, err := byID[accountRow](s.db.WithContext(ctx), "account", id)
	if err != nil {
		return AccountRecord{}, err
	}
	return row.record(), nil
}

// CreateToken stores a token's hash for an account.
func (s *Store) CreateToken(ctx context.Context, id, accountID, hash string, expires *time.Time) error {
	row := tokenRow{ID: id, AccountID: accountID, Hash: hash, ExpiresAt: expires}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// RevokeToken revokes a token; revoking twice is not an error.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	res := s.db.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", id).Update("revoked_at", gorm.Expr("COALESCE(revoked_at, ?)", at))
	if res.Error != nil {
		return fmt.Errorf("revoke token %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		var n int64
		if err := s.db.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("revoke token %s: %w", id, err)
		}
		if n == 0 {
			return fmt.Errorf("token %s: %w", id, ErrNotFound)
		}
	}
	return nil
}

// AuditEntry is one action taken through the API.
type AuditEntry struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	ActorID  string    `json:"actor_id"`
	Role     string    `json:"role"`
	Method   string    `json:"method"`
	Route    string    `json:"route"`
	ObjectID string    `json:"object_id,omitempty"`
	Status   int       `json:"status"`
}

type auditRow struct {
	ID       string    `gorm:"primaryKey;size:40"`
	At       time.Time `gorm:"index"`
	ActorID  string    `gorm:"size:64;index"`
	Role     string    `gorm:"size:20"`
	Method   string    `gorm:"size:10"`
	Route    string    `gorm:"size:200"`
	ObjectID string    `gorm:"size:100"`
	Status   int
}

func (auditRow) TableName() string { return "audit_log" }

// Audit records an action.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	row := auditRow(e)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	From, To *time.Time
	ActorID  string
}

// AuditLog lists actions, newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter, page Page) ([]AuditEntry, int64, error) {
	q := s.db.WithContext(ctx).Model(&auditRow{})
	if f.From != nil {
		q = q.Where("at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("at < ?", *f.To)
	}
	q = whereSet(q, "actor_id = ?", f.ActorID)
	return paged(q, "audit", "at DESC, id DESC", page, always(func(r auditRow) AuditEntry { return AuditEntry(r) }))
}

// DeputyOnUnitSuggestion reports whether a deputy leads or co-signs a
// suggestion that the unit handles: a unit may then read the deputy's
// contact details, which it needs to consult them.
func (s *Store) DeputyOnUnitSuggestion(ctx context.Context, deputyID, unitID string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&partyRow{}).
		Where("party_id = ? AND role IN ? AND suggestion_id IN (?)", deputyID, []string{"lead_deputy", "co_signer"},
			s.db.Model(&partyRow{}).Select("suggestion_id").Where("party_id = ? AND role IN ?", unitID, []string{"lead_unit", "co_unit"})).
		Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("deputy on unit suggestion: %w", err)
	}
	return n > 0, nil
}
