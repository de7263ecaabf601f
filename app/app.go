// Package app wires the parts into running roles: everything in one
// process, or the API, the worker and the embedded Temporal server alone.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"

	"suggestflow/accounts"
	"suggestflow/activities"
	"suggestflow/api"
	"suggestflow/attachments"
	"suggestflow/backup"
	"suggestflow/codec"
	"suggestflow/config"
	"suggestflow/delivery"
	"suggestflow/embedded"
	"suggestflow/metrics"
	"suggestflow/policy"
	"suggestflow/stickyhistory"
	"suggestflow/store"
	"suggestflow/tracing"
	"suggestflow/worker"
)

// Roles a process can run.
const (
	RoleAll      = "all"
	RoleAPI      = "api"
	RoleWorker   = "worker"
	RoleTemporal = "temporal"
)

// App is a running process.
type App struct {
	// HTTPAddr is where the API listens (resolved when the port was 0).
	HTTPAddr string
	// AdminPassword is set when this start generated the first password
	// of the account admin.
	AdminPassword string
	UIURL         string
	// MetricsAddr is the process's own /metrics listener, if any.
	MetricsAddr string
	// Routes are the API's routes, for checks that walk all of them.
	Routes   []api.Route
	Store    *store.Store
	Temporal client.Client

	stops    []func()
	stopOnce sync.Once
}

