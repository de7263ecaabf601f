package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"suggestflow/config"
)

// The deploy files are read here by the code that reads them in
// production: compose-go (the library of `docker compose`, with the
// Compose Specification's JSON schema inside) for the compose file, and
// strict decoding into the Kubernetes API's own Go types for the
// manifests, both offline.

// TestDeployFilesPassTheirTools loads the files as they are.
func TestDeployFilesPassTheirTools(t *testing.T) {
	for _, p := range toolProblems(os.DirFS(".")) {
		t.Error(p)
	}
}

// TestToolsCatchBrokenCopies breaks a copy of one file at a time and
// expects the tools to refuse it.
func TestToolsCatchBrokenCopies(t *testing.T) {
	orig := fstest.MapFS{}
	for _, name := range append([]string{composeFile, envExample}, k8sFiles(t, os.DirFS("."))...) {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		orig[name] = &fstest.MapFile{Data: raw}
	}
	if p := toolProblems(orig); len(p) > 0 {
		t.Fatalf("the unbroken copy has problems: %v", p)
	}
	for _, b := range []struct{ file, old, new, want string }{
		// Compose: an unknown attribute and a wrong type, both refused by
		// the schema; a dependency on a service that does not exist.
		{composeFile, "    restart: unless-stopped\n    command: [\"--character", "    restart: unless-stopped\n    restat: always\n    command: [\"--character", "restat"},
		{composeFile, "      replicas: 2", "      replicas: two", "replicas"},
		{composeFile, "      api:\n        condition: service_healthy", "      apii:\n        condition: service_healthy", "apii"},
		// Compose: a variable the code does not read, and a port the API
		// does not listen on.
		{composeFile, "SUGGESTFLOW_LOG_FORMAT: json", "SUGGESTFLOW_LOG_FORMATT: json", "SUGGESTFLOW_LOG_FORMATT"},
		{composeFile, `"8080:8080"`, `"8080:8081"`, "8081"},
		// Kubernetes: a misspelt field, a wrong type, a wrong port.
		{"k8s/worker-deployment.yaml", "containerPort: 9464", "containerport: 9464", "containerport"},
		{"k8s/worker-deployment.yaml", "replicas: 2", "replicas: \"2\"", "replicas"},
		{"k8s/api-deployment.yaml", "      containers:", "      containers:\n        - name: sidecar\n          imagee: busybox", "imagee"},
		{"k8s/worker-deployment.yaml", "SUGGESTFLOW_METRICS_ADDR\n              value: \"0.0.0.0:9464\"", "SUGGESTFLOW_METRICS_ADDR\n              value: \"0.0.0.0:9465\"", "9465"},
		{"k8s/worker-deployment.yaml", "name: SUGGESTFLOW_DB_DSN", "name: SUGGESTFLOW_DB_DNS", "SUGGESTFLOW_DB_DNS"},
	} {
		broken := fstest.MapFS{}
		for k, v := range orig {
			broken[k] = v
		}
		text := string(orig[b.file].Data)
		if !strings.Contains(text, b.old) {
			t.Fatalf("%s no longer holds %q; update the test", b.file, b.old)
		}
		broken[b.file] = &fstest.MapFile{Data: []byte(strings.Replace(text, b.old, b.new, 1))}
		problems := toolProblems(broken)
		if !strings.Contains(strings.Join(problems, "\n"), b.want) {
			t.Errorf("%s with %q: the checks said %v, want a problem naming %q", b.file, b.new, problems, b.want)
		}
	}
}

// TestHelmValuesForPostgres reads the values file for Temporal's chart
// strictly enough to catch a mistyped key on the path the chart reads.
func TestHelmValuesForPostgres(t *testing.T) {
	raw, err := os.ReadFile("helm/temporal-values-postgres.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Server struct {
			Config struct {
				Persistence struct {
					DefaultStore     string `json:"defaultStore"`
					VisibilityStore  string `json:"visibilityStore"`
					NumHistoryShards int    `json:"numHistoryShards"`
					Datastores       map[string]struct {
						SQL map[string]any `json:"sql"`
					} `json:"datastores"`
				} `json:"persistence"`
				Namespaces struct {
					Create    bool `json:"create"`
					Namespace []struct {
						Name      string `json:"name"`
						Retention string `json:"retention"`
					} `json:"namespace"`
				} `json:"namespaces"`
			} `json:"config"`
		} `json:"server"`
	}
	if err := yaml.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	p := v.Server.Config.Persistence
	if p.NumHistoryShards < 1 {
		t.Errorf("numHistoryShards %d", p.NumHistoryShards)
	}
	for _, store := range []string{p.DefaultStore, p.VisibilityStore} {
		sql := p.Datastores[store].SQL
		if sql["pluginName"] != "postgres12" || sql["databaseName"] == nil || sql["connectAddr"] == nil {
			t.Errorf("datastore %q is not a PostgreSQL one: %v", store, sql)
		}
	}
	if !v.Server.Config.Namespaces.Create || len(v.Server.Config.Namespaces.Namespace) == 0 || v.Server.Config.Namespaces.Namespace[0].Name != "default" {
		t.Errorf("the values do not create the namespace the app uses: %+v", v.Server.Config.Namespaces)
	}
}

