package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/supervision"
)

// API routes the pages stand for: each page is shown only to whom the API
// would answer the same question.
const (
	routeList       = "GET /api/v1/suggestions"
	routeGet        = "GET /api/v1/suggestions/:id"
	routeSubmit     = "POST /api/v1/suggestions"
	routeMeetings   = "GET /api/v1/meetings"
	routeMeeting    = "GET /api/v1/meetings/:id"
	routeMeetingICS = "GET /api/v1/meetings/:id/notice.ics"
	routeMinutes    = "POST /api/v1/meetings/:id/minutes"
	routeRankings   = "GET /api/v1/rankings"
	routeEvals      = "GET /api/v1/evaluations"
	routeEvaluate   = "POST /api/v1/evaluations"
	routeStats      = "GET /api/v1/stats"
	routeReports    = "GET /api/v1/reports"
	routeDeputy     = "GET /api/v1/deputies/:id"
	routeDeputies   = "GET /api/v1/deputies"
)

// listRow is a suggestion in a table.
type listRow struct {
	ID, Number, Title, Status, Unit string
	Flags                           []string
	DueAt                           *time.Time
}

func rowOf(sg domain.Suggestion, units map[string]string) listRow {
	return listRow{ID: sg.ID, Number: sg.Number, Title: sg.Title, Status: string(sg.Status), Unit: units[sg.LeadUnitID()],
		Flags: sg.Flags(), DueAt: sg.DueAt}
}

// unitNames maps every unit's id to its name; units are few, and every
// role may list them (GET /api/v1/units is open to all).
func (w *web) unitNames(ctx context.Context) (map[string]string, []domain.Unit, error) {
	units, err := w.store.AllUnits(ctx)
	if err != nil {
		return nil, nil, store.Refused(err, "unit")
	}
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.ID] = u.Name
	}
	return names, units, nil
}

// deputyNames resolves deputy ids to what the caller may see: the name
// when the API would show the caller that deputy's record, or when the
// caller is a deputy who signed the same case (co-signers know each other;
// they see each other's names, never the records); else a placeholder.
// party says whether the caller is a party to the case these deputies are on.
func (w *web) deputyNames(ctx context.Context, lang string, p access.Principal, party bool, ids []string) (map[string]string, error) {
	_, deputies, err := w.store.Names(ctx, nil, ids)
	if err != nil {
		return nil, store.Refused(err, "deputy")
	}
	out := map[string]string{}
	for _, id := range ids {
		obj := access.Object{DeputyID: id}
		// A unit sees the deputies on its own cases.
		obj.DeputyOnUnitCase = party && p.Role == access.RoleUnit
		fellow := party && p.Role == access.RoleDeputy
		if d, ok := deputies[id]; ok && (fellow || may(p, routeDeputy, &obj) == access.Allow) {
			out[id] = d.Name
			continue
		}
		out[id] = tr(lang, "sg.deputy_hidden")
	}
	return out, nil
}

type rateRow struct {
	Key  string
	Pct  int
	Text string
}

func rateRows(r evaluation.Rates) []rateRow {
	row := func(key string, x evaluation.Rate) rateRow {
		pct := int(x.Value*100 + 0.5)
		if pct < 0 {
			pct = 0
		}
		if pct > 100 {
			pct = 100
		}
		return rateRow{Key: key, Pct: pct, Text: x.String()}
	}
	return []rateRow{row("consultation", r.Consultation), row("resolution", r.Resolution),
		row("satisfaction", r.Satisfaction), row("on_time", r.OnTime)}
}

type statusCount struct {
	Status string
	N      int64
}

type rankRow struct {
	Rank     int
	Unit     string
	Total    float64
	Award    bool
	Eligible bool
	Reason   string
}

type dashData struct {
	Counts                []statusCount
	Total, Overdue        int64
	DueSoon               []listRow
	OpenMeetings          int64
	Rates, UnitRates      []rateRow
	Year, RankingYear     string
	Ranking               []rankRow
	CanSubmit, CanHearing bool
}

