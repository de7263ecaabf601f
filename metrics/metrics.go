// Package metrics exposes the service to Prometheus: HTTP requests, the
// Temporal SDK's own metrics, and the state of the cases.
package metrics

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// Registry holds every series the process exports.
type Registry struct {
	*prometheus.Registry
	HTTPDuration *prometheus.HistogramVec
	closer       io.Closer
	sdk          client.MetricsHandler
}

// New makes a registry with the Go runtime, process and HTTP series, and a
// Temporal SDK metrics handler reporting into it.
func New() *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r := &Registry{Registry: reg}
	r.HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "suggestflow_http_request_duration_seconds",
		Help:    "HTTP requests by method, route and status.",
		Buckets: []float64{.002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route", "status"})
	reg.MustRegister(r.HTTPDuration)
	reporter := tallyprom.NewReporter(tallyprom.Options{Registerer: reg})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		Prefix:          "temporal",
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, time.Second)
	r.closer = closer
	r.sdk = sdktally.NewMetricsHandler(scope)
	return r
}

// SDK is the handler to give the Temporal client.
func (r *Registry) SDK() client.MetricsHandler { return r.sdk }

// Close flushes the SDK scope.
func (r *Registry) Close() error { return r.closer.Close() }

// State reads the counts the domain gauges show.
type State interface {
	StateCounts(ctx context.Context) (StateCounts, error)
}

// StateCounts are the gauges of the cases.
type StateCounts struct {
	ByStatus        map[string]int64
	Overdue         int64
	PendingMeetings int64
	OutboxBacklog   int64
	// FailedMessages are messages given up after their last attempt.
	FailedMessages int64
}

// WatchState registers the domain gauges, read at each scrape.
func (r *Registry) WatchState(s State, log *slog.Logger) {
	r.MustRegister(&stateCollector{s: s, log: log})
}

var (
	openDesc     = prometheus.NewDesc("suggestflow_suggestions", "Suggestions by status.", []string{"status"}, nil)
	overdueDesc  = prometheus.NewDesc("suggestflow_suggestions_overdue", "Open suggestions flagged overdue.", nil, nil)
	meetingDesc  = prometheus.NewDesc("suggestflow_meetings_pending", "Escalation meetings scheduled and not yet held.", nil, nil)
	outboxDesc   = prometheus.NewDesc("suggestflow_outbox_backlog", "Messages waiting to be delivered.", nil, nil)
	failedDesc   = prometheus.NewDesc("suggestflow_outbox_failed", "Messages whose delivery failed for good.", nil, nil)
	scrapeFailed = prometheus.NewDesc("suggestflow_state_scrape_error", "1 when the case counts could not be read.", nil, nil)
)

type stateCollector struct {
	s   State
	log *slog.Logger
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{openDesc, overdueDesc, meetingDesc, outboxDesc, failedDesc, scrapeFailed} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.s.StateCounts(ctx)
	if err != nil {
		c.log.Warn("metrics: reading case counts failed", "error", err)
		ch <- prometheus.MustNewConstMetric(scrapeFailed, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(scrapeFailed, prometheus.GaugeValue, 0)
	for status, n := range counts.ByStatus {
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, float64(n), status)
	}
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(counts.Overdue))
	ch <- prometheus.MustNewConstMetric(meetingDesc, prometheus.GaugeValue, float64(counts.PendingMeetings))
	ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(counts.OutboxBacklog))
	ch <- prometheus.MustNewConstMetric(failedDesc, prometheus.GaugeValue, float64(counts.FailedMessages))
}
