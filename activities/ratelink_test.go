package activities

import (
	"context"
	"regexp"
	"testing"
	"time"

	"suggestflow/domain"
	"suggestflow/ratelink"
)

// The reply notice carries each deputy's own rating link; recording the
// step twice (a retried activity) keeps the first link and mints none.
func TestReplyNoticeCarriesOneRatingLinkPerDeputy(t *testing.T) {
	a, _, st := setup(t)
	a.PublicURL = "https://rd.example.cn"
	ctx := context.Background()
	at := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	step := domain.Step{
		Reply: &domain.Reply{ID: "y1", Round: 2},
		Notices: []domain.Notice{{ID: "sg_1-n9", SuggestionID: "sg_1", Kind: "rating_request",
			Recipients: []domain.Recipient{"deputy:dp_1", "deputy:dp_2", "unit:un_1"}, Data: map[string]string{}, At: at}},
	}
	urls := map[string]string{}
	for range 2 {
		if err := a.Record(ctx, step); err != nil {
			t.Fatal(err)
		}
		msgs, err := st.Messages(ctx, "sg_1")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			u := regexp.MustCompile(`https://rd\.example\.cn/r/[A-Za-z0-9_-]{22}`).FindString(m.Body)
			if m.Recipient.Kind() != domain.KindDeputy {
				if u != "" {
					t.Fatalf("a unit's notice carries a rating link: %s", m.Body)
				}
				if m.Link != "https://rd.example.cn/s/sg_1" {
					t.Fatalf("a unit's notice links to %q, want the case's short link", m.Link)
				}
				continue
			}
			if u == "" {
				t.Fatalf("no rating link in %q", m.Body)
			}
			if m.Link != u {
				t.Fatalf("the message's link %q is not its rating link %q (a text message carries the link)", m.Link, u)
			}
			if prev, ok := urls[m.Recipient.ID()]; ok && prev != u {
				t.Fatalf("the retried step changed %s's link from %s to %s", m.Recipient, prev, u)
			}
			urls[m.Recipient.ID()] = u
		}
	}
	if len(urls) != 2 || urls["dp_1"] == urls["dp_2"] {
		t.Fatalf("links: %v (want one per deputy, each its own)", urls)
	}
	for deputy, u := range urls {
		l, err := st.RatingLinkByToken(ctx, u[len("https://rd.example.cn"+ratelink.Path):])
		if err != nil {
			t.Fatalf("%s's link opens nothing: %v", deputy, err)
		}
		want := at.Add(30 * 24 * time.Hour)
		if l.DeputyID != deputy || l.SuggestionID != "sg_1" || l.Round != 2 || !l.ExpiresAt.Equal(want) {
			t.Fatalf("%s's link: %+v (want round 2, expiring %s)", deputy, l, want)
		}
	}
	links, err := st.RatingLinks(ctx, "sg_1")
	if err != nil || len(links) != 2 {
		t.Fatalf("stored links: %d %v (want 2 after a retried step)", len(links), err)
	}
}
