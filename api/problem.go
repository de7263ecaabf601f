// Package api is the HTTP surface: JSON under /api/v1, health, and the
// OpenAPI document. Echo stays inside this package.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"suggestflow/store"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError names an invalid field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p *Problem) Error() string { return p.Detail }

func problem(status int, detail string, fields ...FieldError) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Errors: fields}
}

func invalidFields(fields ...FieldError) *Problem {
	msgs := make([]string, 0, len(fields))
	for _, f := range fields {
		msgs = append(msgs, f.Field+": "+f.Message)
	}
	return problem(http.StatusUnprocessableEntity, strings.Join(msgs, "; "), fields...)
}

// clientProblem is the problem an error shows the client: the one it
// carries, or 503 for a database that is down or overloaded (the client may
// try again; nothing it sent was taken); false for an unexpected error.
func clientProblem(err error) (*Problem, bool) {
	var p *Problem
	if errors.As(err, &p) {
		return p, true
	}
	if store.Unavailable(err) {
		return unavailable(err), true
	}
	return nil, false
}

// errorHandler writes every error as problem+json; anything unexpected is
// logged and answered 500 without internals.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p, known := clientProblem(err)
	var he *echo.HTTPError
	switch {
	case known:
		if p.Status == http.StatusServiceUnavailable {
			s.log.WarnContext(c.Request().Context(), "dependency unavailable", "method", c.Request().Method, "path", c.Path(), "error", err)
		}
	case errors.As(err, &he):
		detail := fmt.Sprint(he.Message)
		if he.Code == http.StatusNotFound {
			detail = "no such route: " + c.Request().Method + " " + c.Request().URL.Path
		}
		if he.Code == http.StatusRequestEntityTooLarge {
			detail = "the request body is larger than the limit"
		}
		p = problem(he.Code, detail)
	default:
		s.log.ErrorContext(c.Request().Context(), "request failed", "method", c.Request().Method, "path", c.Path(),
			"object_id", c.Param("id"), "error", err)
		p = problem(http.StatusInternalServerError, "an internal error occurred; it has been logged")
	}
	if p.Status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "5")
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	_ = json.NewEncoder(c.Response()).Encode(p)
}

// bind decodes a JSON body strictly (no unknown fields, one object) and
// validates it.
func (s *Server) bind(c echo.Context, dst any) error {
	// The body is read as JSON whatever its Content-Type says: curl's -d
	// sends form encoding by default, and a clear JSON error beats a 415.
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return problem(http.StatusBadRequest, "the body must hold exactly one JSON object")
	}
	return s.check(dst)
}

func decodeProblem(err error) *Problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return problem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", mbe.Limit))
	case errors.Is(err, io.EOF):
		return problem(http.StatusBadRequest, "the body is empty; a JSON object is required")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return problem(http.StatusBadRequest, "malformed JSON: "+err.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return problem(http.StatusBadRequest, "the body must be a JSON object")
		}
		return invalidFields(FieldError{Field: field, Message: "must be a " + jsonType(typ.Type.Kind().String())})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalidFields(FieldError{Field: name, Message: "unknown field"})
	}
	// time.Time and other text values that fail to parse.
	return invalidFields(FieldError{Field: "body", Message: err.Error()})
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

// check runs the struct's validation tags.
func (s *Server) check(v any) error {
	err := s.validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return invalidFields(FieldError{Field: "body", Message: err.Error()})
	}
	fields := make([]FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, FieldError{Field: fieldPath(fe.Namespace()), Message: message(fe)})
	}
	return invalidFields(fields...)
}

func fieldPath(ns string) string {
	if i := strings.Index(ns, "."); i >= 0 {
		return ns[i+1:]
	}
	return ns
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max":
		if fe.Kind().String() == "slice" {
			return "must have at most " + fe.Param() + " items"
		}
		return "must be at most " + fe.Param() + " characters"
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "email":
		return "must be an email address"
	}
	return "is invalid (" + fe.Tag() + ")"
}
