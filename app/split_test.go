package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"suggestflow/embedded"
)

// TestSplitProcessesSurviveAWorkerKill runs the four-process layout on
// loopback: the Temporal server alone, the API and two workers sharing one
// database. One worker is killed with SIGKILL while deadlines are pending;
// every deadline still fires exactly once.
func TestSplitProcessesSurviveAWorkerKill(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte("reply_within: PT10S\nquiet_hours: \"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	temporalAddr := fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1"))
	httpAddr := fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1"))
	common := []string{"SUGGESTFLOW_TEST_CHILD=1", "SUGGESTFLOW_DATA_DIR=" + dir, "SUGGESTFLOW_POLICY_FILE=" + pol,
		"SUGGESTFLOW_ADMIN_TOKEN=" + testToken, "SUGGESTFLOW_TEMPORAL_UI_ADDR=off", "SUGGESTFLOW_WRITE_RATE=0",
		"SUGGESTFLOW_DB_DSN=sqlite://" + filepath.Join(dir, "suggestflow.db"), "SUGGESTFLOW_METRICS_ADDR=127.0.0.1:0"}
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
	start("temporal", "SUGGESTFLOW_TEMPORAL_LISTEN="+temporalAddr)
	cluster := "SUGGESTFLOW_TEMPORAL_ADDRESS=" + temporalAddr
	start("api", cluster, "SUGGESTFLOW_HTTP_ADDR="+httpAddr)
	doomed := start("worker", cluster)
	start("worker", cluster)
	waitReady(t, "http://"+httpAddr)

	c := &apiClient{t: t, base: "http://" + httpAddr, token: testToken}
	lead, _, unit, _ := c.setup()
	var ids []string
	for i := 0; i < 6; i++ {
		body := submission(lead)
		body["title"] = fmt.Sprintf("第%d件建议", i+1)
		id := c.must(201, "POST", "/api/v1/suggestions", body)["id"].(string)
		c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
		c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})
		ids = append(ids, id)
	}
	if err := doomed.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, id := range ids {
		for {
			s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
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
			if time.Now().After(deadline) {
				t.Fatalf("%s: the deadline did not fire after a worker died: %v", id, s["flags"])
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}
