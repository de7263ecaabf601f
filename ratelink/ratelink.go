// Package ratelink holds the rules of the link that lets one deputy rate
// one reply once without signing in (issue: rating by link): how its
// token is made, where it points, and when it still opens.
package ratelink

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"suggestflow/domain"
	"suggestflow/refusal"
)

// Path is where a link points under the pages' address; short, for a text
// message and a QR code.
const Path = "/r/"

// tokenBytes is a token's length: 128 random bits (unguessable, and the
// link is single-use and expires), 22 characters in a URL, so that a link
// and a subject fit one 70-character text message.
const tokenBytes = 16

// Mint gives a fresh token, URL-safe. Only its hash is ever stored.
func Mint() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("mint rating link token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// LetterToken is the token of a link printed on a reply letter: derived
// from the link's id with the service's secret, so that every print of
// the letter carries the same link, while only its hash is stored.
func LetterToken(secret []byte, linkID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(linkID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:tokenBytes])
}

// URL is the link a token opens, under the pages' public address.
func URL(publicURL, token string) string { return publicURL + Path + token }

// Check says whether a link still opens at now: not revoked, not used,
// not expired. The case's own state (is this round's reply still waiting
// for this deputy?) is the workflow's to judge.
func Check(l domain.RatingLink, now time.Time, loc *time.Location) error {
	switch State(l, now) {
	case Revoked:
		return refusal.New(refusal.Gone, refusal.RatingLinkRevoked)
	case Used:
		return refusal.New(refusal.Gone, refusal.RatingLinkUsed)
	case Expired:
		return refusal.New(refusal.Gone, refusal.RatingLinkExpired, "expired_at", l.ExpiresAt.In(loc).Format("2006-01-02 15:04"))
	}
	return nil
}

// A link's states, as the office's list shows them.
const (
	Open    = "open"
	Used    = "used"
	Revoked = "revoked"
	Expired = "expired"
)

// State is a link's state at now: revoked before used before expired.
func State(l domain.RatingLink, now time.Time) string {
	switch {
	case l.RevokedAt != nil:
		return Revoked
	case l.UsedAt != nil:
		return Used
	case !now.Before(l.ExpiresAt):
		return Expired
	}
	return Open
}
