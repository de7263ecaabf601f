// Package config reads the service's configuration from the environment
// and flags into one struct (CONTRACT.md lists every variable).
package config

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"suggestflow/delivery"
)

// Config is every setting of the service.
type Config struct {
	HTTPAddr          string
	DataDir           string
	TemporalAddress   string
	TemporalNamespace string
	TemporalListen    string
	TemporalUIAddr    string
	DBDSN             string
	PolicyFile        string
	AdminToken        string
	AdminPassword     string
	LogFormat         string
	PayloadKey        string
	// WriteRate is the writes per second allowed per token; 0 for none.
	WriteRate float64
	// WorkflowCache is how many cases a worker keeps in memory.
	WorkflowCache int
	// MemoryLimit is the Go runtime's soft memory limit in bytes; 0 for none.
	MemoryLimit int64
	// GCPercent is the collector's target, as GOGC: how far the heap grows
	// past what is live before it is collected.
	GCPercent int

	// Delivery is the delivery channels, parsed and checked; each one not
	// configured is off.
	Delivery       delivery.Config
	PresidiumEmail string

	// Connection to a Temporal cluster: TLS (mTLS with a client
	// certificate), or an API key over TLS.
	TemporalTLSCert   string
	TemporalTLSKey    string
	TemporalTLSCA     string
	TemporalTLSServer string
	TemporalAPIKey    string

	// OTLPEndpoint receives traces; empty leaves tracing off.
	OTLPEndpoint string
	// PublicURL is where people reach the pages, for links in notices.
	PublicURL string

	// Operations: a metrics listener of the process's own, and backups.
	Ops Ops

	// AttachmentsS3 keeps new attachments' bytes in an S3-compatible
	// service; nil: in the application database.
	AttachmentsS3 *S3

	// values are the settings as read, by variable.
	values map[string]string
}

type setting struct {
	env, flag, def, usage string
	dst                   *string
}

// raw holds the settings that are parsed into typed values after reading.
type raw struct {
	writeRate, workflowCache, memoryLimit, gcPercent string
	smtpURL, webhookURL, webhookSecret               string
	weComWebhook, dingTalkWebhook                    string
	dingTalkSecret, smsURL, smsTemplate              string
	attachmentsS3                                    string
}

