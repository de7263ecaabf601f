package accounts

import (
	"context"
	"errors"
	"time"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// NewAccount is an account to create. Password is optional: without one
// the account signs in once staff set one; with one, the holder must
// change it at the first sign-in.
type NewAccount struct {
	Username string `json:"username" validate:"max=32"`
	Password string `json:"password" validate:"max=200"`
	Role     string `json:"role" validate:"required,oneof=admin staff unit deputy"`
	Name     string `json:"name" validate:"required,max=100"`
	UnitID   string `json:"unit_id" validate:"max=64"`
	DeputyID string `json:"deputy_id" validate:"max=64"`
}

// Patch changes an account; absent fields stay. A password is a reset:
// the holder must change it at the next sign-in.
type Patch struct {
	Name     *string `json:"name" validate:"omitempty,min=1,max=100"`
	Username *string `json:"username" validate:"omitempty,max=32"`
	Active   *bool   `json:"active"`
	Password *string `json:"password" validate:"omitempty,max=200"`
}

// Create checks and stores a new account.
func (s *Service) Create(ctx context.Context, in NewAccount) (store.AccountRecord, error) {
	if err := validation.Check(&in); err != nil {
		return store.AccountRecord{}, err
	}
	in.Username = NormalizeUsername(in.Username)
	if in.Username != "" {
		if err := CheckUsername("username", in.Username); err != nil {
			return store.AccountRecord{}, err
		}
	}
	if in.Password != "" {
		if in.Username == "" {
			return store.AccountRecord{}, refusal.OnField("username", refusal.Required)
		}
		if err := CheckPassword("password", in.Password, in.Username); err != nil {
			return store.AccountRecord{}, err
		}
	}
	if err := s.checkBinding(ctx, in); err != nil {
		return store.AccountRecord{}, err
	}
	var hash string
	if in.Password != "" {
		h, err := Hash(in.Password)
		if err != nil {
			return store.AccountRecord{}, err
		}
		hash = h
	}
	acc, err := s.st.CreateAccount(ctx, store.NewAccount{PasswordHash: hash, AccountRecord: store.AccountRecord{
		ID: domain.NewID("ac_"), Username: in.Username, Role: in.Role, Name: in.Name, UnitID: in.UnitID, DeputyID: in.DeputyID}})
	if errors.Is(err, store.ErrDuplicate) {
		return store.AccountRecord{}, refusal.OnField("username", refusal.UsernameTaken, "username", in.Username)
	}
	return acc, store.Refused(err, "account")
}

// checkBinding: each account is bound to exactly what its role acts for,
// and that must exist and be serving.
func (s *Service) checkBinding(ctx context.Context, in NewAccount) error {
	switch in.Role {
	case access.RoleUnit:
		if in.UnitID == "" || in.DeputyID != "" {
			return refusal.OnField("unit_id", refusal.UnitAccount)
		}
		if _, err := s.st.Unit(ctx, in.UnitID); err != nil {
			return refusal.OnField("unit_id", refusal.NoSuchObject, "object", "unit")
		}
	case access.RoleDeputy:
		if in.DeputyID == "" || in.UnitID != "" {
			return refusal.OnField("deputy_id", refusal.DeputyAccount)
		}
		if _, err := s.st.Deputy(ctx, in.DeputyID); err != nil {
			return refusal.OnField("deputy_id", refusal.NoSuchObject, "object", "deputy")
		}
	default:
		if in.UnitID != "" || in.DeputyID != "" {
			return refusal.OnField("role", refusal.PresidiumUnbound)
		}
	}
	return nil
}

// Update applies a patch by the account by. Retiring ends every session
// and token of the account; nobody retires their own (it would leave
// nobody to undo it). A password sets a first or reset password.
func (s *Service) Update(ctx context.Context, by, id string, p Patch) (store.AccountRecord, error) {
	if err := validation.Check(&p); err != nil {
		return store.AccountRecord{}, err
	}
	if p.Active != nil && !*p.Active && id == by {
		return store.AccountRecord{}, refusal.OnField("active", refusal.RetireSelf)
	}
	acc, err := s.st.AccountByID(ctx, id)
	if err != nil {
		return store.AccountRecord{}, store.Refused(err, "account")
	}
	username := acc.Username
	if p.Username != nil {
		u := NormalizeUsername(*p.Username)
		if err := CheckUsername("username", u); err != nil {
			return store.AccountRecord{}, err
		}
		p.Username, username = &u, u
	}
	if p.Password != nil {
		if username == "" {
			return store.AccountRecord{}, refusal.OnField("username", refusal.Required)
		}
		if err := CheckPassword("password", *p.Password, username); err != nil {
			return store.AccountRecord{}, err
		}
	}
	rec, err := s.st.UpdateAccount(ctx, id, store.AccountPatch{Name: p.Name, Username: p.Username, Active: p.Active}, s.now().UTC())
	if errors.Is(err, store.ErrDuplicate) {
		return store.AccountRecord{}, refusal.OnField("username", refusal.UsernameTaken, "username", username)
	}
	if err != nil {
		return store.AccountRecord{}, store.Refused(err, "account")
	}
	if p.Password != nil {
		if err := s.ResetPassword(ctx, id, *p.Password); err != nil {
			return store.AccountRecord{}, err
		}
		return s.Get(ctx, id)
	}
	return rec, nil
}

// Get finds one account.
func (s *Service) Get(ctx context.Context, id string) (store.AccountRecord, error) {
	acc, err := s.st.AccountByID(ctx, id)
	return acc, store.Refused(err, "account")
}

// MintedToken is a new script token, shown this once.
type MintedToken struct {
	ID        string     `json:"id"`
	Token     string     `json:"token"`
	AccountID string     `json:"account_id"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// MintToken makes a token for scripts acting as the account.
func (s *Service) MintToken(ctx context.Context, accountID string, expires *time.Time) (MintedToken, error) {
	if expires != nil && !expires.After(s.now()) {
		return MintedToken{}, refusal.OnField("expires_at", refusal.MustBeFuture)
	}
	acc, err := s.st.AccountByID(ctx, accountID)
	if err != nil {
		return MintedToken{}, store.Refused(err, "account")
	}
	if !acc.Active {
		return MintedToken{}, refusal.New(refusal.Conflict, refusal.AccountRetired)
	}
	token, err := NewToken()
	if err != nil {
		return MintedToken{}, err
	}
	id := domain.NewID("tk_")
	if err := s.st.CreateToken(ctx, id, acc.ID, store.HashToken(token), expires); err != nil {
		return MintedToken{}, store.Refused(err, "token")
	}
	return MintedToken{ID: id, Token: token, AccountID: acc.ID, ExpiresAt: expires}, nil
}
