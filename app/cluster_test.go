package app

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"suggestflow/config"
	"suggestflow/embedded"
	"suggestflow/policy"
	"suggestflow/worker"
)

// TestClusterOnPostgres runs the production layout against a real Temporal
// cluster: the Temporal server and its SQL tool built from the module
// version the project pins, persistence and SQL visibility on PostgreSQL,
// the namespace registered, two API and two worker processes with MariaDB
// as the application database. It checks a full lifecycle with the steps
// sent to either API process in turn; a burst of deadlines while one
// worker and one API process are killed, each escalated once; a deadline
// that fires although the Temporal server was stopped and started again
// during the wait; the cadence Schedules on the server; and a clean
// reconciliation.
//
// It runs where PostgreSQL and MariaDB are: scripts/test starts them and
// sets SUGGESTFLOW_TEST_POSTGRES and SUGGESTFLOW_TEST_MYSQL_ADMIN_DSN.
func TestClusterOnPostgres(t *testing.T) {
	pgURL, myAdmin := os.Getenv("SUGGESTFLOW_TEST_POSTGRES"), os.Getenv("SUGGESTFLOW_TEST_MYSQL_ADMIN_DSN")
	if pgURL == "" || myAdmin == "" {
		t.Skip("the cluster test needs PostgreSQL and MariaDB: run scripts/test, which starts them")
	}
	bin := temporalBinaries(t)
	dir := t.TempDir()
	suffix := fmt.Sprintf("%d_%d", time.Now().Unix(), rand.IntN(1000))

	// Temporal's persistence and visibility on PostgreSQL, fresh per run.
	pg := postgresOf(t, pgURL)
	persistence, visibility := "sf_temporal_"+suffix, "sf_temporal_vis_"+suffix
	for _, db := range []struct{ name, schema string }{
		{persistence, filepath.Join(bin.schemas, "temporal", "versioned")},
		{visibility, filepath.Join(bin.schemas, "visibility", "versioned")},
	} {
		sqlTool := func(args ...string) {
			t.Helper()
			base := []string{"--plugin", "postgres12", "--ep", pg.host, "-p", pg.port, "-u", pg.user, "--db", db.name}
			if pg.password != "" {
				base = append(base, "--pw", pg.password)
			}
			out, err := exec.Command(bin.sqlTool, append(base, args...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("temporal-sql-tool %v: %v\n%s", args, err, out)
			}
		}
		sqlTool("create-database")
		t.Cleanup(func() { sqlTool("drop-database", "--force") })
		sqlTool("setup-schema", "-v", "0.0")
		sqlTool("update-schema", "-d", db.schema)
	}
	// The application's database on MariaDB, fresh per run.
	appDB := "sf_cluster_" + suffix
	mysqlExec(t, myAdmin, "CREATE DATABASE "+appDB+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	t.Cleanup(func() { mysqlExec(t, myAdmin, "DROP DATABASE IF EXISTS "+appDB) })
	appDSN := strings.Replace(myAdmin, "/?", "/"+appDB+"?", 1)

	srv := newTemporalServer(t, bin.server, filepath.Join(dir, "temporal"), pg, persistence, visibility)
	srv.start()
	const namespace = "suggestflow"
	registerNamespace(t, srv.frontend, namespace)

	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte("reply_within: PT20S\nquiet_hours: \"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"SUGGESTFLOW_TEST_CHILD=1", "SUGGESTFLOW_DATA_DIR=" + dir, "SUGGESTFLOW_POLICY_FILE=" + pol,
		"SUGGESTFLOW_ADMIN_TOKEN=" + testToken, "SUGGESTFLOW_TEMPORAL_UI_ADDR=off", "SUGGESTFLOW_WRITE_RATE=0",
		"SUGGESTFLOW_DB_DSN=" + appDSN, "SUGGESTFLOW_METRICS_ADDR=127.0.0.1:0",
		"SUGGESTFLOW_TEMPORAL_ADDRESS=" + srv.frontend, "SUGGESTFLOW_TEMPORAL_NAMESPACE=" + namespace}
	start := func(role string, extra ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(append(append(os.Environ(), common...), "SUGGESTFLOW_TEST_ROLE="+role), extra...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		})
		return cmd
	}
	var apis []*apiClient
	var apiCmds []*exec.Cmd
	for range 2 {
		addr := fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1"))
		apiCmds = append(apiCmds, start("api", "SUGGESTFLOW_HTTP_ADDR="+addr))
		// The first one migrates the empty database before the others open it.
		waitReady(t, "http://"+addr)
		apis = append(apis, &apiClient{t: t, base: "http://" + addr, token: testToken})
	}
	workers := []*exec.Cmd{start("worker"), start("worker")}

	// A full lifecycle, each step on the other API process.
	lead, co, unit, unit2 := apis[0].setup()
	step := 0
	next := func() *apiClient { step++; return apis[step%2] }
	id := next().must(201, "POST", "/api/v1/suggestions", submission(lead, co))["id"].(string)
	next().must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	next().must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{
		"lead_unit_id": unit, "co_unit_ids": []string{unit2}, "leader": "张镇长", "handler": "李干事"})
	if r := next().do("POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已解决"}); r.status != 409 {
		t.Fatalf("reply before consultation: %d %s", r.status, r.body)
	}
	next().must(200, "POST", "/api/v1/suggestions/"+id+"/co-opinions", map[string]any{"unit_id": unit2, "content": "同意"})
	next().must(200, "POST", "/api/v1/suggestions/"+id+"/consultations", map[string]any{
		"held_at": time.Now().UTC().Format(time.RFC3339), "method": "on_site", "participants": []string{"王西林"}})
	next().must(200, "POST", "/api/v1/suggestions/"+id+"/progress-reports", map[string]any{"content": "已上报增容计划"})
	next().must(200, "POST", "/api/v1/suggestions/"+id+"/reply", map[string]any{"result_class": "A", "content": "已完成增容"})
	next().must(200, "POST", "/api/v1/suggestions/"+id+"/ratings", map[string]any{"deputy_id": co, "attitude": "satisfied", "result": "satisfied"})
	s := next().must(200, "POST", "/api/v1/suggestions/"+id+"/ratings", map[string]any{"deputy_id": lead, "attitude": "satisfied", "result": "satisfied"})
	if s["status"] != "closed" {
		t.Fatalf("the lifecycle did not close the case: %v", s["status"])
	}
	got := types(next().must(200, "GET", "/api/v1/suggestions/"+id, nil))
	for _, want := range []string{"submitted", "accepted", "assigned", "co_opinion", "consultation", "progress_report", "replied", "rated", "closed"} {
		if !has(got, want) {
			t.Errorf("timeline lacks %s: %v", want, got)
		}
	}

	// The cadence Schedules are on the server.
	p, err := policy.Load(pol)
	if err != nil {
		t.Fatal(err)
	}
	tc := dialCluster(t, srv.frontend, namespace)
	for kind := range p.Crons() {
		if _, err := tc.ScheduleClient().GetHandle(context.Background(), worker.ScheduleID(kind)).Describe(context.Background()); err != nil {
			t.Errorf("schedule %s on the cluster: %v", kind, err)
		}
	}

	// A burst of deadlines; meanwhile one worker and one API process die.
	var burst []string
	assign := func(c *apiClient, n int) time.Time {
		body := submission(lead)
		body["title"] = fmt.Sprintf("集群第%d件建议", n)
		sid := c.must(201, "POST", "/api/v1/suggestions", body)["id"].(string)
		c.must(200, "POST", "/api/v1/suggestions/"+sid+"/review", map[string]any{"decision": "accept"})
		s := c.must(200, "POST", "/api/v1/suggestions/"+sid+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
		burst = append(burst, sid)
		due, _ := time.Parse(time.RFC3339Nano, s["due_at"].(string))
		return due
	}
	for n := range 12 {
		assign(apis[n%2], n)
	}
	for _, cmd := range []*exec.Cmd{workers[0], apiCmds[0]} {
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	for n := 12; n < 24; n++ {
		assign(apis[1], n)
	}
	waitEscalated(t, apis[1], burst, 90*time.Second)

	// The Temporal server stops and starts again during a wait.
	due := assign(apis[1], 100)
	waiting := burst[len(burst)-1]
	srv.stop()
	stopped := time.Now()
	time.Sleep(5 * time.Second)
	srv.start()
	t.Logf("Temporal server stopped %s before the deadline, serving again %s before it",
		due.Sub(stopped).Round(time.Millisecond), time.Until(due).Round(time.Millisecond))
	if time.Now().After(due) {
		t.Fatalf("the server came back only after the deadline (%s): the wait did not span the restart", due)
	}
	waitEscalated(t, apis[1], []string{waiting}, 90*time.Second)

	// Reconciliation: every case has its workflow and every workflow its case.
	cfg := config.Config{DBDSN: appDSN, TemporalAddress: srv.frontend, TemporalNamespace: namespace}
	var report bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := RunReconcile(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), &report, 30*time.Second)
	if err != nil || !r.Consistent() {
		t.Fatalf("reconcile on the cluster: %v\n%s", err, report.String())
	}
	if r.Cases != len(burst)+1 {
		t.Errorf("reconcile counted %d cases, want %d\n%s", r.Cases, len(burst)+1, report.String())
	}
	t.Logf("reconcile: %s", report.String())
}

