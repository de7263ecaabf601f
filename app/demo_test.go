package app

import (
	"context"
	"testing"
	"time"

	"suggestflow/demo"
	"suggestflow/store"
)

// TestDemoFillRunsToTheEnd fills the demo township on a fresh data dir
// under the default write limit of one token, as `go run . demo` does:
// the fill waits out the limit's 429s and makes every suggestion.
func TestDemoFillRunsToTheEnd(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), demo.Policy)
	cfg.WriteRate = 10 // the default (SUGGESTFLOW_WRITE_RATE)
	c := startWith(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := demo.Seed(ctx, &demo.Client{Base: c.base, Token: testToken})
	if err != nil {
		t.Fatalf("the fill stopped: %v", err)
	}
	_, total, err := c.app.Store.Suggestions(ctx, store.SuggestionFilter{}, store.Page{Number: 1, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Suggestions == 0 || int(total) != res.Suggestions || len(res.Logins) != 2 {
		t.Errorf("filled %d suggestions, stored %d, logins %+v", res.Suggestions, total, res.Logins)
	}
	// The printed sign-ins work and ask for no change of password.
	anon := &apiClient{t: t, base: c.base}
	for _, l := range res.Logins {
		s := anon.must(201, "POST", "/api/v1/sessions", map[string]any{"username": l.Username, "password": l.Password})
		if s["must_change_password"] != false {
			t.Errorf("%s: must_change_password = %v", l.Username, s["must_change_password"])
		}
	}
}