func (c *Config) settings(r *raw) []setting {
	return []setting{
		{"SUGGESTFLOW_HTTP_ADDR", "http-addr", "127.0.0.1:8080", "API and web pages", &c.HTTPAddr},
		{"SUGGESTFLOW_DATA_DIR", "data-dir", "./data", "embedded databases", &c.DataDir},
		{"SUGGESTFLOW_TEMPORAL_ADDRESS", "temporal-address", "", "host:port of a Temporal frontend; empty starts the embedded server", &c.TemporalAddress},
		{"SUGGESTFLOW_TEMPORAL_NAMESPACE", "temporal-namespace", "default", "Temporal namespace", &c.TemporalNamespace},
		{"SUGGESTFLOW_TEMPORAL_LISTEN", "temporal-listen", "127.0.0.1:7233", "frontend address of the embedded server", &c.TemporalListen},
		{"SUGGESTFLOW_TEMPORAL_UI_ADDR", "temporal-ui-addr", "127.0.0.1:8233", "embedded server's Web UI; off for none", &c.TemporalUIAddr},
		{"SUGGESTFLOW_DB_DSN", "db-dsn", "", "mysql://user:pass@tcp(host:3306)/db?parseTime=true or sqlite://path; empty: SQLite in the data dir", &c.DBDSN},
		{"SUGGESTFLOW_POLICY_FILE", "policy-file", "", "YAML overriding policy values", &c.PolicyFile},
		{"SUGGESTFLOW_ADMIN_TOKEN", "admin-token", "", "bearer token of the first presidium account; empty: generated at first start", &c.AdminToken},
		{"SUGGESTFLOW_ADMIN_PASSWORD", "admin-password", "", "first password of the account admin; empty: generated and printed once at first start", &c.AdminPassword},
		{"SUGGESTFLOW_LOG_FORMAT", "log-format", "text", "text or json", &c.LogFormat},
		{"SUGGESTFLOW_PAYLOAD_KEY", "payload-key", "", "32-byte key (base64 or hex) to encrypt Temporal payloads with AES-GCM; empty: no encryption", &c.PayloadKey},
		{"SUGGESTFLOW_WRITE_RATE", "write-rate", "10", "writes per second allowed per token (bursts of 20); 0 for no limit", &r.writeRate},
		{"SUGGESTFLOW_WORKFLOW_CACHE", "workflow-cache", strconv.Itoa(DefaultWorkflowCache), "cases a worker keeps in memory between their steps; an evicted case replays its history when it wakes", &r.workflowCache},
		{"SUGGESTFLOW_MEMORY_LIMIT", "memory-limit", "", "soft memory limit of the Go runtime (e.g. 200MiB, 1GiB); empty or off: none; GOMEMLIMIT wins when set", &r.memoryLimit},
		{"SUGGESTFLOW_GC_PERCENT", "gc-percent", strconv.Itoa(DefaultGCPercent), "how far the Go heap grows past its live part before it is collected, in percent (Go's own default is 100); GOGC wins when set", &r.gcPercent},
		{"SUGGESTFLOW_SMTP_URL", "smtp-url", "", "smtp://user:pass@host:port?from=addr&starttls=required|opportunistic|none; empty: no email", &r.smtpURL},
		{"SUGGESTFLOW_WEBHOOK_URL", "webhook-url", "", "generic webhook receiving every notice", &r.webhookURL},
		{"SUGGESTFLOW_WEBHOOK_SECRET", "webhook-secret", "", "HMAC-SHA256 key for X-SuggestFlow-Signature", &r.webhookSecret},
		{"SUGGESTFLOW_WECOM_WEBHOOK", "wecom-webhook", "", "WeCom group robot webhook", &r.weComWebhook},
		{"SUGGESTFLOW_DINGTALK_WEBHOOK", "dingtalk-webhook", "", "DingTalk group robot webhook", &r.dingTalkWebhook},
		{"SUGGESTFLOW_DINGTALK_SECRET", "dingtalk-secret", "", "DingTalk robot signing secret", &r.dingTalkSecret},
		{"SUGGESTFLOW_SMS_URL", "sms-url", "", "HTTP SMS gateway", &r.smsURL},
		{"SUGGESTFLOW_SMS_TEMPLATE", "sms-template", "", "request body template of the SMS gateway", &r.smsTemplate},
		{"SUGGESTFLOW_TEMPORAL_TLS_CERT", "temporal-tls-cert", "", "client certificate file for mTLS to Temporal", &c.TemporalTLSCert},
		{"SUGGESTFLOW_TEMPORAL_TLS_KEY", "temporal-tls-key", "", "client key file for mTLS to Temporal", &c.TemporalTLSKey},
		{"SUGGESTFLOW_TEMPORAL_TLS_CA", "temporal-tls-ca", "", "CA file to verify the Temporal frontend; empty: the system's", &c.TemporalTLSCA},
		{"SUGGESTFLOW_TEMPORAL_TLS_SERVER_NAME", "temporal-tls-server-name", "", "server name to verify on the Temporal frontend's certificate", &c.TemporalTLSServer},
		{"SUGGESTFLOW_TEMPORAL_API_KEY", "temporal-api-key", "", "API key for Temporal (implies TLS)", &c.TemporalAPIKey},
		{"SUGGESTFLOW_OTLP_ENDPOINT", "otlp-endpoint", "", "OTLP/gRPC collector for traces (host:4317, http:// or https://); empty: no tracing", &c.OTLPEndpoint},
		{"SUGGESTFLOW_PUBLIC_URL", "public-url", "", "address people use to reach the pages, for links in notices; empty: http://<SUGGESTFLOW_HTTP_ADDR>", &c.PublicURL},
		{"SUGGESTFLOW_PRESIDIUM_EMAIL", "presidium-email", "", "address of the presidium's office for its notices", &c.PresidiumEmail},
		{"SUGGESTFLOW_ATTACHMENTS_S3", "attachments-s3", "", "s3://ACCESS_KEY:SECRET@host:port/bucket?region=R&secure=false: S3-compatible storage for attachments' bytes; empty: the application database", &r.attachmentsS3},
	}
}

func (c *Config) allSettings(r *raw) []setting { return append(c.settings(r), c.opsSettings()...) }

