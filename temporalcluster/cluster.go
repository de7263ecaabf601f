// Package temporalcluster builds and runs a real Temporal cluster for tests
// and benchmarks: temporal-server and temporal-sql-tool of the
// go.temporal.io/server version the project pins, persistence and SQL
// visibility on PostgreSQL, all four services in one server process.
package temporalcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Binaries are the built server, its SQL tool and the PostgreSQL schemas
// of the same version.
type Binaries struct {
	Version string
	Server  string
	SQLTool string
	// Schemas is schema/postgresql/v12 of the server module.
	Schemas string
}

// Build builds temporal-server and temporal-sql-tool of the
// go.temporal.io/server version that the go.mod at goMod requires, into
// cacheDir/temporal-<version>; binaries already there are reused.
func Build(goMod, cacheDir string, logf func(string, ...any)) (Binaries, error) {
	var b Binaries
	raw, err := os.ReadFile(goMod)
	if err != nil {
		return b, fmt.Errorf("read go.mod: %w", err)
	}
	m := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server (v\S+)`).FindSubmatch(raw)
	if m == nil {
		return b, fmt.Errorf("%s does not require go.temporal.io/server", goMod)
	}
	b.Version = string(m[1])
	dir := filepath.Join(cacheDir, "temporal-"+b.Version)
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o750); err != nil {
		return b, fmt.Errorf("create %s: %w", src, err)
	}
	// A module with the project's requirements, so the build takes exactly
	// the versions the project runs with; -mod=mod adds the server's own
	// go.sum lines there, not in the project.
	for _, f := range []string{"go.mod", "go.sum"} {
		raw, err := os.ReadFile(filepath.Join(filepath.Dir(goMod), f))
		if err != nil {
			return b, fmt.Errorf("read %s: %w", f, err)
		}
		if f == "go.mod" {
			raw = []byte("module temporalbuild" + string(raw[bytes.IndexByte(raw, '\n'):]))
		}
		if old, err := os.ReadFile(filepath.Join(src, f)); err == nil && f == "go.sum" && len(old) > len(raw) {
			continue // keeps the lines an earlier build added
		}
		if err := os.WriteFile(filepath.Join(src, f), raw, 0o600); err != nil {
			return b, fmt.Errorf("write %s: %w", f, err)
		}
	}
	gocmd := func(args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	b.Server, b.SQLTool = filepath.Join(dir, "temporal-server"), filepath.Join(dir, "temporal-sql-tool")
	for _, t := range []struct{ bin, pkg string }{{b.Server, "go.temporal.io/server/cmd/server"}, {b.SQLTool, "go.temporal.io/server/cmd/tools/sql"}} {
		if _, err := os.Stat(t.bin); err == nil {
			continue
		}
		started := time.Now()
		if _, err := gocmd("build", "-o", t.bin+".tmp", t.pkg); err != nil {
			return b, err
		}
		if err := os.Rename(t.bin+".tmp", t.bin); err != nil {
			return b, fmt.Errorf("put %s in place: %w", t.bin, err)
		}
		logf("built %s %s in %s", t.pkg, b.Version, time.Since(started).Round(time.Second))
	}
	mod, err := gocmd("list", "-m", "-f", "{{.Dir}}", "go.temporal.io/server")
	if err != nil {
		return b, err
	}
	b.Schemas = filepath.Join(mod, "schema", "postgresql", "v12")
	return b, nil
}

// GoMod is the go.mod of the module around the working directory.
func GoMod() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	p := strings.TrimSpace(string(out))
	if p == "" || p == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return p, nil
}

// Postgres is where the cluster keeps its state.
type Postgres struct{ Host, Port, User, Password string }

// ParsePostgres reads postgres://user:pass@host:port/db.
func ParsePostgres(raw string) (Postgres, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "postgres" {
		return Postgres{}, fmt.Errorf("a PostgreSQL URL is postgres://user:pass@host:port/db, not %q", raw)
	}
	p := Postgres{Host: u.Hostname(), Port: u.Port(), User: u.User.Username()}
	p.Password, _ = u.User.Password()
	if p.Port == "" {
		p.Port = "5432"
	}
	return p, nil
}

// Databases are a cluster's persistence and visibility databases.
type Databases struct {
	Persistence, Visibility string
	bins                    Binaries
	pg                      Postgres
}

// CreateDatabases creates fresh persistence and visibility databases
// named after suffix, with Temporal's schemas at their latest version.
func CreateDatabases(b Binaries, pg Postgres, suffix string) (*Databases, error) {
	d := &Databases{Persistence: "sf_temporal_" + suffix, Visibility: "sf_temporal_vis_" + suffix, bins: b, pg: pg}
	for _, db := range []struct{ name, schema string }{
		{d.Persistence, filepath.Join(b.Schemas, "temporal", "versioned")},
		{d.Visibility, filepath.Join(b.Schemas, "visibility", "versioned")},
	} {
		for _, args := range [][]string{{"create-database"}, {"setup-schema", "-v", "0.0"}, {"update-schema", "-d", db.schema}} {
			if err := d.sqlTool(db.name, args...); err != nil {
				return d, err
			}
		}
	}
	return d, nil
}

// Drop removes both databases.
func (d *Databases) Drop() error {
	return errors.Join(d.sqlTool(d.Persistence, "drop-database", "--force"), d.sqlTool(d.Visibility, "drop-database", "--force"))
}

func (d *Databases) sqlTool(db string, args ...string) error {
	base := []string{"--plugin", "postgres12", "--ep", d.pg.Host, "-p", d.pg.Port, "-u", d.pg.User, "--db", db}
	if d.pg.Password != "" {
		base = append(base, "--pw", d.pg.Password)
	}
	out, err := exec.Command(d.bins.SQLTool, append(base, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("temporal-sql-tool %s on %s: %w\n%s", strings.Join(args, " "), db, err, out)
	}
	return nil
}

// Server is a Temporal server process with the frontend, history,
// matching and worker services.
type Server struct {
	// Frontend is the host:port clients dial.
	Frontend string
	bin, dir string
	cmd      *exec.Cmd
	done     chan struct{}
}

// NewServer writes the server's configuration into dir: shards history
// shards, and dynamic config values beside the defaults (keys of
// go.temporal.io/server/common/dynamicconfig, e.g.
// "matching.numTaskqueueReadPartitions").
func NewServer(b Binaries, dir string, pg Postgres, dbs *Databases, shards int, dynamic map[string]any) (*Server, error) {
	// Membership ports below 32768: PostgreSQL keeps them as smallint.
	ports, err := lowPorts(9)
	if err != nil {
		return nil, err
	}
	s := &Server{bin: b.Server, dir: dir, Frontend: fmt.Sprintf("127.0.0.1:%d", ports[0])}
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
`, name, pg.Host, pg.Port, pg.User, pg.Password, conns, conns)
	}
	cfg := fmt.Sprintf(`log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: %d
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
`, shards, store(dbs.Persistence, 20), store(dbs.Visibility, 4), ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7], ports[8],
		s.Frontend, filepath.Join(dir, "dynamicconfig.yaml"))
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o750); err != nil {
		return nil, fmt.Errorf("create server config dir: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "development.yaml"), []byte(cfg), 0o600); err != nil {
		return nil, fmt.Errorf("write server config: %w", err)
	}
	values := map[string]any{"system.forceSearchAttributesCacheRefreshOnRead": true}
	for k, v := range dynamic {
		values[k] = v
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var dyn strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&dyn, "%s:\n  - value: %v\n", k, values[k])
	}
	if err := os.WriteFile(filepath.Join(dir, "dynamicconfig.yaml"), []byte(dyn.String()), 0o600); err != nil {
		return nil, fmt.Errorf("write dynamic config: %w", err)
	}
	return s, nil
}

