package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/store"
	"suggestflow/supervision"
)

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
	// Counted are the unsatisfied endings that count against the unit,
	// Excused those that do not.
	Counted, Excused []evaluation.Ending
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
	// HolidayWarnings are the years near now without official holiday
	// data (see holidayWarnings); CanLoadYear offers the form.
	HolidayWarnings []int
	CanLoadYear     bool
	// Setup are the first steps of a new township, shown to the presidium
	// until each is done.
	Setup []setupStep
}

// setupStep is one of the first things to do, with where to do it.
type setupStep struct {
	Key, Link string
	Done      bool
}

func (w *web) dashboard(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if wc.p.Role == access.RoleDeputy {
		w.home(rw, r, wc)
		return
	}
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
	d := dashData{CanSubmit: may(wc.p, routeSubmit, nil) == access.Allow}
	if may(wc.p, routeReports, nil) == access.Allow {
		// The report's download is offered once a hearing has made one.
		_, n, err := w.store.Reports(ctx, contract.CadenceProgressHearing, store.Page{Number: 1, Size: 1})
		if err != nil {
			return d, store.Refused(err, "report")
		}
		d.CanHearing = n > 0
	}
	if wc.p.Presidium() {
		steps, err := w.setupSteps(ctx, wc.p)
		if err != nil {
			return d, err
		}
		d.Setup = steps
	}
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
		if d.RankingYear, d.Ranking, err = w.latestRanking(ctx, now); err != nil {
			return d, err
		}
	}
	pol, err := w.cases.CurrentPolicy(ctx)
	if err != nil {
		return d, err
	}
	d.HolidayWarnings = holidayWarnings(now, loc, pol.Holidays())
	d.CanLoadYear = may(wc.p, routeLoadYear, nil) == access.Allow
	return d, nil
}

func (w *web) rates(ctx context.Context, p store.Period, unit string) ([]rateRow, error) {
	rates, err := w.store.Rates(ctx, p, unit)
	if err != nil {
		return nil, store.Refused(err, "statistics")
	}
	return rateRows(rates), nil
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
			rows = append(rows, rankRow{Rank: u.Rank, Unit: u.Head, Total: u.Total, Award: u.Award, Eligible: u.Eligible, Reason: u.Reason,
				Counted: u.Counted, Excused: u.Excused})
		}
		return y.Label, rows, nil
	}
	return "", nil, nil
}

// setupSteps are a new township's first steps while any is not done: the
// roster of deputies, the units, and accounts for the people who use the
// pages. None once all are done.
func (w *web) setupSteps(ctx context.Context, p access.Principal) ([]setupStep, error) {
	deputies, units, err := w.store.RosterCounts(ctx)
	if err != nil {
		return nil, store.Refused(err, "deputy")
	}
	_, accounts, err := w.store.Accounts(ctx, store.AccountFilter{}, store.Page{Number: 1, Size: 1})
	if err != nil {
		return nil, store.Refused(err, "account")
	}
	steps := []setupStep{
		{Key: "setup.deputies", Link: "/ui/deputies", Done: deputies > 0},
		{Key: "setup.units", Link: "/ui/units", Done: units > 0},
		// The admin alone is not yet a township at work.
		{Key: "setup.accounts", Link: "/ui/accounts", Done: accounts > 1},
	}
	if p.Role != access.RoleAdmin {
		steps[2].Link = ""
	}
	for _, s := range steps {
		if !s.Done {
			return steps, nil
		}
	}
	return nil, nil
}
