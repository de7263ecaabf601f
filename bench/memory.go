package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"go.temporal.io/api/workflowservice/v1"
)

var openStatuses = []string{"submitted", "accepted", "handling", "replied", "rehandling", "following_up"}

// openSuggestions counts the open suggestions in the read model.
func (e *env) openSuggestions(ctx context.Context) (int64, error) {
	var n int64
	for _, s := range openStatuses {
		var l listResp
		if err := e.api.do(ctx, 200, "GET", "/api/v1/suggestions?page_size=1&status="+s, nil, &l); err != nil {
			return 0, err
		}
		n += l.Total
	}
	return n, nil
}

// memoryPhase reads the peak RSS of the whole process with the open
// suggestions of the run, after topping them up to -open.
func (e *env) memoryPhase(ctx context.Context) {
	open, err := e.openSuggestions(ctx)
	if err != nil {
		e.rep.fail("memory", "peak RSS", err)
		return
	}
	if want := int64(e.o.open); open < want {
		n := int(want - open)
		logf("memory: topping up %d open suggestions to %d (submit, accept, assign as complex: due in 6 months)", n, want)
		stop := e.phase("open")
		start := time.Now()
		errs := parallel(ctx, n, e.o.conc, func(i int) error {
			r := rand.New(rand.NewPCG(uint64(i), 9))
			var sg suggestionResp
			if err := e.submitKeyed(ctx, e.submission(r, "open", i, r.IntN(3)), fmt.Sprintf("bench-%s-open-%d", e.tag, i), &sg); err != nil {
				return err
			}
			p := "/api/v1/suggestions/" + sg.ID
			if retried, err := e.api.retry(ctx, 200, "POST", p+"/review", map[string]any{"decision": "accept"}, nil); err != nil && !(retried && statusOf(err) == 409) {
				return err
			}
			a := e.assignment(r)
			a["complex"] = true
			if retried, err := e.api.retry(ctx, 200, "POST", p+"/assignment", a, nil); err != nil && !(retried && statusOf(err) == 409) {
				return err
			}
			return nil
		})
		stop()
		el := time.Since(start)
		e.rep.note("memory: %d suggestions submitted, accepted and assigned in %s (%.1f suggestions/s, 3 actions each); %d failed %s",
			n-len(errs), secs(el), float64(n-len(errs))/el.Seconds(), len(errs), firstErrors(errs, 2))
		if open, err = e.openSuggestions(ctx); err != nil {
			e.rep.fail("memory", "peak RSS", err)
			return
		}
	}
	running := int64(-1)
	if resp, err := e.tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: "default", Query: "ExecutionStatus = 'Running'"}); err == nil {
		running = resp.GetCount()
	} else {
		e.rep.note("memory: counting running workflows failed: %v", err)
	}
	hwm := procField("/proc/self/status", "VmHWM")
	rss := procField("/proc/self/status", "VmRSS")
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	mb := hwm / 1024
	var ok *bool
	switch {
	case mb >= 300:
		ok = boolp(false)
	case open >= 10000:
		ok = boolp(true)
	}
	e.rep.add("memory", fmt.Sprintf("peak RSS (VmHWM) with %d open suggestions, %d running workflows", open, running),
		fmt.Sprintf("%d MB", mb), "< 300 MB at 10,000 open", ok)
	e.rep.note("memory: VmRSS now %d MB (anonymous %d MB, mapped files such as the program %d MB); Go heap in use %d MB, goroutine stacks %d MB, "+
		"Go runtime total from the OS %d MB of which %d MB returned, %d goroutines",
		rss/1024, procField("/proc/self/status", "RssAnon")/1024, procField("/proc/self/status", "RssFile")/1024,
		m.HeapInuse>>20, m.StackInuse>>20, m.Sys>>20, m.HeapReleased>>20, runtime.NumGoroutine())
	if e.o.profileDir != "" {
		path := filepath.Join(e.o.profileDir, e.backend+"-memory.heap.pprof")
		if f, err := os.Create(path); err == nil {
			_ = pprof.WriteHeapProfile(f)
			_ = f.Close()
			logf("  heap profile: %s", path)
		}
		path = filepath.Join(e.o.profileDir, e.backend+"-memory.goroutines.txt")
		if f, err := os.Create(path); err == nil {
			_ = pprof.Lookup("goroutine").WriteTo(f, 1)
			_ = f.Close()
			logf("  goroutines: %s", path)
		}
	}
}
