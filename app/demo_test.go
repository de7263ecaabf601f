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
	if res.Suggestions == 0 || int(total) != res.Suggestions || res.UnitToken == "" || res.DeputyToken == "" {
		t.Errorf("filled %d suggestions, stored %d, tokens %q %q", res.Suggestions, total, res.UnitToken, res.DeputyToken)
	}
}
