package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"suggestflow/app"
	"suggestflow/config"
	"suggestflow/embedded"
	"suggestflow/store"
)

const adminToken = "bench-admin-token"

// env is one running system under test.
type env struct {
	o        *options
	backend  string
	app      *app.App
	api      *apiClient
	tc       client.Client
	st       *store.Store
	rep      *report
	deputies []string
	units    []string
	tag      string // makes titles unique per run
	dir      string
	dsn      string // the application database
	// suggestions made through the workflows, for the single-suggestion reads
	wfIDs []string
	// measured rates, used to size later phases
	bareRate float64
	warns    atomic.Int64
	errs     atomic.Int64
}

func runBackend(ctx context.Context, o *options, backend string) *report {
	rep := &report{Backend: backend}
	logf("=== backend %s ===", backend)
	dir, err := os.MkdirTemp("", "sfbench-"+backend+"-")
	if err != nil {
		rep.fail("startup", "start", err)
		return rep
	}
	if o.keep {
		rep.note("data directory kept: %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	dsn := "sqlite://" + filepath.Join(dir, "suggestflow.db")
	if backend == "mysql" {
		var drop func()
		dsn, drop, err = freshMySQL(o.mysqlDSN)
		if err != nil {
			rep.fail("startup", "start", err)
			return rep
		}
		if o.keep {
			rep.note("MySQL database kept: %s", dsn)
		} else {
			defer drop()
		}
	}
	temporalNote := "embedded dev server (SQLite file, WAL, synchronous=FULL)"
	temporalAddr := ""
	if o.cluster != "" {
		addr, stop, err := startCluster(ctx, o, dir)
		if err != nil {
			rep.fail("startup", "start", err)
			return rep
		}
		defer stop()
		temporalAddr = addr
		rep.Backend += " + Temporal cluster"
		partitions := "the default 4"
		if o.partitions > 0 {
			partitions = strconv.Itoa(o.partitions)
		}
		temporalNote = fmt.Sprintf("a temporal-server process (all four services, %d history shards, %s task queue partitions) on PostgreSQL, SQL visibility", o.shards, partitions)
	}
	pol := filepath.Join(dir, "policy.yaml")
	policyYAML := fmt.Sprintf("reply_within: PT%dS\n", int(o.burstSlack.Seconds()))
	if err := os.WriteFile(pol, []byte(policyYAML), 0o600); err != nil {
		rep.fail("startup", "start", err)
		return rep
	}
	cfg := config.Config{
		HTTPAddr:          fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1")),
		DataDir:           dir,
		TemporalNamespace: "default",
		TemporalAddress:   temporalAddr,
		TemporalListen:    fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1")),
		TemporalUIAddr:    "off",
		DBDSN:             dsn,
		PolicyFile:        pol,
		AdminToken:        adminToken,
		LogFormat:         "text",
	}
	if o.cache > 0 {
		cfg.WorkflowCache = o.cache
	}
	e := &env{o: o, backend: backend, rep: rep, dir: dir, dsn: dsn, tag: fmt.Sprintf("%x", time.Now().UnixNano()%0xffffff)}
	log := slog.New(countingHandler{Handler: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), warns: &e.warns, errs: &e.errs})
	prev := slog.Default()
	slog.SetDefault(log)
	defer slog.SetDefault(prev)

	runtime.GC()
	debug.FreeOSMemory()
	peakReset := resetPeakRSS()
	rssBefore := procField("/proc/self/status", "VmRSS")

	t0 := time.Now()
	a, err := app.Start(ctx, cfg, app.RoleAll, log)
	if err != nil {
		rep.fail("startup", "start", err)
		return rep
	}
	defer func() {
		t := time.Now()
		a.Stop()
		logf("stopped in %s", secs(time.Since(t)))
	}()
	rep.add("startup", "start of the all-in-one process (Temporal unless a cluster + DB + worker + API)", secs(time.Since(t0)), "", nil)
	rep.note("app database: %s; Temporal: %s; policy: %q; write rate limit off",
		redactDSN(dsn), temporalNote, strings.TrimSpace(policyYAML))
	if !peakReset {
		rep.note("could not reset the peak RSS (/proc/self/clear_refs): VmHWM includes earlier backends; RSS before start %d MB", rssBefore/1024)
	}
	e.app, e.tc, e.st = a, a.Temporal, a.Store
	e.api = newAPIClient(a.HTTPAddr, adminToken)

	bw := sdkworker.New(a.Temporal, bareQueue, sdkworker.Options{})
	registerBare(bw)
	if err := bw.Start(); err != nil {
		rep.fail("startup", "bare worker", err)
		return rep
	}
	defer bw.Stop()

	if err := e.fixtures(ctx); err != nil {
		rep.fail("fixtures", "fixtures", err)
		return rep
	}
	rep.add("rss-idle", "RSS after start, idle (VmRSS)", fmt.Sprintf("%d MB", procField("/proc/self/status", "VmRSS")/1024), "", nil)

	if o.phases["intake"] {
		stop := e.phase("intake")
		e.safely("intake", func() { e.intakePhase(ctx) })
		stop()
	}
	if o.phases["history"] && ctx.Err() == nil {
		// Let the server drain what the intake left queued (transfer,
		// visibility) so that the lifecycle runs on a quiet system.
		settle(ctx, 60*time.Second)
		e.safely("history", func() { e.historyPhase(ctx) })
	}
	if o.phases["burst"] && ctx.Err() == nil {
		if o.bareBurst {
			settle(ctx, 60*time.Second)
			stop := e.phase("bareburst")
			e.safely("bare-burst", func() { e.bareBurstPhase(ctx) })
			stop()
		}
		settle(ctx, 60*time.Second)
		e.safely("burst", func() { e.burstPhase(ctx) }) // profiles its firing window as "burst-fire"
	}
	if o.phases["memory"] && ctx.Err() == nil {
		e.safely("memory", func() { e.memoryPhase(ctx) })
	}
	if o.phases["reads"] && ctx.Err() == nil {
		stop := e.phase("reads")
		e.safely("reads", func() { e.readsPhase(ctx) })
		stop()
	}
	hwm := procField("/proc/self/status", "VmHWM")
	rep.add("hwm-end", "peak RSS over the whole run (VmHWM)", fmt.Sprintf("%d MB", hwm/1024), "", nil)
	unav := e.api.unavailable.Load()
	rep.add("unavailable", "answers 503 (unavailable) / 429 over the whole run", fmt.Sprintf("%d / %d", unav, e.api.busy.Load()), "0 × 503", boolp(unav == 0))
	rep.add("logged", "app warnings / errors logged", fmt.Sprintf("%d / %d", e.warns.Load(), e.errs.Load()), "", nil)
	return rep
}

// fixtures creates the deputies and units every phase draws from.
func (e *env) fixtures(ctx context.Context) error {
	groups := []string{"第一代表小组", "第二代表小组", "第三代表小组", "第四代表小组"}
	for i := 0; i < 50; i++ {
		var d struct {
			ID string `json:"id"`
		}
		level := "township"
		if i%5 == 0 {
			level = "county"
		}
		body := map[string]any{"name": fmt.Sprintf("代表%02d", i+1), "level": level, "group": groups[i%len(groups)],
			"phone": fmt.Sprintf("138%08d", i+1)}
		if err := e.api.do(ctx, 201, "POST", "/api/v1/deputies", body, &d); err != nil {
			return err
		}
		e.deputies = append(e.deputies, d.ID)
	}
	for i, n := range unitNames {
		var u struct {
			ID string `json:"id"`
		}
		body := map[string]any{"name": n, "head": fmt.Sprintf("负责人%02d", i+1), "phone": fmt.Sprintf("0717-%07d", i+1)}
		if err := e.api.do(ctx, 201, "POST", "/api/v1/units", body, &u); err != nil {
			return err
		}
		e.units = append(e.units, u.ID)
	}
	return nil
}

var unitNames = []string{"供电所", "水利站", "交通运输办", "农业服务中心", "卫生院", "中心学校", "派出所", "自然资源所",
	"财政所", "民政办", "文化站", "市场监管所", "环保站", "城建办", "林业站", "社保所", "司法所", "应急办", "供水站", "集镇管理所"}

// villages are named in the contents only, never in a title, so that the
// reads can search for a word of the content alone.
var villages = []string{"东岭村", "西坡村", "南湾村", "北山村", "石桥村", "柳河村", "杏花村", "青石村", "白沙村", "高庄村",
	"马家村", "李家湾", "桃源村", "金鸡村", "龙泉村", "凤凰村", "新民村", "红旗村", "长乐村", "太平村"}

var topics = []string{"农村电网增容", "村道硬化", "饮水安全", "垃圾分类", "学校周边交通", "卫生院设备", "农田水利", "养老服务",
	"集贸市场改造", "路灯维修", "河道清淤", "防汛物资", "公交班次", "文化广场", "电商服务站", "秸秆禁烧"}

// submission is a realistic suggestion body; titles are unique per phase
// and index, so the duplicate check never refuses one.
func (e *env) submission(r *rand.Rand, phase string, i int, coSigners int) map[string]any {
	lead := e.deputies[r.IntN(len(e.deputies))]
	co := []string{}
	for len(co) < coSigners {
		d := e.deputies[r.IntN(len(e.deputies))]
		if d != lead && !slices.Contains(co, d) {
			co = append(co, d)
		}
	}
	topic := topics[r.IntN(len(topics))]
	content := fmt.Sprintf("我镇%s问题群众反映强烈，%s尤甚。", topic, villages[i%len(villages)]) + strings.Repeat("经走访调查，涉及三个村民小组约四百户群众，高峰时段问题尤为突出，群众多次向代表反映，希望有关部门尽快研究解决。", 3)
	return map[string]any{"title": fmt.Sprintf("关于%s的建议（%s-%s-%d）", topic, e.tag, phase, i), "content": content,
		"kind": "suggestion", "category": "基础设施", "lead_deputy_id": lead, "co_signer_ids": co, "submitted_in": "session",
		"opinions": []string{"村民反映：高峰时段问题突出"}}
}

func (e *env) assignment(r *rand.Rand) map[string]any {
	return map[string]any{"lead_unit_id": e.units[r.IntN(len(e.units))], "leader": "张副镇长", "handler": "李干事"}
}

// countingHandler counts warnings and errors on their way out.
type countingHandler struct {
	slog.Handler
	warns, errs *atomic.Int64
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.errs.Add(1)
	} else if r.Level >= slog.LevelWarn {
		h.warns.Add(1)
	}
	return h.Handler.Handle(ctx, r)
}