// waitEscalated waits until each case is overdue with one meeting and
// exactly one overdue event. A process that is restarting may answer 503
// meanwhile.
func waitEscalated(t *testing.T, c *apiClient, ids []string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, id := range ids {
		for {
			r := c.do("GET", "/api/v1/suggestions/"+id, nil)
			if r.status == 200 {
				s := r.json(t)
				if strings.Contains(fmt.Sprint(s["flags"]), "overdue") && len(s["meetings"].([]any)) == 1 {
					n := 0
					for _, e := range s["timeline"].([]any) {
						if e.(map[string]any)["type"] == "overdue" {
							n++
						}
					}
					if n != 1 {
						t.Errorf("%s: overdue fired %d times", id, n)
					}
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the deadline did not fire: %d %s", id, r.status, r.body)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

type temporalBins struct{ server, sqlTool, schemas string }

// temporalBinaries builds temporal-server and temporal-sql-tool of the
// go.temporal.io/server version this module pins, once, into the user's
// cache dir; later runs reuse them.
func temporalBinaries(t *testing.T) temporalBins {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server (v\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod does not require go.temporal.io/server")
	}
	version := string(m[1])
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cache, "suggestflow", "temporal-"+version)
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o750); err != nil {
		t.Fatal(err)
	}
	// A module with the project's requirements, so the build takes exactly
	// the versions the project runs with; -mod=mod adds the server's own
	// go.sum lines there, not in the project.
	for _, f := range []string{"go.mod", "go.sum"} {
		raw, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "go.mod" {
			raw = []byte("module temporalbuild" + string(raw[bytes.IndexByte(raw, '\n'):]))
		}
		if old, err := os.ReadFile(filepath.Join(src, f)); err == nil && f == "go.sum" && len(old) > len(raw) {
			continue // keeps the lines an earlier build added
		}
		if err := os.WriteFile(filepath.Join(src, f), raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	gocmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	bins := temporalBins{server: filepath.Join(dir, "temporal-server"), sqlTool: filepath.Join(dir, "temporal-sql-tool")}
	for bin, pkg := range map[string]string{bins.server: "go.temporal.io/server/cmd/server", bins.sqlTool: "go.temporal.io/server/cmd/tools/sql"} {
		if _, err := os.Stat(bin); err == nil {
			continue
		}
		started := time.Now()
		gocmd("build", "-o", bin+".tmp", pkg)
		if err := os.Rename(bin+".tmp", bin); err != nil {
			t.Fatal(err)
		}
		t.Logf("built %s %s in %s", pkg, version, time.Since(started).Round(time.Second))
	}
	bins.schemas = filepath.Join(gocmd("list", "-m", "-f", "{{.Dir}}", "go.temporal.io/server"), "schema", "postgresql", "v12")
	return bins
}

type postgres struct{ host, port, user, password string }

func postgresOf(t *testing.T, raw string) postgres {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("SUGGESTFLOW_TEST_POSTGRES: %v", err)
	}
	p := postgres{host: u.Hostname(), port: u.Port(), user: u.User.Username()}
	p.password, _ = u.User.Password()
	if p.port == "" {
		p.port = "5432"
	}
	return p
}

func mysqlExec(t *testing.T, dsn, stmt string) {
	t.Helper()
	db, err := sql.Open("mysql", strings.TrimPrefix(dsn, "mysql://"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// temporalServer is a Temporal server process with all four services.
type temporalServer struct {
	t        *testing.T
	bin, dir string
	frontend string
	cmd      *exec.Cmd
	done     chan struct{}
}

func newTemporalServer(t *testing.T, bin, dir string, pg postgres, persistence, visibility string) *temporalServer {
	t.Helper()
	// Membership ports below 32768: PostgreSQL keeps them as smallint.
	ports := lowPorts(t, 11)
	s := &temporalServer{t: t, bin: bin, dir: dir, frontend: fmt.Sprintf("127.0.0.1:%d", ports[0])}
	store := func(name string, conns int) string {
		return fmt.Sprintf(`      sql:
        pluginName: postgres12
        databaseName: %q
        connectAddr: "%s:%s"
        connectProtocol: tcp
        user: %q
        password: %q
        maxConns: %d
        maxIdleConns: %d
        maxConnLifetime: 1h
`, name, pg.host, pg.port, pg.user, pg.password, conns, conns)
	}
	cfg := fmt.Sprintf(`log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:
%s    visibility:
%sglobal:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:
    rpc: {grpcPort: %d, membershipPort: %d, httpPort: %d, bindOnLocalHost: true}
  history:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}
  matching:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}
  worker:
    rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: %q
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: %q
  pollInterval: 10s
`, store(persistence, 20), store(visibility, 4), ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7], ports[8],
		s.frontend, filepath.Join(dir, "dynamicconfig.yaml"))
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "development.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	dyn := "system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n"
	if err := os.WriteFile(filepath.Join(dir, "dynamicconfig.yaml"), []byte(dyn), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	return s
}

func (s *temporalServer) start() {
	s.t.Helper()
	logf, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		s.t.Fatal(err)
	}
	s.cmd = exec.Command(s.bin, "--root", s.dir, "--config", "config", "--env", "development", "--allow-no-auth", "start")
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); logf.Close(); close(done) }(s.cmd, s.done)
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		select {
		case <-s.done:
			s.t.Fatalf("the Temporal server exited at start:\n%s", s.logTail())
		default:
		}
		c, err := client.Dial(client.Options{HostPort: s.frontend, Logger: quietSDK()})
		if err == nil {
			_, err = c.CheckHealth(context.Background(), &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the Temporal server did not answer: %v\n%s", err, s.logTail())
		}
	}
}

func (s *temporalServer) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

func (s *temporalServer) logTail() string {
	raw, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	if len(raw) > 4000 {
		raw = raw[len(raw)-4000:]
	}
	return string(raw)
}

// lowPorts are n free loopback ports below 32768.
func lowPorts(t *testing.T, n int) []int {
	t.Helper()
	var out []int
	seen := map[int]bool{}
	for len(out) < n {
		p := 20000 + rand.IntN(12000)
		if seen[p] {
			continue
		}
		seen[p] = true
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		ln.Close()
		out = append(out, p)
	}
	return out
}

func quietSDK() *slogSDK { return &slogSDK{} }

// slogSDK drops the SDK's log lines in the test's own clients.
type slogSDK struct{}

func (slogSDK) Debug(string, ...any) {}
func (slogSDK) Info(string, ...any)  {}
func (slogSDK) Warn(string, ...any)  {}
func (slogSDK) Error(string, ...any) {}

// registerNamespace registers the namespace and waits until the frontend
// serves it.
func registerNamespace(t *testing.T, addr, namespace string) {
	t.Helper()
	nc, err := client.NewNamespaceClient(client.Options{HostPort: addr, Logger: quietSDK()})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	err = nc.Register(context.Background(), &workflowservice.RegisterNamespaceRequest{Namespace: namespace,
		WorkflowExecutionRetentionPeriod: durationpb.New(72 * time.Hour)})
	if err != nil {
		t.Fatalf("register namespace %s: %v", namespace, err)
	}
	c := dialCluster(t, addr, namespace)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		_, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, PageSize: 1})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("namespace %s not served after registering: %v", namespace, err)
		}
	}
}

func dialCluster(t *testing.T, addr, namespace string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: namespace, Logger: quietSDK()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
