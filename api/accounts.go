package api

import (
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/accounts"
	"suggestflow/refusal"
	"suggestflow/store"
)

func (s *Server) createAccount(c echo.Context) error {
	var in accounts.NewAccount
	if err := decode(c, &in); err != nil {
		return err
	}
	acc, err := s.accounts.Create(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, acc)
}

func (s *Server) listAccounts(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := store.AccountFilter{Query: c.QueryParam("q"), Role: c.QueryParam("role"), IncludeRetired: c.QueryParam("include_retired") == "true"}
	items, total, err := s.store.Accounts(c.Request().Context(), f, p)
	if err != nil {
		return store.Refused(err, "account")
	}
	return c.JSON(http.StatusOK, list[store.AccountRecord]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getAccount(c echo.Context) error { return s.getAccountOf(c, c.Param("id")) }

func (s *Server) patchAccount(c echo.Context) error {
	var in accounts.Patch
	if err := decode(c, &in); err != nil {
		return err
	}
	acc, err := s.accounts.Update(c.Request().Context(), principalOf(c).AccountID, c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

type tokenInput struct {
	ExpiresAt *time.Time `json:"expires_at"`
}

func (s *Server) createToken(c echo.Context) error {
	var in tokenInput
	if c.Request().ContentLength != 0 {
		if err := s.bind(c, &in); err != nil {
			return err
		}
	}
	tok, err := s.accounts.MintToken(c.Request().Context(), c.Param("id"), in.ExpiresAt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tok)
}

func (s *Server) listTokens(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := s.accounts.Get(ctx, c.Param("id")); err != nil {
		return err
	}
	items, err := s.store.Tokens(ctx, c.Param("id"), s.now())
	if err != nil {
		return store.Refused(err, "token")
	}
	return c.JSON(http.StatusOK, list[store.TokenRecord]{Items: items, Total: int64(len(items)), Page: 1, PageSize: len(items)})
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.store.RevokeToken(c.Request().Context(), c.Param("id"), s.now().UTC()); err != nil {
		return store.Refused(err, "token")
	}
	return c.NoContent(http.StatusNoContent)
}

type signInInput struct {
	Username string `json:"username" validate:"required,max=100"`
	Password string `json:"password" validate:"required,max=200"`
}

type sessionCreated struct {
	Token              string    `json:"token"`
	ExpiresAt          time.Time `json:"expires_at"`
	MustChangePassword bool      `json:"must_change_password"`
}

// signIn is the one route without a token: a user name and a password
// give a session token.
func (s *Server) signIn(c echo.Context) error {
	var in signInInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	sess, err := s.accounts.SignIn(c.Request().Context(), in.Username, in.Password, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sessionCreated{Token: sess.Token, ExpiresAt: sess.ExpiresAt, MustChangePassword: sess.MustChangePassword})
}

func (s *Server) signOut(c echo.Context) error {
	if !c.Get("session").(bool) {
		// A script's token ends at DELETE /tokens/{id}, not by mistake here.
		return refusal.New(refusal.Conflict, refusal.NotASession)
	}
	id, _ := c.Get("token_id").(string)
	if err := s.accounts.SignOut(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type passwordInput struct {
	Current string `json:"current" validate:"max=200"`
	New     string `json:"new" validate:"required,max=200"`
}

func (s *Server) changePassword(c echo.Context) error {
	var in passwordInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	id, _ := c.Get("token_id").(string)
	if err := s.accounts.ChangePassword(c.Request().Context(), principalOf(c).AccountID, id, in.Current, in.New); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) me(c echo.Context) error {
	return s.getAccountOf(c, principalOf(c).AccountID)
}

func (s *Server) getAccountOf(c echo.Context, id string) error {
	acc, err := s.accounts.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
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
