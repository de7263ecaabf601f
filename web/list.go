package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
)

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
	CanImport        bool
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
		CanSubmit: may(wc.p, routeSubmit, nil) == access.Allow, CanImport: may(wc.p, routeImport, nil) == access.Allow}
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