func (w *web) dashboard(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	d, err := w.dashboardData(r.Context(), wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.render(rw, r, wc, http.StatusOK, "dashboard", "dash.title", d)
}

func (w *web) dashboardData(ctx context.Context, wc *webCtx) (dashData, error) {
	loc := w.policy.Location()
	now := w.now()
	scope := access.ListScope(wc.p)
	d := dashData{CanSubmit: may(wc.p, routeSubmit, nil) == access.Allow, CanHearing: may(wc.p, routeReports, nil) == access.Allow}
	// The counts are the list's, scoped as the list is, so that each
	// number leads to exactly the rows it counts.
	count := func(f store.SuggestionFilter) (int64, error) {
		f.ScopeUnitID, f.ScopeDeputyID = scope.UnitID, scope.DeputyID
		_, n, err := w.store.Suggestions(ctx, f, store.Page{Number: 1, Size: 1})
		if err != nil {
			return 0, store.Refused(err, "suggestion")
		}
		return n, nil
	}
	for _, st := range domain.Statuses {
		n, err := count(store.SuggestionFilter{Status: string(st)})
		if err != nil {
			return d, err
		}
		d.Counts = append(d.Counts, statusCount{Status: string(st), N: n})
		d.Total += n
	}
	yes := true
	var err error
	if d.Overdue, err = count(store.SuggestionFilter{Overdue: &yes}); err != nil {
		return d, err
	}
	if d.DueSoon, err = w.dueSoon(ctx, wc.p, now); err != nil {
		return d, err
	}
	_, d.OpenMeetings, err = w.store.Meetings(ctx, store.MeetingFilter{Status: domain.MeetingScheduled, UnitID: scope.UnitID, DeputyID: scope.DeputyID},
		store.Page{Number: 1, Size: 1})
	if err != nil {
		return d, store.Refused(err, "meeting")
	}
	if may(wc.p, routeStats, nil) == access.Allow {
		year := period.Year(now, loc)
		d.Year = year.Label
		p := store.Period{From: year.From, To: now.UTC()}
		if d.Rates, err = w.rates(ctx, p, ""); err != nil {
			return d, err
		}
		if wc.p.Role == access.RoleUnit && wc.p.UnitID != "" {
			if d.UnitRates, err = w.rates(ctx, p, wc.p.UnitID); err != nil {
				return d, err
			}
		}
	}
	if may(wc.p, routeRankings, nil) == access.Allow {
		d.RankingYear, d.Ranking, err = w.latestRanking(ctx, now)
	}
	return d, err
}

func (w *web) rates(ctx context.Context, p store.Period, unit string) ([]rateRow, error) {
	replies, ratings, err := w.store.RateFacts(ctx, p, unit)
	if err != nil {
		return nil, store.Refused(err, "statistics")
	}
	return rateRows(evaluation.ComputeRates(replies, ratings)), nil
}

// dueSoon lists the open cases the caller may see whose reply is due
// within seven days, soonest first.
func (w *web) dueSoon(ctx context.Context, p access.Principal, now time.Time) ([]listRow, error) {
	cases, err := w.store.OpenCases(ctx)
	if err != nil {
		return nil, store.Refused(err, "suggestion")
	}
	units, _, err := w.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	limit := now.Add(7 * 24 * time.Hour)
	var out []listRow
	for _, sg := range cases {
		if sg.Status != domain.StatusHandling && sg.Status != domain.StatusRehandling || sg.DueAt == nil {
			continue
		}
		if sg.DueAt.Before(now) || sg.DueAt.After(limit) {
			continue
		}
		facts := access.SuggestionFacts(sg)
		if may(p, routeGet, &facts) != access.Allow {
			continue
		}
		out = append(out, rowOf(sg, units))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DueAt.Before(*out[j].DueAt) })
	return out, nil
}

// latestRanking is this year's ranking, or last year's while this year
// has no evaluated quarter yet.
func (w *web) latestRanking(ctx context.Context, now time.Time) (string, []rankRow, error) {
	loc := w.policy.Location()
	for _, y := range []period.Range{period.Year(now, loc), period.Previous(period.Year, now, loc)} {
		var quarters []string
		for q := 1; q <= 4; q++ {
			quarters = append(quarters, fmt.Sprintf("%s-Q%d", y.Label, q))
		}
		scores, _, err := w.store.Scores(ctx, quarters)
		if err != nil {
			return "", nil, store.Refused(err, "evaluation")
		}
		if len(scores) == 0 {
			continue
		}
		r, err := supervision.RankYear(ctx, w.store, w.policy.Evaluation, y)
		if err != nil {
			return "", nil, store.Refused(err, "ranking")
		}
		rows := make([]rankRow, 0, len(r.Units))
		for _, u := range r.Units {
			rows = append(rows, rankRow{Rank: u.Rank, Unit: u.Head, Total: u.Total, Award: u.Award, Eligible: u.Eligible, Reason: u.Reason})
		}
		return y.Label, rows, nil
	}
	return "", nil, nil
}

// --- the list ---

type listData struct {
	Statuses         []string
	Status, Overdue  string
	Q, Error         string
	Items            []listRow
	Total            int64
	Page, Pages      int
	PrevURL, NextURL string
	CanSubmit        bool
}

const webPageSize = 20

