package api

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
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
			return refusal.OnField("unit_id", refusal.UnitAccount)
		}
		if _, err := s.store.Unit(ctx, in.UnitID); err != nil {
			return refusal.OnField("unit_id", refusal.NoSuchObject, "object", "unit")
		}
	case access.RoleDeputy:
		if in.DeputyID == "" || in.UnitID != "" {
			return refusal.OnField("deputy_id", refusal.DeputyAccount)
		}
		if _, err := s.store.Deputy(ctx, in.DeputyID); err != nil {
			return refusal.OnField("deputy_id", refusal.NoSuchObject, "object", "deputy")
		}
	default:
		if in.UnitID != "" || in.DeputyID != "" {
			return refusal.OnField("role", refusal.PresidiumUnbound)
		}
	}
	acc, err := s.store.CreateAccount(ctx, store.AccountRecord{ID: domain.NewID("ac_"), Role: in.Role, Name: in.Name, UnitID: in.UnitID, DeputyID: in.DeputyID})
	if err != nil {
		return store.Refused(err, "account")
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
		return store.Refused(err, "account")
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
		return refusal.OnField("expires_at", refusal.MustBeFuture)
	}
	acc, err := s.store.AccountByID(ctx, c.Param("id"))
	if err != nil {
		return store.Refused(err, "account")
	}
	token, err := NewToken()
	if err != nil {
		return err
	}
	id := domain.NewID("tk_")
	if err := s.store.CreateToken(ctx, id, acc.ID, store.HashToken(token), in.ExpiresAt); err != nil {
		return store.Refused(err, "token")
	}
	return c.JSON(http.StatusCreated, tokenCreated{ID: id, Token: token, AccountID: acc.ID, ExpiresAt: in.ExpiresAt})
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.store.RevokeToken(c.Request().Context(), c.Param("id"), s.now().UTC()); err != nil {
		return store.Refused(err, "token")
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) auditLog(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := store.AuditFilter{ActorID: c.QueryParam("actor")}
	var fields []refusal.Field
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := c.QueryParam(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fields = append(fields, refusal.FieldOf(name, refusal.RFC3339))
				continue
			}
			*dst = &t
		}
	}
	if len(fields) > 0 {
		return refusal.Fields(fields...)
	}
	items, total, err := s.store.AuditLog(c.Request().Context(), f, p)
	if err != nil {
		return store.Refused(err, "audit entry")
	}
	return c.JSON(http.StatusOK, list[store.AuditEntry]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

// loopbackOnly keeps the payload codec endpoint to this machine: it turns
// ciphertext back into case data for the Web UI running beside it.
func (s *Server) loopbackOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
		if err != nil || !net.ParseIP(host).IsLoopback() {
			return refusal.New(refusal.Forbidden, refusal.CodecLoopback)
		}
		c.Response().Header().Set("Access-Control-Allow-Origin", "*")
		c.Response().Header().Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace")
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusOK)
		}
		return next(c)
	}
}
