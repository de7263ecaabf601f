package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"suggestflow/backup"
	"suggestflow/config"
)

// Commands of the backup and the restore.
const (
	RoleBackup  = "backup"
	RoleRestore = "restore"
)

// autoBackupPrefix names the automatic backups inside SUGGESTFLOW_BACKUP_DIR.
const autoBackupPrefix = "suggestflow-"

// backupSources are the embedded databases of a configuration.
func backupSources(cfg config.Config) backup.Sources {
	var s backup.Sources
	if p, ok := strings.CutPrefix(cfg.DBDSN, "sqlite://"); ok {
		s.App = p
	}
	if cfg.TemporalAddress == "" {
		s.Temporal = filepath.Join(cfg.DataDir, backup.TemporalFile)
	}
	return s
}

// RunBackup copies the embedded databases of cfg into dir; the service may
// be running.
func RunBackup(ctx context.Context, cfg config.Config, dir string, out io.Writer) error {
	src := backupSources(cfg)
	if src.App == "" && src.Temporal == "" {
		return errors.New("nothing to back up here: the application database is MySQL and Temporal is a cluster; back them up with their own tools (README, Backup)")
	}
	m, err := backup.Create(ctx, src, dir)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	for _, f := range m.Files {
		fmt.Fprintf(out, "%s  %d bytes  sha256 %s\n", filepath.Join(dir, f.Name), f.Size, f.SHA256)
	}
	if src.App == "" {
		fmt.Fprintln(out, "The application database is MySQL: back it up with mysqldump (README, Backup).")
	}
	fmt.Fprintf(out, "Backup written to %s\n", dir)
	return nil
}

// RunRestore puts the backup in dir in place of cfg's embedded databases;
// the service must be stopped.
func RunRestore(cfg config.Config, dir string, out io.Writer) error {
	src := backupSources(cfg)
	m, err := backup.Restore(dir, backup.Targets{App: src.App, Temporal: src.Temporal}, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(out, "Restored the backup of %s (%d files) into %s; start the service, then run `suggestflow reconcile`.\n",
		m.CreatedAt.Format(time.RFC3339), len(m.Files), cfg.DataDir)
	return nil
}

// autoBackup writes a backup into cfg's backup dir every day at the set
// time and keeps the newest ones, until ctx ends.
func autoBackup(ctx context.Context, cfg config.Config, log *slog.Logger) {
	hour, minute, _ := cfg.Ops.BackupClock()
	for {
		next := nextAt(time.Now(), hour, minute)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		dir := filepath.Join(cfg.Ops.BackupDir, autoBackupPrefix+time.Now().UTC().Format("20060102-150405"))
		if _, err := backup.Create(ctx, backupSources(cfg), dir); err != nil {
			log.Error("daily backup failed", "dir", dir, "error", err)
			continue
		}
		removed, err := backup.Prune(cfg.Ops.BackupDir, autoBackupPrefix, cfg.Ops.BackupKeepCount())
		if err != nil {
			log.Error("removing old backups failed", "error", err)
		}
		log.Info("daily backup written", "dir", dir, "removed", removed)
	}
}

// nextAt is the next moment after now at hour:minute local time.
func nextAt(now time.Time, hour, minute int) time.Time {
	t := time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, now.Location())
	if !t.After(now) {
		t = time.Date(now.Year(), now.Month(), now.Day()+1, hour, minute, 0, 0, now.Location())
	}
	return t
}
