// Package delivery sends outbox messages (domain.Message) to the world: by
// email, to WeCom and DingTalk group robots, to a generic signed webhook and
// through an HTTP SMS gateway.
//
// Every channel sends one message per call and tells the caller whether a
// failure is worth retrying: errors for which IsPermanent is true (a 4xx
// answer, a missing or refused address, a malformed message) will fail the
// same way again; every other error (network, timeouts, 5xx, rate limits)
// may succeed later. Retries are safe where the receiver can deduplicate:
// each channel passes the message id as an idempotency key wherever its
// protocol has room for one (see each channel's documentation).
//
// Errors never carry recipient addresses, phone numbers or message text,
// nor the secrets that some webhook URLs contain, so they can be logged and
// stored in workflow histories as they are.
package delivery

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"suggestflow/domain"
)

// DefaultTimeout bounds one delivery attempt when no client or timeout is
// configured: long enough for a slow gateway, short enough that a hung
// connection does not hold a worker slot for long.
const DefaultTimeout = 15 * time.Second

// DeliveryHeader carries the message id on HTTP requests, so that a
// receiver can drop a retried delivery it has already processed.
const DeliveryHeader = "X-SuggestFlow-Delivery"

// Envelope is one message on its way to one recipient.
type Envelope struct {
	Message domain.Message
	To      Address
	// ICS is an optional iCalendar invitation (text/calendar;
	// method=REQUEST), sent where the channel can carry a file.
	ICS []byte
	// Link is an optional URL of the case page, appended to the text.
	Link string
}

// Address is where a recipient can be reached; a channel uses the field it
// needs and refuses the envelope when that field is empty.
type Address struct {
	Name  string
	Email string
	Phone string
}

// Channel delivers envelopes by one means.
type Channel interface {
	// Name is a short stable name: email, wecom, dingtalk, webhook, sms.
	Name() string
	// Send delivers e once. An error for which IsPermanent is true must not
	// be retried; any other error may be.
	Send(ctx context.Context, e Envelope) error
}

// ErrNoAddress says the recipient has no address for the channel (no email
// for email, no phone for SMS). It is permanent: callers may want to record
// such a message as skipped rather than failed, with errors.Is.
var ErrNoAddress = errors.New("recipient has no address for this channel")

// errNoID refuses a message without an id: without it, receivers could not
// deduplicate retries.
var errNoID = errors.New("message has no id")

// permanentError marks an error that retrying cannot cure.
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying. It survives wrapping with %w,
// so channels can add context after marking. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	if IsPermanent(err) {
		return err
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or any error it wraps, was marked with
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// text is the plain text that chat robots and SMS carry: they have no
// subject line, so the subject leads the body, and the case link, if any,
// ends it.
func text(e Envelope) string {
	var b strings.Builder
	b.WriteString(e.Message.Subject)
	if e.Message.Body != "" {
		b.WriteString("\n")
		b.WriteString(e.Message.Body)
	}
	if e.Link != "" {
		b.WriteString("\n")
		b.WriteString(e.Link)
	}
	return b.String()
}

// defaultClient is used when a constructor is given no *http.Client; a
// client without a timeout could hang for ever on a silent server.
func defaultClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: DefaultTimeout}
}

// Every channel is a Channel.
var (
	_ Channel = (*Email)(nil)
	_ Channel = (*WeCom)(nil)
	_ Channel = (*DingTalk)(nil)
	_ Channel = (*Webhook)(nil)
	_ Channel = (*SMS)(nil)
)
