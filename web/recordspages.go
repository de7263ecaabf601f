package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"suggestflow/access"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/supervision"
)

// The pages of the records evaluations and duties are judged on: public
// complaints about units (presidium) and deputies' visits to constituents
// (a deputy their own, the presidium anyone's), through package
// supervision as the API does.

const (
	routeComplaints = "POST /api/v1/complaints"
	routeVisit      = "POST /api/v1/deputies/:id/visits"
)

func findingOptions(lang string) []option {
	out := []option{}
	for _, f := range []string{"substantiated", "unsubstantiated", "pending"} {
		out = append(out, option{f, tr(lang, "finding."+f)})
	}
	return out
}

func (w *web) complaintKind(r *http.Request) (*recordKind, error) {
	lang := langOf(r)
	names, units, err := w.unitNames(r.Context())
	if err != nil {
		return nil, err
	}
	opts := []option{}
	for _, u := range units {
		if u.Active {
			opts = append(opts, option{u.ID, u.Name})
		}
	}
	loc := w.policy.Location()
	return &recordKind{Path: "/ui/complaints", Title: "complaints.title", One: "rec.complaint", Route: routeComplaints, NoRetire: true,
		Extra: "complaints.help",
		Columns: []column{
			{"f.unit", func(r any) string { return names[r.(store.Complaint).UnitID] }},
			{"f.content", func(r any) string { return r.(store.Complaint).Content }},
			{"f.finding", func(r any) string { return tr(lang, "finding."+r.(store.Complaint).Finding) }},
			{"f.received_at", func(r any) string { return r.(store.Complaint).ReceivedAt.In(loc).Format("2006-01-02") }},
		},
		ID: func(r any) string { return r.(store.Complaint).ID }, Active: func(any) bool { return true },
		Values:  func(r any) url.Values { return url.Values{"finding": {r.(store.Complaint).Finding}} },
		Filters: []field{{Name: "unit_id", Label: "f.unit", Type: "select", Options: opts}},
		Fields: func(string) []field {
			return []field{
				{Name: "unit_id", Label: "f.unit", Type: "select", Required: true, Options: opts},
				{Name: "content", Label: "f.content", Type: "textarea", Required: true, Max: 5000},
				{Name: "finding", Label: "f.finding", Type: "select", Required: true, Options: findingOptions(lang)},
				{Name: "received_at", Label: "f.received_at", Type: "date", Hint: "complaints.received_hint"},
			}
		}}, nil
}

func (w *web) complaintList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	k, err := w.complaintKind(r)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	if !w.presidiumOnly(rw, r, wc, k) {
		return
	}
	items, total, err := w.store.Complaints(r.Context(), r.URL.Query().Get("unit_id"), store.Page{Number: pageOf(r), Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "complaint"))
		return
	}
	w.showList(rw, r, wc, k, rows(items), total, nil)
}

func (w *web) newComplaintPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	k, err := w.complaintKind(r)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	if w.presidiumOnly(rw, r, wc, k) {
		w.showForm(rw, r, wc, k, http.StatusOK, nil, &formState{Defaults: map[string]string{"finding": "pending"}}, nil)
	}
}

func (w *web) createComplaint(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	k, err := w.complaintKind(r)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	if !w.presidiumOnly(rw, r, wc, k) {
		return
	}
	in := supervision.ComplaintInput{UnitID: r.PostFormValue("unit_id"), Content: r.PostFormValue("content"), Finding: r.PostFormValue("finding")}
	err = w.allowWrite(wc, routeComplaints, nil)
	if err == nil && strings.TrimSpace(r.PostFormValue("received_at")) != "" {
		var at time.Time
		if at, err = endOfDay(r.PostFormValue("received_at"), "received_at", w.policy.Location()); err == nil {
			in.ReceivedAt = &at
		}
	}
	if err == nil {
		_, err = supervision.RecordComplaint(r.Context(), w.store, wc.p.AccountID, in, w.now())
	}
	w.saved(rw, r, wc, k, nil, routeComplaints, "", err, nil)
}

// complaintPage records what checking a complaint found, later than the
// complaint itself.
func (w *web) complaintPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showComplaint(rw, r, wc, http.StatusOK, nil)
}

func (w *web) showComplaint(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, f *formState) {
	k, err := w.complaintKind(r)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	if !w.presidiumOnly(rw, r, wc, k) {
		return
	}
	cp, err := w.store.Complaint(r.Context(), r.PathValue("id"))
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "complaint"))
		return
	}
	lang := langOf(r)
	edit := *k
	edit.Fields = func(string) []field {
		return []field{{Name: "finding", Label: "f.finding", Type: "select", Required: true, Options: findingOptions(lang),
			Hint: "complaints.finding_hint"}}
	}
	w.showForm(rw, r, wc, &edit, status, cp, f, nil)
}

func (w *web) updateComplaint(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	k, err := w.complaintKind(r)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	if !w.presidiumOnly(rw, r, wc, k) || !w.knownStep(rw, r) {
		return
	}
	id := r.PathValue("id")
	const route = "PATCH /api/v1/complaints/:id"
	err = w.allowWrite(wc, route, nil)
	if err == nil {
		_, err = supervision.SetFinding(r.Context(), w.store, id, supervision.FindingInput{Finding: r.PostFormValue("finding")})
	}
	w.audit(r, wc, route, id, err)
	if w.refuse(rw, r, wc, "record", err, func(status int, f *formState) { w.showComplaint(rw, r, wc, status, f) }) {
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "rec.saved"))
	http.Redirect(rw, r, k.Path, http.StatusSeeOther)
}

