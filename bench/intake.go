package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
)

// intakePhase: bare ExecuteWorkflow starts, then the same number of
// suggestions through POST /api/v1/suggestions, both with conc clients.
func (e *env) intakePhase(ctx context.Context) {
	n, conc := e.o.intake, e.o.conc
	logf("intake: %d bare no-op workflow starts, %d starters", n, conc)
	bareRate, bareLat, err := e.bareStarts(ctx, n, conc)
	if err != nil {
		e.rep.fail("bare-starts", "bare client.ExecuteWorkflow starts/s", err)
		return
	}
	e.bareRate = bareRate
	e.rep.add("bare-starts", fmt.Sprintf("bare client.ExecuteWorkflow (no-op), %d starters: starts/s", conc),
		fmt.Sprintf("%.0f/s (%s)", bareRate, bareLat), "baseline: 172/s (WAL, FULL)", nil)

	logf("intake: %d bare Update-With-Start calls (no-op update, wait for completion), %d callers", n, conc)
	uwsRate, uwsLat, uwsErr := e.bareUpdateWithStart(ctx, n, conc)
	if uwsErr != nil {
		e.rep.fail("bare-uws", "bare Update-With-Start", uwsErr)
	} else {
		e.rep.add("bare-uws", fmt.Sprintf("bare Update-With-Start, no-op update, wait for completion, %d callers: /s", conc),
			fmt.Sprintf("%.0f/s (%s)", uwsRate, uwsLat), "", nil)
	}
	settle(ctx, 30*time.Second)
	logf("intake: %d suggestions over HTTP, %d clients", n, conc)
	durs := make([]time.Duration, n)
	ids := make([]string, n)
	var mu sync.Mutex
	statuses := map[int]int{}
	start := time.Now()
	errs := parallel(ctx, n, conc, func(i int) error {
		r := rand.New(rand.NewPCG(uint64(i), 1))
		body := e.submission(r, "intake", i, r.IntN(3))
		var sg suggestionResp
		t := time.Now()
		err := e.api.do(ctx, 201, "POST", "/api/v1/suggestions", body, &sg)
		durs[i] = time.Since(t)
		if err != nil {
			mu.Lock()
			statuses[statusOf(err)]++
			mu.Unlock()
			return err
		}
		ids[i] = sg.ID
		return nil
	})
	elapsed := time.Since(start)
	ok := n - len(errs)
	rate := float64(ok) / elapsed.Seconds()
	l := stats(durs)
	for _, id := range ids {
		if id != "" {
			e.wfIDs = append(e.wfIDs, id)
		}
	}
	e.rep.add("intake-rate", fmt.Sprintf("intake POST /suggestions, %d clients: suggestions/s", conc),
		fmt.Sprintf("%.1f/s", rate), "", nil)
	e.rep.add("intake-lat", "intake latency", fmt.Sprintf("p50 %s, p99 %s", ms(l.p50), ms(l.p99)), "p99 < 500 ms", boolp(l.p99 < 500*time.Millisecond))
	ratio := rate / bareRate
	e.rep.add("intake-ratio", "intake ÷ bare starts (same server, same run)", fmt.Sprintf("%.2f", ratio), "≥ 0.6", boolp(ratio >= 0.6))
	// Every accepted case has its workflow: the intake marks (a case
	// stored, its start not confirmed) are all cleared by now.
	if pending, err := e.st.PendingIntakes(ctx, time.Now().Add(time.Hour), 1000); err != nil {
		e.rep.note("intake: pending intake marks not read: %v", err)
	} else {
		e.rep.add("intake-unstarted", "intake: accepted cases whose workflow did not start", fmt.Sprint(len(pending)), "0", boolp(len(pending) == 0))
	}
	if uwsErr == nil {
		e.rep.add("intake-ratio-uws", "intake ÷ bare Update-With-Start (for reference)", fmt.Sprintf("%.2f", rate/uwsRate), "", nil)
	}
	if len(errs) > 0 {
		e.rep.add("intake-errors", "intake requests failed", fmt.Sprintf("%d of %d %v", len(errs), n, statuses), "0", boolp(false))
		e.rep.note("intake errors: %s", firstErrors(errs, 3))
	}
	slow := 0
	for _, d := range durs {
		if d > time.Second {
			slow++
		}
	}
	e.rep.note("intake: %d suggestions in %s; latency %s, mean %s; %d requests took over 1 s", ok, secs(elapsed), l, ms(l.mean), slow)
	if len(e.wfIDs) > 0 {
		if n, byType, _, err := e.historyEvents(ctx, e.wfIDs[0]); err == nil {
			e.rep.note("intake: the history of one submitted suggestion has %d events: %s", n, typeList(byType))
		}
	}
}