func (w *web) suggestionList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeList, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "list_suggestions"))
		return
	}
	ctx := r.Context()
	lang := langOf(r)
	q := r.URL.Query()
	d := listData{Status: q.Get("status"), Overdue: q.Get("overdue"), Q: q.Get("q"), Page: 1,
		CanSubmit: may(wc.p, routeSubmit, nil) == access.Allow}
	for _, st := range domain.Statuses {
		d.Statuses = append(d.Statuses, string(st))
	}
	// The same filters and checks as GET /api/v1/suggestions, with the
	// role's scope forced on top; what is not valid is left out and said.
	f, ferr := cases.ListFilter(wc.p, cases.ListQuery{Status: d.Status, Overdue: d.Overdue, Query: d.Q})
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 && n <= 100000 {
		d.Page = n
	}
	if rf, ok := refusal.As(ferr); ok {
		d.Error = summary(lang, rf, w.policy.Location()) + tr(lang, "problem.sep") + strings.Join(fieldLines(lang, rf, w.policy.Location()), tr(lang, "list.sep"))
	}
	items, total, err := w.store.Suggestions(ctx, f, store.Page{Number: d.Page, Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "suggestion"))
		return
	}
	units, _, err := w.unitNames(ctx)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	for _, sg := range items {
		d.Items = append(d.Items, rowOf(sg, units))
	}
	d.Total = total
	d.Pages = int((total + webPageSize - 1) / webPageSize)
	if d.Pages == 0 {
		d.Pages = 1
	}
	d.PrevURL, d.NextURL = pageURLs(r.URL, d.Page, d.Pages)
	w.render(rw, r, wc, http.StatusOK, "list", "list.title", d)
}

// pageURLs are the links to the previous and next page, keeping filters.
func pageURLs(u *url.URL, pageNo, pages int) (prev, next string) {
	link := func(n int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		q.Del("lang")
		return u.Path + "?" + q.Encode()
	}
	if pageNo > 1 {
		prev = link(pageNo - 1)
	}
	if pageNo < pages {
		next = link(pageNo + 1)
	}
	return prev, next
}

// --- meetings ---

type meetingRow struct {
	domain.MeetingView
	CanOpen bool
}

func (w *web) meetingRows(p access.Principal, ms []domain.Meeting) []meetingRow {
	out := make([]meetingRow, 0, len(ms))
	for _, m := range ms {
		obj := access.MeetingFacts(m)
		out = append(out, meetingRow{MeetingView: m.View(), CanOpen: may(p, routeMeeting, &obj) == access.Allow})
	}
	return out
}

func (w *web) meetingList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeMeetings, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "list_meetings"))
		return
	}
	status := r.URL.Query().Get("status")
	if status != domain.MeetingScheduled && status != domain.MeetingHeld {
		status = ""
	}
	pageNo := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 && n <= 100000 {
		pageNo = n
	}
	scope := access.ListScope(wc.p)
	items, total, err := w.store.Meetings(r.Context(), store.MeetingFilter{Status: status, UnitID: scope.UnitID, DeputyID: scope.DeputyID},
		store.Page{Number: pageNo, Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "meeting"))
		return
	}
	pages := int((total + webPageSize - 1) / webPageSize)
	if pages == 0 {
		pages = 1
	}
	prev, next := pageURLs(r.URL, pageNo, pages)
	w.render(rw, r, wc, http.StatusOK, "meetings", "meetings.title", map[string]any{
		"Status": status, "Items": w.meetingRows(wc.p, items), "Page": pageNo, "Pages": pages, "PrevURL": prev, "NextURL": next})
}

// loadMeeting reads a meeting the caller may see under the route's rule;
// a meeting that is not theirs is "not found", as in the API.
func (w *web) loadMeeting(r *http.Request, wc *webCtx, route string) (domain.Meeting, error) {
	m, err := w.store.Meeting(r.Context(), r.PathValue("id"))
	if err != nil {
		return m, store.Refused(err, "meeting")
	}
	obj := access.MeetingFacts(m)
	switch may(wc.p, route, &obj) {
	case access.Forbidden:
		return m, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "do_this")
	case access.Hidden:
		return m, refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", "meeting")
	}
	return m, nil
}

func (w *web) meetingPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showMeeting(rw, r, wc, http.StatusOK, nil)
}

func (w *web) showMeeting(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, form *formState) {
	m, err := w.loadMeeting(r, wc, routeMeeting)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	lang := langOf(r)
	attendees, err := w.attendeeNames(r.Context(), lang, wc.p, m)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	sg, err := w.store.Suggestion(r.Context(), m.SuggestionID)
	canOpen := false
	if err == nil {
		facts := access.SuggestionFacts(sg)
		canOpen = may(wc.p, routeGet, &facts) == access.Allow
	}
	if form == nil && m.Status == domain.MeetingScheduled && may(wc.p, routeMinutes, nil) == access.Allow {
		form = &formState{Name: "minutes"}
	}
	w.render(rw, r, wc, status, "meeting", "meeting.title", map[string]any{
		"M": m.View(), "Attendees": attendees, "CanOpenSuggestion": canOpen, "Form": form})
}

