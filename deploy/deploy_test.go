package deploy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"suggestflow/api"
	"suggestflow/config"
	"suggestflow/policy"
)

// The roles a process takes as its first argument (main.go); without one
// it runs everything ("all").
var roles = []string{"api", "worker", "temporal"}

const roleAll = "all"

// The API's health routes (api/server.go); TestHealthRoutesExist ties
// them to the router.
const (
	livez  = "/livez"
	readyz = "/readyz"
)

// Files that must be there, relative to deploy/.
const (
	composeFile    = "docker-compose.yml"
	dockerfileName = "Dockerfile"
	policyExample  = "policy.example.yaml"
	envExample     = ".env.example"
)

var requiredFiles = []string{
	composeFile, dockerfileName, policyExample, envExample,
	"k8s/configmap.yaml", "k8s/secret.yaml", "k8s/api-deployment.yaml", "k8s/worker-deployment.yaml",
}

func TestDeployFiles(t *testing.T) {
	for _, p := range check(os.DirFS("."), goVersion(t)) {
		t.Error(p)
	}
}

// TestHealthRoutesExist makes sure the probe paths the files use are real
// routes of the API.
func TestHealthRoutesExist(t *testing.T) {
	routes := map[string]bool{}
	for _, r := range api.New(api.Deps{}).Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	for _, p := range []string{livez, readyz} {
		if !routes["GET "+p] {
			t.Errorf("the API has no GET %s route, but the probes in deploy/ use it", p)
		}
	}
}

// TestChecksCatchMistakes breaks a copy of the files in one place at a time
// and expects the checks to notice, so that a check that silently stopped
// looking fails here.
func TestChecksCatchMistakes(t *testing.T) {
	real := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		real[p] = &fstest.MapFile{Data: raw}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gover := goVersion(t)
	if p := check(real, gover); len(p) > 0 {
		t.Fatalf("the unchanged copy has problems: %v", p)
	}
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"renamed variable in compose", composeFile, "SUGGESTFLOW_TEMPORAL_ADDRESS: temporal:7233", "SUGGESTFLOW_TEMPORAL_ADDR: temporal:7233", "SUGGESTFLOW_TEMPORAL_ADDR"},
		{"lower-case variable in compose", composeFile, "SUGGESTFLOW_LOG_FORMAT: json", "suggestflow_log_format: json", "suggestflow_log_format"},
		{"unknown variable in a secret", "k8s/secret.yaml", "SUGGESTFLOW_ADMIN_TOKEN:", "SUGGESTFLOW_ADMIN_TOKN:", "SUGGESTFLOW_ADMIN_TOKN"},
		{"unknown variable in the Dockerfile", dockerfileName, "SUGGESTFLOW_DATA_DIR=/data", "SUGGESTFLOW_DATADIR=/data", "SUGGESTFLOW_DATADIR"},
		{"unknown variable in the README", "README.md", "SUGGESTFLOW_TEMPORAL_ADDRESS", "SUGGESTFLOW_TEMPORAL_HOST", "SUGGESTFLOW_TEMPORAL_HOST"},
		{"compose YAML broken", composeFile, "services:\n", "services: [\n", "does not parse"},
		{"k8s YAML broken", "k8s/worker-deployment.yaml", "  replicas: 2\n", "  replicas: [2\n", "does not parse"},
		{"unknown role in compose", composeFile, `command: ["worker"]`, `command: ["workers"]`, `"workers"`},
		{"unknown role in k8s", "k8s/worker-deployment.yaml", `args: ["worker"]`, `args: ["wroker"]`, `"wroker"`},
		{"compose API port", composeFile, `"8080:8080"`, `"8080:8081"`, "8080"},
		{"compose health check", composeFile, "http://127.0.0.1:8080/readyz", "http://127.0.0.1:8080/ready", "/readyz"},
		{"compose Temporal port", composeFile, "SUGGESTFLOW_TEMPORAL_ADDRESS: temporal:7233", "SUGGESTFLOW_TEMPORAL_ADDRESS: temporal:7234", "7234"},
		{"compose Temporal host", composeFile, "SUGGESTFLOW_TEMPORAL_ADDRESS: temporal:7233", "SUGGESTFLOW_TEMPORAL_ADDRESS: temporl:7233", "temporl"},
		{"compose SQLite across containers", composeFile, "SUGGESTFLOW_DB_DSN: mysql://", "SUGGESTFLOW_DB_DSN: sqlite:///data/x.db#", "mysql://"},
		{"compose interpolation undocumented", composeFile, "${MYSQL_ROOT_PASSWORD:?", "${MYSQL_ROOT_PASSWORD_X:?", "MYSQL_ROOT_PASSWORD_X"},
		{"k8s container port", "k8s/api-deployment.yaml", "containerPort: 8080", "containerPort: 8081", "8080"},
		{"k8s HTTP address", "k8s/api-deployment.yaml", `value: "0.0.0.0:8080"`, `value: "0.0.0.0:9090"`, "9090"},
		{"k8s readiness path", "k8s/api-deployment.yaml", "path: /readyz", "path: /ready", "/readyz"},
		{"k8s Temporal port", "k8s/worker-deployment.yaml", `value: "temporal-frontend:7233"`, `value: "temporal-frontend:7234"`, "7234"},
		{"k8s secret key missing", "k8s/worker-deployment.yaml", "key: SUGGESTFLOW_DB_DSN", "key: DB_DSN", "DB_DSN"},
		{"k8s writable root", "k8s/api-deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"},
		{"k8s root allowed", "k8s/worker-deployment.yaml", "runAsNonRoot: true", "runAsNonRoot: false", "runAsNonRoot"},
		{"k8s namespace", "k8s/secret.yaml", "  name: suggestflow\n", "  name: suggestflow\n  namespace: prod\n", "namespace"},
		{"k8s command overrides entrypoint", "k8s/api-deployment.yaml", `args: ["api"]`, `command: ["/bin/sh"]` + "\n          " + `args: ["api"]`, "command"},
		{"k8s policy mount", "k8s/api-deployment.yaml", "mountPath: /etc/suggestflow\n", "mountPath: /etc/policy\n", "policy.yaml"},
		{"k8s service port", "k8s/api-deployment.yaml", "targetPort: http", "targetPort: 9000", "targetPort"},
		{"bad policy value in ConfigMap", "k8s/configmap.yaml", "reply_within: P3M", "reply_within: P3X", "reply_within"},
		{"unknown policy key in ConfigMap", "k8s/configmap.yaml", "reply_within: P3M", "reply_withn: P3M", "reply_withn"},
		{"ConfigMap differs from example", "k8s/configmap.yaml", "reply_within: P3M", "reply_within: P4M", "differs"},
		{"bad example policy", policyExample, "quiet_hours: \"21:00-08:00\"", "quiet_hours: \"9pm\"", "quiet_hours"},
		{"Dockerfile runs as root", dockerfileName, "USER 65532:65532", "USER root", "root"},
		{"Dockerfile HTTP port", dockerfileName, "SUGGESTFLOW_HTTP_ADDR=0.0.0.0:8080", "SUGGESTFLOW_HTTP_ADDR=0.0.0.0:9090", "9090"},
		{"Dockerfile EXPOSE", dockerfileName, "EXPOSE 8080 7233 8233", "EXPOSE 8080 8233", "7233"},
		{"Dockerfile cgo", dockerfileName, "CGO_ENABLED=0", "CGO_ENABLED=1", "CGO_ENABLED"},
		{"Dockerfile entrypoint", dockerfileName, `ENTRYPOINT ["/suggestflow"]`, `ENTRYPOINT ["/app"]`, "/app"},
		{"Dockerfile Go too old", dockerfileName, "FROM golang:1.26 AS", "FROM golang:1.25 AS", "golang:1.25"},
		{"Dockerfile unknown instruction", dockerfileName, "WORKDIR /src", "WORKDIRR /src", "WORKDIRR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig, ok := real[tc.file]
			if !ok {
				t.Fatalf("%s is missing", tc.file)
			}
			if !bytes.Contains(orig.Data, []byte(tc.old)) {
				t.Fatalf("%s no longer contains %q: update this mutation", tc.file, tc.old)
			}
			mutated := fstest.MapFS{}
			for k, v := range real {
				mutated[k] = v
			}
			mutated[tc.file] = &fstest.MapFile{Data: bytes.Replace(orig.Data, []byte(tc.old), []byte(tc.new), 1)}
			problems := check(mutated, gover)
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Errorf("no problem mentioning %q; got %q", tc.want, problems)
		})
	}
}

