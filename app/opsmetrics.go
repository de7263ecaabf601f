package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"suggestflow/domain"
	"suggestflow/metrics"
	"suggestflow/store"
	"suggestflow/worker"
)

// serveMetrics runs a /metrics listener of the process's own (a worker has
// no HTTP API to serve it on) and returns its address and how to stop it.
func serveMetrics(addr string, reg *metrics.Registry, log *slog.Logger) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("metrics listener on %s (SUGGESTFLOW_METRICS_ADDR): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "error", err)
		}
	}()
	return ln.Addr().String(), logStop(log, "metrics listener", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return hs.Shutdown(ctx)
	}), nil
}

// scheduleStats reads what the server counts for each cadence Schedule.
func scheduleStats(c client.Client, crons map[string]string) metrics.Schedules {
	kinds := make([]string, 0, len(crons))
	for k := range crons {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return func(ctx context.Context) ([]metrics.ScheduleStat, error) {
		out := make([]metrics.ScheduleStat, 0, len(kinds))
		for _, kind := range kinds {
			id := worker.ScheduleID(kind)
			d, err := c.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe schedule %s: %w", id, err)
			}
			s := metrics.ScheduleStat{ID: id, Actions: d.Info.NumActions,
				MissedCatchupWindow: d.Info.NumActionsMissedCatchupWindow, SkippedOverlap: d.Info.NumActionsSkippedOverlap}
			if n := len(d.Info.RecentActions); n > 0 {
				s.LastRun = d.Info.RecentActions[n-1].ActualTime
			}
			out = append(out, s)
		}
		return out, nil
	}
}

// storeState adapts the store's counts to the metrics' gauges.
type storeState struct{ st *store.Store }

func (s storeState) StateCounts(ctx context.Context) (metrics.StateCounts, error) {
	c, err := s.st.StateCounts(ctx)
	if err != nil {
		return metrics.StateCounts{}, err
	}
	_, failed, err := s.st.MessageList(ctx, store.MessageFilter{Status: domain.MessageFailed}, store.Page{Number: 1, Size: 1})
	if err != nil {
		return metrics.StateCounts{}, fmt.Errorf("count failed messages: %w", err)
	}
	return metrics.StateCounts{ByStatus: c.ByStatus, Overdue: c.Overdue, PendingMeetings: c.PendingMeetings,
		OutboxBacklog: c.OutboxBacklog, FailedMessages: failed}, nil
}
