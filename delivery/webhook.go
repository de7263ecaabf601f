package delivery

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body>" on
// generic webhook calls when a secret is configured.
const SignatureHeader = "X-SuggestFlow-Signature"

// WebhookPayload is the JSON body of a generic webhook call. Recipient is
// the outbox recipient key (e.g. "deputy:dp_1"), never an address: the
// receiver is expected to resolve it, and addresses stay out of third-party
// logs.
type WebhookPayload struct {
	ID           string    `json:"id"`
	NoticeID     string    `json:"notice_id"`
	SuggestionID string    `json:"suggestion_id"`
	MeetingID    string    `json:"meeting_id,omitempty"`
	Kind         string    `json:"kind"`
	Recipient    string    `json:"recipient"`
	Subject      string    `json:"subject"`
	Body         string    `json:"body"`
	CreatedAt    time.Time `json:"created_at"`
	Link         string    `json:"link,omitempty"`
	// ICS is the invitation, as iCalendar text, when there is one.
	ICS string `json:"ics,omitempty"`
}

// Webhook POSTs each message as JSON to a configured URL. The message id is
// in the body ("id") and in the X-SuggestFlow-Delivery and Idempotency-Key
// headers, so that the receiver can deduplicate retries.
type Webhook struct {
	url    string
	secret []byte
	client *http.Client
}

// NewWebhook returns a generic webhook channel. With a non-empty secret
// every call is signed (see SignatureHeader and Sign); a nil client means
// one with DefaultTimeout.
func NewWebhook(webhookURL, secret string, client *http.Client) (*Webhook, error) {
	if err := checkURL("webhook", webhookURL); err != nil {
		return nil, err
	}
	return &Webhook{url: webhookURL, secret: []byte(secret), client: defaultClient(client)}, nil
}

// Name implements Channel.
func (w *Webhook) Name() string { return "webhook" }

// Send implements Channel.
func (w *Webhook) Send(ctx context.Context, e Envelope) error {
	m := e.Message
	if m.ID == "" {
		return fmt.Errorf("send webhook: %w", Permanent(errNoID))
	}
	body, err := json.Marshal(WebhookPayload{
		ID: m.ID, NoticeID: m.NoticeID, SuggestionID: m.SuggestionID, MeetingID: m.MeetingID,
		Kind: m.Kind, Recipient: string(m.Recipient), Subject: m.Subject, Body: m.Body,
		CreatedAt: m.CreatedAt, Link: e.Link, ICS: string(e.ICS),
	})
	if err != nil {
		return fmt.Errorf("send webhook %s: %w", m.ID, Permanent(err))
	}
	h := http.Header{}
	h.Set(DeliveryHeader, m.ID)
	h.Set("Idempotency-Key", m.ID)
	if len(w.secret) > 0 {
		// Signed over the exact bytes sent, so the receiver verifies what
		// it read before parsing it.
		h.Set(SignatureHeader, Sign(w.secret, body))
	}
	if _, err := post(ctx, w.client, w.url, "application/json", body, h); err != nil {
		return fmt.Errorf("send webhook %s: %w", m.ID, err)
	}
	return nil
}

// Sign returns the X-SuggestFlow-Signature value for body:
// "sha256=" + hex(HMAC-SHA256(secret, body)). Receivers compute the same
// over the raw bytes they received and compare with hmac.Equal.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
