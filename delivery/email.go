package delivery

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// StartTLS is the STARTTLS policy of a plain smtp:// connection.
type StartTLS string

const (
	// StartTLSRequired fails when the server does not offer STARTTLS.
	StartTLSRequired StartTLS = "required"
	// StartTLSOpportunistic upgrades when the server offers it.
	StartTLSOpportunistic StartTLS = "opportunistic"
	// StartTLSNone never upgrades: for a relay on a trusted network.
	StartTLSNone StartTLS = "none"
)

// SMTPConfig is where and how to submit email.
type SMTPConfig struct {
	Host string
	Port int
	// Username and Password are optional; without them no AUTH is tried.
	Username string
	Password string
	// From is the sender, "addr@example.org" or "Name <addr@example.org>".
	From string
	// StartTLS applies to smtp://; empty means opportunistic.
	StartTLS StartTLS
	// ImplicitTLS is TLS from the first byte (smtps://, usually port 465).
	ImplicitTLS bool
	// Timeout bounds one connection; zero means DefaultTimeout.
	Timeout time.Duration
	// TLSConfig is optional (a private CA, say); nil means the system
	// roots, verifying Host.
	TLSConfig *tls.Config
}

// String describes the configuration without the password, so that it
// can be logged.
func (c SMTPConfig) String() string {
	u := url.URL{Scheme: "smtp", Host: c.Host + ":" + strconv.Itoa(c.Port)}
	if c.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "REDACTED")
	}
	q := url.Values{"from": {c.From}}
	if !c.ImplicitTLS {
		q.Set("starttls", string(c.starttls()))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (c SMTPConfig) starttls() StartTLS {
	if c.StartTLS == "" {
		return StartTLSOpportunistic
	}
	return c.StartTLS
}

// ParseSMTPURL reads SUGGESTFLOW_SMTP_URL:
//
//	smtp://user:pass@host:port?from=addr&starttls=required|opportunistic|none
//	smtps://user:pass@host:port?from=addr
//
// user:pass is optional (percent-encode reserved characters in them), the
// port and from are required, starttls defaults to opportunistic. smtps is
// TLS from the start and takes no starttls. Errors say what is wrong and
// never repeat the password.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	var c SMTPConfig
	if strings.TrimSpace(raw) == "" {
		return c, errors.New("SMTP URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's own message quotes the whole URL, password included.
		return c, fmt.Errorf("SMTP URL: %w", unwrapURLError(err))
	}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.ImplicitTLS = true
	default:
		return c, fmt.Errorf("SMTP URL: scheme must be smtp or smtps, got %q", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return c, errors.New("SMTP URL: expected smtp://[user:pass@]host:port?from=addr")
	}
	if c.Host = u.Hostname(); c.Host == "" {
		return c, errors.New("SMTP URL: host is missing")
	}
	port := u.Port()
	if port == "" {
		return c, errors.New("SMTP URL: port is missing (587 for STARTTLS, 465 for smtps, 25 for a relay)")
	}
	if c.Port, err = strconv.Atoi(port); err != nil || c.Port < 1 || c.Port > 65535 {
		return c, fmt.Errorf("SMTP URL: port %q is not between 1 and 65535", port)
	}
	if u.Path != "" && u.Path != "/" {
		return c, fmt.Errorf("SMTP URL: unexpected path %q", u.Path)
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" {
			return c, errors.New("SMTP URL: password given without user")
		}
		if c.Password == "" {
			return c, errors.New("SMTP URL: user given without password")
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, fmt.Errorf("SMTP URL: query: %w", err)
	}
	for k, v := range q {
		if k != "from" && k != "starttls" {
			return c, fmt.Errorf("SMTP URL: unknown parameter %q (known: from, starttls)", k)
		}
		if len(v) > 1 {
			return c, fmt.Errorf("SMTP URL: parameter %q given %d times", k, len(v))
		}
	}
	c.From = q.Get("from")
	if c.From == "" {
		return c, errors.New("SMTP URL: from is missing (?from=noreply@example.org)")
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return c, fmt.Errorf("SMTP URL: from %q is not an email address: %w", c.From, err)
	}
	switch st := StartTLS(q.Get("starttls")); {
	case c.ImplicitTLS && st != "":
		return c, errors.New("SMTP URL: starttls does not apply to smtps, which is TLS from the start")
	case st == "", st == StartTLSOpportunistic:
		if !c.ImplicitTLS {
			c.StartTLS = StartTLSOpportunistic
		}
	case st == StartTLSRequired, st == StartTLSNone:
		c.StartTLS = st
	default:
		return c, fmt.Errorf("SMTP URL: starttls must be required, opportunistic or none, got %q", st)
	}
	return c, nil
}

// Email sends each message as a plain-text UTF-8 email, with the
// invitation, if any, attached as invite.ics. The Message-ID is derived
// from the message id (see MessageID), so receiving systems can recognise
// a retried delivery as the same message; the raw id is also in the
// X-SuggestFlow-Delivery header.
type Email struct {
	cfg SMTPConfig
}

// NewEmail returns an email channel; it checks the configuration but does
// not connect.
func NewEmail(cfg SMTPConfig) (*Email, error) {
	if cfg.Host == "" {
		return nil, errors.New("SMTP: host is missing")
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("SMTP: port %d is not between 1 and 65535", cfg.Port)
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("SMTP: from %q is not an email address: %w", cfg.From, err)
	}
	switch cfg.starttls() {
	case StartTLSRequired, StartTLSOpportunistic, StartTLSNone:
	default:
		return nil, fmt.Errorf("SMTP: unknown starttls policy %q", cfg.StartTLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Email{cfg: cfg}, nil
}

// Name implements Channel.
func (m *Email) Name() string { return "email" }

// errBadRecipient stands for go-mail's parse error, which quotes the
// address.
var errBadRecipient = errors.New("recipient address is not valid")

// Send implements Channel. A recipient without an email address, a bad
// address and an SMTP 5xx refusal are permanent. Connection, TLS and
// authentication failures are transient: they concern the server or the
// configuration, not the message, which should go once they are fixed.
func (m *Email) Send(ctx context.Context, e Envelope) error {
	id := e.Message.ID
	if id == "" {
		return fmt.Errorf("send email: %w", Permanent(errNoID))
	}
	if e.To.Email == "" {
		return fmt.Errorf("send email %s: %w", id, Permanent(ErrNoAddress))
	}
	msg, err := m.compose(e)
	if err != nil {
		return fmt.Errorf("send email %s: %w", id, Permanent(err))
	}
	// A client per message: go-mail's Client keeps per-connection state
	// (the negotiated auth mechanism) that concurrent sends would share.
	client, err := m.client()
	if err != nil {
		return fmt.Errorf("send email %s: %w", id, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send email %s: %w", id, classifySMTP(err))
	}
	return nil
}

func (m *Email) compose(e Envelope) (*mail.Msg, error) {
	msg := mail.NewMsg(
		// Base64 rather than quoted-printable: a third of the size for
		// Chinese text, and B-encoded words for the subject.
		mail.WithEncoding(mail.EncodingB64),
		mail.WithCharset(mail.CharsetUTF8),
	)
	if err := msg.From(m.cfg.From); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if err := msg.AddToFormat(e.To.Name, e.To.Email); err != nil {
		return nil, errBadRecipient
	}
	msg.Subject(e.Message.Subject)
	msg.SetMessageIDWithValue(MessageID(e.Message.ID))
	msg.SetGenHeader(DeliveryHeader, e.Message.ID)
	// RFC 3834: keeps vacation responders from answering a notice.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetUserAgent("SuggestFlow")
	msg.SetDate()

	body := e.Message.Body
	if e.Link != "" {
		body += "\n\n" + e.Link
	}
	msg.SetBodyString(mail.TypeTextPlain, body)
	if len(e.ICS) > 0 {
		if err := msg.AttachReader("invite.ics", bytes.NewReader(e.ICS),
			mail.WithFileContentType("text/calendar; method=REQUEST; charset=utf-8")); err != nil {
			return nil, fmt.Errorf("attach invitation: %w", err)
		}
	}
	return msg, nil
}

func (m *Email) client() (*mail.Client, error) {
	c := m.cfg
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTimeout(c.Timeout)}
	if c.TLSConfig != nil {
		tc := c.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = c.Host
		}
		opts = append(opts, mail.WithTLSConfig(tc))
	}
	switch {
	case c.ImplicitTLS:
		opts = append(opts, mail.WithSSL())
	case c.starttls() == StartTLSRequired:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case c.starttls() == StartTLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if c.Username != "" {
		// The first mechanism the server offers, best first. PLAIN and
		// LOGIN send the password as is, so go-mail allows them only over
		// TLS or to localhost; the challenge-response ones go anywhere.
		opts = append(opts, mail.WithUsername(c.Username), mail.WithPassword(c.Password),
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthSCRAMSHA256, mail.SMTPAuthSCRAMSHA1,
				mail.SMTPAuthCramMD5, mail.SMTPAuthPlain, mail.SMTPAuthLogin))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return client, nil
}

// MessageID is the Message-ID (without angle brackets) of the email for a
// message id: id@suggestflow, with every character that RFC 5322 does not
// allow there (":" in outbox ids, ".", "%", non-ASCII) percent-encoded.
// The same id always gives the same Message-ID.
func MessageID(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if isAtext(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String() + "@suggestflow"
}

// isAtext reports RFC 5322 atext, less "%" which escapes the others.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&'*+-/=?^_`{|}~", c) >= 0
}

// SMTPError is an SMTP server's refusal, stripped of the server's text,
// which often quotes the recipient's address. The original error is still
// reachable with errors.As (*mail.SendError).
type SMTPError struct {
	Stage        string // e.g. "sending SMTP RCPT TO command"
	Code         int    // e.g. 550; 0 if the server gave none
	EnhancedCode string // e.g. "5.1.1"; empty if not supported
	err          error
}

func (e *SMTPError) Error() string {
	s := "smtp: " + e.Stage
	if e.Code != 0 {
		s += ": " + strconv.Itoa(e.Code)
	}
	if e.EnhancedCode != "" {
		s += " " + e.EnhancedCode
	}
	return s
}

func (e *SMTPError) Unwrap() error { return e.err }

// classifySMTP turns go-mail's delivery errors into SMTPError, permanent
// for a 5xx reply (RFC 5321: do not repeat the same transaction). Errors
// before the transaction (dial, TLS, auth) pass through as transient.
func classifySMTP(err error) error {
	var se *mail.SendError
	if !errors.As(err, &se) {
		return err
	}
	out := &SMTPError{Stage: se.Reason.String(), Code: se.ErrorCode(), EnhancedCode: se.EnhancedStatusCode(), err: err}
	if out.Code >= 500 && out.Code < 600 {
		return Permanent(out)
	}
	return out
}
