package web

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"time"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/period"
	"suggestflow/rules"
	"suggestflow/store"
)

// A deputy's home page is what they have to do, made for a phone: the
// replies waiting for their rating, the meetings they are called to, their
// open cases and this month's visits against the number the rules ask for.
// The statistics stay on the presidium's and the units' dashboard.

type homeData struct {
	CanSubmit bool
	// ToRate are the cases whose current reply waits for this deputy's
	// rating, soonest window end first.
	ToRate   []listRow
	Meetings []meetingRow
	// Open are the deputy's cases still being handled; Ended counts the
	// others (listed on the suggestions page).
	Open  []listRow
	Ended int64
	// Visits this month against VisitsNeeded (policy visits_per_month).
	Visits, VisitsNeeded, VisitsLeft int
	Month                            string
}

// homeCases bounds the cases read for the home page: a deputy's cases in
// one term are tens, never thousands.
const homeCases = 200

func (w *web) home(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	d, err := w.homeData(r.Context(), wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.render(rw, r, wc, http.StatusOK, "home", "home.title", d)
}

func (w *web) homeData(ctx context.Context, wc *webCtx) (homeData, error) {
	now := w.now()
	loc := w.policy.Location()
	d := homeData{CanSubmit: may(wc.p, routeSubmit, nil) == access.Allow, VisitsNeeded: w.policy.VisitsPerMonth}
	units, _, err := w.unitNames(ctx)
	if err != nil {
		return d, err
	}
	mine, total, err := w.store.Suggestions(ctx, store.SuggestionFilter{ScopeDeputyID: wc.p.DeputyID}, store.Page{Number: 1, Size: homeCases})
	if err != nil {
		return d, store.Refused(err, "suggestion")
	}
	for _, sg := range mine {
		switch {
		case sg.Status == domain.StatusReplied && rules.RatingRefusal(sg, wc.p.DeputyID, now) == nil:
			d.ToRate = append(d.ToRate, rowOf(sg, units))
		case !slices.Contains(domain.EndedStatuses, string(sg.Status)):
			d.Open = append(d.Open, rowOf(sg, units))
		default:
			d.Ended++
		}
	}
	d.Ended += total - int64(len(mine))
	sort.SliceStable(d.Open, func(i, j int) bool { return earlier(d.Open[i].DueAt, d.Open[j].DueAt) })
	meetings, _, err := w.store.Meetings(ctx, store.MeetingFilter{Status: domain.MeetingScheduled, DeputyID: wc.p.DeputyID},
		store.Page{Number: 1, Size: maxPageSize})
	if err != nil {
		return d, store.Refused(err, "meeting")
	}
	d.Meetings = w.meetingRows(wc.p, meetings)
	month := period.Month(now, loc)
	d.Month = month.Label
	counts, _, err := w.store.VisitCounts(ctx, store.Period(month))
	if err != nil {
		return d, store.Refused(err, "visit")
	}
	d.Visits = counts[wc.p.DeputyID]
	d.VisitsLeft = max(0, d.VisitsNeeded-d.Visits)
	return d, nil
}

// earlier orders due times, the cases without one last.
func earlier(a, b *time.Time) bool {
	switch {
	case a == nil:
		return false
	case b == nil:
		return true
	}
	return a.Before(*b)
}