// Start brings a role up and returns once it is ready.
func Start(ctx context.Context, cfg config.Config, role string, log *slog.Logger) (*App, error) {
	a := &App{}
	started := false
	// Whatever started before a failure is stopped again.
	defer func() {
		if !started {
			a.Stop()
		}
	}()
	pol, err := policy.Load(cfg.PolicyFile)
	if err != nil {
		return nil, err
	}
	// The SDK's workflow cache is process-wide and sized by the first
	// worker created, which may be one of the embedded server's own.
	worker.SizeCache(cmp.Or(cfg.WorkflowCache, config.DefaultWorkflowCache))
	// A soft limit makes the collector work harder as the heap nears it,
	// instead of letting garbage double the process's memory (at a cost in
	// latency, see BENCHMARKS.md); GOMEMLIMIT, read by the runtime, wins.
	if cfg.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(cmp.Or(cfg.GCPercent, config.DefaultGCPercent))
	}
	var payloads *codec.AESGCM
	if cfg.PayloadKey != "" {
		key, err := codec.ParseKey(cfg.PayloadKey)
		if err != nil {
			return nil, err
		}
		if payloads, err = codec.New(key); err != nil {
			return nil, err
		}
	}
	temporalAddr := cfg.TemporalAddress
	if role == RoleTemporal || (role == RoleAll && temporalAddr == "") {
		// A restore must not swap the files under a running server.
		unlock, err := backup.Lock(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		a.stops = append(a.stops, unlock)
		endpoint := ""
		if payloads != nil {
			endpoint = "http://" + cfg.HTTPAddr + "/codec"
		}
		srv, err := embedded.Start(embedded.Options{DataDir: cfg.DataDir, Listen: cfg.TemporalListen,
			UIAddr: cfg.TemporalUIAddr, Namespace: cfg.TemporalNamespace, Logger: log, CodecEndpoint: endpoint})
		if err != nil {
			return nil, err
		}
		a.stops = append(a.stops, srv.Stop)
		temporalAddr, a.UIURL = srv.Address, srv.UIURL
		if role == RoleTemporal {
			started = true
			return a, nil
		}
	}
	if temporalAddr == "" {
		return nil, errors.New("SUGGESTFLOW_TEMPORAL_ADDRESS is required for the api and worker roles")
	}
	st, err := store.Open(ctx, cfg.DBDSN)
	if err != nil {
		return nil, err
	}
	a.Store = st
	a.stops = append(a.stops, logStop(log, "database", st.Close))
	// Only the API reads and writes attachments; a worker does not need
	// the object store to be reachable.
	if cfg.AttachmentsS3 != nil && (role == RoleAll || role == RoleAPI) {
		s3, err := attachments.OpenS3(ctx, *cfg.AttachmentsS3)
		if err != nil {
			return nil, err
		}
		st.UseBlobs(s3)
		log.Info("attachments kept in S3-compatible storage", "s3", cfg.AttachmentsS3.String())
	}

	shutdownTracing, err := tracing.Setup(ctx, cfg.OTLPEndpoint, "suggestflow-"+role)
	if err != nil {
		return nil, err
	}
	a.stops = append(a.stops, logStop(log, "tracing", func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return shutdownTracing(sctx)
	}))
	reg := metrics.New()
	a.stops = append(a.stops, logStop(log, "metrics", reg.Close))
	reg.WatchState(storeState{st}, log)
	if addr := cfg.Ops.MetricsListen(role); addr != "" {
		bound, stop, err := serveMetrics(addr, reg, log)
		if err != nil {
			return nil, err
		}
		a.MetricsAddr = bound
		a.stops = append(a.stops, stop)
	}
	tlsCfg, err := cfg.TemporalTLS()
	if err != nil {
		return nil, err
	}
	var interceptors []interceptor.ClientInterceptor
	if cfg.OTLPEndpoint != "" {
		ti, err := tracing.TemporalInterceptor()
		if err != nil {
			return nil, err
		}
		interceptors = append(interceptors, ti)
	}
	c, err := dial(ctx, temporalAddr, cfg.TemporalNamespace, payloads, reg.SDK(), log, func(o *client.Options) {
		o.Interceptors = interceptors
		o.ConnectionOptions.TLS = tlsCfg
		if cfg.TemporalAPIKey != "" {
			o.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
		}
	})
	if err != nil {
		return nil, err
	}
	a.Temporal = c
	a.stops = append(a.stops, c.Close)

	// The worker's activities; the API writes a new case's first step
	// with them too.
	acts := &activities.Activities{Store: st, Policy: pol, Client: c, PresidiumEmail: cfg.PresidiumEmail, PublicURL: cfg.PublicURL}
	if role == RoleAll || role == RoleWorker {
		if acts.Channels, err = delivery.Channels(cfg.Delivery); err != nil {
			return nil, err
		}
		w := worker.New(c, acts)
		if err := w.Start(); err != nil {
			return nil, fmt.Errorf("start worker: %w", err)
		}
		a.stops = append(a.stops, w.Stop)
		if err := worker.EnsureSchedules(ctx, c, pol.Crons(), pol.Timezone); err != nil {
			return nil, err
		}
		if err := worker.EnsureDispatcher(ctx, c); err != nil {
			return nil, err
		}
		reg.WatchSchedules(scheduleStats(c, pol.Crons()), log)
	}
	if cfg.Ops.BackupDir != "" && role == RoleAll {
		bctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); autoBackup(bctx, cfg, log) }()
		a.stops = append(a.stops, func() { cancel(); <-done })
	}
	if role == RoleAll || role == RoleAPI {
		if a.AdminPassword, err = ensureAdmin(ctx, st, cfg.AdminToken, cfg.AdminPassword); err != nil {
			return nil, err
		}
		deps := api.Deps{Store: st, Temporal: c, Policy: pol, Logger: log, WriteRate: cfg.WriteRate, Metrics: reg, Delivery: cfg.Delivery,
			Tracing: cfg.OTLPEndpoint != "", TemporalUIURL: a.UIURL, PublicURL: cfg.PublicURL, Intake: acts}
		if payloads != nil {
			deps.Codec = converter.NewPayloadCodecHTTPHandler(payloads)
		}
		srv := api.New(deps)
		a.Routes = srv.Routes()
		a.stops = append(a.stops, recoverIntakes(ctx, srv, log))
		ln, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
		}
		a.HTTPAddr = ln.Addr().String()
		hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
			WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("http server stopped", "error", err)
			}
		}()
		a.stops = append(a.stops, logStop(log, "http server", func() error {
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			return hs.Shutdown(sctx)
		}))
	}
	started = true
	return a, nil
}

// Stop stops everything in the reverse order of starting: the API stops
// taking requests first, the embedded server stops last.
func (a *App) Stop() {
	a.stopOnce.Do(func() {
		for i := len(a.stops) - 1; i >= 0; i-- {
			a.stops[i]()
		}
	})
}

