package store

import (
	"context"
	"errors"
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
	// Session: the token is a password sign-in's (not a script's).
	Session            bool
	MustChangePassword bool
}

// TokenKindSession marks the tokens that password sign-ins make.
const TokenKindSession = "session"

// AccountByTokenHash finds the account of a live token: not revoked, not
// expired, not idle past its limit, of an account that is not retired. A
// session's last use is moved at most once a minute.
func (s *Store) AccountByTokenHash(ctx context.Context, hash string, at time.Time) (Account, error) {
	db := s.db.WithContext(ctx)
	var tok tokenRow
	err := db.Where("hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", hash, at).
		First(&tok).Error
	if err != nil {
		return Account{}, fmt.Errorf("token: %w", translate(err))
	}
	if tok.Kind == TokenKindSession && tok.LastUsedAt != nil {
		if at.Sub(*tok.LastUsedAt) > time.Duration(tok.IdleSeconds)*time.Second {
			return Account{}, fmt.Errorf("token idle since %s: %w", tok.LastUsedAt.Format(time.RFC3339), ErrNotFound)
		}
		if at.Sub(*tok.LastUsedAt) > touchEvery {
			if err := db.Model(&tokenRow{}).Where("id = ?", tok.ID).Update("last_used_at", at).Error; err != nil {
				return Account{}, fmt.Errorf("touch session: %w", err)
			}
		}
	}
	var acc accountRow
	if err := db.First(&acc, "id = ?", tok.AccountID).Error; err != nil {
		return Account{}, fmt.Errorf("account of token: %w", translate(err))
	}
	if acc.RetiredAt != nil {
		return Account{}, fmt.Errorf("account %s retired: %w", acc.ID, ErrNotFound)
	}
	return Account{TokenID: tok.ID, ID: acc.ID, Role: acc.Role, Name: acc.Name, UnitID: acc.UnitID, DeputyID: acc.DeputyID,
		Session: tok.Kind == TokenKindSession, MustChangePassword: acc.MustChangePassword}, nil
}

// AdminUsername is the bootstrap account's user name.
const AdminUsername = "admin"

// EnsureAdmin makes sure the bootstrap admin account exists with the
// token hash, and with a password: passwordHash is set when the account
// has none yet (its first start, or the first since passwords exist). It
// reports whether it set the password.
func (s *Store) EnsureAdmin(ctx context.Context, tokenHash, passwordHash string, at time.Time) (bool, error) {
	set := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var acc accountRow
		err := tx.First(&acc, "id = ?", "admin").Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			acc = accountRow{ID: "admin", Role: "admin", Name: "主席团管理员"}
			if err := tx.Create(&acc).Error; err != nil {
				return err
			}
			if err := tx.Create(&tokenRow{ID: "admin-bootstrap", AccountID: "admin", Hash: tokenHash}).Error; err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if acc.Name == "presidium administrator" {
			// The name before the pages were Chinese first.
			if err := tx.Model(&accountRow{}).Where("id = ?", "admin").Update("name", "主席团管理员").Error; err != nil {
				return err
			}
		}
		if acc.PasswordHash != "" {
			return nil
		}
		set = true
		name := AdminUsername
		return tx.Model(&accountRow{}).Where("id = ?", "admin").
			Updates(map[string]any{"username": &name, "password_hash": passwordHash, "password_changed_at": at}).Error
	})
	if err != nil {
		return false, fmt.Errorf("ensure admin: %w", err)
	}
	return set, nil
}

// SetAdminToken replaces the bootstrap token's hash (a configured token).
func (s *Store) SetAdminToken(ctx context.Context, tokenHash string) error {
	err := s.db.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", "admin-bootstrap").Update("hash", tokenHash).Error
	if err != nil {
		return fmt.Errorf("set admin token: %w", err)
	}
	return nil
}

