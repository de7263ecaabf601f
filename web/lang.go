package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"suggestflow/i18n"
	"suggestflow/refusal"
)

// The pages speak Simplified Chinese by default and English one click away
// (?lang=en, kept in a cookie); every text is in package i18n.

// langOf is the request's language: ?lang=, else the cookie, else Chinese.
func langOf(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == i18n.EN || l == i18n.ZH {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == i18n.EN || c.Value == i18n.ZH) {
		return c.Value
	}
	return i18n.ZH
}

// rememberLang keeps a ?lang= choice in a cookie.
func rememberLang(rw http.ResponseWriter, r *http.Request) {
	if l := r.URL.Query().Get("lang"); l == i18n.EN || l == i18n.ZH {
		http.SetCookie(rw, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
	}
}

// tr is a page text in a language.
func tr(lang, key string) string { return i18n.T(lang, key) }

// webFuncs are the template functions; t is bound per request.
func webFuncs(t func(string) string, loc *time.Location) template.FuncMap {
	if loc == nil {
		loc = time.UTC
	}
	format := func(layout string) func(v any) string {
		return func(v any) string {
			switch x := v.(type) {
			case time.Time:
				if x.IsZero() {
					return "—"
				}
				return x.In(loc).Format(layout)
			case *time.Time:
				if x == nil || x.IsZero() {
					return "—"
				}
				return x.In(loc).Format(layout)
			}
			return fmt.Sprint(v)
		}
	}
	return template.FuncMap{
		"t":        t,
		"prefix":   strings.HasPrefix,
		"date":     format("2006-01-02"),
		"datetime": format("2006-01-02 15:04"),
	}
}

// summary is a refusal's message for people, in their language: the
// status's heading, and the refusal's own text unless it is about fields.
func summary(lang string, r *refusal.Error, loc *time.Location) string {
	if r == nil {
		return ""
	}
	head := tr(lang, fmt.Sprintf("err.%d", r.Kind.Status()))
	if len(r.Fields) > 0 || r.Code == refusal.InvalidFields {
		return head
	}
	detail := r.Text(i18n.For(lang, loc))
	if detail == "" {
		return head
	}
	return head + tr(lang, "problem.sep") + detail
}

// fieldLines are a refusal's field errors, "field: message", the field
// named as the form labels it.
func fieldLines(lang string, r *refusal.Error, loc *time.Location) []string {
	if r == nil {
		return nil
	}
	out := make([]string, 0, len(r.Fields))
	for _, f := range r.Fields {
		out = append(out, fmt.Sprintf(tr(lang, "problem.field"), fieldLabel(lang, f.Name), f.Text(i18n.For(lang, loc))))
	}
	return out
}

// fieldKeys are the form labels of the API's fields.
var fieldKeys = map[string]string{
	"lead_deputy_id": "f.lead_deputy", "co_signer_ids": "f.co_signers", "lead_unit_id": "f.lead_unit",
	"co_unit_ids": "f.co_units", "unit_id": "f.unit", "deputy_id": "f.deputy", "new_due_at": "f.new_due_at",
	"content": "f.content", "title": "f.title", "kind": "f.kind", "category": "f.category",
	"submitted_in": "f.submitted_in", "decision": "f.decision", "reason": "f.reason", "return_category": "f.return_category",
	"leader": "f.leader", "handler": "f.handler", "held_at": "f.held_at", "method": "f.method",
	"participants": "f.participants", "notes": "f.notes", "measures": "f.measures", "approve": "f.decision",
	"comment": "f.comment", "result_class": "f.result_class", "promised_at": "f.promised_at", "attitude": "f.attitude",
	"result": "f.result", "reasons": "f.reasons", "evidence": "f.evidence", "kept": "f.kept", "signed_by": "f.signed_by",
	"scheduled_at": "f.scheduled_at", "place": "f.place", "agenda": "f.agenda", "outcome": "f.outcome",
	"opinions": "f.opinions", "suggestion_id": "f.suggestion", "Idempotency-Key": "f.idempotency_key",
	"status": "f.status", "q": "list.search", "quarter": "eval.quarter",
	"name": "f.name", "group": "f.group", "level": "f.level", "phone": "f.phone", "email": "f.email", "head": "f.head",
	"leader_phone": "f.leader_phone", "leader_email": "f.leader_email", "handler_phone": "f.handler_phone",
	"handler_email": "f.handler_email", "role": "f.role", "username": "login.username", "password": "login.password",
	"current": "password.current", "new": "password.new", "confirm": "password.confirm", "active": "rec.retire",
	"to": "f.referral_to", "sent_at": "f.sent_at", "received_at": "f.received_at", "into": "f.merge_into",
	"valid_reason": "f.valid_reason",
	"year":         "cal.year", "days_off": "cal.days_off", "working_days": "cal.working_days", "note": "cal.note",
}

// fieldLabel names an API field as its form does.
func fieldLabel(lang, field string) string {
	key := fieldKeys[strings.SplitN(strings.SplitN(field, "[", 2)[0], ".", 2)[0]]
	if key == "" {
		return field
	}
	return tr(lang, key)
}
