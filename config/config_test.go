package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaultsEnvAndFlags(t *testing.T) {
	c, err := Load(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.DBDSN != "sqlite://data/suggestflow.db" || c.TemporalUIAddr != "127.0.0.1:8233" {
		t.Errorf("defaults: %+v", c)
	}
	c, err = Load([]string{"-http-addr", "0.0.0.0:9000"}, env(map[string]string{"SUGGESTFLOW_HTTP_ADDR": "127.0.0.1:7000", "SUGGESTFLOW_DATA_DIR": "/srv/sf"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "0.0.0.0:9000" || c.DBDSN != "sqlite:///srv/sf/suggestflow.db" {
		t.Errorf("flag over env: %+v", c)
	}
	if c.Env("SUGGESTFLOW_DATA_DIR") != "/srv/sf" || c.Env("NOPE") != "" {
		t.Error("Env lookup")
	}
}

func TestLoadRefusesBadValues(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"SUGGESTFLOW_LOG_FORMAT":        {"SUGGESTFLOW_LOG_FORMAT": "xml"},
		"SUGGESTFLOW_DB_DSN":            {"SUGGESTFLOW_DB_DSN": "postgres://x"},
		"SUGGESTFLOW_WRITE_RATE":        {"SUGGESTFLOW_WRITE_RATE": "fast"},
		"SUGGESTFLOW_TEMPORAL_TLS_CERT": {"SUGGESTFLOW_TEMPORAL_TLS_CERT": "c.pem"},
		"SUGGESTFLOW_WORKFLOW_CACHE":    {"SUGGESTFLOW_WORKFLOW_CACHE": "0"},
		"SUGGESTFLOW_MEMORY_LIMIT":      {"SUGGESTFLOW_MEMORY_LIMIT": "200MB"},
		"SUGGESTFLOW_GC_PERCENT":        {"SUGGESTFLOW_GC_PERCENT": "5"},
	} {
		if _, err := Load(nil, env(vars)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Load([]string{"extra"}, env(nil)); err == nil {
		t.Error("a stray argument was accepted")
	}
}

func TestMemoryLimit(t *testing.T) {
	for value, want := range map[string]int64{"": 0, "off": 0, "1GiB": 1 << 30, "200MiB": 200 << 20, "512KiB": 512 << 10, "1048576": 1 << 20} {
		cfg, err := Load(nil, env(map[string]string{"SUGGESTFLOW_MEMORY_LIMIT": value}))
		if err != nil {
			t.Fatalf("%q: %v", value, err)
		}
		if got := cfg.MemoryLimit; got != want {
			t.Errorf("%q: %d, want %d", value, got, want)
		}
	}
}

func TestGCPercent(t *testing.T) {
	for value, want := range map[string]int{"": DefaultGCPercent, "100": 100, "30": 30} {
		vars := map[string]string{}
		if value != "" {
			vars["SUGGESTFLOW_GC_PERCENT"] = value
		}
		cfg, err := Load(nil, env(vars))
		if err != nil {
			t.Fatalf("%q: %v", value, err)
		}
		if cfg.GCPercent != want {
			t.Errorf("%q: %d, want %d", value, cfg.GCPercent, want)
		}
	}
}

func TestTemporalTLS(t *testing.T) {
	c, _ := Load(nil, env(nil))
	if tc, err := c.TemporalTLS(); tc != nil || err != nil {
		t.Errorf("plain by default: %v %v", tc, err)
	}
	c.TemporalAPIKey = "k"
	if tc, err := c.TemporalTLS(); tc == nil || err != nil {
		t.Errorf("an API key implies TLS: %v %v", tc, err)
	}
	c.TemporalTLSCA = "/nonexistent/ca.pem"
	if _, err := c.TemporalTLS(); err == nil {
		t.Error("a missing CA file was accepted")
	}
}
