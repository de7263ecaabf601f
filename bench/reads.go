package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"suggestflow/domain"
)

// readsPhase fills the read model to each size and measures the list and
// single-suggestion reads over HTTP at that size.
func (e *env) readsPhase(ctx context.Context) {
	var fillIDs []string
	fillNext := 0
	for _, size := range e.o.readSizes {
		var l listResp
		if err := e.api.do(ctx, 200, "GET", "/api/v1/suggestions?page_size=1", nil, &l); err != nil {
			e.rep.fail("reads", "reads", err)
			return
		}
		if n := size - int(l.Total); n > 0 {
			logf("reads: filling the read model with %d suggestions to %d (store.CreateSuggestion + store.Record, %d events each)", n, size, e.o.fillEvents)
			start := time.Now()
			ids, err := e.fill(ctx, fillNext, n)
			if err != nil {
				e.rep.fail(fmt.Sprintf("read-%d", size), "fill", err)
				return
			}
			fillNext += n
			fillIDs = append(fillIDs, ids...)
			el := time.Since(start)
			e.rep.note("reads: filled %d suggestions (+%d timeline events) in %s (%.0f/s)", n, n*e.o.fillEvents, secs(el), float64(n)/el.Seconds())
		}
		if err := e.api.do(ctx, 200, "GET", "/api/v1/suggestions?page_size=1", nil, &l); err != nil {
			e.rep.fail("reads", "reads", err)
			return
		}
		if e.backend == "sqlite" {
			var sizes []string
			for _, f := range []string{"suggestflow.db", "suggestflow.db-wal", "temporal.db", "temporal.db-wal"} {
				if fi, err := os.Stat(filepath.Join(e.dirOf(), f)); err == nil {
					sizes = append(sizes, fmt.Sprintf("%s %d MB", f, fi.Size()>>20))
				}
			}
			e.rep.note("reads: at %d suggestions the files are: %s", l.Total, strings.Join(sizes, ", "))
		}
		// The filled rows are indexed as intake indexes real ones: a word of
		// their contents alone finds its share of them.
		var found listResp
		if err := e.api.do(ctx, 200, "GET", "/api/v1/suggestions?page_size=1&q="+url.QueryEscape(villages[0]), nil, &found); err != nil {
			e.rep.fail("reads", "reads", err)
			return
		}
		e.rep.note("reads: at %d suggestions, q=%s (a word of the contents only) finds %d (about 1 in %d is expected)",
			l.Total, villages[0], found.Total, len(villages))
		if e.backend == "mysql" {
			e.settleMySQL(ctx, 180*time.Second)
		}
		settle(ctx, 60*time.Second)
		e.measureReads(ctx, size, int(l.Total), fillIDs)
	}
}

func (e *env) dirOf() string { return e.dir }

type readQuery struct {
	key, name string
	path      func(r *rand.Rand) string
}

