// Package api is the HTTP surface: JSON under /api/v1, health, and the
// OpenAPI document. Echo stays inside this package (and the pages' own
// net/http mux inside package web).
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"suggestflow/i18n"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// Problem is an RFC 9457 problem document, with the refusal's code.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
	// Params fill the code's text (i18n), for clients that say it in
	// their own words.
	Params map[string]string `json:"params,omitempty"`
	Errors []FieldError      `json:"errors,omitempty"`
}

// FieldError names an invalid field, with its code.
type FieldError struct {
	Field   string            `json:"field"`
	Message string            `json:"message"`
	Code    string            `json:"code"`
	Params  map[string]string `json:"params,omitempty"`
}

// problemOf is the problem document of a refusal, in the API's English.
func problemOf(r *refusal.Error) *Problem {
	status := r.Kind.Status()
	p := &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: r.Error(), Code: r.Code, Params: r.Params}
	for _, f := range r.Fields {
		p.Errors = append(p.Errors, FieldError{Field: f.Name, Message: f.Text(i18n.Raw), Code: f.Code, Params: f.Params})
	}
	return p
}

// refusalOf is what an error tells the client: the refusal it carries, 503
// for a database that is down (the client may try again; nothing it sent
// was taken), Echo's own answers; false for an unexpected error.
func refusalOf(err error, method, path string) (*refusal.Error, bool) {
	if r, ok := refusal.As(err); ok {
		return r, true
	}
	if store.Unavailable(err) {
		return refusal.DependencyDown(err), true
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return refusal.New(refusal.NotFound, refusal.NoRoute, "route", method+" "+path), true
		case http.StatusRequestEntityTooLarge:
			return refusal.New(refusal.TooLarge, refusal.RequestTooBig), true
		}
		return refusal.New(refusal.KindOf(he.Code), refusal.HTTPError, "message", fmt.Sprint(he.Message)), true
	}
	return nil, false
}

// errorHandler writes every error as problem+json; anything unexpected is
// logged and answered 500 without internals, and a dependency that is
// down is logged with its cause.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	req := c.Request()
	r, known := refusalOf(err, req.Method, req.URL.Path)
	switch {
	case !known:
		s.log.ErrorContext(req.Context(), "request failed", "method", req.Method, "path", c.Path(),
			"object_id", c.Param("id"), "error", err)
		r = refusal.New(refusal.Internal, refusal.InternalError)
	case r.Kind == refusal.Unavailable:
		s.log.WarnContext(req.Context(), "dependency unavailable", "method", req.Method, "path", c.Path(), "error", r.Cause())
		c.Response().Header().Set("Retry-After", "5")
	}
	if r.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", r.RetryAfterSeconds())
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(r.Kind.Status())
	if err := json.NewEncoder(c.Response()).Encode(problemOf(r)); err != nil {
		s.log.WarnContext(req.Context(), "write problem", "error", err)
	}
}

// decode reads a JSON body strictly: no unknown fields, one object.
func decode(c echo.Context, dst any) error {
	// The body is read as JSON whatever its Content-Type says: curl's -d
	// sends form encoding by default, and a clear JSON error beats a 415.
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeRefusal(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return refusal.New(refusal.BadRequest, refusal.OneObject)
	}
	return nil
}

// bind decodes a JSON body strictly and validates it.
func (s *Server) bind(c echo.Context, dst any) error {
	if err := decode(c, dst); err != nil {
		return err
	}
	return validation.Check(dst)
}

func decodeRefusal(err error) *refusal.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return refusal.New(refusal.TooLarge, refusal.BodyTooLarge, "limit", fmt.Sprint(mbe.Limit))
	case errors.Is(err, io.EOF):
		return refusal.New(refusal.BadRequest, refusal.BodyEmpty)
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return refusal.New(refusal.BadRequest, refusal.MalformedJSON, "error", err.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return refusal.New(refusal.BadRequest, refusal.NotAnObject)
		}
		return refusal.OnField(typ.Field, refusal.WrongType, "type", jsonType(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return refusal.OnField(name, refusal.UnknownField)
	}
	// time.Time and other text values that fail to parse.
	return refusal.OnField("body", refusal.Unreadable, "error", err.Error())
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	case "struct", "map":
		return "JSON object (or an RFC 3339 time)"
	}
	return "number"
}
