package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBackupDuringLoadRestoresEveryCase backs up the all-in-one process
// while clients submit, restores the copy into a fresh data dir, starts
// the service there and finds every case acknowledged before the backup
// began; a deadline pending at the backup fires after the restore. A
// restore onto the running service is refused.
func TestBackupDuringLoadRestoresEveryCase(t *testing.T) {
	policyYAML := "reply_within: PT30S\nquiet_hours: \"\"\n"
	cfg := testConfig(t, t.TempDir(), policyYAML)
	cmd := startChild(t, cfg)
	stopped := false
	defer func() {
		if !stopped {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
	}()
	c := &apiClient{t: t, base: "http://" + cfg.HTTPAddr, token: testToken}
	lead, _, unit, _ := c.setup()
	pending := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+pending+"/review", map[string]any{"decision": "accept"})
	s := c.must(200, "POST", "/api/v1/suggestions/"+pending+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
	due, _ := time.Parse(time.RFC3339Nano, s["due_at"].(string))

	l := newLoad(c.base, testToken, lead, 1) // every request a submission
	ctx, cancel := context.WithCancel(context.Background())
	wait := l.start(ctx, 8)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		l.mu.Lock()
		n := len(l.accepted)
		l.mu.Unlock()
		if n >= 60 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the load did not get going: %s", l.summary())
		}
	}
	l.mu.Lock()
	acknowledged := []string{pending}
	for _, id := range l.accepted {
		acknowledged = append(acknowledged, id)
	}
	l.mu.Unlock()
	dir := filepath.Join(t.TempDir(), "backup")
	var out bytes.Buffer
	started := time.Now()
	if err := RunBackup(context.Background(), cfg, dir, &out); err != nil {
		t.Fatalf("backup while the service runs: %v", err)
	}
	took := time.Since(started)
	during := l.summary()
	time.Sleep(time.Second)
	cancel()
	wait()
	t.Logf("backup of %d acknowledged cases in %s, during the load (%s):\n%s", len(acknowledged), took, during, out.String())
	if l.submissions.Load() <= int64(len(acknowledged)) {
		t.Fatalf("no submission arrived during the backup: %s", l.summary())
	}

	if err := RunRestore(cfg, dir, &out); err == nil || !strings.Contains(err.Error(), "running") {
		t.Fatalf("a restore onto the running service was not refused: %v", err)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	stopped = true

	fresh := testConfig(t, t.TempDir(), policyYAML)
	if err := RunRestore(fresh, dir, &out); err != nil {
		t.Fatalf("restore into a fresh data dir: %v", err)
	}
	cmd = startChild(t, fresh)
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	c = &apiClient{t: t, base: "http://" + fresh.HTTPAddr, token: testToken}
	for _, id := range acknowledged {
		if r := c.do("GET", "/api/v1/suggestions/"+id, nil); r.status != 200 {
			t.Errorf("case %s, acknowledged before the backup, after the restore: %d %s", id, r.status, r.body)
		}
	}
	list := c.must(200, "GET", "/api/v1/suggestions?page_size=1", nil)
	t.Logf("after the restore: %v cases listed, %d acknowledged before the backup", list["total"], len(acknowledged))
	for deadline := due.Add(60 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		s = c.must(200, "GET", "/api/v1/suggestions/"+pending, nil)
		if strings.Contains(fmt.Sprint(s["flags"]), "overdue") && len(s["meetings"].([]any)) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deadline pending at the backup did not fire after the restore (due %s): %v", due, s["flags"])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		t.Error(err)
	}
}

func TestDailyBackupTime(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct{ now, want string }{
		{"2026-12-01T01:00:00", "2026-12-01T02:30:00"},
		{"2026-12-01T02:30:00", "2026-12-02T02:30:00"},
		{"2026-12-31T23:00:00", "2027-01-01T02:30:00"},
	} {
		now, _ := time.ParseInLocation("2006-01-02T15:04:05", tc.now, loc)
		if got := nextAt(now, 2, 30).Format("2006-01-02T15:04:05"); got != tc.want {
			t.Errorf("after %s: %s, want %s", tc.now, got, tc.want)
		}
	}
}
