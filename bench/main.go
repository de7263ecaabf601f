// Command bench measures SuggestFlow end to end, in one process: the
// embedded Temporal server, the application database (SQLite by default,
// MySQL/MariaDB with -mysql-dsn), the worker and the HTTP API, exactly as
// `go run .` runs them. It prints one results table; BENCHMARKS.md explains
// the method and holds the numbers of the last runs.
//
//	go run ./bench                                   # default: SQLite, about 6 minutes
//	go run ./bench -mysql-dsn 'mysql://root@tcp(127.0.0.1:3306)/?parseTime=true'
//	go run ./bench -burst 10000 -open 10000           # the big variant
//	go run ./bench -profile-dir /tmp/prof             # one CPU profile per phase
//	go run ./bench -cluster postgres://postgres@127.0.0.1:5432/postgres  # Temporal as a cluster on PostgreSQL
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

type options struct {
	cache        int
	conc         int
	intake       int
	burst        int
	burstSlack   time.Duration
	burstTimeout time.Duration
	align        bool
	bareBurst    bool
	open         int
	readSizes    []int
	readSamples  int
	fillEvents   int
	phases       map[string]bool
	mysqlDSN     string
	cluster      string // PostgreSQL URL: run Temporal as a real cluster there
	shards       int
	partitions   int
	skipSQLite   bool
	cpuprofile   string
	profileDir   string
	out          string
	keep         bool
	only         string // child process: run this backend only
	reportJSON   string // child process: write the report here
}

var allPhases = []string{"intake", "history", "burst", "memory", "reads"}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	var sizes, phases string
	flag.IntVar(&o.cache, "workflow-cache", 0, "SUGGESTFLOW_WORKFLOW_CACHE of the application (0: its default)")
	flag.IntVar(&o.conc, "c", 16, "concurrent HTTP clients (and concurrent bare starters)")
	flag.IntVar(&o.intake, "intake", 1000, "suggestions submitted in the intake phase (and bare workflow starts beside them)")
	flag.IntVar(&o.burst, "burst", 1000, "open suggestions whose reply deadlines fall at one instant")
	flag.DurationVar(&o.burstSlack, "burst-reply-within", 30*time.Second, "policy reply_within during the run; the burst's extensions move every deadline past it")
	flag.DurationVar(&o.burstTimeout, "burst-timeout", 0, "how long after the deadline an escalation still counts (0: 120 s, or 600 s above 2,000)")
	flag.BoolVar(&o.align, "align", true, "move every burst deadline to one common instant with an approved extension (false: each due = its assignment time + reply_within)")
	flag.BoolVar(&o.bareBurst, "bare-burst", true, "also run the bare-Temporal burst (K timer workflows + one activity) for the ARCHITECTURE.md comparison")
	flag.IntVar(&o.open, "open", 0, "before the memory reading, top up to this many open suggestions (submitted, accepted, assigned)")
	flag.StringVar(&sizes, "read-sizes", "10000,100000", "suggestion counts at which the reads are measured (the read model is filled directly)")
	flag.IntVar(&o.readSamples, "read-samples", 200, "requests per read query and size")
	flag.IntVar(&o.fillEvents, "fill-events", 8, "timeline events written per filled suggestion")
	flag.StringVar(&phases, "phases", strings.Join(allPhases, ","), "phases to run: "+strings.Join(allPhases, ","))
	flag.StringVar(&o.mysqlDSN, "mysql-dsn", "", "also run on MySQL/MariaDB: mysql://user@tcp(host:3306)/[prefix]?parseTime=true; a fresh database is created per run")
	flag.StringVar(&o.cluster, "cluster", "", "run Temporal as a real cluster (temporal-server of the pinned version, built once into the user's cache) with its persistence and visibility in fresh databases on this PostgreSQL: postgres://user:pass@host:5432/postgres")
	flag.IntVar(&o.shards, "cluster-shards", 4, "history shards of the -cluster server")
	flag.IntVar(&o.partitions, "cluster-partitions", 0, "task queue partitions of the -cluster server (0: the server's default, 4)")
	flag.BoolVar(&o.skipSQLite, "skip-sqlite", false, "with -mysql-dsn, run only on MySQL")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole run (server, worker, API and harness) to this file")
	flag.StringVar(&o.profileDir, "profile-dir", "", "write one CPU profile per phase, and a heap profile at the memory reading, into this directory")
	flag.StringVar(&o.out, "out", "", "also write the results (machine, table, details) as Markdown to this file")
	flag.BoolVar(&o.keep, "keep", false, "keep the data directory and the MySQL database")
	flag.StringVar(&o.only, "only", "", "internal: run this one backend in this process")
	flag.StringVar(&o.reportJSON, "report-json", "", "internal: write this process's report as JSON here")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return fmt.Errorf("-read-sizes: bad size %q", s)
		}
		o.readSizes = append(o.readSizes, n)
	}
	o.phases = map[string]bool{}
	for _, p := range strings.Split(phases, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(allPhases, p) {
			return fmt.Errorf("-phases: unknown phase %q", p)
		}
		o.phases[p] = true
	}
	if o.cpuprofile != "" && o.profileDir != "" {
		return errors.New("-cpuprofile and -profile-dir exclude each other (one CPU profile at a time)")
	}
	if o.skipSQLite && o.mysqlDSN == "" {
		return errors.New("-skip-sqlite needs -mysql-dsn")
	}
	if o.burstTimeout == 0 {
		o.burstTimeout = 120 * time.Second
		if o.burst > 2000 {
			o.burstTimeout = 600 * time.Second
		}
	}
	if o.profileDir != "" {
		if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
			return err
		}
		runtime.SetMutexProfileFraction(20)
		runtime.SetBlockProfileRate(100_000) // one sample per 100 µs blocked
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if o.only != "" {
		// A child: one backend in a fresh process, so that its memory
		// figures owe nothing to another backend's run (the SDK's workflow
		// cache is process-wide).
		if o.cpuprofile != "" {
			f, err := os.Create(o.cpuprofile)
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer func() {
				pprof.StopCPUProfile()
				_ = f.Close()
			}()
		}
		rep := runBackend(ctx, &o, o.only)
		raw, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(o.reportJSON, raw, 0o600)
	}

	m := machineInfo()
	m.Command = "go run ./bench " + strings.Join(os.Args[1:], " ")
	fmt.Printf("bench: %s\n", m.Command)
	fmt.Printf("machine: %s\ncode: %s\n", m.line(), m.Tree)

	var backends []string
	if !o.skipSQLite {
		backends = append(backends, "sqlite")
	}
	if o.mysqlDSN != "" {
		backends = append(backends, "mysql")
	}
	var reports []*report
	for _, b := range backends {
		rep, err := runChild(ctx, &o, b)
		if err != nil {
			rep = &report{Backend: b}
			rep.fail("startup", "run", err)
		}
		reports = append(reports, rep)
		if ctx.Err() != nil {
			break
		}
	}
	md := renderMarkdown(m, reports)
	fmt.Println()
	fmt.Print(md)
	if o.out != "" {
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil {
			return err
		}
		fmt.Printf("\nresults written to %s\n", o.out)
	}
	return nil
}

