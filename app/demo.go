package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"suggestflow/api"
	"suggestflow/config"
	"suggestflow/demo"
	"suggestflow/store"
)

// RoleDemo runs everything with a demo township on a fast clock.
const RoleDemo = "demo"

// RunDemo starts the whole system in its own data dir with the demo policy,
// fills it once, and prints where to look and how to sign in.
func RunDemo(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("demo data dir: %w", err)
	}
	if cfg.PolicyFile == "" {
		cfg.PolicyFile = filepath.Join(cfg.DataDir, "demo-policy.yaml")
		if err := os.WriteFile(cfg.PolicyFile, []byte(demo.Policy), 0o600); err != nil {
			return fmt.Errorf("demo policy: %w", err)
		}
	}
	tokenFile := filepath.Join(cfg.DataDir, "demo-admin-token")
	if cfg.AdminToken == "" {
		if raw, err := os.ReadFile(tokenFile); err == nil {
			cfg.AdminToken = string(raw)
		} else {
			tok, err := api.NewToken()
			if err != nil {
				return err
			}
			cfg.AdminToken = tok
			// The demo is for trying out: its token is kept beside its data.
			if err := os.WriteFile(tokenFile, []byte(tok), 0o600); err != nil {
				return fmt.Errorf("demo token: %w", err)
			}
		}
	}
	a, err := Start(ctx, cfg, RoleAll, log)
	if err != nil {
		return err
	}
	defer a.Stop()
	_, total, err := a.Store.Suggestions(ctx, store.SuggestionFilter{}, store.Page{Number: 1, Size: 1})
	if err != nil {
		return err
	}
	base := "http://" + a.HTTPAddr
	fmt.Fprintf(out, "SuggestFlow demo township: %s/ui/  (API %s/api/v1, public board %s/board)\n", base, base, base)
	if a.UIURL != "" {
		fmt.Fprintf(out, "Temporal Web UI: %s\n", a.UIURL)
	}
	fmt.Fprintf(out, "Presidium (admin) token: %s\n", cfg.AdminToken)
	if total == 0 {
		res, err := demo.Seed(ctx, &demo.Client{Base: base, Token: cfg.AdminToken})
		if err != nil {
			return fmt.Errorf("fill the demo township: %w", err)
		}
		fmt.Fprintf(out, "Filled the township with %d suggestions. Replies are due 3 minutes after assignment: watch them fall overdue and escalate.\n", res.Suggestions)
		fmt.Fprintf(out, "Unit (%s) token: %s\nDeputy (%s) token: %s\n", res.UnitName, res.UnitToken, res.DeputyName, res.DeputyToken)
	}
	<-ctx.Done()
	fmt.Fprintln(out, "Stopping...")
	return nil
}
