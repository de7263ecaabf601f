package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"suggestflow/config"
	"suggestflow/embedded"
)

// load is many API clients at once: each reads lists, cases and rates and
// now and then submits a suggestion with an Idempotency-Key of its own.
// It remembers every answer, so a test can say what was accepted, what
// failed and how.
type load struct {
	base, token, lead string
	writeEvery        int
	client            *http.Client

	mu          sync.Mutex
	statuses    map[int]int
	unanswered  int
	noRetry     int      // 503s without Retry-After
	serverErrs  []string // the first few 5xx other than 503
	accepted    map[string]string
	pending     map[string][]byte // submissions without a 2xx answer, by key
	knownIDs    []string
	outageSeen  atomic.Bool
	requests    atomic.Int64
	submissions atomic.Int64
}

func newLoad(base, token, lead string, writeEvery int) *load {
	return &load{base: base, token: token, lead: lead, writeEvery: writeEvery,
		client:   &http.Client{Timeout: 45 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}},
		statuses: map[int]int{}, accepted: map[string]string{}, pending: map[string][]byte{}}
}

func (l *load) send(method, path string, body []byte, key string) (int, map[string]any) {
	l.requests.Add(1)
	req, _ := http.NewRequest(method, l.base+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+l.token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := l.client.Do(req)
	if err != nil {
		l.mu.Lock()
		l.unanswered++
		l.mu.Unlock()
		return 0, nil
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.statuses[res.StatusCode]++
	switch {
	case res.StatusCode == http.StatusServiceUnavailable:
		l.outageSeen.Store(true)
		if res.Header.Get("Retry-After") == "" {
			l.noRetry++
		}
	case res.StatusCode >= 500 && len(l.serverErrs) < 5:
		l.serverErrs = append(l.serverErrs, fmt.Sprintf("%s %s: %d %s", method, path, res.StatusCode, raw))
	}
	return res.StatusCode, out
}

// submit sends one new suggestion and records whether it was accepted.
func (l *load) submit(key string) {
	l.submissions.Add(1)
	body, _ := json.Marshal(map[string]any{"title": "负载测试建议 " + key, "content": "关于村道维修的建议。", "kind": "suggestion",
		"lead_deputy_id": l.lead, "co_signer_ids": []string{}, "submitted_in": "recess"})
	l.submitBody(key, body)
}

func (l *load) submitBody(key string, body []byte) {
	status, out := l.send("POST", "/api/v1/suggestions", body, key)
	l.mu.Lock()
	defer l.mu.Unlock()
	id, _ := out["id"].(string)
	if (status == http.StatusCreated || status == http.StatusOK) && id != "" {
		l.accepted[key] = id
		delete(l.pending, key)
		l.knownIDs = append(l.knownIDs, id)
		return
	}
	l.pending[key] = body
}

func (l *load) someID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.knownIDs) == 0 {
		return "sg_none"
	}
	return l.knownIDs[rand.IntN(len(l.knownIDs))]
}

// run keeps one client busy until ctx ends.
func (l *load) run(ctx context.Context, n int) {
	for i := 0; ctx.Err() == nil; i++ {
		switch {
		case l.writeEvery > 0 && i%l.writeEvery == l.writeEvery-1:
			l.submit(fmt.Sprintf("load-%d-%d", n, i))
		case i%4 == 0:
			l.send("GET", "/api/v1/suggestions/"+l.someID(), nil, "")
		case i%4 == 1:
			l.send("GET", "/api/v1/suggestions?status=submitted&page_size=10", nil, "")
		case i%4 == 2:
			l.send("GET", "/api/v1/stats", nil, "")
		default:
			l.send("GET", "/api/v1/suggestions?page_size=20", nil, "")
		}
		// A person at a desk, not a loop: a short pause between requests.
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(20+rand.IntN(60)) * time.Millisecond):
		}
	}
}

// start runs clients goroutines until ctx ends; wait for them with the
// returned function.
func (l *load) start(ctx context.Context, clients int) func() {
	var wg sync.WaitGroup
	for n := range clients {
		wg.Go(func() { l.run(ctx, n) })
	}
	return wg.Wait
}