// --- visits ---

// visitDeputy is whose visits the page is about: a deputy's own, or for
// the presidium the one chosen (all when none is).
func visitDeputy(r *http.Request, wc *webCtx) string {
	if wc.p.Role == access.RoleDeputy {
		return wc.p.DeputyID
	}
	if v := r.PostFormValue("deputy_id"); v != "" {
		return v
	}
	return r.URL.Query().Get("deputy_id")
}

func (w *web) visitKind(r *http.Request, wc *webCtx) (*recordKind, error) {
	deputies, err := w.allDeputies(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	opts := []option{}
	for _, d := range deputies {
		names[d.ID] = d.Name
		opts = append(opts, option{d.ID, deputyLabel(d)})
	}
	loc := w.policy.Location()
	presidium := wc.p.Presidium()
	k := &recordKind{Path: "/ui/visits", Title: "visits.title", One: "rec.visit", Route: routeVisit, NoEdit: true, Extra: "visits.help",
		Columns: []column{
			{"f.visited_at", func(r any) string { return r.(store.Visit).VisitedAt.In(loc).Format("2006-01-02 15:04") }},
			{"f.deputy", func(r any) string { return names[r.(store.Visit).DeputyID] }},
			{"f.place", func(r any) string { return r.(store.Visit).Place }},
			{"visits.opinions", func(r any) string {
				var parts []string
				for _, o := range r.(store.Visit).Opinions {
					parts = append(parts, o.Content)
				}
				return strings.Join(parts, "；")
			}},
		},
		ID: func(r any) string { return r.(store.Visit).ID }, Active: func(any) bool { return true },
		Fields: func(string) []field {
			fs := []field{}
			if presidium {
				fs = append(fs, field{Name: "deputy_id", Label: "f.deputy", Type: "select", Required: true, Options: opts})
			}
			return append(fs,
				field{Name: "visited_at", Label: "f.visited_at", Type: "datetime-local", Required: true},
				field{Name: "place", Label: "f.place", Type: "text", Max: 200},
				field{Name: "opinions", Label: "visits.opinions", Type: "textarea", Max: 20000, Hint: "visits.opinions_hint"},
				field{Name: "note", Label: "f.notes", Type: "textarea", Max: 5000})
		}}
	if presidium {
		k.Filters = []field{{Name: "deputy_id", Label: "f.deputy", Type: "select", Options: opts}}
	}
	return k, nil
}

func (w *web) mayVisit(rw http.ResponseWriter, r *http.Request, wc *webCtx) bool {
	if wc.p.Presidium() || (wc.p.Role == access.RoleDeputy && wc.p.DeputyID != "") {
		return true
	}
	w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "record_visits"))
	return false
}

func (w *web) visitList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.mayVisit(rw, r, wc) {
		return
	}
	k, err := w.visitKind(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	items, total, err := w.store.Visits(r.Context(), visitDeputy(r, wc), store.Page{Number: pageOf(r), Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "visit"))
		return
	}
	var links []docLink
	if wc.p.Role == access.RoleDeputy {
		// A deputy's visits page is their duties page: their record of
		// the year prints from here.
		links = w.recordDocLinks(r, wc, wc.p.DeputyID)
	}
	w.showList(rw, r, wc, k, rows(items), total, links)
}

func (w *web) newVisitPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.mayVisit(rw, r, wc) {
		return
	}
	k, err := w.visitKind(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	now := w.now().In(w.policy.Location()).Format("2006-01-02T15:04")
	w.showForm(rw, r, wc, k, http.StatusOK, nil, &formState{Defaults: map[string]string{"visited_at": now}}, nil)
}

func (w *web) createVisit(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.mayVisit(rw, r, wc) {
		return
	}
	k, err := w.visitKind(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	deputyID := visitDeputy(r, wc)
	at, err := localTime(r.PostFormValue("visited_at"), "visited_at", w.policy.Location())
	in := supervision.VisitInput{VisitedAt: at, Place: r.PostFormValue("place"), Note: r.PostFormValue("note")}
	// One opinion a line: "constituent：content", or just the content.
	for _, line := range splitLines(r.PostFormValue("opinions")) {
		who, what, ok := strings.Cut(line, "：")
		if !ok {
			who, what, ok = strings.Cut(line, ":")
		}
		if !ok {
			who, what = "", line
		}
		in.Opinions = append(in.Opinions, supervision.OpinionInput{Constituent: strings.TrimSpace(who), Content: strings.TrimSpace(what)})
	}
	if err == nil {
		err = w.allowWrite(wc, routeVisit, &access.Object{DeputyID: deputyID})
	}
	if err == nil {
		_, err = supervision.RecordVisit(r.Context(), w.store, deputyID, in, w.now())
	}
	w.saved(rw, r, wc, k, nil, routeVisit, deputyID, err, nil)
}

func splitLines(v string) []string {
	out := []string{}
	for _, l := range strings.Split(strings.ReplaceAll(v, "\r", ""), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