func (h countingHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return countingHandler{Handler: h.Handler.WithAttrs(a), warns: h.warns, errs: h.errs}
}

func (h countingHandler) WithGroup(n string) slog.Handler {
	return countingHandler{Handler: h.Handler.WithGroup(n), warns: h.warns, errs: h.errs}
}

// resetPeakRSS sets VmHWM back to the current RSS (Linux: clear_refs 5).
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// freshMySQL creates a new database on the server of dsn and returns the
// DSN the app should use, and a function that drops it.
func freshMySQL(dsn string) (string, func(), error) {
	raw, ok := strings.CutPrefix(dsn, "mysql://")
	if !ok {
		return "", nil, fmt.Errorf("-mysql-dsn must start with mysql://")
	}
	cfg, err := mysql.ParseDSN(raw)
	if err != nil {
		return "", nil, fmt.Errorf("-mysql-dsn: %w", err)
	}
	prefix := cfg.DBName
	if prefix == "" {
		prefix = "sfbench"
	}
	name := fmt.Sprintf("%s_%s", prefix, time.Now().Format("20060102_150405"))
	cfg.DBName = ""
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	cfg.DBName = name
	cfg.ParseTime = true
	appDSN := "mysql://" + cfg.FormatDSN()
	drop := func() {
		db, err := sql.Open("mysql", strings.Replace(cfg.FormatDSN(), "/"+name, "/", 1))
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE `" + name + "`"); err != nil {
			logf("drop database %s: %v", name, err)
		}
	}
	return appDSN, drop, nil
}