func k8sFiles(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	names, err := fs.Glob(fsys, "k8s/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no manifests in deploy/k8s: %v", err)
	}
	return names
}

// toolProblems loads the compose file and the manifests in fsys.
func toolProblems(fsys fs.FS) []string {
	var out []string
	out = append(out, composeProblems(fsys)...)
	out = append(out, kubernetesProblems(fsys)...)
	return out
}

func known() map[string]bool {
	m := map[string]bool{}
	for _, v := range config.Variables() {
		m[v] = true
	}
	return m
}

// composeProblems loads the compose file as `docker compose` does, with
// every variable of .env.example set, and checks the app services.
func composeProblems(fsys fs.FS) []string {
	raw, err := fs.ReadFile(fsys, composeFile)
	if err != nil {
		return []string{err.Error()}
	}
	env := types.Mapping{}
	envRaw, err := fs.ReadFile(fsys, envExample)
	if err != nil {
		return []string{err.Error()}
	}
	sc := bufio.NewScanner(bytes.NewReader(envRaw))
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "#"))
		if k, _, ok := strings.Cut(line, "="); ok && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`).MatchString(k) {
			env[k] = "x" + strings.ToLower(k)
		}
	}
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  ".",
		ConfigFiles: []types.ConfigFile{{Filename: composeFile, Content: raw}},
		Environment: env,
	}, func(o *loader.Options) {
		o.SetProjectName("suggestflow", true)
		o.ResolvePaths = false
	})
	if err != nil {
		return []string{fmt.Sprintf("%s: compose-go: %v", composeFile, err)}
	}
	var out []string
	vars := known()
	for _, name := range []string{"api", "worker"} {
		svc, ok := project.Services[name]
		if !ok {
			out = append(out, fmt.Sprintf("%s: no %s service", composeFile, name))
			continue
		}
		for _, k := range sortedKeys(svc.Environment) {
			if strings.HasPrefix(k, "SUGGESTFLOW_") && !vars[k] {
				out = append(out, fmt.Sprintf("%s: service %s sets %s, which the program does not read", composeFile, name, k))
			}
		}
		for _, k := range []string{"SUGGESTFLOW_TEMPORAL_ADDRESS", "SUGGESTFLOW_DB_DSN"} {
			if v := svc.Environment[k]; v == nil || *v == "" {
				out = append(out, fmt.Sprintf("%s: service %s does not set %s", composeFile, name, k))
			}
		}
		if addr := svc.Environment["SUGGESTFLOW_TEMPORAL_ADDRESS"]; addr != nil {
			if host, _, err := net.SplitHostPort(*addr); err != nil || project.Services[host].Name == "" {
				out = append(out, fmt.Sprintf("%s: service %s reaches Temporal at %q, which is no service of the file", composeFile, name, *addr))
			}
		}
		if name != "api" {
			continue
		}
		port := 0
		if v := svc.Environment["SUGGESTFLOW_HTTP_ADDR"]; v != nil {
			_, p, _ := net.SplitHostPort(*v)
			port, _ = strconv.Atoi(p)
		}
		if port == 0 {
			out = append(out, fmt.Sprintf("%s: service api sets no SUGGESTFLOW_HTTP_ADDR host:port", composeFile))
		}
		for _, p := range svc.Ports {
			if int(p.Target) != port {
				out = append(out, fmt.Sprintf("%s: service api publishes container port %d, but it listens on %d", composeFile, p.Target, port))
			}
		}
		if svc.HealthCheck != nil && !strings.Contains(strings.Join(svc.HealthCheck.Test, " "), fmt.Sprintf(":%d/", port)) {
			out = append(out, fmt.Sprintf("%s: the api's healthcheck %v does not ask port %d", composeFile, svc.HealthCheck.Test, port))
		}
	}
	return out
}

// kubernetesProblems decodes every manifest strictly into its Kubernetes
// type (an unknown or misspelt field, or a wrong type, is an error) and
// checks the containers against the program.
func kubernetesProblems(fsys fs.FS) []string {
	names, _ := fs.Glob(fsys, "k8s/*.yaml")
	if len(names) == 0 {
		return []string{"deploy/k8s holds no manifest"}
	}
	var out []string
	vars := known()
	kinds := map[string]bool{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(raw), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			where := fmt.Sprintf("%s (document %d)", name, i+1)
			var meta struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				out = append(out, fmt.Sprintf("%s: %v", where, err))
				continue
			}
			kinds[meta.Kind] = true
			var obj any
			switch meta.APIVersion + " " + meta.Kind {
			case "apps/v1 Deployment":
				obj = &appsv1.Deployment{}
			case "v1 Service":
				obj = &corev1.Service{}
			case "v1 ConfigMap":
				obj = &corev1.ConfigMap{}
			case "v1 Secret":
				obj = &corev1.Secret{}
			default:
				out = append(out, fmt.Sprintf("%s: kind %q of %q is not one the check knows", where, meta.Kind, meta.APIVersion))
				continue
			}
			// As the API server decodes: duplicate keys, unknown fields and
			// fields in the wrong case are errors, and so are wrong types.
			js, err := yaml.YAMLToJSONStrict([]byte(doc))
			if err != nil {
				out = append(out, fmt.Sprintf("%s: %v", where, err))
				continue
			}
			strict, err := kjson.UnmarshalStrict(js, obj)
			if err == nil && len(strict) > 0 {
				err = errors.Join(strict...)
			}
			if err != nil {
				out = append(out, fmt.Sprintf("%s: not a valid %s: %v", where, meta.Kind, err))
				continue
			}
			if d, ok := obj.(*appsv1.Deployment); ok {
				out = append(out, deploymentProblems(where, d, vars)...)
			}
		}
	}
	for _, k := range []string{"Deployment", "Service", "ConfigMap", "Secret"} {
		if !kinds[k] {
			out = append(out, fmt.Sprintf("deploy/k8s has no %s", k))
		}
	}
	return out
}

func deploymentProblems(where string, d *appsv1.Deployment, vars map[string]bool) []string {
	var out []string
	if d.Spec.Selector == nil {
		return []string{where + ": no selector"}
	}
	for k, v := range d.Spec.Selector.MatchLabels {
		if d.Spec.Template.Labels[k] != v {
			out = append(out, fmt.Sprintf("%s: the selector %s=%s does not match the pod template's labels", where, k, v))
		}
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Image == "" {
			out = append(out, fmt.Sprintf("%s: container %s has no image", where, c.Name))
		}
		ports := map[int32]bool{}
		for _, p := range c.Ports {
			ports[p.ContainerPort] = true
		}
		for _, e := range c.Env {
			if strings.HasPrefix(e.Name, "SUGGESTFLOW_") && !vars[e.Name] {
				out = append(out, fmt.Sprintf("%s: container %s sets %s, which the program does not read", where, c.Name, e.Name))
			}
			if e.Name == "SUGGESTFLOW_HTTP_ADDR" || e.Name == "SUGGESTFLOW_METRICS_ADDR" {
				_, p, err := net.SplitHostPort(e.Value)
				n, _ := strconv.Atoi(p)
				if err != nil || !ports[int32(n)] {
					out = append(out, fmt.Sprintf("%s: container %s listens on %s=%s, a port it does not declare", where, c.Name, e.Name, e.Value))
				}
			}
		}
		if slices.Contains(c.Args, "worker") || slices.Contains(c.Args, "api") {
			set := map[string]bool{}
			for _, e := range c.Env {
				set[e.Name] = true
			}
			for _, k := range []string{"SUGGESTFLOW_TEMPORAL_ADDRESS", "SUGGESTFLOW_DB_DSN"} {
				if !set[k] {
					out = append(out, fmt.Sprintf("%s: container %s does not set %s", where, c.Name, k))
				}
			}
		}
	}
	return out
}

func stripComments(doc string) string {
	var lines []string
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