func (e *env) measureReads(ctx context.Context, size, actual int, fillIDs []string) {
	statuses := []string{"handling", "closed", "replied", "submitted"}
	pick := func(r *rand.Rand, words []string) string { return url.QueryEscape(words[r.IntN(len(words))]) }
	queries := []readQuery{
		{"list", "list, newest 20", func(r *rand.Rand) string { return "/api/v1/suggestions?page_size=20" }},
		{"status", "list status=<status>, 20", func(r *rand.Rand) string {
			return "/api/v1/suggestions?page_size=20&status=" + statuses[r.IntN(len(statuses))]
		}},
		{"overdue", "list overdue=true, 20", func(r *rand.Rand) string { return "/api/v1/suggestions?page_size=20&overdue=true" }},
		{"unit", "list unit_id=<unit>, 20", func(r *rand.Rand) string {
			return "/api/v1/suggestions?page_size=20&unit_id=" + e.units[r.IntN(len(e.units))]
		}},
		{"deputy", "list deputy_id=<deputy>, 20", func(r *rand.Rand) string {
			return "/api/v1/suggestions?page_size=20&deputy_id=" + e.deputies[r.IntN(len(e.deputies))]
		}},
		{"unit-status", "list unit_id + status=handling, 20", func(r *rand.Rand) string {
			return "/api/v1/suggestions?page_size=20&status=handling&unit_id=" + e.units[r.IntN(len(e.units))]
		}},
		{"search", "list q=<topic> (in titles and contents), 20", func(r *rand.Rand) string {
			return "/api/v1/suggestions?page_size=20&q=" + pick(r, topics)
		}},
		{"search-content", "list q=<village> (in contents only), 20", func(r *rand.Rand) string {
			return "/api/v1/suggestions?page_size=20&q=" + pick(r, villages)
		}},
		{"search-unit", "list q=<unit name>, 20", func(r *rand.Rand) string {
			return "/api/v1/suggestions?page_size=20&q=" + pick(r, unitNames)
		}},
		{"page", "list page 10 of 100", func(r *rand.Rand) string { return "/api/v1/suggestions?page_size=100&page=10" }},
		{"get", "one suggestion with timeline and meetings", func(r *rand.Rand) string {
			if len(e.wfIDs) > 0 && (len(fillIDs) == 0 || r.IntN(2) == 0) {
				return "/api/v1/suggestions/" + e.wfIDs[r.IntN(len(e.wfIDs))]
			}
			if len(fillIDs) == 0 {
				return "/api/v1/suggestions/none"
			}
			return "/api/v1/suggestions/" + fillIDs[r.IntN(len(fillIDs))]
		}},
	}
	if st, _, err := e.api.call(ctx, "GET", "/api/v1/stats", nil); err == nil && st == 200 {
		queries = append(queries, readQuery{"stats", "GET /stats", func(r *rand.Rand) string { return "/api/v1/stats" }})
	} else if size == e.o.readSizes[0] {
		e.rep.note("reads: GET /api/v1/stats answered %d: no statistics route yet, not measured", st)
	}
	logf("reads: %d suggestions, %d samples per query, one client", actual, e.o.readSamples)
	for qi, q := range queries {
		r := rand.New(rand.NewPCG(uint64(size), uint64(qi)))
		for i := 0; i < 3; i++ { // warm-up
			_, _, _ = e.api.call(ctx, "GET", q.path(r), nil)
		}
		durs := make([]time.Duration, 0, e.o.readSamples)
		var failed int
		var lastErr string
		began := time.Now()
		for i := 0; i < e.o.readSamples; i++ {
			// Keep the run short: a slow query stops after 6 s once it has
			// 20 samples (its p99 is then its maximum).
			if i >= 20 && time.Since(began) > 6*time.Second {
				break
			}
			t := time.Now()
			st, body, err := e.api.call(ctx, "GET", q.path(r), nil)
			durs = append(durs, time.Since(t))
			if err != nil || st != 200 {
				failed++
				lastErr = fmt.Sprintf("%d %v %s", st, err, oneLine(string(body)))
			}
		}
		l := stats(durs)
		val := fmt.Sprintf("p50 %s, p99 %s", ms(l.p50), ms(l.p99))
		if l.n < e.o.readSamples {
			val += fmt.Sprintf(" (n=%d)", l.n)
		}
		if failed > 0 {
			val += fmt.Sprintf(" (%d failed: %s)", failed, lastErr)
		}
		e.rep.add(fmt.Sprintf("read-%d-%s", size, q.key), fmt.Sprintf("read at %s: %s", thousands(size), q.name), val,
			"p99 < 20 ms", boolp(failed == 0 && l.p99 < 20*time.Millisecond))
	}
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), ",")
}