func redactDSN(dsn string) string {
	if i := strings.Index(dsn, ":"); i > 0 && strings.HasPrefix(dsn, "mysql://") {
		if at := strings.Index(dsn, "@"); at > 0 {
			user := dsn[len("mysql://"):at]
			if u, _, ok := strings.Cut(user, ":"); ok {
				return "mysql://" + u + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

// settle waits until the process is nearly idle (below 15% of one core
// for two seconds running), at most max: what one phase left queued in the
// server (timers, visibility, outbox) must not be measured in the next.
func settle(ctx context.Context, max time.Duration) {
	start := time.Now()
	prev := cpuTicks()
	quiet := 0
	for time.Since(start) < max && ctx.Err() == nil {
		time.Sleep(time.Second)
		now := cpuTicks()
		busy := float64(now-prev) / 100 // clock ticks are 1/100 s
		prev = now
		if busy < 0.15 {
			quiet++
			if quiet >= 2 {
				break
			}
		} else {
			quiet = 0
		}
	}
	logf("  settled after %s", secs(time.Since(start)))
}

// settleMySQL waits, after a fill, until MariaDB has written back the
// pages the fill dirtied (down to a tenth of its buffer pool), at most max: the
// server flushes them in the background for minutes after a bulk load,
// which settle (this process's CPU) does not see, and reads measured
// meanwhile measure the flushing.
func (e *env) settleMySQL(ctx context.Context, max time.Duration) {
	db, err := sql.Open("mysql", strings.TrimPrefix(e.dsn, "mysql://"))
	if err != nil {
		logf("  settle MySQL: %v", err)
		return
	}
	defer db.Close()
	start := time.Now()
	var dirty, total int64
	for time.Since(start) < max && ctx.Err() == nil {
		rows, err := db.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')")
		if err != nil {
			logf("  settle MySQL: %v", err)
			return
		}
		for rows.Next() {
			var name string
			var v int64
			if err := rows.Scan(&name, &v); err == nil {
				if strings.HasSuffix(name, "dirty") {
					dirty = v
				} else {
					total = v
				}
			}
		}
		rows.Close()
		if total > 0 && dirty*10 < total {
			break
		}
		time.Sleep(time.Second)
	}
	e.rep.note("reads: MariaDB flushed the fill's pages in %s (%d of %d buffer pool pages dirty)", secs(time.Since(start)), dirty, total)
}

// cpuTicks is the process's user + system CPU time in clock ticks.
func cpuTicks() int64 {
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces: fields count from after ")".
	s := string(raw)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	var u, k int64
	fmt.Sscan(f[11], &u)
	fmt.Sscan(f[12], &k)
	return u + k
}

// phase marks a measured phase: a CPU profile with -profile-dir, and the
// CPU used by this process and by every other process meanwhile, so that a
// run disturbed by other work on the machine shows it.
func (e *env) phase(name string) func() {
	stopProfile := e.o.phaseProfile(e.backend, name)
	t0, own0, all0 := time.Now(), cpuTicks(), machineTicks()
	unav0, busy0 := e.api.unavailable.Load(), e.api.busy.Load()
	return func() {
		stopProfile()
		e.rep.note("answers during %s: %d × 503, %d × 429", name, e.api.unavailable.Load()-unav0, e.api.busy.Load()-busy0)
		el := time.Since(t0).Seconds()
		own := float64(cpuTicks()-own0) / 100
		all := float64(machineTicks()-all0) / 100
		cpus := float64(runtime.NumCPU())
		e.rep.note("CPU during %s (%.0f s): this process %.0f%%, other processes (MariaDB included on mysql) %.0f%% of %d cores",
			name, el, 100*own/el/cpus, 100*max(all-own, 0)/el/cpus, runtime.NumCPU())
	}
}

// machineTicks is the busy CPU time of the whole machine in clock ticks.
func machineTicks() int64 {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		var n int64
		fmt.Sscan(v, &n)
		busy += n
		if i == 7 { // up to steal; guest time is already in user
			break
		}
	}
	return busy
}

// safely runs a phase; a panic in it is reported and the run goes on.
func (e *env) safely(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			logf("phase %s panicked: %v\n%s", name, r, debug.Stack())
			e.rep.fail(name, name, fmt.Errorf("panic: %v", r))
		}
	}()
	f()
}
