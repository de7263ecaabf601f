package app

import (
	"strings"
	"testing"
	"time"
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