// AccountRecord is an account as listed: never its password or hash.
type AccountRecord struct {
	ID                 string     `json:"id"`
	Username           string     `json:"username,omitempty"`
	Role               string     `json:"role"`
	Name               string     `json:"name"`
	UnitID             string     `json:"unit_id,omitempty"`
	DeputyID           string     `json:"deputy_id,omitempty"`
	Active             bool       `json:"active"`
	HasPassword        bool       `json:"has_password"`
	MustChangePassword bool       `json:"must_change_password"`
	CreatedAt          time.Time  `json:"created_at"`
	RetiredAt          *time.Time `json:"retired_at,omitempty"`
}

func (r accountRow) record() AccountRecord {
	rec := AccountRecord{ID: r.ID, Role: r.Role, Name: r.Name, UnitID: r.UnitID, DeputyID: r.DeputyID,
		Active: r.RetiredAt == nil, HasPassword: r.PasswordHash != "", MustChangePassword: r.MustChangePassword,
		CreatedAt: r.CreatedAt, RetiredAt: r.RetiredAt}
	if r.Username != nil {
		rec.Username = *r.Username
	}
	return rec
}

// NewAccount is an account to create; PasswordHash may be empty (the
// account then signs in only once staff set a password).
type NewAccount struct {
	AccountRecord
	PasswordHash string
}

// CreateAccount stores a new account. A taken user name is ErrDuplicate.
func (s *Store) CreateAccount(ctx context.Context, a NewAccount) (AccountRecord, error) {
	row := accountRow{ID: a.ID, Role: a.Role, Name: a.Name, UnitID: a.UnitID, DeputyID: a.DeputyID,
		PasswordHash: a.PasswordHash, MustChangePassword: a.PasswordHash != ""}
	if a.Username != "" {
		row.Username = &a.Username
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return AccountRecord{}, fmt.Errorf("create account: %w", translate(err))
	}
	return row.record(), nil
}

// AccountFilter narrows the list of accounts.
type AccountFilter struct {
	// Query matches the name or the user name.
	Query          string
	Role           string
	IncludeRetired bool
}

// Accounts lists accounts.
func (s *Store) Accounts(ctx context.Context, f AccountFilter, page Page) ([]AccountRecord, int64, error) {
	q := s.db.WithContext(ctx).Model(&accountRow{})
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("(name LIKE ? ESCAPE '!' OR username LIKE ? ESCAPE '!')", like, like)
	}
	q = whereSet(q, "role = ?", f.Role)
	if !f.IncludeRetired {
		q = q.Where("retired_at IS NULL")
	}
	return paged(q, "accounts", "created_at, id", page, always(accountRow.record))
}

// AccountByID finds one account.
func (s *Store) AccountByID(ctx context.Context, id string) (AccountRecord, error) {
	row, err := byID[accountRow](s.db.WithContext(ctx), "account", id)
	if err != nil {
		return AccountRecord{}, err
	}
	return row.record(), nil
}

// Credentials are what a sign-in checks.
type Credentials struct {
	AccountRecord
	PasswordHash string
}

// CredentialsOf finds the account that signs in with the user name; a
// retired account or one without a password is ErrNotFound.
func (s *Store) CredentialsOf(ctx context.Context, username string) (Credentials, error) {
	var row accountRow
	err := s.db.WithContext(ctx).Where("username = ? AND retired_at IS NULL AND password_hash <> ''", username).First(&row).Error
	if err != nil {
		return Credentials{}, fmt.Errorf("account %q: %w", username, translate(err))
	}
	return Credentials{AccountRecord: row.record(), PasswordHash: row.PasswordHash}, nil
}

// PasswordHashOf is the account's password hash ("" when it has none).
func (s *Store) PasswordHashOf(ctx context.Context, id string) (string, error) {
	row, err := byID[accountRow](s.db.WithContext(ctx), "account", id)
	if err != nil {
		return "", err
	}
	return row.PasswordHash, nil
}

