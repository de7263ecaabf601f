package app

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
)

// collector is an OTLP trace receiver that keeps the spans it gets.
type collector struct {
	collectortrace.UnimplementedTraceServiceServer
	mu    sync.Mutex
	spans map[string][]string // trace id (hex) -> span names
}

func (c *collector) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				id := string(sp.TraceId)
				c.spans[id] = append(c.spans[id], sp.Name)
			}
		}
	}
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

// TestTraceRunsFromHTTPIntoWorkflowAndActivities: with an OTLP endpoint
// set, the span of an HTTP request and the spans of the workflow update and
// the activities it ran share one trace.
func TestTraceRunsFromHTTPIntoWorkflowAndActivities(t *testing.T) {
	col := &collector{spans: map[string][]string{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(srv, col)
	go func() { _ = srv.Serve(l) }()
	defer srv.Stop()

	cfg := testConfig(t, t.TempDir(), "")
	cfg.OTLPEndpoint = "http://" + l.Addr().String()
	c := startWith(t, cfg)
	lead, _, unit, _ := c.setup()
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})

	deadline := time.Now().Add(15 * time.Second)
	for {
		col.mu.Lock()
		var found []string
		for _, names := range col.spans {
			var http, update, activity bool
			for _, n := range names {
				switch {
				case n == "POST /api/v1/suggestions/:id/assignment":
					http = true
				case n == "HandleUpdate:assign" || n == "UpdateWorkflow:assign":
					update = true
				case n == "RunActivity:Record":
					activity = true
				}
			}
			if http && update && activity {
				found = names
			}
		}
		all := len(col.spans)
		col.mu.Unlock()
		if found != nil {
			return
		}
		if time.Now().After(deadline) {
			col.mu.Lock()
			defer col.mu.Unlock()
			t.Fatalf("no trace joins the HTTP request, the update and the activity; %d traces: %v", all, col.spans)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
