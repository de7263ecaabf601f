package ratelink

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"suggestflow/domain"
	"suggestflow/refusal"
)

func TestMintGivesDistinctURLSafeTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, err := Mint()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 22 || strings.ContainsAny(tok, "+/=") {
			t.Fatalf("token %q is not 16 bytes in URL-safe base64", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q minted twice", tok)
		}
		seen[tok] = true
	}
	if got := URL("https://rd.example.cn", "abc"); got != "https://rd.example.cn/r/abc" {
		t.Fatalf("URL = %q", got)
	}
}

func TestCheckRefusesRevokedUsedAndExpiredLinks(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	open := domain.RatingLink{ExpiresAt: now.Add(time.Hour)}
	if err := Check(open, now, time.UTC); err != nil {
		t.Fatalf("an open link is refused: %v", err)
	}
	at := now.Add(-time.Minute)
	for name, c := range map[string]struct {
		l    domain.RatingLink
		code string
	}{
		"revoked": {domain.RatingLink{ExpiresAt: now.Add(time.Hour), RevokedAt: &at}, refusal.RatingLinkRevoked},
		"used":    {domain.RatingLink{ExpiresAt: now.Add(time.Hour), UsedAt: &at}, refusal.RatingLinkUsed},
		"expired": {domain.RatingLink{ExpiresAt: now}, refusal.RatingLinkExpired},
	} {
		err := Check(c.l, now, time.UTC)
		var r *refusal.Error
		if !errors.As(err, &r) || r.Code != c.code || r.Kind.Status() != http.StatusGone {
			t.Errorf("%s: got %v, want 410 %s", name, err, c.code)
		}
	}
}

func TestLetterTokenIsStablePerLinkAndSecret(t *testing.T) {
	a, b := []byte("secret-one"), []byte("secret-two")
	tok := LetterToken(a, "rl_letter_x")
	if len(tok) != 22 || tok != LetterToken(a, "rl_letter_x") {
		t.Fatalf("letter token %q is not a stable 22-character token", tok)
	}
	if tok == LetterToken(a, "rl_letter_y") || tok == LetterToken(b, "rl_letter_x") {
		t.Fatal("another link or another secret gives the same token")
	}
}