// historyPhase drives one suggestion through a whole typical lifecycle on
// a quiet system and counts its workflow's history events.
func (e *env) historyPhase(ctx context.Context) {
	logf("history: one suggestion through submit, review, assign, consultation, progress report, reply, ratings")
	r := rand.New(rand.NewPCG(42, 42))
	body := e.submission(r, "history", 0, 1)
	lead := body["lead_deputy_id"].(string)
	co := body["co_signer_ids"].([]string)[0]
	type op struct {
		name, path string
		want       int
		body       any
	}
	var sg suggestionResp
	timed := map[string]time.Duration{}
	order := []string{"submit"}
	t := time.Now()
	if err := e.api.do(ctx, 201, "POST", "/api/v1/suggestions", body, &sg); err != nil {
		e.rep.fail("history", "history events per lifecycle", err)
		return
	}
	timed["submit"] = time.Since(t)
	id := sg.ID
	p := "/api/v1/suggestions/" + id
	ops := []op{
		{"review", p + "/review", 200, map[string]any{"decision": "accept"}},
		{"assign", p + "/assignment", 200, e.assignment(r)},
		{"consultation", p + "/consultations", 200, map[string]any{"held_at": time.Now().UTC().Format(time.RFC3339),
			"method": "on_site", "participants": []string{"代表", "负责人"}, "notes": "现场查看"}},
		{"progress report", p + "/progress-reports", 200, map[string]any{"content": "已列入计划"}},
		{"reply", p + "/reply", 200, map[string]any{"result_class": "A", "content": "已办结"}},
		{"rating (co-signer)", p + "/ratings", 200, map[string]any{"deputy_id": co, "attitude": "satisfied", "result": "satisfied"}},
		{"rating (lead)", p + "/ratings", 200, map[string]any{"deputy_id": lead, "attitude": "satisfied", "result": "satisfied"}},
	}
	for _, o := range ops {
		t := time.Now()
		if err := e.api.do(ctx, o.want, "POST", o.path, o.body, &sg); err != nil {
			e.rep.fail("history", "history events per lifecycle", err)
			return
		}
		timed[o.name] = time.Since(t)
		order = append(order, o.name)
	}
	// The closed case's workflow ends by itself; wait for it.
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	completed := e.tc.GetWorkflow(wctx, id, "").Get(wctx, nil) == nil
	count, byType, runs, err := e.historyEvents(ctx, id)
	if err != nil {
		e.rep.fail("history", "history events per lifecycle", err)
		return
	}
	state := "workflow completed"
	if !completed {
		state = "workflow still open"
	}
	e.rep.add("history", "history events, one typical lifecycle (8 actions, closed)",
		fmt.Sprintf("%d (%d run, %s)", count, runs, state), "≤ 150", boolp(count <= 150))
	e.rep.note("history of the lifecycle by event type: %s", typeList(byType))
	var lats []string
	for _, k := range order {
		lats = append(lats, fmt.Sprintf("%s %s", k, ms(timed[k])))
	}
	e.rep.note("lifecycle action latencies on a quiet system: %s; final status %s", strings.Join(lats, ", "), sg.Status)
	e.wfIDs = append(e.wfIDs, id)
}

// historyEvents counts the events of a workflow over all its runs
// (following continue-as-new back to the first run).
func (e *env) historyEvents(ctx context.Context, id string) (int, map[string]int, int, error) {
	byType := map[string]int{}
	total, runs := 0, 0
	runID := ""
	for {
		runs++
		it := e.tc.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		prev := ""
		first := true
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return 0, nil, 0, err
			}
			if first {
				if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
					prev = a.GetContinuedExecutionRunId()
				}
				first = false
			}
			total++
			byType[ev.GetEventType().String()]++
		}
		if prev == "" || runs > 50 {
			return total, byType, runs, nil
		}
		runID = prev
	}
}

func typeList(byType map[string]int) string {
	var types []string
	for k, v := range byType {
		types = append(types, fmt.Sprintf("%s %d", strings.TrimPrefix(k, "EVENT_TYPE_"), v))
	}
	sort.Strings(types)
	return strings.Join(types, ", ")
}
