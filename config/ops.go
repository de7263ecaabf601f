package config

import (
	"fmt"
	"strconv"
)

// Ops are the operations settings, kept apart from the service's own.
type Ops struct {
	// MetricsAddr is a /metrics listener of its own; empty: a worker-only
	// process listens on DefaultWorkerMetricsAddr, the others serve
	// /metrics on the HTTP address only; off: none.
	MetricsAddr string
	// BackupDir receives a daily backup of the embedded databases; empty:
	// no automatic backup.
	BackupDir string
	// BackupKeep is how many automatic backups are kept.
	BackupKeep string
	// BackupAt is the local time of day of the automatic backup (HH:MM).
	BackupAt string
}

// DefaultWorkerMetricsAddr is where a worker-only process serves /metrics
// unless SUGGESTFLOW_METRICS_ADDR says otherwise.
const DefaultWorkerMetricsAddr = "127.0.0.1:9464"

func (c *Config) opsSettings() []setting {
	return []setting{
		{"SUGGESTFLOW_METRICS_ADDR", "metrics-addr", "", "address of a /metrics listener of its own; empty: " + DefaultWorkerMetricsAddr + " for a worker-only process, none for the others (they serve /metrics on the HTTP address); off: none", &c.Ops.MetricsAddr},
		{"SUGGESTFLOW_BACKUP_DIR", "backup-dir", "", "folder for a daily backup of the embedded databases; empty: no automatic backup", &c.Ops.BackupDir},
		{"SUGGESTFLOW_BACKUP_KEEP", "backup-keep", "7", "how many automatic backups to keep", &c.Ops.BackupKeep},
		{"SUGGESTFLOW_BACKUP_AT", "backup-at", "02:30", "local time of day (HH:MM) of the automatic backup", &c.Ops.BackupAt},
	}
}

// MetricsListen is the address of the process's own /metrics listener for
// a role, or "" for none.
func (o Ops) MetricsListen(role string) string {
	switch {
	case o.MetricsAddr == "off":
		return ""
	case o.MetricsAddr != "":
		return o.MetricsAddr
	case role == "worker":
		return DefaultWorkerMetricsAddr
	}
	return ""
}

// BackupKeepCount is the parsed retention count.
func (o Ops) BackupKeepCount() int {
	n, _ := strconv.Atoi(o.BackupKeep)
	return n
}

// BackupClock is the parsed time of day of the automatic backup.
func (o Ops) BackupClock() (hour, minute int, err error) {
	if _, err := fmt.Sscanf(o.BackupAt, "%d:%d", &hour, &minute); err != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || len(o.BackupAt) != 5 {
		return 0, 0, fmt.Errorf("SUGGESTFLOW_BACKUP_AT must be a time of day HH:MM, not %q", o.BackupAt)
	}
	return hour, minute, nil
}

func (o Ops) validate() error {
	if n, err := strconv.Atoi(o.BackupKeep); err != nil || n < 1 {
		return fmt.Errorf("SUGGESTFLOW_BACKUP_KEEP must be a positive number of backups, not %q", o.BackupKeep)
	}
	if _, _, err := o.BackupClock(); err != nil {
		return err
	}
	return nil
}
