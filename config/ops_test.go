package config

import (
	"strings"
	"testing"
)

func TestOpsSettings(t *testing.T) {
	c, err := Load(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Ops.MetricsListen("worker") != DefaultWorkerMetricsAddr || c.Ops.MetricsListen("api") != "" || c.Ops.MetricsListen("all") != "" {
		t.Errorf("default metrics listeners: worker %q, api %q", c.Ops.MetricsListen("worker"), c.Ops.MetricsListen("api"))
	}
	if c.Ops.BackupDir != "" || c.Ops.BackupKeepCount() != 7 {
		t.Errorf("backup defaults: %+v", c.Ops)
	}
	c, err = Load([]string{"-metrics-addr", "0.0.0.0:9464"}, env(map[string]string{"SUGGESTFLOW_BACKUP_DIR": "/backups", "SUGGESTFLOW_BACKUP_KEEP": "3", "SUGGESTFLOW_BACKUP_AT": "23:05"}))
	if err != nil {
		t.Fatal(err)
	}
	if h, m, _ := c.Ops.BackupClock(); c.Ops.MetricsListen("api") != "0.0.0.0:9464" || c.Ops.BackupKeepCount() != 3 || h != 23 || m != 5 || c.Env("SUGGESTFLOW_BACKUP_DIR") != "/backups" {
		t.Errorf("set: %+v", c.Ops)
	}
	if c, _ := Load(nil, env(map[string]string{"SUGGESTFLOW_METRICS_ADDR": "off"})); c.Ops.MetricsListen("worker") != "" {
		t.Error("off still listens")
	}
	for name, vars := range map[string]map[string]string{
		"SUGGESTFLOW_BACKUP_KEEP": {"SUGGESTFLOW_BACKUP_KEEP": "0"},
		"SUGGESTFLOW_BACKUP_AT":   {"SUGGESTFLOW_BACKUP_AT": "25:00"},
	} {
		if _, err := Load(nil, env(vars)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