// goVersion is the go directive of the module's go.mod.
func goVersion(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+(?:\.\d+)?)\s*$`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	return string(m[1])
}

// ---------------------------------------------------------------------------
// The checks

type checker struct {
	fsys      fs.FS
	goVersion string
	texts     map[string]string // every non-Go file
	yamls     map[string][]any  // every YAML file, by document
	docker    *dockerfile
	vars      map[string]bool
	httpPort  int // defaults of the config package
	tempPort  int
	uiPort    int
	problems  []string
	seen      map[string]bool
}

// check reads the deployment files in fsys and returns every problem.
func check(fsys fs.FS, goVersion string) []string {
	c := &checker{fsys: fsys, goVersion: goVersion, texts: map[string]string{}, yamls: map[string][]any{},
		vars: map[string]bool{}, seen: map[string]bool{}}
	for _, v := range config.Variables() {
		c.vars[v] = true
	}
	def, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		c.errorf("config", "the defaults do not load: %v", err)
	}
	c.httpPort = c.port("config", "default SUGGESTFLOW_HTTP_ADDR", def.HTTPAddr)
	c.tempPort = c.port("config", "default SUGGESTFLOW_TEMPORAL_LISTEN", def.TemporalListen)
	c.uiPort = c.port("config", "default SUGGESTFLOW_TEMPORAL_UI_ADDR", def.TemporalUIAddr)

	c.load()
	c.checkVariableNames()
	c.checkDockerfile()
	c.checkCompose()
	c.checkKubernetes()
	c.checkPolicies()
	return c.problems
}

func (c *checker) errorf(file, format string, args ...any) {
	p := file + ": " + fmt.Sprintf(format, args...)
	if !c.seen[p] {
		c.seen[p] = true
		c.problems = append(c.problems, p)
	}
}

// port is the port of a host:port address, or 0 with a problem.
func (c *checker) port(file, what, addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err == nil {
		var n int
		if n, err = strconv.Atoi(p); err == nil {
			return n
		}
	}
	c.errorf(file, "%s %q is not host:port", what, addr)
	return 0
}

func (c *checker) load() {
	err := fs.WalkDir(c.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// Go files are checked by the compiler; .env holds local secrets.
		if strings.HasSuffix(p, ".go") || path.Base(p) == ".env" {
			return nil
		}
		raw, err := fs.ReadFile(c.fsys, p)
		if err != nil {
			return err
		}
		c.texts[p] = string(raw)
		switch {
		case strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml"):
			c.yamls[p] = c.parseYAML(p, raw)
		case path.Base(p) == dockerfileName:
			df, err := parseDockerfile(string(raw))
			if err != nil {
				c.errorf(p, "does not parse: %v", err)
			} else if p == dockerfileName {
				c.docker = df
			}
		}
		return nil
	})
	if err != nil {
		c.errorf(".", "cannot read the files: %v", err)
	}
	for _, f := range requiredFiles {
		if _, ok := c.texts[f]; !ok {
			c.errorf(f, "is missing")
		}
	}
}

// parseYAML decodes every document of a YAML stream.
func (c *checker) parseYAML(name string, raw []byte) []any {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []any
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.errorf(name, "does not parse as YAML: %v", err)
			return nil
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		c.errorf(name, "holds no YAML document")
	}
	return docs
}

var varPattern = regexp.MustCompile(`SUGGESTFLOW_[A-Za-z0-9_]+`)

// checkVariableNames looks for SUGGESTFLOW_ names in every file, comments
// and documentation included, and wants each to be a real one.
func (c *checker) checkVariableNames() {
	for _, name := range sortedKeys(c.texts) {
		for _, v := range varPattern.FindAllString(c.texts[name], -1) {
			c.checkVarName(name, v)
		}
	}
}

// checkVarName is for a name that is set somewhere: if it looks like one
// of ours (in any case), it must be one of config.Variables exactly.
func (c *checker) checkVarName(file, name string) {
	if strings.HasPrefix(strings.ToUpper(name), "SUGGESTFLOW_") && !c.vars[name] {
		c.errorf(file, "%s is not a configuration variable (config.Variables: %s)", name, strings.Join(sortedKeys(c.vars), ", "))
	}
}

// ---------------------------------------------------------------------------
// Dockerfile

type instruction struct {
	cmd, args string
	line      int
}

type stage struct {
	from, name string
	instrs     []instruction
	env        map[string]string
	copies     []string // destinations
}

type dockerfile struct{ stages []*stage }

var knownInstructions = map[string]bool{"FROM": true, "ENV": true, "EXPOSE": true, "USER": true, "ENTRYPOINT": true,
	"CMD": true, "COPY": true, "ADD": true, "RUN": true, "WORKDIR": true, "VOLUME": true, "ARG": true, "LABEL": true,
	"HEALTHCHECK": true, "SHELL": true, "STOPSIGNAL": true, "ONBUILD": true}

// parseDockerfile is a small line parser: comments, continuations, stages,
// and the instructions the checks read.
func parseDockerfile(raw string) (*dockerfile, error) {
	df := &dockerfile{}
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(raw, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue // also inside a continuation, as Docker does
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		if err := df.add(cur.String(), start); err != nil {
			return nil, err
		}
		cur.Reset()
	}
	if cur.Len() > 0 {
		return nil, fmt.Errorf("line %d: the file ends inside a continued line", start)
	}
	if len(df.stages) == 0 {
		return nil, errors.New("no FROM")
	}
	return df, nil
}

func (df *dockerfile) add(text string, line int) error {
	cmd, args, _ := strings.Cut(text, " ")
	cmd, args = strings.ToUpper(cmd), strings.TrimSpace(args)
	if !knownInstructions[cmd] {
		return fmt.Errorf("line %d: unknown instruction %s", line, cmd)
	}
	if cmd == "FROM" {
		var words []string
		for _, w := range strings.Fields(args) {
			if !strings.HasPrefix(w, "--") {
				words = append(words, w)
			}
		}
		if len(words) != 1 && (len(words) != 3 || !strings.EqualFold(words[1], "AS")) {
			return fmt.Errorf("line %d: FROM %s: want an image and an optional AS name", line, args)
		}
		st := &stage{from: words[0], env: map[string]string{}}
		if len(words) == 3 {
			st.name = words[2]
		}
		df.stages = append(df.stages, st)
		return nil
	}
	if len(df.stages) == 0 {
		if cmd == "ARG" {
			return nil
		}
		return fmt.Errorf("line %d: %s before FROM", line, cmd)
	}
	st := df.stages[len(df.stages)-1]
	st.instrs = append(st.instrs, instruction{cmd: cmd, args: args, line: line})
	switch cmd {
	case "ENV":
		words, err := splitWords(args)
		if err != nil {
			return fmt.Errorf("line %d: ENV: %v", line, err)
		}
		if len(words) > 0 && !strings.Contains(words[0], "=") { // ENV key value
			st.env[words[0]] = strings.Join(words[1:], " ")
			return nil
		}
		for _, w := range words {
			k, v, ok := strings.Cut(w, "=")
			if !ok {
				return fmt.Errorf("line %d: ENV %q is not key=value", line, w)
			}
			st.env[k] = v
		}
	case "COPY", "ADD":
		var words []string
		for _, w := range strings.Fields(args) {
			if !strings.HasPrefix(w, "--") {
				words = append(words, w)
			}
		}
		if len(words) < 2 {
			return fmt.Errorf("line %d: %s needs a source and a destination", line, cmd)
		}
		st.copies = append(st.copies, words[len(words)-1])
	}
	return nil
}

// splitWords splits on blanks, honouring quotes and backslashes.
func splitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	in, quote, esc := false, rune(0), false
	for _, r := range s {
		switch {
		case esc:
			w.WriteRune(r)
			esc = false
		case r == '\\' && quote != '\'':
			esc, in = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unclosed quote")
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}

// jsonOrWords reads an exec-form (JSON) list or plain words.
func jsonOrWords(args string) ([]string, bool) {
	if strings.HasPrefix(args, "[") {
		var list []string
		if err := json.Unmarshal([]byte(args), &list); err == nil {
			return list, true
		}
	}
	return strings.Fields(args), false
}

func (c *checker) checkDockerfile() {
	const f = dockerfileName
	df := c.docker
	if df == nil {
		return // missing or unparsable: already reported
	}
	final := df.stages[len(df.stages)-1]

	// Non-root: an explicit USER that is not root, or a :nonroot base.
	user := ""
	for _, in := range final.instrs {
		if in.cmd == "USER" {
			user = in.args
		}
	}
	if user == "" {
		if !strings.Contains(final.from, ":nonroot") {
			c.errorf(f, "the final stage (FROM %s) sets no USER and its base is not a :nonroot image", final.from)
		}
	} else if u, _, _ := strings.Cut(user, ":"); u == "root" || u == "0" {
		c.errorf(f, "the final stage runs as USER %s (root)", user)
	}

	// The entrypoint is the binary, in exec form, copied into the stage.
	entry := ""
	for _, in := range final.instrs {
		if in.cmd == "ENTRYPOINT" {
			list, exec := jsonOrWords(in.args)
			if !exec || len(list) == 0 {
				c.errorf(f, "line %d: ENTRYPOINT must be exec form [\"/suggestflow\"] so that the role argument reaches the binary", in.line)
				continue
			}
			entry = list[0]
		}
	}
	switch {
	case entry == "":
		c.errorf(f, "the final stage has no ENTRYPOINT")
	case !slices.Contains(final.copies, entry):
		c.errorf(f, "ENTRYPOINT %s is not copied into the final stage", entry)
	case path.Base(entry) != "suggestflow":
		c.errorf(f, "ENTRYPOINT %s is not the suggestflow binary", entry)
	}

	// Variables and ports.
	for _, k := range sortedKeys(final.env) {
		c.checkVarName(f, k)
	}
	httpPort, tempPort, uiPort := c.httpPort, c.tempPort, c.uiPort
	if v, ok := final.env["SUGGESTFLOW_HTTP_ADDR"]; ok {
		if httpPort = c.port(f, "SUGGESTFLOW_HTTP_ADDR", v); httpPort != c.httpPort {
			c.errorf(f, "SUGGESTFLOW_HTTP_ADDR %s: the API port is %d everywhere else (config default)", v, c.httpPort)
		}
	}
	if v, ok := final.env["SUGGESTFLOW_TEMPORAL_LISTEN"]; ok {
		if tempPort = c.port(f, "SUGGESTFLOW_TEMPORAL_LISTEN", v); tempPort != c.tempPort {
			c.errorf(f, "SUGGESTFLOW_TEMPORAL_LISTEN %s: the Temporal port is %d (config default)", v, c.tempPort)
		}
	}
	if v, ok := final.env["SUGGESTFLOW_TEMPORAL_UI_ADDR"]; ok && v != "off" {
		if uiPort = c.port(f, "SUGGESTFLOW_TEMPORAL_UI_ADDR", v); uiPort != c.uiPort {
			c.errorf(f, "SUGGESTFLOW_TEMPORAL_UI_ADDR %s: the UI port is %d (config default)", v, c.uiPort)
		}
	}
	exposed := map[int]bool{}
	for _, in := range final.instrs {
		if in.cmd != "EXPOSE" {
			continue
		}
		for _, w := range strings.Fields(in.args) {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(w, "/tcp"), "/udp"))
			if err != nil {
				c.errorf(f, "line %d: EXPOSE %s is not a port", in.line, w)
			}
			exposed[n] = true
		}
	}
	want := map[int]string{httpPort: "the API", tempPort: "the embedded Temporal frontend", uiPort: "the embedded Temporal Web UI"}
	for p, what := range want {
		if !exposed[p] {
			c.errorf(f, "EXPOSE lacks %d (%s)", p, what)
		}
	}
	for p := range exposed {
		if _, ok := want[p]; !ok {
			c.errorf(f, "EXPOSE %d: nothing listens there", p)
		}
	}
	if dir, ok := final.env["SUGGESTFLOW_DATA_DIR"]; ok {
		found := false
		for _, in := range final.instrs {
			if in.cmd == "VOLUME" {
				list, _ := jsonOrWords(in.args)
				found = found || slices.Contains(list, dir)
			}
		}
		if !found {
			c.errorf(f, "SUGGESTFLOW_DATA_DIR %s is not a VOLUME", dir)
		}
	}

	// A distroless static (or scratch) image needs a static binary.
	if strings.Contains(final.from, "static") || final.from == "scratch" {
		for _, st := range df.stages {
			for _, in := range st.instrs {
				if in.cmd == "RUN" && strings.Contains(in.args, "go build") &&
					st.env["CGO_ENABLED"] != "0" && !strings.Contains(in.args, "CGO_ENABLED=0") {
					c.errorf(f, "line %d: go build without CGO_ENABLED=0, but %s has no C library", in.line, final.from)
				}
			}
		}
	}

	// The Go image must be at least go.mod's version.
	for _, st := range df.stages {
		image, tag, ok := strings.Cut(st.from, ":")
		if !ok || path.Base(image) != "golang" {
			continue
		}
		if v := regexp.MustCompile(`^\d+\.\d+(\.\d+)?`).FindString(tag); v != "" && versionLess(v, c.goVersion) {
			c.errorf(f, "FROM %s is older than go.mod's go %s", st.from, c.goVersion)
		}
	}
}

// versionLess compares dotted versions; a missing patch level of a (an
// image tag like 1.26 that follows the latest patch) counts as the newest.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range bs {
		if i >= len(as) {
			return false
		}
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x < y
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// docker-compose.yml

func (c *checker) checkCompose() {
	const f = composeFile
	docs := c.yamls[f]
	if len(docs) != 1 {
		return // missing, unparsable or reported
	}
	services := asMap(asMap(docs[0])["services"])
	if len(services) == 0 {
		c.errorf(f, "has no services")
		return
	}
	appEnv := map[string]map[string]string{} // service → environment
	roleCount := map[string]int{}
	for _, name := range sortedKeys(services) {
		svc := asMap(services[name])
		env := composeEnv(svc["environment"])
		for _, k := range sortedKeys(env) {
			c.checkVarName(f, k)
		}
		for _, dep := range composeDeps(svc["depends_on"]) {
			if _, ok := services[dep]; !ok {
				c.errorf(f, "service %s depends on %s, which is not a service", name, dep)
			}
		}
		if addr, ok := env["TEMPORAL_ADDRESS"]; ok { // the Temporal UI
			c.checkComposeTemporal(name, addr, services)
		}
		if svc["build"] == nil && !strings.HasPrefix(asString(svc["image"]), "suggestflow") {
			continue // not ours
		}
		cmd := stringList(svc["command"])
		role := roleAll
		if len(cmd) > 0 {
			role = cmd[0]
			if !slices.Contains(roles, role) {
				c.errorf(f, "service %s: command %q is not a role (%s)", name, role, strings.Join(roles, ", "))
				continue
			}
		}
		roleCount[role]++
		if role == "api" || role == "worker" {
			appEnv[name] = env
			addr, ok := env["SUGGESTFLOW_TEMPORAL_ADDRESS"]
			if !ok {
				c.errorf(f, "service %s: the %s role needs SUGGESTFLOW_TEMPORAL_ADDRESS", name, role)
			} else {
				c.checkComposeTemporal(name, addr, services)
			}
			if dsn := env["SUGGESTFLOW_DB_DSN"]; !strings.HasPrefix(dsn, "mysql://") {
				c.errorf(f, "service %s: SUGGESTFLOW_DB_DSN must be mysql://... : containers cannot share one SQLite file", name)
			}
		}
		ports := composePorts(svc["ports"])
		if role == "worker" && len(ports) > 0 {
			c.errorf(f, "service %s: a worker has no HTTP server, yet publishes %v", name, ports)
		}
		if role == "api" || role == roleAll {
			p := c.httpPort
			if v, ok := env["SUGGESTFLOW_HTTP_ADDR"]; ok {
				if p = c.port(f, "service "+name+" SUGGESTFLOW_HTTP_ADDR", v); p != c.httpPort {
					c.errorf(f, "service %s: SUGGESTFLOW_HTTP_ADDR %s: the API port is %d everywhere else", name, v, c.httpPort)
				}
			}
			if !slices.Contains(ports, p) {
				c.errorf(f, "service %s: the API listens on %d but ports publish container ports %v", name, p, ports)
			}
			c.checkComposeHealth(name, asMap(svc["healthcheck"]), p)
		}
		if file, ok := env["SUGGESTFLOW_POLICY_FILE"]; ok {
			c.checkComposePolicyMount(name, file, stringList(svc["volumes"]))
		}
	}
	for _, r := range []string{"api", "worker"} {
		if roleCount[r] == 0 {
			c.errorf(f, "no service runs the %s role", r)
		}
	}
	// Every api and worker must agree on what they share.
	for _, k := range []string{"SUGGESTFLOW_TEMPORAL_ADDRESS", "SUGGESTFLOW_TEMPORAL_NAMESPACE", "SUGGESTFLOW_DB_DSN",
		"SUGGESTFLOW_PAYLOAD_KEY", "SUGGESTFLOW_POLICY_FILE"} {
		values := map[string]bool{}
		for _, env := range appEnv {
			values[env[k]] = true
		}
		if len(values) > 1 {
			c.errorf(f, "the api and worker services differ in %s: %v", k, sortedKeys(values))
		}
	}
	// Every interpolated variable is documented in .env.example.
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#?\s*([A-Za-z_][A-Za-z0-9_]*)=`).FindAllStringSubmatch(c.texts[envExample], -1) {
		documented[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`(^|[^$])\$\{([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(c.texts[f], -1) {
		if !documented[m[2]] {
			c.errorf(f, "${%s} is not documented in %s", m[2], envExample)
		}
		c.checkVarName(f, m[2])
	}
}

func (c *checker) checkComposeTemporal(service, addr string, services map[string]any) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		c.errorf(composeFile, "service %s: Temporal address %q is not host:port", service, addr)
		return
	}
	if _, ok := services[host]; !ok {
		c.errorf(composeFile, "service %s: Temporal address %s: %s is not a service", service, addr, host)
	}
	if p := c.port(composeFile, "service "+service+" Temporal address", addr); p != c.tempPort {
		c.errorf(composeFile, "service %s: Temporal address %s: the frontend port is %d (config default)", service, addr, c.tempPort)
	}
}

func (c *checker) checkComposeHealth(service string, hc map[string]any, port int) {
	test := strings.Join(stringList(hc["test"]), " ")
	if !strings.Contains(test, fmt.Sprintf(":%d%s", port, readyz)) {
		c.errorf(composeFile, "service %s: the healthcheck %q does not GET :%d%s", service, test, port, readyz)
	}
	// The image has no shell: a CMD must be a file the Dockerfile copies.
	if list := stringList(hc["test"]); len(list) > 1 && list[0] == "CMD" && c.docker != nil {
		final := c.docker.stages[len(c.docker.stages)-1]
		if !slices.Contains(final.copies, list[1]) {
			c.errorf(composeFile, "service %s: the healthcheck runs %s, which the image does not contain", service, list[1])
		}
	}
}

func (c *checker) checkComposePolicyMount(service, file string, volumes []string) {
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || parts[1] != file {
			continue
		}
		if src := path.Clean(parts[0]); !strings.HasPrefix(src, "/") {
			if _, err := fs.Stat(c.fsys, src); err != nil {
				c.errorf(composeFile, "service %s: mounts %s as the policy file, but deploy/%s does not exist", service, parts[0], src)
			}
		}
		return
	}
	c.errorf(composeFile, "service %s: SUGGESTFLOW_POLICY_FILE %s is not mounted", service, file)
}

// composeEnv reads environment in map or list form.
func composeEnv(v any) map[string]string {
	env := map[string]string{}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			env[k] = asString(val)
		}
	case []any:
		for _, item := range x {
			k, val, _ := strings.Cut(asString(item), "=")
			env[k] = val
		}
	}
	return env
}

func composeDeps(v any) []string {
	if m := asMap(v); m != nil {
		return sortedKeys(m)
	}
	return stringList(v)
}

// composePorts lists the container side of each published port.
func composePorts(v any) []int {
	var out []int
	for _, item := range asList(v) {
		var target string
		if m := asMap(item); m != nil {
			target = asString(m["target"])
		} else {
			s := asString(item)
			target = s[strings.LastIndex(s, ":")+1:]
		}
		target, _, _ = strings.Cut(target, "/")
		if n, err := strconv.Atoi(target); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Kubernetes

type k8sObject struct {
	file string
	kind string
	name string
	obj  map[string]any
}

// envSource is where one variable of a container comes from.
type envSource struct {
	value       string
	secret, key string
	fromSecret  bool
}

func (e envSource) String() string {
	if e.fromSecret {
		return "secret " + e.secret + "/" + e.key
	}
	return fmt.Sprintf("%q", e.value)
}

func (c *checker) checkKubernetes() {
	var objs []k8sObject
	for _, file := range sortedKeys(c.yamls) {
		if !strings.HasPrefix(file, "k8s/") {
			continue
		}
		for _, doc := range c.yamls[file] {
			m := asMap(doc)
			o := k8sObject{file: file, kind: asString(m["kind"]), name: asString(dig(m, "metadata", "name")), obj: m}
			if asString(m["apiVersion"]) == "" || o.kind == "" || o.name == "" {
				c.errorf(file, "a document lacks apiVersion, kind or metadata.name")
				continue
			}
			if ns := dig(m, "metadata", "namespace"); ns != nil {
				c.errorf(file, "%s %s sets metadata.namespace %v; keep the manifests namespace-agnostic (kubectl -n)", o.kind, o.name, ns)
			}
			objs = append(objs, o)
		}
	}
	secrets := map[string]map[string]string{}
	configMaps := map[string]map[string]string{}
	for _, o := range objs {
		switch o.kind {
		case "Secret":
			data := map[string]string{}
			for _, field := range []string{"stringData", "data"} {
				for k, v := range asMap(o.obj[field]) {
					data[k] = asString(v)
					c.checkVarName(o.file, k)
				}
			}
			secrets[o.name] = data
		case "ConfigMap":
			data := map[string]string{}
			for k, v := range asMap(o.obj["data"]) {
				data[k] = asString(v)
			}
			configMaps[o.name] = data
		}
	}
	if len(secrets) == 0 {
		c.errorf("k8s", "no Secret")
	}

	type workload struct {
		file, name string
		role       string
		labels     map[string]any
		containers []map[string]any
		env        map[string]envSource
	}
	var workloads []workload
	roleCount := map[string]int{}
	for _, o := range objs {
		if o.kind != "Deployment" {
			continue
		}
		f := o.file
		pod := asMap(dig(o.obj, "spec", "template", "spec"))
		labels := asMap(dig(o.obj, "spec", "template", "metadata", "labels"))
		for k, v := range asMap(dig(o.obj, "spec", "selector", "matchLabels")) {
			if labels[k] != v {
				c.errorf(f, "Deployment %s: selector %s=%v does not match the pod labels", o.name, k, v)
			}
		}
		volumes := map[string]map[string]any{}
		for _, v := range asList(pod["volumes"]) {
			volumes[asString(asMap(v)["name"])] = asMap(v)
		}
		podSC := asMap(pod["securityContext"])
		var containers []map[string]any
		for _, item := range asList(pod["containers"]) {
			containers = append(containers, asMap(item))
		}
		if len(containers) == 0 {
			c.errorf(f, "Deployment %s has no containers", o.name)
			continue
		}
		for _, ctr := range containers {
			where := fmt.Sprintf("Deployment %s container %s", o.name, asString(ctr["name"]))
			if ctr["command"] != nil {
				c.errorf(f, "%s: command overrides the image's ENTRYPOINT; give the role in args", where)
			}
			args := stringList(ctr["args"])
			role := roleAll
			if len(args) > 0 {
				role = args[0]
			}
			if role != roleAll && !slices.Contains(roles, role) {
				c.errorf(f, "%s: args %q is not a role (%s)", where, role, strings.Join(roles, ", "))
				continue
			}
			if comp := asString(labels["app.kubernetes.io/component"]); comp != "" && comp != role {
				c.errorf(f, "%s: runs the %s role but is labelled component %s", where, role, comp)
			}
			roleCount[role]++
			env := c.k8sEnv(f, where, ctr, secrets, configMaps)
			c.checkK8sSecurity(f, where, podSC, asMap(ctr["securityContext"]))
			if asMap(asMap(ctr["resources"])["requests"])["memory"] == nil || asMap(asMap(ctr["resources"])["limits"])["memory"] == nil {
				c.errorf(f, "%s: set resources.requests.memory and resources.limits.memory", where)
			}
			if role == "api" || role == "worker" {
				if e, ok := env["SUGGESTFLOW_TEMPORAL_ADDRESS"]; !ok || e.fromSecret {
					c.errorf(f, "%s: the %s role needs SUGGESTFLOW_TEMPORAL_ADDRESS as a value", where, role)
				} else if p := c.port(f, where+" SUGGESTFLOW_TEMPORAL_ADDRESS", e.value); p != c.tempPort {
					c.errorf(f, "%s: SUGGESTFLOW_TEMPORAL_ADDRESS %s: the frontend port is %d (config default and the Helm chart's)", where, e.value, c.tempPort)
				}
				dsn, ok := env["SUGGESTFLOW_DB_DSN"]
				if dsn.fromSecret {
					dsn.value = secrets[dsn.secret][dsn.key]
				}
				if !ok || !strings.HasPrefix(dsn.value, "mysql://") {
					c.errorf(f, "%s: SUGGESTFLOW_DB_DSN must be a mysql:// DSN: pods cannot share one SQLite file", where)
				}
			}
			if role == "api" || role == roleAll {
				c.checkK8sHTTP(f, where, ctr, env)
			}
			if e, ok := env["SUGGESTFLOW_POLICY_FILE"]; ok && !e.fromSecret {
				c.checkK8sPolicyMount(f, where, e.value, ctr, volumes, configMaps)
			}
			workloads = append(workloads, workload{file: f, name: o.name, role: role, labels: labels, containers: containers, env: env})
		}
	}
	for _, r := range []string{"api", "worker"} {
		if roleCount[r] == 0 {
			c.errorf("k8s", "no Deployment runs the %s role", r)
		}
	}
	// api and worker agree on what they share.
	for _, k := range []string{"SUGGESTFLOW_TEMPORAL_ADDRESS", "SUGGESTFLOW_TEMPORAL_NAMESPACE", "SUGGESTFLOW_DB_DSN",
		"SUGGESTFLOW_PAYLOAD_KEY", "SUGGESTFLOW_POLICY_FILE"} {
		values := map[string]bool{}
		for _, w := range workloads {
			if w.role == "api" || w.role == "worker" {
				values[w.env[k].String()] = true
			}
		}
		if len(values) > 1 {
			c.errorf("k8s", "the api and worker Deployments differ in %s: %v", k, sortedKeys(values))
		}
	}
	// Services select an API workload and target its port.
	apiServices := 0
	for _, o := range objs {
		if o.kind != "Service" {
			continue
		}
		sel := asMap(dig(o.obj, "spec", "selector"))
		var target *workload
		for i, w := range workloads {
			matches := len(sel) > 0
			for k, v := range sel {
				matches = matches && w.labels[k] == v
			}
			if matches {
				target = &workloads[i]
			}
		}
		if target == nil {
			c.errorf(o.file, "Service %s selects no Deployment", o.name)
			continue
		}
		if target.role == "worker" {
			c.errorf(o.file, "Service %s selects the workers, which serve nothing", o.name)
			continue
		}
		apiServices++
		for _, p := range asList(dig(o.obj, "spec", "ports")) {
			tp := asMap(p)["targetPort"]
			if tp == nil {
				tp = asMap(p)["port"]
			}
			if n := containerPort(target.containers[0], tp); n != c.httpPort {
				c.errorf(o.file, "Service %s: targetPort %v is not the API's container port %d", o.name, tp, c.httpPort)
			}
		}
	}
	if apiServices == 0 {
		c.errorf("k8s", "no Service for the API")
	}
}

// k8sEnv reads env and envFrom and checks their names and references.
func (c *checker) k8sEnv(f, where string, ctr map[string]any, secrets, configMaps map[string]map[string]string) map[string]envSource {
	env := map[string]envSource{}
	for _, item := range asList(ctr["env"]) {
		e := asMap(item)
		name := asString(e["name"])
		c.checkVarName(f, name)
		src := envSource{value: asString(e["value"])}
		if ref := asMap(dig(e, "valueFrom", "secretKeyRef")); ref != nil {
			src = envSource{secret: asString(ref["name"]), key: asString(ref["key"]), fromSecret: true}
			data, ok := secrets[src.secret]
			if !ok {
				c.errorf(f, "%s: %s refers to Secret %s, which is not in k8s/", where, name, src.secret)
			} else if _, ok := data[src.key]; !ok {
				c.errorf(f, "%s: %s refers to key %s, which Secret %s lacks", where, name, src.key, src.secret)
			}
		}
		if ref := asMap(dig(e, "valueFrom", "configMapKeyRef")); ref != nil {
			data, ok := configMaps[asString(ref["name"])]
			if _, has := data[asString(ref["key"])]; !ok || !has {
				c.errorf(f, "%s: %s refers to ConfigMap key %s/%s, which is not in k8s/", where, name, ref["name"], ref["key"])
			}
			src.value = data[asString(ref["key"])]
		}
		env[name] = src
	}
	for _, item := range asList(ctr["envFrom"]) {
		if ref := asMap(asMap(item)["secretRef"]); ref != nil {
			data, ok := secrets[asString(ref["name"])]
			if !ok {
				c.errorf(f, "%s: envFrom Secret %s is not in k8s/", where, ref["name"])
			}
			for k := range data {
				if _, set := env[k]; !set {
					env[k] = envSource{secret: asString(ref["name"]), key: k, fromSecret: true}
				}
			}
		}
		if ref := asMap(asMap(item)["configMapRef"]); ref != nil {
			data, ok := configMaps[asString(ref["name"])]
			if !ok {
				c.errorf(f, "%s: envFrom ConfigMap %s is not in k8s/", where, ref["name"])
			}
			for k, v := range data {
				c.checkVarName(f, k)
				if _, set := env[k]; !set {
					env[k] = envSource{value: v}
				}
			}
		}
	}
	return env
}

func (c *checker) checkK8sSecurity(f, where string, pod, ctr map[string]any) {
	nonRoot := ctr["runAsNonRoot"]
	if nonRoot == nil {
		nonRoot = pod["runAsNonRoot"]
	}
	if nonRoot != true {
		c.errorf(f, "%s: set securityContext.runAsNonRoot: true", where)
	}
	for _, sc := range []map[string]any{pod, ctr} {
		if u, ok := sc["runAsUser"]; ok && asString(u) == "0" {
			c.errorf(f, "%s: runAsUser 0 is root", where)
		}
	}
	if ctr["readOnlyRootFilesystem"] != true {
		c.errorf(f, "%s: set securityContext.readOnlyRootFilesystem: true", where)
	}
	if ctr["allowPrivilegeEscalation"] != false {
		c.errorf(f, "%s: set securityContext.allowPrivilegeEscalation: false", where)
	}
}

func (c *checker) checkK8sHTTP(f, where string, ctr map[string]any, env map[string]envSource) {
	p := c.httpPort
	if e, ok := env["SUGGESTFLOW_HTTP_ADDR"]; ok {
		if p = c.port(f, where+" SUGGESTFLOW_HTTP_ADDR", e.value); p != c.httpPort {
			c.errorf(f, "%s: SUGGESTFLOW_HTTP_ADDR %s: the API port is %d everywhere else", where, e.value, c.httpPort)
		}
	}
	found := false
	for _, item := range asList(ctr["ports"]) {
		found = found || asString(asMap(item)["containerPort"]) == strconv.Itoa(p)
	}
	if !found {
		c.errorf(f, "%s: no containerPort %d, where SUGGESTFLOW_HTTP_ADDR listens", where, p)
	}
	for _, probe := range []struct {
		field string
		paths []string
		need  bool
	}{
		{"livenessProbe", []string{livez}, true},
		{"readinessProbe", []string{readyz}, true},
		{"startupProbe", []string{livez, readyz}, false},
	} {
		get := asMap(dig(ctr, probe.field, "httpGet"))
		if get == nil {
			if probe.need {
				c.errorf(f, "%s: needs an httpGet %s on %s", where, probe.field, probe.paths[0])
			}
			continue
		}
		if path := asString(get["path"]); !slices.Contains(probe.paths, path) {
			c.errorf(f, "%s: %s GETs %s, want %s", where, probe.field, path, strings.Join(probe.paths, " or "))
		}
		if n := containerPort(ctr, get["port"]); n != p {
			c.errorf(f, "%s: %s port %v is not the API port %d", where, probe.field, get["port"], p)
		}
	}
}

// containerPort resolves a port number or name of a container.
func containerPort(ctr map[string]any, port any) int {
	if n, err := strconv.Atoi(asString(port)); err == nil {
		return n
	}
	for _, item := range asList(ctr["ports"]) {
		if asString(asMap(item)["name"]) == asString(port) {
			n, _ := strconv.Atoi(asString(asMap(item)["containerPort"]))
			return n
		}
	}
	return 0
}

func (c *checker) checkK8sPolicyMount(f, where, file string, ctr map[string]any, volumes map[string]map[string]any, configMaps map[string]map[string]string) {
	for _, item := range asList(ctr["volumeMounts"]) {
		m := asMap(item)
		mount, sub := asString(m["mountPath"]), asString(m["subPath"])
		key := ""
		switch {
		case sub == "" && mount == path.Dir(file):
			key = path.Base(file)
		case sub != "" && mount == file:
			key = sub
		default:
			continue
		}
		name := asString(dig(volumes[asString(m["name"])], "configMap", "name"))
		if _, ok := configMaps[name][key]; !ok {
			c.errorf(f, "%s: SUGGESTFLOW_POLICY_FILE %s is mounted from volume %s, which is not a ConfigMap in k8s/ with key %s", where, file, m["name"], key)
		}
		return
	}
	c.errorf(f, "%s: SUGGESTFLOW_POLICY_FILE %s is not mounted (want a ConfigMap volume at %s with key policy.yaml)", where, file, path.Dir(file))
}

// ---------------------------------------------------------------------------
// Policies

func (c *checker) checkPolicies() {
	raw, ok := c.texts[policyExample]
	if !ok {
		return
	}
	example, err := policy.Parse([]byte(raw), policy.Default())
	if err != nil {
		c.errorf(policyExample, "policy.Parse: %v", err)
	}
	found := false
	for _, file := range sortedKeys(c.yamls) {
		if !strings.HasPrefix(file, "k8s/") {
			continue
		}
		for _, doc := range c.yamls[file] {
			if asString(asMap(doc)["kind"]) != "ConfigMap" {
				continue
			}
			for key, v := range asMap(asMap(doc)["data"]) {
				if !strings.HasSuffix(key, ".yaml") {
					continue
				}
				found = true
				p, perr := policy.Parse([]byte(asString(v)), policy.Default())
				if perr != nil {
					c.errorf(file, "key %s: policy.Parse: %v", key, perr)
				} else if err == nil && !reflect.DeepEqual(p, example) {
					c.errorf(file, "key %s differs from %s; keep them in step", key, policyExample)
				}
			}
		}
	}
	if !found {
		c.errorf("k8s", "no ConfigMap holds a policy .yaml key")
	}
}

// ---------------------------------------------------------------------------
// Helpers for decoded YAML

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func asList(v any) []any         { l, _ := v.([]any); return l }

func asString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// stringList reads a list, or a string split into words.
func stringList(v any) []string {
	if s, ok := v.(string); ok {
		return strings.Fields(s)
	}
	var out []string
	for _, item := range asList(v) {
		out = append(out, asString(item))
	}
	return out
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		v = asMap(v)[k]
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