// retryPending sends every submission that got no 2xx again with its key,
// as a client told to try again would.
func (l *load) retryPending(t *testing.T) {
	t.Helper()
	for attempt := 0; attempt < 20; attempt++ {
		l.mu.Lock()
		pending := make(map[string][]byte, len(l.pending))
		for k, b := range l.pending {
			pending[k] = b
		}
		l.mu.Unlock()
		if len(pending) == 0 {
			return
		}
		keys := make(chan string)
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for k := range keys {
					l.submitBody(k, pending[k])
				}
			})
		}
		for k := range pending {
			keys <- k
		}
		close(keys)
		wg.Wait()
		time.Sleep(time.Second)
	}
	t.Fatalf("%d submissions still not accepted after retries", len(l.pending))
}

func (l *load) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("%d requests (%d submissions): statuses %v, unanswered %d, accepted %d, pending %d",
		l.requests.Load(), l.submissions.Load(), l.statuses, l.unanswered, len(l.accepted), len(l.pending))
}

// checkStored asserts that every accepted submission is a case with its
// workflow, that no submission made two, and that the database and
// Temporal agree.
func checkStored(t *testing.T, cfg config.Config, l *load) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var report bytes.Buffer
	r, err := RunReconcile(ctx, cfg, log, &report, 60*time.Second)
	if err != nil {
		t.Fatalf("reconciliation: %v\n%s", err, report.String())
	}
	ids := map[string]bool{}
	for key, id := range l.accepted {
		if ids[id] {
			t.Errorf("two keys made case %s (%s)", id, key)
		}
		ids[id] = true
	}
	// The setup made no cases: every case in the database is one accepted
	// submission, and every accepted submission is a case.
	if r.Cases != len(ids) {
		t.Errorf("%d cases stored for %d accepted submissions\n%s", r.Cases, len(ids), report.String())
	}
	c := &apiClient{t: t, base: l.base, token: l.token}
	for _, id := range l.knownIDs[:min(len(l.knownIDs), 50)] {
		c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	}
	t.Logf("reconciliation: %s", report.String())
}

// TestReconcileAfterKillDuringBurst kills the all-in-one process with
// SIGKILL while clients are submitting, starts it again, lets the clients
// retry what got no answer, and checks that the database and Temporal
// agree: every accepted submission is one case with its workflow.
func TestReconcileAfterKillDuringBurst(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "")
	cmd := startChild(t, cfg)
	c := &apiClient{t: t, base: "http://" + cfg.HTTPAddr, token: testToken}
	lead, _, _, _ := c.setup()

	l := newLoad(c.base, testToken, lead, 1) // every request a submission
	ctx, cancel := context.WithCancel(context.Background())
	wait := l.start(ctx, 16)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		l.mu.Lock()
		n := len(l.accepted)
		l.mu.Unlock()
		if n >= 150 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the burst did not get going: %s", l.summary())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	cancel()
	wait()
	t.Logf("killed during the burst: %s", l.summary())
	if l.unanswered == 0 {
		t.Fatalf("the kill interrupted nothing: %s", l.summary())
	}

	cmd = startChild(t, cfg)
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	l.retryPending(t)
	t.Logf("after the restart and retries: %s", l.summary())
	checkStored(t, cfg, l)
}

