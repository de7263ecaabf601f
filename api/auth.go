package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"suggestflow/access"
	"suggestflow/domain"
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
			return problem(http.StatusUnauthorized, "an Authorization: Bearer <token> header is required")
		}
		acc, err := s.store.AccountByTokenHash(c.Request().Context(), HashToken(token), s.now())
		if err != nil {
			if errorsIsNotFound(err) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="suggestflow", error="invalid_token"`)
				return problem(http.StatusUnauthorized, "the token is unknown, expired or revoked")
			}
			return unavailable(err)
		}
		c.Set(principalKey, access.Principal{AccountID: acc.ID, Role: acc.Role, UnitID: acc.UnitID, DeputyID: acc.DeputyID})
		c.Set("token_id", acc.TokenID)
		return next(c)
	}
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
			return problem(http.StatusForbidden, "this account ("+p.Role+") may not call "+route)
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
			return problem(http.StatusForbidden, "this account may see this "+rule.Object+" but not do this to it")
		case access.Hidden:
			return problem(http.StatusNotFound, "no "+rule.Object+" with this id")
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
			return access.Object{}, storeError(err, "suggestion")
		}
		c.Set("suggestion", sg)
		return suggestionFacts(sg), nil
	case access.MeetingObject:
		m, err := s.store.Meeting(ctx, id)
		if err != nil {
			return access.Object{}, storeError(err, "meeting")
		}
		return access.Object{UnitID: m.UnitID, MeetingDeputyIDs: m.DeputyIDs}, nil
	case access.DeputyObject:
		obj := access.Object{DeputyID: id}
		if p := principalOf(c); p.Role == access.RoleUnit {
			on, err := s.store.DeputyOnUnitSuggestion(ctx, id, p.UnitID)
			if err != nil {
				return obj, storeError(err, "deputy")
			}
			obj.DeputyOnUnitCase = on
		}
		return obj, nil
	case access.UnitObject:
		return access.Object{UnitID: id}, nil
	case access.OpinionObject:
		deputy, err := s.store.OpinionDeputy(ctx, id)
		if err != nil {
			return access.Object{}, storeError(err, "opinion")
		}
		return access.Object{DeputyID: deputy}, nil
	}
	return access.Object{}, errors.New("unknown object kind " + kind)
}

func suggestionFacts(sg domain.Suggestion) access.Object {
	o := access.Object{LeadDeputyID: sg.LeadDeputyID, CoSignerIDs: sg.CoSignerIDs}
	if a := sg.Assignment; a != nil {
		o.LeadUnitID, o.CoUnitIDs = a.LeadUnitID, a.CoUnitIDs
	}
	return o
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
		entry := store.AuditEntry{ID: newID("au_"), At: s.now().UTC(), ActorID: pr.AccountID, Role: pr.Role,
			Method: c.Request().Method, Route: c.Path(), ObjectID: c.Param("id"), Status: status}
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
		if c.Request().Method == http.MethodGet || s.writeRate <= 0 {
			return next(c)
		}
		id, _ := c.Get("token_id").(string)
		if !s.limiterFor(id).Allow() {
			c.Response().Header().Set("Retry-After", "1")
			return problem(http.StatusTooManyRequests, "too many changes from this token; slow down and try again")
		}
		return next(c)
	}
}

func (s *Server) limiterFor(tokenID string) *rate.Limiter {
	s.limMu.Lock()
	defer s.limMu.Unlock()
	l, ok := s.limiters[tokenID]
	if !ok {
		l = rate.NewLimiter(rate.Limit(s.writeRate), s.writeBurst)
		s.limiters[tokenID] = l
	}
	return l
}
