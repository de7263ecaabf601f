// Package embedded runs a Temporal dev server inside the process, persisted
// to an SQLite file, so that one command is the whole system.
package embedded

import (
	"fmt"
	"log/slog"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/google/uuid"
	"github.com/temporalio/cli/temporalcli/devserver"
)

// Options configure the embedded server.
type Options struct {
	DataDir   string
	Listen    string // host:port of the frontend
	UIAddr    string // host:port of the Web UI, or "" / "off" for none
	Namespace string
	Logger    *slog.Logger
	// CodecEndpoint is where the Web UI decodes encrypted payloads.
	CodecEndpoint string
}

// Server is a running embedded Temporal server.
type Server struct {
	srv     *devserver.Server
	Address string
	UIURL   string
}

// Start starts the server and returns once it accepts connections.
func Start(o Options) (*Server, error) {
	host, port, err := splitHostPort(o.Listen)
	if err != nil {
		return nil, fmt.Errorf("temporal listen address %q: %w", o.Listen, err)
	}
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if err := devserver.CheckPortFree(host, port); err != nil {
		return nil, fmt.Errorf("temporal port %d is taken: %w", port, err)
	}
	dbFile := filepath.Join(o.DataDir, "temporal.db")
	// WAL with full sync keeps every committed write across a power cut
	// and still gets most of WAL's speed.
	pragmas := map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000"}
	layout, err := prepare(dbFile, pragmas)
	if err != nil {
		return nil, err
	}
	dynamic := map[string]any{
		"system.forceSearchAttributesCacheRefreshOnRead": true,
		"frontend.persistenceMaxQPS":                     10000,
		"history.persistenceMaxQPS":                      45000,
		// The cases in hand at once fit in a far smaller cache than a
		// cluster's 128,000 (a case out of it is read back from the
		// database when it wakes): 512 saved 33 MB with 10,000 open cases
		// and cost intake nothing measurable (BENCHMARKS.md, "Memory:
		// smaller caches").
		"history.hostLevelCacheMaxSize": 512,
	}
	maps.Copy(dynamic, layout.dynamicConfig())
	opts := devserver.StartOptions{
		FrontendIP:             host,
		FrontendPort:           port,
		Namespaces:             []string{o.Namespace},
		ClusterID:              uuid.NewString(),
		MasterClusterName:      "active",
		CurrentClusterName:     "active",
		InitialFailoverVersion: 1,
		Logger:                 o.Logger,
		LogLevel:               slog.LevelError,
		DatabaseFile:           dbFile,
		SqlitePragmas:          pragmas,
		DynamicConfigValues:    dynamic,
	}
	s := &Server{Address: net.JoinHostPort(host, strconv.Itoa(port))}
	if o.UIAddr != "" && o.UIAddr != "off" {
		uiHost, uiPort, err := splitHostPort(o.UIAddr)
		if err != nil {
			return nil, fmt.Errorf("temporal UI address %q: %w", o.UIAddr, err)
		}
		if err := devserver.CheckPortFree(uiHost, uiPort); err != nil {
			return nil, fmt.Errorf("temporal UI port %d is taken: %w", uiPort, err)
		}
		opts.UIIP, opts.UIPort = uiHost, uiPort
		opts.UICodecEndpoint = o.CodecEndpoint
		s.UIURL = fmt.Sprintf("http://%s", net.JoinHostPort(uiHost, strconv.Itoa(uiPort)))
	}
	srv, err := devserver.Start(opts)
	if err != nil {
		return nil, fmt.Errorf("start embedded temporal: %w", err)
	}
	s.srv = srv
	return s, nil
}

// Stop stops the server.
func (s *Server) Stop() { s.srv.Stop() }

func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	if host == "localhost" || host == "" {
		host = "127.0.0.1"
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", p)
	}
	if port == 0 {
		port = devserver.MustGetFreePort(host)
	}
	return host, port, nil
}

// FreePort returns a free TCP port on the host, for tests and for ":0".
func FreePort(host string) int { return devserver.MustGetFreePort(host) }
