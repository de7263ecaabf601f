package api

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
	"suggestflow/store"
)

type accountInput struct {
	Role     string `json:"role" validate:"required,oneof=admin staff unit deputy"`
	Name     string `json:"name" validate:"required,max=100"`
	UnitID   string `json:"unit_id" validate:"max=64"`
	DeputyID string `json:"deputy_id" validate:"max=64"`
}

func (s *Server) createAccount(c echo.Context) error {
	ctx := c.Request().Context()
	var in accountInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	// Each account is bound to exactly what its role acts for.
	switch in.Role {
	case access.RoleUnit:
		if in.UnitID == "" || in.DeputyID != "" {
			return invalidFields(FieldError{Field: "unit_id", Message: "a unit account needs unit_id, and no deputy_id"})
		}
		if _, err := s.store.Unit(ctx, in.UnitID); err != nil {
			return invalidFields(FieldError{Field: "unit_id", Message: "no unit with this id"})
		}
	case access.RoleDeputy:
		if in.DeputyID == "" || in.UnitID != "" {
			return invalidFields(FieldError{Field: "deputy_id", Message: "a deputy account needs deputy_id, and no unit_id"})
		}
		if _, err := s.store.Deputy(ctx, in.DeputyID); err != nil {
			return invalidFields(FieldError{Field: "deputy_id", Message: "no deputy with this id"})
		}
	default:
		if in.UnitID != "" || in.DeputyID != "" {
			return invalidFields(FieldError{Field: "role", Message: "presidium accounts are not bound to a unit or a deputy"})
		}
	}
	acc, err := s.store.CreateAccount(ctx, store.AccountRecord{ID: newID("ac_"), Role: in.Role, Name: in.Name, UnitID: in.UnitID, DeputyID: in.DeputyID})
	if err != nil {
		return storeError(err, "account")
	}
	return c.JSON(http.StatusCreated, acc)
}

func (s *Server) listAccounts(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Accounts(c.Request().Context(), p)
	if err != nil {
		return storeError(err, "account")
	}
	return c.JSON(http.StatusOK, list[store.AccountRecord]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

type tokenInput struct {
	ExpiresAt *time.Time `json:"expires_at"`
}

// tokenCreated shows a new token, the only time it is shown.
type tokenCreated struct {
	ID        string     `json:"id"`
	Token     string     `json:"token"`
	AccountID string     `json:"account_id"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// NewToken makes a random bearer token; only its hash is stored.
func NewToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "sf_" + hex.EncodeToString(b), nil
}

func (s *Server) createToken(c echo.Context) error {
	ctx := c.Request().Context()
	var in tokenInput
	if c.Request().ContentLength != 0 {
		if err := s.bind(c, &in); err != nil {
			return err
		}
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		return invalidFields(FieldError{Field: "expires_at", Message: "must be in the future"})
	}
	acc, err := s.store.AccountByID(ctx, c.Param("id"))
	if err != nil {
		return storeError(err, "account")
	}
	token, err := NewToken()
	if err != nil {
		return err
	}
	id := newID("tk_")
	if err := s.store.CreateToken(ctx, id, acc.ID, HashToken(token), in.ExpiresAt); err != nil {
		return storeError(err, "token")
	}
	return c.JSON(http.StatusCreated, tokenCreated{ID: id, Token: token, AccountID: acc.ID, ExpiresAt: in.ExpiresAt})
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.store.RevokeToken(c.Request().Context(), c.Param("id"), s.now().UTC()); err != nil {
		return storeError(err, "token")
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) auditLog(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := store.AuditFilter{ActorID: c.QueryParam("actor")}
	var fields []FieldError
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := c.QueryParam(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fields = append(fields, FieldError{Field: name, Message: "must be an RFC 3339 time"})
				continue
			}
			*dst = &t
		}
	}
	if len(fields) > 0 {
		return invalidFields(fields...)
	}
	items, total, err := s.store.AuditLog(c.Request().Context(), f, p)
	if err != nil {
		return storeError(err, "audit entry")
	}
	return c.JSON(http.StatusOK, list[store.AuditEntry]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

// loopbackOnly keeps the payload codec endpoint to this machine: it turns
// ciphertext back into case data for the Web UI running beside it.
func (s *Server) loopbackOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
		if err != nil || !net.ParseIP(host).IsLoopback() {
			return problem(http.StatusForbidden, "the codec endpoint answers only on this machine")
		}
		c.Response().Header().Set("Access-Control-Allow-Origin", "*")
		c.Response().Header().Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace")
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusOK)
		}
		return next(c)
	}
}