// attendeeNames turns the meeting's recipients into names.
func (w *web) attendeeNames(ctx context.Context, lang string, p access.Principal, m domain.Meeting) ([]string, error) {
	units, _, err := w.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	party := p.Role == access.RoleUnit && m.UnitID == p.UnitID || p.Role == access.RoleDeputy && slices.Contains(m.DeputyIDs, p.DeputyID)
	deputies, err := w.deputyNames(ctx, lang, p, party, m.DeputyIDs)
	if err != nil {
		return nil, err
	}
	heads := map[string]string{}
	if m.UnitID != "" {
		if u, err := w.store.Unit(ctx, m.UnitID); err == nil {
			heads[u.ID] = u.Head
		}
	}
	out := make([]string, 0, len(m.Attendees))
	for _, a := range m.Attendees {
		kind, id, _ := cutRecipient(a)
		switch kind {
		case domain.RecipientPresidium:
			out = append(out, tr(lang, "meeting.presidium"))
		case "deputy":
			out = append(out, deputies[id])
		case "unit_head":
			out = append(out, fmt.Sprintf(tr(lang, "meeting.unit_head"), units[id], heads[id]))
		default:
			out = append(out, a)
		}
	}
	return out, nil
}

func cutRecipient(a string) (kind, id string, ok bool) {
	for i := 0; i < len(a); i++ {
		if a[i] == ':' {
			return a[:i], a[i+1:], true
		}
	}
	return a, "", false
}

// --- evaluations ---

func (w *web) evaluations(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showEvaluations(rw, r, wc, http.StatusOK, "")
}

type scoreView struct {
	Unit  string
	Total float64
	Parts []evaluation.Part
}

func (w *web) showEvaluations(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, errMsg string) {
	if may(wc.p, routeEvals, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "see_evaluations"))
		return
	}
	ctx := r.Context()
	loc := w.policy.Location()
	now := w.now()
	// The choice: the last four quarters and the current one.
	var quarters []string
	for q, t := 0, now; q < 5; q++ {
		quarters = append(quarters, period.Quarter(t, loc).Label)
		t = period.Quarter(t, loc).From.Add(-time.Hour)
	}
	label := r.FormValue("quarter")
	if _, err := period.QuarterField("quarter", label, loc); err != nil || label == "" {
		label = period.Previous(period.Quarter, now, loc).Label
	}
	scores, _, err := w.store.Scores(ctx, []string{label})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "evaluation"))
		return
	}
	units, _, err := w.unitNames(ctx)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	views := make([]scoreView, 0, len(scores))
	for _, sc := range scores {
		views = append(views, scoreView{Unit: units[sc.UnitID], Total: sc.Total, Parts: sc.Parts})
	}
	sort.SliceStable(views, func(i, j int) bool { return views[i].Total > views[j].Total })
	d := map[string]any{"Quarters": quarters, "Quarter": label, "Scores": views, "Error": errMsg,
		"CanEvaluate": may(wc.p, routeEvaluate, nil) == access.Allow}
	if may(wc.p, routeRankings, nil) == access.Allow {
		year, rows, err := w.latestRanking(ctx, now)
		if err != nil {
			w.webError(rw, r, wc, err)
			return
		}
		d["Year"], d["Ranking"] = year, rows
	}
	w.render(rw, r, wc, status, "evaluations", "eval.title", d)
}

// runEvaluation computes a quarter's scores now, as POST /api/v1/evaluations.
func (w *web) runEvaluation(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	lang := langOf(r)
	if err := w.allowWrite(wc, routeEvaluate, nil); err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	q, err := period.QuarterField("quarter", r.PostFormValue("quarter"), w.policy.Location())
	if err == nil {
		_, err = supervision.EvaluateQuarter(r.Context(), w.store, w.policy.Evaluation, q, w.now().UTC())
		if err != nil {
			err = store.Refused(err, "evaluation")
		}
	}
	w.audit(r, wc, "/ui/evaluations", "", err)
	if err != nil {
		rf, ok := refusal.As(err)
		if !ok {
			w.webError(rw, r, wc, err)
			return
		}
		w.showEvaluations(rw, r, wc, rf.Kind.Status(), summary(lang, rf, w.policy.Location()))
		return
	}
	w.setFlash(r, wc, fmt.Sprintf(tr(lang, "msg.evaluated"), q.Label))
	http.Redirect(rw, r, "/ui/evaluations?quarter="+url.QueryEscape(q.Label), http.StatusSeeOther)
}
