package app

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"suggestflow/config"
	"suggestflow/embedded"
	"suggestflow/policy"
	"suggestflow/temporalcluster"
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
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	bins, err := temporalcluster.Build(filepath.Join("..", "go.mod"), filepath.Join(cache, "suggestflow"), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	suffix := fmt.Sprintf("%d_%d", time.Now().Unix(), rand.IntN(1000))

	// Temporal's persistence and visibility on PostgreSQL, fresh per run.
	pg, err := temporalcluster.ParsePostgres(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	dbs, err := temporalcluster.CreateDatabases(bins, pg, suffix)
	t.Cleanup(func() {
		if err := dbs.Drop(); err != nil {
			t.Log(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// The application's database on MariaDB, fresh per run.
	appDB := "sf_cluster_" + suffix
	mysqlExec(t, myAdmin, "CREATE DATABASE "+appDB+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	t.Cleanup(func() { mysqlExec(t, myAdmin, "DROP DATABASE IF EXISTS "+appDB) })
	appDSN := strings.Replace(myAdmin, "/?", "/"+appDB+"?", 1)

	srv, err := temporalcluster.NewServer(bins, filepath.Join(dir, "temporal"), pg, dbs, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	const namespace = "suggestflow"
	if err := temporalcluster.RegisterNamespace(context.Background(), srv.Frontend, namespace); err != nil {
		t.Fatal(err)
	}

	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte("reply_within: PT20S\nquiet_hours: \"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"SUGGESTFLOW_TEST_CHILD=1", "SUGGESTFLOW_DATA_DIR=" + dir, "SUGGESTFLOW_POLICY_FILE=" + pol,
		"SUGGESTFLOW_ADMIN_TOKEN=" + testToken, "SUGGESTFLOW_TEMPORAL_UI_ADDR=off", "SUGGESTFLOW_WRITE_RATE=0",
		"SUGGESTFLOW_DB_DSN=" + appDSN, "SUGGESTFLOW_METRICS_ADDR=127.0.0.1:0",
		"SUGGESTFLOW_TEMPORAL_ADDRESS=" + srv.Frontend, "SUGGESTFLOW_TEMPORAL_NAMESPACE=" + namespace}
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
	tc := dialCluster(t, srv.Frontend, namespace)
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
	srv.Stop()
	stopped := time.Now()
	time.Sleep(5 * time.Second)
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("Temporal server stopped %s before the deadline, serving again %s before it",
		due.Sub(stopped).Round(time.Millisecond), time.Until(due).Round(time.Millisecond))
	if time.Now().After(due) {
		t.Fatalf("the server came back only after the deadline (%s): the wait did not span the restart", due)
	}
	waitEscalated(t, apis[1], []string{waiting}, 90*time.Second)

	// Reconciliation: every case has its workflow and every workflow its case.
	cfg := config.Config{DBDSN: appDSN, TemporalAddress: srv.Frontend, TemporalNamespace: namespace}
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

func dialCluster(t *testing.T, addr, namespace string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: namespace, Logger: sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