func dial(ctx context.Context, addr, namespace string, payloads *codec.AESGCM, mh client.MetricsHandler, log *slog.Logger, more ...func(*client.Options)) (client.Client, error) {
	// The SDK logs every timer at debug level; a quiet logger keeps the
	// start rate up.
	quiet := slog.New(minLevel{Handler: log.Handler(), min: slog.LevelWarn}).With("component", "temporal-sdk")
	opts := client.Options{HostPort: addr, Namespace: namespace, Logger: sdklog.NewStructuredLogger(quiet), MetricsHandler: mh}
	// An update to a case the worker's cache let go must not fail its
	// first workflow task on the pinned server (see stickyhistory).
	opts.ConnectionOptions.DialOptions = append(opts.ConnectionOptions.DialOptions, stickyhistory.New().DialOption())
	if payloads != nil {
		opts.DataConverter = payloads.DataConverter()
	}
	for _, f := range more {
		f(&opts)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("connect to temporal at %s: %w", addr, err)
		}
		log.Warn("temporal not reachable yet; retrying", "address", addr, "error", err)
		time.Sleep(time.Second)
	}
}

// ensureAdmin makes sure the bootstrap account admin exists, signs in
// with a password (the configured one, or one generated and returned to be
// shown once) and, when a token is configured, answers to that token. An
// account that has a password keeps it: changing it is the holder's.
func ensureAdmin(ctx context.Context, st *store.Store, token, password string) (string, error) {
	generated := ""
	if password == "" {
		password = accounts.Generate()
		generated = password
	} else if err := accounts.CheckPassword("SUGGESTFLOW_ADMIN_PASSWORD", password, store.AdminUsername); err != nil {
		return "", fmt.Errorf("SUGGESTFLOW_ADMIN_PASSWORD: %w", err)
	}
	hash, err := accounts.Hash(password)
	if err != nil {
		return "", err
	}
	// Without a configured token the bootstrap token is random and never
	// shown: scripts get theirs from the account page.
	tokenHash := store.HashToken(token)
	if token == "" {
		random, err := accounts.NewToken()
		if err != nil {
			return "", err
		}
		tokenHash = store.HashToken(random)
	}
	set, err := st.EnsureAdmin(ctx, tokenHash, hash, time.Now().UTC())
	if err != nil {
		return "", err
	}
	if token != "" {
		if err := st.SetAdminToken(ctx, tokenHash); err != nil {
			return "", err
		}
	}
	if !set {
		return "", nil
	}
	return generated, nil
}

// Run starts a role, prints where to go, and waits until ctx ends.
func Run(ctx context.Context, cfg config.Config, role string, log *slog.Logger, out io.Writer) error {
	a, err := Start(ctx, cfg, role, log)
	if err != nil {
		return err
	}
	defer a.Stop()
	switch role {
	case RoleTemporal:
		fmt.Fprintf(out, "Temporal dev server listening on %s\n", cfg.TemporalListen)
	case RoleWorker:
		fmt.Fprintln(out, "SuggestFlow worker is running")
	default:
		fmt.Fprintf(out, "SuggestFlow is ready: http://%s  (API under /api/v1, health at /readyz)\n", a.HTTPAddr)
	}
	if a.UIURL != "" {
		fmt.Fprintf(out, "Temporal Web UI: %s\n", a.UIURL)
	}
	if a.AdminPassword != "" {
		fmt.Fprintf(out, "First start: sign in as %q with the password %s\nKeep it safe; it is shown only this once (change it on the account page).\n",
			store.AdminUsername, a.AdminPassword)
	}
	<-ctx.Done()
	fmt.Fprintln(out, "Stopping...")
	return nil
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}

// logStop is a stop step whose failure is logged: at shutdown there is no
// one left to return it to.
func logStop(log *slog.Logger, what string, stop func() error) func() {
	return func() {
		if err := stop(); err != nil {
			log.Warn("stopping "+what, "error", err)
		}
	}
}
