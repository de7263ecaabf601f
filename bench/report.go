package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

// metric is one line of the results table.
type metric struct {
	Key    string `json:"key"` // joins the same line across backends
	Label  string `json:"label"`
	Value  string `json:"value"`
	Target string `json:"target,omitempty"`
	OK     *bool  `json:"ok,omitempty"` // nil: no target
}

// report is the results of one backend.
type report struct {
	Backend string   `json:"backend"`
	Metrics []metric `json:"metrics"`
	Notes   []string `json:"notes"` // details printed under the table
}

func (r *report) add(key, label, value, target string, ok *bool) {
	r.Metrics = append(r.Metrics, metric{Key: key, Label: label, Value: value, Target: target, OK: ok})
	verdict := ""
	if ok != nil {
		verdict = map[bool]string{true: "  [met]", false: "  [MISSED]"}[*ok]
	}
	logf("  RESULT %-46s %s%s", label, value, verdict)
}

func (r *report) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	r.Notes = append(r.Notes, s)
	logf("  %s", s)
}

func (r *report) fail(key, label string, err error) {
	r.add(key, label, "error: "+oneLine(err.Error()), "", nil)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func boolp(b bool) *bool { return &b }

// --- latency statistics ---

type lat struct {
	n             int
	p50, p99, max time.Duration
	mean          time.Duration
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func stats(d []time.Duration) lat {
	if len(d) == 0 {
		return lat{}
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	return lat{n: len(s), p50: percentile(s, 50), p99: percentile(s, 99), max: s[len(s)-1], mean: sum / time.Duration(len(s))}
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 1000:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f s", v/1000)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func (l lat) String() string {
	return fmt.Sprintf("p50 %s, p99 %s, max %s", ms(l.p50), ms(l.p99), ms(l.max))
}

// --- machine ---

type machine struct {
	CPUs    int
	CPU     string
	MemGiB  float64
	Go      string
	OS      string
	Date    string
	Command string
	Tree    string
}

func machineInfo() machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
		Date: time.Now().Format("2006-01-02 15:04 MST")}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		_ = f.Close()
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Tree = "commit " + strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain").Output(); err == nil {
			var dirs []string
			n := 0
			for _, line := range strings.Split(strings.TrimSpace(string(st)), "\n") {
				if len(line) < 4 {
					continue
				}
				n++
				dir, _, _ := strings.Cut(strings.TrimSpace(line[3:]), "/")
				if dir != "bench" && dir != "BENCHMARKS.md" && !slices.Contains(dirs, dir) {
					dirs = append(dirs, dir)
				}
			}
			if len(dirs) > 0 {
				sort.Strings(dirs)
				m.Tree += fmt.Sprintf(" plus uncommitted changes (%d paths) in %s", n, strings.Join(dirs, ", "))
			}
		}
	}
	if kb := procField("/proc/meminfo", "MemTotal"); kb > 0 {
		m.MemGiB = float64(kb) / (1 << 20)
	}
	return m
}

func (m machine) line() string {
	return fmt.Sprintf("%d CPUs (%s), %.1f GiB RAM, %s, %s, %s", m.CPUs, m.CPU, m.MemGiB, m.Go, m.OS, m.Date)
}

// procField reads a "Name:  123 kB" line of a /proc file, in kB.
func procField(path, name string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != name {
			continue
		}
		var n int64
		if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d", &n); err == nil {
			return n
		}
	}
	return -1
}

// --- rendering ---

func renderMarkdown(m machine, reports []*report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s\n\nCode: %s\n\nCommand: `%s`\n\n", m.line(), m.Tree, m.Command)
	// Rows in first-seen order across the backends.
	var keys []string
	rows := map[string]metric{}
	for _, r := range reports {
		for _, mt := range r.Metrics {
			if _, ok := rows[mt.Key]; !ok {
				keys = append(keys, mt.Key)
				rows[mt.Key] = mt
			}
		}
	}
	b.WriteString("| measurement |")
	for _, r := range reports {
		fmt.Fprintf(&b, " %s |", r.Backend)
	}
	b.WriteString(" target |\n|---|")
	for range reports {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s |", rows[k].Label)
		target := rows[k].Target
		for _, r := range reports {
			cell := "—"
			for _, mt := range r.Metrics {
				if mt.Key == k {
					cell = mt.Value
					if mt.OK != nil {
						if *mt.OK {
							cell += " ✅"
						} else {
							cell += " ❌"
						}
					}
					if mt.Target != "" {
						target = mt.Target
					}
				}
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		fmt.Fprintf(&b, " %s |\n", target)
	}
	for _, r := range reports {
		if len(r.Notes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\nDetails (%s):\n\n", r.Backend)
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}
