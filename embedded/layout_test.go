package embedded

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

// partitions starts the server on dir and reports how many partitions of a
// task queue it writes to.
func partitions(t *testing.T, dir string) int {
	t.Helper()
	srv, err := Start(Options{DataDir: dir, Listen: "127.0.0.1:0", Namespace: "default", Logger: discard})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.Address, Namespace: "default", Logger: quiet})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := c.WorkflowService().ListTaskQueuePartitions(ctx, &workflowservice.ListTaskQueuePartitionsRequest{
		Namespace: "default", TaskQueue: &taskqueuepb.TaskQueue{Name: "suggestflow"},
	})
	if err != nil {
		t.Fatalf("list partitions: %v", err)
	}
	return len(resp.WorkflowTaskQueuePartitions)
}

// A data directory created now has one partition per task queue, recorded
// in its file, and keeps it at the next start.
func TestNewDataHasOnePartition(t *testing.T) {
	dir := t.TempDir()
	if n := partitions(t, dir); n != 1 {
		t.Fatalf("a new data dir writes to %d partitions, want 1", n)
	}
	l, err := readLayout(filepath.Join(dir, "temporal.db"))
	if err != nil || l != currentLayout {
		t.Fatalf("recorded layout %+v (%v), want %+v", l, err, currentLayout)
	}
	if n := partitions(t, dir); n != 1 {
		t.Fatalf("after a restart it writes to %d partitions, want 1", n)
	}
}

// A data file made before layouts were recorded writes to one partition
// and keeps reading the four it may have tasks in.
func TestOlderDataKeepsReadingFourPartitions(t *testing.T) {
	dir := t.TempDir()
	conf := config.SQL{PluginName: sqliteplugin.PluginName, DatabaseName: filepath.Join(dir, "temporal.db"), ConnectAttributes: map[string]string{"mode": "rwc"}}
	if err := sqliteschema.SetupSchema(&conf); err != nil {
		t.Fatalf("schema: %v", err)
	}
	if n := partitions(t, dir); n != 1 {
		t.Fatalf("an older data dir writes to %d partitions, want 1", n)
	}
	l, err := readLayout(filepath.Join(dir, "temporal.db"))
	if err != nil || l != (Layout{ReadPartitions: 4, WritePartitions: 1}) {
		t.Fatalf("an older data dir's layout is %+v (%v), want 4 read and 1 write partitions", l, err)
	}
}

// discard and quiet drop the logs of the server and of the SDK's client.
var (
	discard = slog.New(slog.NewTextHandler(io.Discard, nil))
	quiet   = sdklog.NewStructuredLogger(discard)
)