// fill writes n suggestions straight into the read model with the store's
// own functions: CreateSuggestion (the activity that intake runs) with a
// complete snapshot in any state, and Record with timeline events, as the
// workflows' steps write them. No workflow exists for these rows.
func (e *env) fill(ctx context.Context, from, n int) ([]string, error) {
	conc := 2
	if e.backend == "mysql" {
		conc = 8
	}
	ids := make([]string, n)
	const batch = 50
	batches := (n + batch - 1) / batch
	now := time.Now().UTC()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	var progress time.Time
	errs := parallel(ctx, batches, conc, func(b int) error {
		var events []domain.Event
		for j := b * batch; j < n && j < (b+1)*batch; j++ {
			idx := from + j
			r := rand.New(rand.NewPCG(uint64(idx), 11))
			sg := e.fakeSuggestion(r, idx, now)
			number, err := e.st.CreateSuggestion(ctx, sg, sg.SubmittedAt.In(loc).Year())
			if err != nil {
				return err
			}
			sg.Number = number
			ids[j] = sg.ID
			if sg.Reply == nil {
				events = append(events, fakeEvents(sg, e.o.fillEvents)...)
				continue
			}
			// The reply and the rating go to their tables too, as the
			// workflow's steps write them, so the statistics have them.
			step := domain.Step{Suggestion: &sg, Reply: sg.Reply, Events: fakeEvents(sg, e.o.fillEvents)}
			if len(sg.Ratings) > 0 {
				step.Rating = &sg.Ratings[0]
			}
			if err := e.st.Record(ctx, step, nil); err != nil {
				return err
			}
		}
		if err := e.st.Record(ctx, domain.Step{Events: events}, nil); err != nil {
			return err
		}
		if b%200 == 0 && time.Since(progress) > 10*time.Second {
			progress = time.Now()
			logf("  fill: batch %d of %d", b, batches)
		}
		return nil
	})
	if len(errs) > 0 {
		return nil, fmt.Errorf("%d fill batches failed: %s", len(errs), firstErrors(errs, 3))
	}
	return ids, nil
}

