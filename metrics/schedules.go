package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ScheduleStat is what the Temporal server counts for one Schedule.
type ScheduleStat struct {
	ID string
	// Actions is how many runs the Schedule started.
	Actions int
	// MissedCatchupWindow is how many runs it skipped because they were
	// due longer ago than its catch-up window (everything was down).
	MissedCatchupWindow int
	// SkippedOverlap is how many runs it skipped because the previous one
	// was still running.
	SkippedOverlap int
	// LastRun is when it last started a run; zero before the first.
	LastRun time.Time
}

// Schedules reads the stats of the service's Schedules.
type Schedules func(ctx context.Context) ([]ScheduleStat, error)

// WatchSchedules registers the Schedules' series, read at each scrape.
func (r *Registry) WatchSchedules(s Schedules, log *slog.Logger) {
	r.MustRegister(&scheduleCollector{read: s, log: log})
}

var (
	schedActionsDesc = prometheus.NewDesc("suggestflow_schedule_actions_total", "Runs a cadence Schedule started.", []string{"schedule"}, nil)
	schedMissedDesc  = prometheus.NewDesc("suggestflow_schedule_missed_catchup_window_total", "Runs a cadence Schedule skipped because they were due longer ago than its catch-up window.", []string{"schedule"}, nil)
	schedOverlapDesc = prometheus.NewDesc("suggestflow_schedule_skipped_overlap_total", "Runs a cadence Schedule skipped because the previous run was still going.", []string{"schedule"}, nil)
	schedLastDesc    = prometheus.NewDesc("suggestflow_schedule_last_run_timestamp_seconds", "When a cadence Schedule last started a run (Unix time; 0 before the first).", []string{"schedule"}, nil)
	schedErrDesc     = prometheus.NewDesc("suggestflow_schedule_scrape_error", "1 when the Schedules could not be read from Temporal.", nil, nil)
)

type scheduleCollector struct {
	read Schedules
	log  *slog.Logger
}

func (c *scheduleCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{schedActionsDesc, schedMissedDesc, schedOverlapDesc, schedLastDesc, schedErrDesc} {
		ch <- d
	}
}

func (c *scheduleCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stats, err := c.read(ctx)
	if err != nil {
		c.log.Warn("metrics: reading the schedules failed", "error", err)
		ch <- prometheus.MustNewConstMetric(schedErrDesc, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(schedErrDesc, prometheus.GaugeValue, 0)
	for _, s := range stats {
		ch <- prometheus.MustNewConstMetric(schedActionsDesc, prometheus.CounterValue, float64(s.Actions), s.ID)
		ch <- prometheus.MustNewConstMetric(schedMissedDesc, prometheus.CounterValue, float64(s.MissedCatchupWindow), s.ID)
		ch <- prometheus.MustNewConstMetric(schedOverlapDesc, prometheus.CounterValue, float64(s.SkippedOverlap), s.ID)
		last := 0.0
		if !s.LastRun.IsZero() {
			last = float64(s.LastRun.Unix())
		}
		ch <- prometheus.MustNewConstMetric(schedLastDesc, prometheus.GaugeValue, last, s.ID)
	}
}