// TestManyClientsGetNoServerErrors runs 200 clients against the all-in-one
// process for a minute (SUGGESTFLOW_LOAD_SECONDS changes that) and expects
// no 5xx at all, and every accepted submission stored.
func TestManyClientsGetNoServerErrors(t *testing.T) {
	seconds := 60
	if v, err := strconv.Atoi(os.Getenv("SUGGESTFLOW_LOAD_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	cfg := testConfig(t, t.TempDir(), "")
	c := startWith(t, cfg)
	lead, _, _, _ := c.setup()
	l := newLoad(c.base, testToken, lead, 10)
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second)
	defer cancel()
	l.start(ctx, 200)()
	t.Logf("%d s with 200 clients: %s", seconds, l.summary())
	for status, n := range l.statuses {
		if status >= 500 {
			t.Errorf("%d answers with status %d: %v", n, status, l.serverErrs)
		}
	}
	if l.unanswered > 0 || len(l.pending) > 0 || l.statuses[200] == 0 || len(l.accepted) == 0 {
		t.Errorf("not every request was answered and accepted: %s", l.summary())
	}
	checkStored(t, cfg, l)
}

// mariaDB is a MariaDB server of the test's own, so that the test can stop
// it without disturbing anything else using the machine's database.
type mariaDB struct {
	t       *testing.T
	dir     string
	port    int
	cmd     *exec.Cmd
	stopped chan struct{}
}

func startMariaDB(t *testing.T) *mariaDB {
	t.Helper()
	for _, tool := range []string{"mariadb-install-db", "mariadbd"} {
		if _, err := exec.LookPath(tool); err != nil {
			if _, err := os.Stat("/usr/sbin/" + tool); err != nil {
				t.Fatalf("%s is needed for the database outage test: run scripts/test, which installs it (or apt-get install -y mariadb-server): %v", tool, err)
			}
		}
	}
	m := &mariaDB{t: t, dir: t.TempDir(), port: embedded.FreePort("127.0.0.1")}
	out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"),
		"--user=root", "--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	m.start()
	t.Cleanup(m.stop)
	return m
}

func (m *mariaDB) dsn() string {
	return fmt.Sprintf("mysql://root@tcp(127.0.0.1:%d)/test?parseTime=true&timeout=2s", m.port)
}

func (m *mariaDB) start() {
	m.t.Helper()
	mariadbd := "mariadbd"
	if _, err := exec.LookPath(mariadbd); err != nil {
		mariadbd = "/usr/sbin/mariadbd"
	}
	m.cmd = exec.Command(mariadbd, "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"), "--user=root",
		"--port="+strconv.Itoa(m.port), "--bind-address=127.0.0.1", "--socket="+filepath.Join(m.dir, "sock"),
		"--pid-file="+filepath.Join(m.dir, "pid"), "--skip-log-bin", "--innodb-buffer-pool-size=64M",
		"--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci")
	logf, err := os.Create(filepath.Join(m.dir, "server.log"))
	if err != nil {
		m.t.Fatal(err)
	}
	m.cmd.Stdout, m.cmd.Stderr = logf, logf
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	m.stopped = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(m.cmd, m.stopped)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		out, err := exec.Command("mysql", "--protocol=tcp", "-h127.0.0.1", "-P"+strconv.Itoa(m.port), "-uroot",
			"-e", "CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4").CombinedOutput()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(m.dir, "server.log"))
			m.t.Fatalf("MariaDB did not start: %v %s\n%s", err, out, log)
		}
	}
}

// stop shuts the server down as an operator would, and waits for it.
func (m *mariaDB) stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.stopped:
	case <-time.After(60 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.stopped
	}
	m.cmd = nil
}

// TestDatabaseOutageUnderLoad stops the application's MySQL database for
// 30 s (SUGGESTFLOW_OUTAGE_SECONDS changes that) while clients read and
// submit. While it is down every answer that cannot be given is a clear
// 503 with Retry-After, never another 5xx; afterwards, every accepted
// submission is a case with its workflow, and submissions refused during
// the outage go through when sent again.
func TestDatabaseOutageUnderLoad(t *testing.T) {
	outage := 30 * time.Second
	if v, err := strconv.Atoi(os.Getenv("SUGGESTFLOW_OUTAGE_SECONDS")); err == nil && v > 0 {
		outage = time.Duration(v) * time.Second
	}
	db := startMariaDB(t)
	cfg := testConfig(t, t.TempDir(), "")
	cfg.DBDSN = db.dsn()
	c := startWith(t, cfg)
	lead, _, _, _ := c.setup()

	l := newLoad(c.base, testToken, lead, 5)
	ctx, cancel := context.WithCancel(context.Background())
	wait := l.start(ctx, 20)
	time.Sleep(5 * time.Second)
	before := l.summary()

	db.stop()
	time.Sleep(2 * time.Second)
	if r := c.do("GET", "/readyz", nil); r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("/readyz with the database down: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	time.Sleep(outage - 2*time.Second)
	during := l.summary()
	db.start()
	waitReady(t, c.base)
	time.Sleep(10 * time.Second)
	cancel()
	wait()
	t.Logf("before the outage: %s", before)
	t.Logf("until it ended:    %s", during)
	t.Logf("after recovery:    %s", l.summary())

	if !l.outageSeen.Load() {
		t.Error("no client saw the outage: the test did not test it")
	}
	if l.noRetry > 0 {
		t.Errorf("%d answers of 503 without Retry-After", l.noRetry)
	}
	for status, n := range l.statuses {
		if status >= 500 && status != http.StatusServiceUnavailable {
			t.Errorf("%d answers with status %d: %v", n, status, l.serverErrs)
		}
	}
	if l.unanswered > 0 {
		t.Errorf("%d requests got no answer at all", l.unanswered)
	}
	l.retryPending(t)
	checkStored(t, cfg, l)
}