// fakeSuggestion is a complete suggestion snapshot in a realistic state:
// recent ones are still in review or handling, old ones mostly closed, and
// about one in twelve of those in handling is overdue.
func (e *env) fakeSuggestion(r *rand.Rand, idx int, now time.Time) domain.Suggestion {
	day := 24 * time.Hour
	ago := func(min, max time.Duration) time.Time {
		return now.Add(-min - time.Duration(r.Int64N(int64(max-min)))).Truncate(time.Second)
	}
	lead := e.deputies[r.IntN(len(e.deputies))]
	co := []string{}
	for c := r.IntN(3); len(co) < c; {
		d := e.deputies[r.IntN(len(e.deputies))]
		if d != lead && !slices.Contains(co, d) {
			co = append(co, d)
		}
	}
	topic := topics[r.IntN(len(topics))]
	sg := domain.Suggestion{
		ID: fmt.Sprintf("sg_fill%s%07d", e.tag, idx), Title: fmt.Sprintf("关于%s的建议（存量-%d）", topic, idx),
		Content: fmt.Sprintf("我镇%s问题群众反映强烈，%s尤甚。", topic, villages[idx%len(villages)]) + strings.Repeat("经走访调查，涉及多个村民小组，群众多次向代表反映，希望有关部门尽快研究解决。", 3),
		Kind:    "suggestion", Category: "基础设施", LeadDeputyID: lead, CoSignerIDs: co, SubmittedIn: "session",
		Seq: 12, Done: []string{"remind-r1-P30D", "remind-r1-P7D"}, RequestHash: "fill",
	}
	// status mix: 4% submitted, 3% returned, 4% accepted, 25% handling,
	// 10% replied, 5% following up, 2% rehandling, 47% closed
	p := r.IntN(100)
	var submitted time.Time
	switch {
	case p < 4:
		sg.Status, submitted = domain.StatusSubmitted, ago(0, 10*day)
	case p < 7:
		sg.Status, submitted = domain.StatusReturned, ago(10*day, 3*365*day)
		sg.ReturnReason = "不属于本级职权范围"
	case p < 11:
		sg.Status, submitted = domain.StatusAccepted, ago(5*day, 14*day)
	case p < 36:
		sg.Status, submitted = domain.StatusHandling, ago(10*day, 100*day)
	case p < 46:
		sg.Status, submitted = domain.StatusReplied, ago(60*day, 130*day)
	case p < 51:
		sg.Status, submitted = domain.StatusFollowingUp, ago(100*day, 365*day)
	case p < 53:
		sg.Status, submitted = domain.StatusRehandling, ago(100*day, 200*day)
	default:
		sg.Status, submitted = domain.StatusClosed, ago(100*day, 3*365*day)
	}
	sg.SubmittedAt, sg.ReviewDueAt = submitted, submitted.Add(9*day)
	switch sg.Status {
	case domain.StatusSubmitted, domain.StatusReturned, domain.StatusAccepted:
		return sg
	}
	assigned := submitted.Add(5 * day)
	lu := e.units[r.IntN(len(e.units))]
	coUnits := []string{}
	if r.IntN(5) == 0 {
		if u := e.units[r.IntN(len(e.units))]; u != lu {
			coUnits = append(coUnits, u)
		}
	}
	due := assigned.AddDate(0, 3, 0)
	progress := assigned.AddDate(0, 2, 0)
	sg.Assignment = &domain.Assignment{LeadUnitID: lu, CoUnitIDs: coUnits, Leader: "张副镇长", Handler: "李干事", AssignedAt: assigned}
	sg.Round, sg.RoundStartedAt, sg.DueAt, sg.FirstDueAt, sg.ProgressDueAt = 1, assigned, &due, &due, &progress
	sg.DueExplanation = "三个月，自交办之日起算"
	if sg.Status == domain.StatusHandling {
		if r.IntN(12) == 0 {
			past := now.Add(-time.Duration(1+r.IntN(40)) * day)
			sg.DueAt = &past
			sg.Overdue, sg.Escalated = true, true
		}
		return sg
	}
	sg.Consulted, sg.Consultations = true, 1
	// Replied within 80 days of the assignment, and not in the future.
	replied := assigned.Add(time.Duration(r.Int64N(int64(max(time.Hour, min(80*day, now.Add(-time.Hour).Sub(assigned)))))))
	class := []string{"A", "A", "A", "B", "C"}[r.IntN(5)]
	sg.Reply = &domain.Reply{ID: sg.ID + "-y9", Round: 1, ResultClass: class, Content: "已按建议办理，具体情况如下：" + strings.Repeat("已协调资金并组织实施。", 5),
		RepliedAt: replied, DueAt: due, OnTime: true, Consulted: true}
	ratingDue := replied.AddDate(0, 1, 0)
	sg.RatingDueAt = &ratingDue
	switch sg.Status {
	case domain.StatusRehandling:
		sg.Round, sg.Unsatisfied = 2, 1
	case domain.StatusClosed:
		closed := replied.Add(10 * day)
		sg.ClosedAt, sg.ClosedAs = &closed, domain.ClosedSatisfied
		sg.Ratings = []domain.Rating{{ID: sg.ID + "-g10", Round: 1, DeputyID: lead, Lead: true, Attitude: "satisfied", Result: "satisfied", At: closed}}
		sg.ProgressDueAt = nil
	}
	return sg
}

func fakeEvents(sg domain.Suggestion, n int) []domain.Event {
	types := []string{"submitted", "notice", "accepted", "notice", "assigned", "notice", "notice", "consultation", "progress_report", "replied", "notice", "rated", "closed"}
	out := make([]domain.Event, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, domain.Event{ID: fmt.Sprintf("%s-e%d", sg.ID, i+1), SuggestionID: sg.ID, At: sg.SubmittedAt.Add(time.Duration(i) * 24 * time.Hour),
			Actor: domain.Actor{ID: "admin", Role: "admin"}, Type: types[i%len(types)], Detail: "benchmark fill: " + types[i%len(types)]})
	}
	return out
}