// Start starts the server process and returns once its frontend is healthy.
func (s *Server) Start(ctx context.Context) error {
	logf, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	s.cmd = exec.Command(s.bin, "--root", s.dir, "--config", "config", "--env", "development", "--allow-no-auth", "start")
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start temporal-server: %w", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); logf.Close(); close(done) }(s.cmd, s.done)
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		select {
		case <-s.done:
			s.cmd = nil
			return fmt.Errorf("the Temporal server exited at start:\n%s", s.LogTail())
		default:
		}
		c, err := client.DialContext(ctx, client.Options{HostPort: s.Frontend, Logger: quiet})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the Temporal server did not answer: %w\n%s", err, s.LogTail())
		}
	}
}

// Stop stops the server with SIGTERM (SIGKILL after 30 s) and waits.
func (s *Server) Stop() {
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

// LogTail is the end of the server's log.
func (s *Server) LogTail() string {
	raw, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	if len(raw) > 4000 {
		raw = raw[len(raw)-4000:]
	}
	return string(raw)
}

// RegisterNamespace registers the namespace and waits until the frontend
// serves it.
func RegisterNamespace(ctx context.Context, addr, namespace string) error {
	nc, err := client.NewNamespaceClient(client.Options{HostPort: addr, Logger: quiet})
	if err != nil {
		return fmt.Errorf("namespace client: %w", err)
	}
	defer nc.Close()
	err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{Namespace: namespace,
		WorkflowExecutionRetentionPeriod: durationpb.New(72 * time.Hour)})
	if err != nil {
		return fmt.Errorf("register namespace %s: %w", namespace, err)
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: addr, Namespace: namespace, Logger: quiet})
	if err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	defer c.Close()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		_, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, PageSize: 1})
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("namespace %s not served after registering: %w", namespace, err)
		}
	}
}

// lowPorts are n free loopback ports below 32768.
func lowPorts(n int) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for tries := 0; len(out) < n; tries++ {
		if tries > 10000 {
			return nil, errors.New("no free ports below 32768")
		}
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
	return out, nil
}

// quiet drops the SDK's log lines of the helper's own clients.
var quiet sdklog.Logger = discard{}

type discard struct{}

func (discard) Debug(string, ...any) {}
func (discard) Info(string, ...any)  {}
func (discard) Warn(string, ...any)  {}
func (discard) Error(string, ...any) {}