// AccountPatch changes an account; nil fields stay.
type AccountPatch struct {
	Name     *string
	Username *string
	// Active false retires the account and revokes all its tokens (and so
	// ends its sessions); true brings it back, with no token.
	Active *bool
}

// UpdateAccount applies a patch; a taken user name is ErrDuplicate.
func (s *Store) UpdateAccount(ctx context.Context, id string, p AccountPatch, at time.Time) (AccountRecord, error) {
	var out accountRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := byID[accountRow](tx, "account", id)
		if err != nil {
			return err
		}
		set := map[string]any{}
		if p.Name != nil {
			set["name"] = *p.Name
		}
		if p.Username != nil {
			set["username"] = p.Username
		}
		if p.Active != nil {
			switch {
			case !*p.Active && row.RetiredAt == nil:
				set["retired_at"] = at
				if err := revokeTokens(tx, id, "", "", at); err != nil {
					return err
				}
			case *p.Active && row.RetiredAt != nil:
				set["retired_at"] = nil
			}
		}
		if len(set) > 0 {
			if err := tx.Model(&accountRow{}).Where("id = ?", id).Updates(set).Error; err != nil {
				return translate(err)
			}
		}
		return tx.First(&out, "id = ?", id).Error
	})
	if err != nil {
		return AccountRecord{}, fmt.Errorf("update account %s: %w", id, err)
	}
	return out.record(), nil
}

// SetPassword stores a new password hash. mustChange: the holder must
// change it at the next sign-in (a reset by staff). The account's
// sessions end, except keepTokenID (the session that changed it).
func (s *Store) SetPassword(ctx context.Context, id, hash string, mustChange bool, keepTokenID string, at time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&accountRow{}).Where("id = ?", id).
			Updates(map[string]any{"password_hash": hash, "must_change_password": mustChange, "password_changed_at": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return revokeTokens(tx, id, TokenKindSession, keepTokenID, at)
	})
	if err != nil {
		return fmt.Errorf("set password of %s: %w", id, err)
	}
	return nil
}

// revokeTokens revokes the account's live tokens, of one kind when kind is
// set, but keep.
func revokeTokens(tx *gorm.DB, accountID, kind, keep string, at time.Time) error {
	q := tx.Model(&tokenRow{}).Where("account_id = ? AND revoked_at IS NULL", accountID)
	q = whereSet(q, "kind = ?", kind)
	q = whereSet(q, "id <> ?", keep)
	if err := q.Update("revoked_at", at).Error; err != nil {
		return fmt.Errorf("revoke tokens of %s: %w", accountID, err)
	}
	return nil
}

// CreateToken stores a script's token hash for an account.
func (s *Store) CreateToken(ctx context.Context, id, accountID, hash string, expires *time.Time) error {
	row := tokenRow{ID: id, AccountID: accountID, Hash: hash, ExpiresAt: expires}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// CreateSession stores a sign-in's token hash; it ends after idle without
// use.
func (s *Store) CreateSession(ctx context.Context, id, accountID, hash string, idle time.Duration, at time.Time) error {
	row := tokenRow{ID: id, AccountID: accountID, Hash: hash, Kind: TokenKindSession,
		IdleSeconds: int64(idle / time.Second), LastUsedAt: &at}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return nil
}

// TokenRecord is a script's token as listed: never the token itself.
type TokenRecord struct {
	ID        string     `json:"id"`
	AccountID string     `json:"account_id"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// Tokens lists an account's live script tokens (sessions are not listed).
func (s *Store) Tokens(ctx context.Context, accountID string, at time.Time) ([]TokenRecord, error) {
	var rows []tokenRow
	err := s.db.WithContext(ctx).Where("account_id = ? AND kind = '' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", accountID, at).
		Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("tokens of %s: %w", accountID, err)
	}
	return convert(rows, func(r tokenRow) TokenRecord {
		return TokenRecord{ID: r.ID, AccountID: r.AccountID, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
	}), nil
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