// runChild runs one backend in a child process (this same program) and
// reads its report.
func runChild(ctx context.Context, o *options, backend string) (*report, error) {
	f, err := os.CreateTemp("", "sfbench-report-*.json")
	if err != nil {
		return nil, err
	}
	path := f.Name()
	_ = f.Close()
	defer os.Remove(path)
	args := append(append([]string{}, os.Args[1:]...), "-only", backend, "-report-json", path)
	if o.cpuprofile != "" {
		args = append(args, "-cpuprofile", o.cpuprofile+"."+backend)
	}
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// On Ctrl-C the child gets it too and cleans up; give it time.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("backend %s: %w", backend, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rep report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("backend %s: report: %w", backend, err)
	}
	return &rep, nil
}

// phaseProfile starts a per-phase CPU profile when -profile-dir is set.
func (o *options) phaseProfile(backend, phase string) func() {
	if o.profileDir == "" {
		return func() {}
	}
	path := filepath.Join(o.profileDir, backend+"-"+phase+".cpu.pprof")
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		fmt.Printf("  [%s] CPU profile: %s\n", phase, path)
		// Mutex contention, cumulative since the start of the run.
		mpath := filepath.Join(o.profileDir, backend+"-"+phase+".mutex.pprof")
		if mf, err := os.Create(mpath); err == nil {
			_ = pprof.Lookup("mutex").WriteTo(mf, 0)
			_ = mf.Close()
		}
		// Blocking (channels, select, database/sql connection waits),
		// cumulative since the start of the run.
		bpath := filepath.Join(o.profileDir, backend+"-"+phase+".block.pprof")
		if bf, err := os.Create(bpath); err == nil {
			_ = pprof.Lookup("block").WriteTo(bf, 0)
			_ = bf.Close()
		}
	}
}

func logf(format string, args ...any) {
	fmt.Printf("%s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}
