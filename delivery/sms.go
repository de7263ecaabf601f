package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"text/template"
	"unicode/utf8"
)

// DefaultSMSTemplate is the request body sent to the SMS gateway when
// SUGGESTFLOW_SMS_TEMPLATE is empty.
const DefaultSMSTemplate = `{"phone":{{json .Phone}},"text":{{json .Short}},"id":{{json .ID}}}`

// smsMax is the length of one Chinese text message: 70 characters, the
// carriers' limit for a message in UCS-2 before it is split (and billed)
// in parts.
const smsMax = 70

// SMSData is what the SMS template sees.
//
// The template is a Go text/template. Besides the standard functions it has
// json, which renders a value as a JSON literal, quotes included:
// {"to":{{json .Phone}}} gives {"to":"13800000000"}. A template that looks
// like JSON (it starts with { or [) is sent as application/json and must
// escape every value with json: NewSMS refuses one that would render
// invalid JSON for text with quotes or line breaks. A template of the form
// a={{urlquery .Phone}}&b=... is sent as application/x-www-form-urlencoded
// (escape with the standard urlquery); any other as text/plain.
type SMSData struct {
	ID    string // message id: pass it if the gateway deduplicates
	Phone string
	Name  string
	// Text is the subject, the body and the case link, one per line.
	Text string
	// Short is one message of at most 70 characters: the subject (which
	// names the case number) and the message's link — the deputy's rating
	// link, else the case's short link. The subject is shortened, never
	// the link.
	Short   string
	Subject string
	Body    string
	Link    string
}

// SMS sends text messages through an HTTP gateway: one POST per message,
// with a body made from a template. The message id is in the
// X-SuggestFlow-Delivery and Idempotency-Key headers, and in the body
// wherever the template puts {{.ID}}.
type SMS struct {
	url         string
	tmpl        *template.Template
	contentType string
	isJSON      bool
	client      *http.Client
}

// NewSMS returns an SMS gateway channel. An empty template means
// DefaultSMSTemplate; a nil client means one with DefaultTimeout.
func NewSMS(gatewayURL, tmpl string, client *http.Client) (*SMS, error) {
	if err := checkURL("SMS gateway", gatewayURL); err != nil {
		return nil, err
	}
	if strings.TrimSpace(tmpl) == "" {
		tmpl = DefaultSMSTemplate
	}
	t, err := template.New("sms").Funcs(template.FuncMap{"json": jsonLiteral}).Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("SMS template: %w", err)
	}
	s := &SMS{url: gatewayURL, tmpl: t, client: defaultClient(client)}
	trimmed := strings.TrimSpace(tmpl)
	switch {
	case strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
		s.isJSON, s.contentType = true, "application/json"
	case strings.Contains(trimmed, "="):
		s.contentType = "application/x-www-form-urlencoded"
	default:
		s.contentType = "text/plain; charset=utf-8"
	}
	// Render awkward values once now, so a template that forgets to
	// escape fails at start-up instead of on the first message.
	probe := SMSData{ID: "id", Phone: "+86 138", Name: `"名"`, Text: "a \"quoted\"\nline\\",
		Subject: `"s"`, Body: "b\n\"", Link: "https://example.org/?a=1&b=2"}
	if _, err := s.render(probe); err != nil {
		return nil, fmt.Errorf("SMS template: %w", err)
	}
	return s, nil
}

// errBadJSON says a JSON-looking template rendered something else.
var errBadJSON = errors.New("renders invalid JSON: escape values with json, e.g. {{json .Text}}")

func (s *SMS) render(d SMSData) ([]byte, error) {
	var b bytes.Buffer
	if err := s.tmpl.Execute(&b, d); err != nil {
		return nil, err
	}
	if s.isJSON && !json.Valid(b.Bytes()) {
		return nil, errBadJSON
	}
	return b.Bytes(), nil
}

// Name implements Channel.
func (s *SMS) Name() string { return "sms" }

// Send implements Channel.
func (s *SMS) Send(ctx context.Context, e Envelope) error {
	m := e.Message
	if m.ID == "" {
		return fmt.Errorf("send sms: %w", Permanent(errNoID))
	}
	if e.To.Phone == "" {
		return fmt.Errorf("send sms %s: %w", m.ID, Permanent(ErrNoAddress))
	}
	body, err := s.render(SMSData{ID: m.ID, Phone: e.To.Phone, Name: e.To.Name, Text: text(e), Short: smsText(m.Subject, e.Link),
		Subject: m.Subject, Body: m.Body, Link: e.Link})
	if err != nil {
		// Same message, same template, same failure: not worth retrying.
		return fmt.Errorf("send sms %s: render template: %w", m.ID, Permanent(err))
	}
	h := http.Header{}
	h.Set(DeliveryHeader, m.ID)
	h.Set("Idempotency-Key", m.ID)
	if _, err := post(ctx, s.client, s.url, s.contentType, body, h); err != nil {
		return fmt.Errorf("send sms %s: %w", m.ID, err)
	}
	return nil
}

// jsonLiteral is the template's json function. HTML escaping is off: the
// gateway is no browser, and "<" reads better than \u003c in its logs.
func jsonLiteral(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// smsText is a message's text for one SMS of smsMax characters: its
// subject and link, the subject cut with "…" when both do not fit.
func smsText(subject, link string) string {
	if link == "" {
		return cut(subject, smsMax)
	}
	room := smsMax - utf8.RuneCountInString(link) - 1
	if room < 2 {
		// An address this long fills the message alone.
		return link
	}
	return cut(subject, room) + " " + link
}

// cut shortens s to at most n characters, the last of them "…".
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
