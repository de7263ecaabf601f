package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	"suggestflow/domain"
)

// A link is found by its token only, claimed once, released, revoked for
// good; the service's secret is made once and kept.
func TestRatingLinksAndSecret(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		l := domain.RatingLink{ID: "rl_1", SuggestionID: "sg_a", DeputyID: "dp_1", Round: 1, TokenHash: HashToken("tok"),
			CreatedAt: at, CreatedBy: "ac_1", ExpiresAt: at.Add(time.Hour)}
		if err := s.CreateRatingLink(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureRatingLink(ctx, l); err != nil {
			t.Fatalf("ensuring a stored link: %v", err)
		}
		if got, err := s.RatingLinkByToken(ctx, "tok"); err != nil || got.ID != "rl_1" || got.DeputyID != "dp_1" {
			t.Fatalf("by token: %+v %v", got, err)
		}
		if _, err := s.RatingLinkByToken(ctx, "other"); err == nil {
			t.Fatal("another token opened the link")
		}
		if ok, err := s.ClaimRatingLink(ctx, "rl_1", at); err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if ok, _ := s.ClaimRatingLink(ctx, "rl_1", at); ok {
			t.Fatal("a link was claimed twice")
		}
		if err := s.ReleaseRatingLink(ctx, "rl_1"); err != nil {
			t.Fatal(err)
		}
		revoked, err := s.RevokeRatingLink(ctx, "rl_1", at.Add(time.Minute))
		if err != nil || revoked.RevokedAt == nil || revoked.UsedAt != nil {
			t.Fatalf("revoked: %+v %v", revoked, err)
		}
		if ok, _ := s.ClaimRatingLink(ctx, "rl_1", at); ok {
			t.Fatal("a revoked link was claimed")
		}
		if links, err := s.RatingLinks(ctx, "sg_a"); err != nil || len(links) != 1 {
			t.Fatalf("links: %d %v", len(links), err)
		}
		one, err := s.Secret(ctx, "rating-letter")
		if err != nil || len(one) != 32 {
			t.Fatalf("secret: %x %v", one, err)
		}
		if two, err := s.Secret(ctx, "rating-letter"); err != nil || !bytes.Equal(one, two) {
			t.Fatal("the secret changed between uses")
		}
	})
}