// Load reads defaults, then the environment, then flags.
func Load(args []string, getenv func(string) string) (Config, error) {
	var c Config
	var r raw
	settings := c.allSettings(&r)
	fs := flag.NewFlagSet("suggestflow", flag.ContinueOnError)
	for _, s := range settings {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		fs.StringVar(s.dst, s.flag, v, fmt.Sprintf("%s (%s)", s.usage, s.env))
	}
	hideSecrets(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.DBDSN == "" {
		c.DBDSN = "sqlite://" + filepath.Join(c.DataDir, "suggestflow.db")
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.HTTPAddr
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("SUGGESTFLOW_LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	var err error
	if c.WriteRate, err = strconv.ParseFloat(r.writeRate, 64); err != nil || c.WriteRate < 0 {
		return c, fmt.Errorf("SUGGESTFLOW_WRITE_RATE must be a number of writes per second, not %q", r.writeRate)
	}
	if c.WorkflowCache, err = strconv.Atoi(r.workflowCache); err != nil || c.WorkflowCache < 1 {
		return c, fmt.Errorf("SUGGESTFLOW_WORKFLOW_CACHE must be a positive number of cases, not %q", r.workflowCache)
	}
	if c.MemoryLimit, err = ParseSize(r.memoryLimit); err != nil {
		return c, fmt.Errorf("SUGGESTFLOW_MEMORY_LIMIT: %w", err)
	}
	if c.GCPercent, err = strconv.Atoi(r.gcPercent); err != nil || c.GCPercent < 10 || c.GCPercent > 1000 {
		return c, fmt.Errorf("SUGGESTFLOW_GC_PERCENT must be a whole number from 10 to 1000, not %q", r.gcPercent)
	}
	// The delivery channels are read from the values just read, so a flag
	// counts as much as the variable.
	values := map[string]string{}
	for _, s := range settings {
		values[s.env] = *s.dst
	}
	c.values = values
	if c.Delivery, err = delivery.FromEnv(func(k string) string { return values[k] }); err != nil {
		return c, err
	}
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		return c, fmt.Errorf("SUGGESTFLOW_TEMPORAL_TLS_CERT and SUGGESTFLOW_TEMPORAL_TLS_KEY go together")
	}
	if !strings.HasPrefix(c.DBDSN, "mysql://") && !strings.HasPrefix(c.DBDSN, "sqlite://") {
		return c, fmt.Errorf("SUGGESTFLOW_DB_DSN must start with mysql:// or sqlite://")
	}
	if c.AttachmentsS3, err = ParseS3(r.attachmentsS3); err != nil {
		return c, err
	}
	if err := c.Ops.validate(); err != nil {
		return c, err
	}
	return c, nil
}

// FromEnv loads with the process environment.
func FromEnv(args []string) (Config, error) { return Load(args, os.Getenv) }

// Variables lists the environment variables, for documentation checks.
func Variables() []string {
	var c Config
	var out []string
	for _, s := range c.allSettings(&raw{}) {
		out = append(out, s.env)
	}
	return out
}

// DefaultWorkflowCache is how many cases a worker keeps by default: with
// the embedded server's cache of 512 it holds 10,000 open cases under
// 300 MB (BENCHMARKS.md, "Memory: smaller caches").
const DefaultWorkflowCache = 250

// DefaultGCPercent keeps the heap nearer its live part than Go's 100 does:
// with 10,000 open cases most of the process's memory was garbage not yet
// collected (BENCHMARKS.md, "Memory with 10,000 open cases").
const DefaultGCPercent = 50

// ParseSize reads a byte count such as 200MiB, 1GiB, 512KiB or 1048576;
// "" and "off" are 0.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") {
		return 0, nil
	}
	unit := int64(1)
	for suffix, u := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if strings.HasSuffix(s, suffix) {
			s, unit = strings.TrimSuffix(s, suffix), u
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("a size is a positive number with KiB, MiB or GiB, or off, not %q", s)
	}
	return n * unit, nil
}

// Env returns a setting as read, by its environment variable name.
func (c Config) Env(name string) string { return c.values[name] }

// TemporalTLS builds the TLS settings for a Temporal cluster, or nil for a
// plain connection (the embedded server, a cluster on a private network).
func (c Config) TemporalTLS() (*tls.Config, error) {
	if c.TemporalTLSCert == "" && c.TemporalTLSCA == "" && c.TemporalTLSServer == "" && c.TemporalAPIKey == "" {
		return nil, nil
	}
	t := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.TemporalTLSServer}
	if c.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
		if err != nil {
			return nil, fmt.Errorf("temporal client certificate: %w", err)
		}
		t.Certificates = []tls.Certificate{cert}
	}
	if c.TemporalTLSCA != "" {
		pem, err := os.ReadFile(c.TemporalTLSCA)
		if err != nil {
			return nil, fmt.Errorf("temporal CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("temporal CA %s holds no certificate", c.TemporalTLSCA)
		}
		t.RootCAs = pool
	}
	return t, nil
}
