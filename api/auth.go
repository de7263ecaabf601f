package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
)

const principalKey = "principal"

// authenticate resolves the bearer token to its account.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="suggestflow"`)
			return refusal.New(refusal.Unauthenticated, refusal.TokenRequired)
		}
		acc, err := s.store.AccountByTokenHash(c.Request().Context(), store.HashToken(token), s.now())
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="suggestflow", error="invalid_token"`)
				return refusal.New(refusal.Unauthenticated, refusal.TokenInvalid)
			}
			return refusal.DependencyDown(err)
		}
		c.Set(principalKey, access.Principal{AccountID: acc.ID, Role: acc.Role, UnitID: acc.UnitID, DeputyID: acc.DeputyID})
		c.Set("token_id", acc.TokenID)
		c.Set("session", acc.Session)
		if acc.Session && acc.MustChangePassword && !passwordChangeRoutes[c.Request().Method+" "+c.Path()] {
			return refusal.New(refusal.Forbidden, refusal.PasswordChangeNeeded)
		}
		return next(c)
	}
}

// passwordChangeRoutes are what a session whose password must change may
// still do: change it, look at itself, or sign out.
var passwordChangeRoutes = map[string]bool{
	"PUT /api/v1/me/password": true, "GET /api/v1/me": true, "DELETE /api/v1/sessions/current": true,
}

func principalOf(c echo.Context) access.Principal {
	p, _ := c.Get(principalKey).(access.Principal)
	return p
}

func actorOf(c echo.Context) domain.Actor {
	p := principalOf(c)
	return domain.Actor{ID: p.AccountID, Role: p.Role}
}

// authorize applies the access policy to the route and to the object its
// :id names, before any handler runs.
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := principalOf(c)
		route := c.Request().Method + " " + c.Path()
		rule, d := access.Route(p, route)
		if d == access.Forbidden {
			if _, known := access.Rules[route]; !known {
				if strings.HasSuffix(c.Path(), "/*") {
					// No such route: let the router answer 404.
					return next(c)
				}
				s.log.Error("route without an access rule", "route", route)
			}
			return refusal.New(refusal.Forbidden, refusal.ForbiddenRoute, "role", p.Role, "route", route)
		}
		if rule.Object == access.NoObject {
			return next(c)
		}
		obj, err := s.loadObject(c, rule.Object, c.Param("id"))
		if err != nil {
			return err
		}
		switch access.On(p, rule, obj) {
		case access.Forbidden:
			return refusal.New(refusal.Forbidden, refusal.ForbiddenAction, "object", rule.Object)
		case access.Hidden:
			return refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", rule.Object)
		}
		return next(c)
	}
}

// loadObject reads the facts the policy needs; a suggestion or meeting is
// kept for the handler.
func (s *Server) loadObject(c echo.Context, kind, id string) (access.Object, error) {
	ctx := c.Request().Context()
	switch kind {
	case access.SuggestionObject:
		sg, err := s.store.Suggestion(ctx, id)
		if err != nil {
			return access.Object{}, store.Refused(err, "suggestion")
		}
		c.Set("suggestion", sg)
		return access.SuggestionFacts(sg), nil
	case access.AttachmentObject:
		a, err := s.store.Attachment(ctx, id)
		if err != nil {
			return access.Object{}, store.Refused(err, "attachment")
		}
		sg, err := s.store.Suggestion(ctx, a.SuggestionID)
		if err != nil {
			return access.Object{}, store.Refused(err, "attachment")
		}
		c.Set("attachment", a)
		return access.SuggestionFacts(sg), nil
	case access.MeetingObject:
		m, err := s.store.Meeting(ctx, id)
		if err != nil {
			return access.Object{}, store.Refused(err, "meeting")
		}
		return access.MeetingFacts(m), nil
	case access.DeputyObject:
		obj := access.Object{DeputyID: id}
		if p := principalOf(c); p.Role == access.RoleUnit {
			on, err := s.store.DeputyOnUnitSuggestion(ctx, id, p.UnitID)
			if err != nil {
				return obj, store.Refused(err, "deputy")
			}
			obj.DeputyOnUnitCase = on
		}
		return obj, nil
	case access.UnitObject:
		return access.Object{UnitID: id}, nil
	case access.OpinionObject:
		deputy, err := s.store.OpinionDeputy(ctx, id)
		if err != nil {
			return access.Object{}, store.Refused(err, "opinion")
		}
		return access.Object{DeputyID: deputy}, nil
	}
	return access.Object{}, errors.New("unknown object kind " + kind)
}

// audit records every write with its account, route, object and outcome.
func (s *Server) audit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if c.Request().Method == http.MethodGet {
			return err
		}
		status := statusOf(c, err)
		pr := principalOf(c)
		// An import names no record but its kind, which is what it changed.
		object := c.Param("id")
		if object == "" {
			object = c.Param("kind")
		}
		entry := store.AuditEntry{ID: domain.NewID("au_"), At: s.now().UTC(), ActorID: pr.AccountID, Role: pr.Role,
			Method: c.Request().Method, Route: c.Path(), ObjectID: object, Status: status}
		// The audit outlives a cancelled request.
		actx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 5*time.Second)
		defer cancel()
		if aerr := s.store.Audit(actx, entry); aerr != nil {
			s.log.Error("audit write failed", "route", entry.Route, "error", aerr)
		}
		return err
	}
}

// limitWrites is a per-token rate limit on writes.
func (s *Server) limitWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodGet {
			return next(c)
		}
		id, _ := c.Get("token_id").(string)
		if !s.writes.Allow(id) {
			c.Response().Header().Set("Retry-After", "1")
			return refusal.New(refusal.TooMany, refusal.RateLimited)
		}
		return next(c)
	}
}
