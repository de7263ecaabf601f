// Package refusal holds why a request is refused: a kind (which says how
// the HTTP API answers), a stable code and its parameters, and for invalid
// input the fields at fault, each with its own code. The workflows, the
// case commands, the API and the pages all speak these codes; the texts
// people read are in package i18n, looked up by code, so rewording a text
// never changes what a client or a page matches on.
package refusal

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"suggestflow/i18n"
)

// Kind is the class of a refusal.
type Kind uint8

// The kinds, each answered with one HTTP status.
const (
	BadRequest Kind = iota + 1
	Unauthenticated
	Forbidden
	NotFound
	MethodNotAllowed
	Conflict
	PreconditionFailed
	TooLarge
	UnsupportedType
	Invalid
	TooMany
	Unavailable
	Internal
	// Gone: what the request names existed and ends for good (a used,
	// expired or revoked rating link).
	Gone
)

var statuses = map[Kind]int{
	BadRequest: http.StatusBadRequest, Unauthenticated: http.StatusUnauthorized, Forbidden: http.StatusForbidden,
	NotFound: http.StatusNotFound, MethodNotAllowed: http.StatusMethodNotAllowed, Conflict: http.StatusConflict,
	PreconditionFailed: http.StatusPreconditionFailed, TooLarge: http.StatusRequestEntityTooLarge,
	UnsupportedType: http.StatusUnsupportedMediaType, Invalid: http.StatusUnprocessableEntity, TooMany: http.StatusTooManyRequests,
	Unavailable: http.StatusServiceUnavailable, Internal: http.StatusInternalServerError, Gone: http.StatusGone,
}

// Status is the HTTP status a refusal of this kind is answered with.
func (k Kind) Status() int {
	if s, ok := statuses[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// KindOf is the kind an HTTP status stands for: a 4xx it does not know
// is a bad request, anything else internal.
func KindOf(status int) Kind {
	for k, s := range statuses {
		if s == status {
			return k
		}
	}
	if status >= 400 && status < 500 {
		return BadRequest
	}
	return Internal
}

// Params are a refusal's parameters, by name. Their names say how a text
// shows them (see i18n.Format): times as RFC 3339, statuses and actions as
// their codes, ids as ids.
type Params map[string]string

// Field is one invalid input field.
type Field struct {
	Name   string `json:"name"`
	Code   string `json:"code"`
	Params Params `json:"params,omitempty"`
}

// Error is a refusal. It travels as JSON inside a workflow's
// ApplicationError, so its fields are exported.
type Error struct {
	Kind   Kind    `json:"kind"`
	Code   string  `json:"code"`
	Params Params  `json:"params,omitempty"`
	Fields []Field `json:"fields,omitempty"`
	// RetryAfter, when set, is how long the client should wait before
	// trying again (the Retry-After header of a 429 or 503).
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// cause is what went wrong underneath (a database that is down), for
	// the log only; the client never sees it.
	cause error
}

// New is a refusal of a kind with a code; kv are parameter names and
// values, in pairs.
func New(kind Kind, code string, kv ...string) *Error {
	return &Error{Kind: kind, Code: code, Params: pairs(kv)}
}

// Fields refuses invalid input.
func Fields(fields ...Field) *Error {
	return &Error{Kind: Invalid, Code: InvalidFields, Fields: fields}
}

// OnField refuses one invalid field.
func OnField(name, code string, kv ...string) *Error {
	return Fields(FieldOf(name, code, kv...))
}

// FieldOf is one invalid field with its code.
func FieldOf(name, code string, kv ...string) Field {
	return Field{Name: name, Code: code, Params: pairs(kv)}
}

func pairs(kv []string) Params {
	if len(kv) == 0 {
		return nil
	}
	p := Params{}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return p
}

// DependencyDown is the refusal for a dependency that is down; the cause
// is kept for the log.
func DependencyDown(cause error) *Error {
	e := New(Unavailable, DependencyUnavailable)
	e.cause = cause
	return e
}

// After sets how long the client should wait before trying again.
func (e *Error) After(d time.Duration) *Error {
	e.RetryAfter = d
	return e
}

// RetryAfterSeconds is the Retry-After header's value: whole seconds,
// rounded up, at least 1.
func (e *Error) RetryAfterSeconds() string {
	s := int64((e.RetryAfter + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}

// WithCause keeps what went wrong underneath, for the log.
func (e *Error) WithCause(err error) *Error {
	e.cause = err
	return e
}

// Cause is what went wrong underneath, if anything.
func (e *Error) Cause() error { return e.cause }

// Unwrap lets errors.Is and errors.As see the cause.
func (e *Error) Unwrap() error { return e.cause }

// Error is the refusal in English, as the API's detail says it.
func (e *Error) Error() string { return e.Text(i18n.Raw) }

// Text is the refusal for people: the code's text, or for invalid fields
// each "field: message", joined.
func (e *Error) Text(o i18n.Options) string {
	if e.Code == InvalidFields && len(e.Fields) > 0 {
		msgs := make([]string, 0, len(e.Fields))
		for _, f := range e.Fields {
			msgs = append(msgs, f.Name+": "+f.Text(o))
		}
		return strings.Join(msgs, "; ")
	}
	return i18n.Refusal(o, e.Code, e.Params)
}

// Text is the field's message for people.
func (f Field) Text(o i18n.Options) string { return i18n.Refusal(o, f.Code, f.Params) }

// As finds the refusal in an error chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
