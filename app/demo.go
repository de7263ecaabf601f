package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"suggestflow/accounts"
	"suggestflow/config"
	"suggestflow/demo"
	"suggestflow/store"
)

// RoleDemo runs everything with a demo township on a fast clock.
const RoleDemo = "demo"

var roleTitle = map[string]string{"unit": "Unit", "deputy": "Deputy"}

// keptSecret reads a secret kept in a file, or makes one and keeps it.
func keptSecret(path string, newSecret func() (string, error)) (string, error) {
	if raw, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(raw)), nil
	}
	v, err := newSecret()
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(v), 0o600); err != nil {
		return "", fmt.Errorf("keep %s: %w", filepath.Base(path), err)
	}
	return v, nil
}

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
	// The demo is for trying out: its secrets are kept beside its data,
	// so that a restart shows the same sign-ins.
	var err error
	if cfg.AdminToken == "" {
		if cfg.AdminToken, err = keptSecret(filepath.Join(cfg.DataDir, "demo-admin-token"), accounts.NewToken); err != nil {
			return err
		}
	}
	if cfg.AdminPassword == "" {
		generate := func() (string, error) { return accounts.Generate(), nil }
		if cfg.AdminPassword, err = keptSecret(filepath.Join(cfg.DataDir, "demo-admin-password"), generate); err != nil {
			return err
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
	loginsFile := filepath.Join(cfg.DataDir, "demo-accounts.txt")
	if total == 0 {
		res, err := demo.Seed(ctx, &demo.Client{Base: base, Token: cfg.AdminToken})
		if err != nil {
			return fmt.Errorf("fill the demo township: %w", err)
		}
		fmt.Fprintf(out, "Filled the township with %d suggestions. Replies are due 3 minutes after assignment: watch them fall overdue and escalate.\n", res.Suggestions)
		logins := fmt.Sprintf("Presidium (admin): user name %s, password %s\n", store.AdminUsername, cfg.AdminPassword)
		for _, l := range res.Logins {
			logins += fmt.Sprintf("%s (%s): user name %s, password %s\n", roleTitle[l.Role], l.Name, l.Username, l.Password)
		}
		if err := os.WriteFile(loginsFile, []byte(logins), 0o600); err != nil {
			return fmt.Errorf("demo accounts: %w", err)
		}
	}
	if logins, err := os.ReadFile(loginsFile); err == nil {
		fmt.Fprintf(out, "Sign in at %s/ui/login as:\n%s", base, logins)
	}
	fmt.Fprintf(out, "Scripts: the admin token is %s\n", cfg.AdminToken)
	<-ctx.Done()
	fmt.Fprintln(out, "Stopping...")
	return nil
}
