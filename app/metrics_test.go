package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"suggestflow/embedded"
)

func TestMetricsExposeHTTPSDKAndDomainSeries(t *testing.T) {
	c := startApp(t, "")
	lead, _, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
	var body string
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := (&apiClient{t: t, base: c.base}).do("GET", "/metrics", nil)
		if r.status != 200 {
			t.Fatalf("metrics: %d", r.status)
		}
		body = string(r.body)
		// The SDK's series are flushed every second.
		if strings.Contains(body, "temporal_") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no Temporal SDK series in /metrics")
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, want := range []string{
		`suggestflow_http_request_duration_seconds_count{method="POST",route="/api/v1/suggestions/:id/assignment",status="200"} 1`,
		`suggestflow_suggestions{status="handling"} 1`,
		"suggestflow_suggestions_overdue 0",
		"suggestflow_meetings_pending 0",
		"suggestflow_outbox_backlog",
		"temporal_request",
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestWorkerOnlyProcessServesMetrics runs a worker without the API against
// a Temporal server and scrapes its own /metrics listener: the SDK's
// worker series, the cases' gauges and the Schedules' counts are there,
// and so is every series the alert rules and the dashboard in deploy/ use
// (with an API process's HTTP series).
func TestWorkerOnlyProcessServesMetrics(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), "")
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := Start(context.Background(), cfg, RoleTemporal, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	cfg.TemporalAddress = cfg.TemporalListen
	cfg.Ops.MetricsAddr = fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1"))
	w, err := Start(context.Background(), cfg, RoleWorker, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	if w.HTTPAddr != "" {
		t.Fatalf("a worker-only process serves the API on %s", w.HTTPAddr)
	}
	if w.MetricsAddr != cfg.Ops.MetricsAddr {
		t.Fatalf("metrics listener on %q, want %q", w.MetricsAddr, cfg.Ops.MetricsAddr)
	}
	// The dispatcher's workflow tasks run on this worker; the SDK flushes
	// its series every second.
	var names map[string]bool
	var body string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		res, err := http.Get("http://" + w.MetricsAddr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("worker /metrics: %d %s", res.StatusCode, raw)
		}
		body = string(raw)
		names = metricNames(body)
		if names["temporal_temporal_workflow_task_execution_latency_count"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no workflow task series on the worker's /metrics:\n%s", body)
		}
	}
	for _, want := range []string{"suggestflow_outbox_backlog", "suggestflow_outbox_failed", "suggestflow_suggestions_overdue",
		"suggestflow_schedule_missed_catchup_window_total", "temporal_temporal_worker_start", "go_goroutines"} {
		if !names[want] {
			t.Errorf("worker /metrics lacks %s", want)
		}
	}
	if !strings.Contains(body, `suggestflow_schedule_scrape_error 0`) || !strings.Contains(body, `schedule="suggestflow-`) {
		t.Errorf("the worker does not report its Schedules:\n%s", grepLines(body, "suggestflow_schedule"))
	}
	// The HTTP series come from an API process.
	cfg.Ops.MetricsAddr = ""
	apiProc, err := Start(context.Background(), cfg, RoleAPI, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(apiProc.Stop)
	c := &apiClient{t: t, base: "http://" + apiProc.HTTPAddr}
	c.do("GET", "/readyz", nil)
	for n := range metricNames(string(c.do("GET", "/metrics", nil).body)) {
		names[n] = true
	}
	used := deployMetricNames(t)
	if len(used) < 5 {
		t.Fatalf("the alert rules and the dashboard use only %v", used)
	}
	for _, n := range used {
		if !names[n] && !names[n+"_bucket"] && !names[n+"_count"] {
			t.Errorf("deploy/ uses the series %s, which neither a worker nor an API process exports", n)
		}
	}
}

var sample = regexp.MustCompile(`(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]`)

// metricNames are the series names of an exposition.
func metricNames(body string) map[string]bool {
	out := map[string]bool{}
	for _, m := range sample.FindAllStringSubmatch(body, -1) {
		out[m[1]] = true
	}
	return out
}

func grepLines(body, s string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var seriesName = regexp.MustCompile(`\b(?:suggestflow|temporal)_[a-z0-9_]+`)

// deployMetricNames are the project's series that the alert rules and the
// Grafana dashboard query, each file checked for its own shape first.
func deployMetricNames(t *testing.T) []string {
	t.Helper()
	var exprs []string
	raw, err := os.ReadFile("../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("deploy/prometheus/alerts.yml: %v", err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Expr == "" || r.Annotations["summary"] == "" {
				t.Errorf("alerts.yml group %s: a rule without alert, expr or summary: %+v", g.Name, r)
			}
			exprs = append(exprs, r.Expr)
		}
	}
	raw, err = os.ReadFile("../deploy/grafana/suggestflow-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("deploy/grafana/suggestflow-dashboard.json: %v", err)
	}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("dashboard panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			exprs = append(exprs, q.Expr)
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range exprs {
		for _, n := range seriesName.FindAllString(e, -1) {
			for _, suffix := range []string{"_bucket", "_count", "_sum"} {
				n = strings.TrimSuffix(n, suffix)
			}
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}
