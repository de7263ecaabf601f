// Command suggestflow runs the case-management service for deputies'
// suggestions: `suggestflow` runs everything in one process; `api`,
// `worker` and `temporal` run one role each; `reconcile` checks that the
// database and Temporal agree on every case; `backup DIR` copies the
// embedded databases of a running service and `restore DIR` puts such a
// copy back on a stopped one.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata"

	"suggestflow/app"
	"suggestflow/config"
	"suggestflow/tracing"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "suggestflow:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	role := app.RoleAll
	backupDir := ""
	if len(args) > 0 {
		switch args[0] {
		case app.RoleAPI, app.RoleWorker, app.RoleTemporal, app.RoleDemo, app.RoleReconcile:
			role, args = args[0], args[1:]
		case app.RoleBackup, app.RoleRestore:
			if len(args) < 2 || strings.HasPrefix(args[1], "-") {
				return fmt.Errorf("usage: suggestflow %s DIR [flags]", args[0])
			}
			role, backupDir, args = args[0], args[1], args[2:]
		case "help", "-h", "--help":
			fmt.Println("usage: suggestflow [api|worker|temporal|demo|reconcile|backup DIR|restore DIR] [flags]; every flag is also an environment variable (see README)")
			_, err := config.FromEnv([]string{"-h"})
			if err != nil {
				return nil
			}
			return nil
		}
	}
	getenv := os.Getenv
	if role == app.RoleDemo {
		// The demo keeps its own data unless told otherwise.
		getenv = func(k string) string {
			if v := os.Getenv(k); v != "" || k != "SUGGESTFLOW_DATA_DIR" {
				return v
			}
			return "./data-demo"
		}
	}
	cfg, err := config.Load(args, getenv)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	if cfg.LogFormat == "json" {
		handler = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	}
	log := slog.New(tracing.LogHandler{Handler: handler})
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch role {
	case app.RoleDemo:
		return app.RunDemo(ctx, cfg, log, os.Stdout)
	case app.RoleReconcile:
		_, err := app.RunReconcile(ctx, cfg, log, os.Stdout, 30*time.Second)
		return err
	case app.RoleBackup:
		return app.RunBackup(ctx, cfg, backupDir, os.Stdout)
	case app.RoleRestore:
		return app.RunRestore(cfg, backupDir, os.Stdout)
	}
	return app.Run(ctx, cfg, role, log, os.Stdout)
}
