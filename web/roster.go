package web

import (
	"net/http"
	"net/url"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/roster"
	"suggestflow/store"
)

// The roster's pages: deputies and units, listed, searched, added, edited
// and retired, through package roster as the API does.

const (
	routeCreateDeputy = "POST /api/v1/deputies"
	routeCreateUnit   = "POST /api/v1/units"
)

func levelOptions(lang string) []option {
	return []option{{"township", tr(lang, "level.township")}, {"county", tr(lang, "level.county")}}
}

var deputyKind = &recordKind{
	Path: "/ui/deputies", Title: "deputies.title", One: "rec.deputy", Route: routeCreateDeputy, Template: "deputies",
	Extra: "deputies.help",
	Columns: []column{
		{"f.name", func(r any) string { return r.(domain.Deputy).Name }},
		{"f.group", func(r any) string { return r.(domain.Deputy).Group }},
		{"f.level", func(r any) string { return "" }},
		{"f.phone", func(r any) string { return r.(domain.Deputy).Phone }},
	},
	ID:     func(r any) string { return r.(domain.Deputy).ID },
	Active: func(r any) bool { return r.(domain.Deputy).Active },
	Values: func(r any) url.Values {
		d := r.(domain.Deputy)
		return url.Values{"name": {d.Name}, "level": {d.Level}, "group": {d.Group}, "phone": {d.Phone}, "email": {d.Email}}
	},
	Fields: func(lang string) []field {
		return []field{
			{Name: "name", Label: "f.name", Type: "text", Required: true, Max: 100},
			{Name: "level", Label: "f.level", Type: "select", Required: true, Options: levelOptions(lang)},
			{Name: "group", Label: "f.group", Type: "text", Max: 100, Hint: "deputies.group_hint"},
			{Name: "phone", Label: "f.phone", Type: "tel", Max: 40},
			{Name: "email", Label: "f.email", Type: "email", Max: 200},
		}
	},
}

var unitKind = &recordKind{
	Path: "/ui/units", Title: "units.title", One: "rec.unit", Route: routeCreateUnit, Template: "units",
	Extra: "units.help",
	Columns: []column{
		{"f.unit_name", func(r any) string { return r.(domain.Unit).Name }},
		{"f.head", func(r any) string { return r.(domain.Unit).Head }},
		{"f.phone", func(r any) string { return r.(domain.Unit).Phone }},
		{"f.leader", func(r any) string { return r.(domain.Unit).Leader }},
		{"f.handler", func(r any) string { return r.(domain.Unit).Handler }},
	},
	ID:     func(r any) string { return r.(domain.Unit).ID },
	Active: func(r any) bool { return r.(domain.Unit).Active },
	Values: func(r any) url.Values {
		u := r.(domain.Unit)
		return url.Values{"name": {u.Name}, "head": {u.Head}, "phone": {u.Phone}, "email": {u.Email},
			"leader": {u.Leader}, "leader_phone": {u.LeaderPhone}, "leader_email": {u.LeaderEmail},
			"handler": {u.Handler}, "handler_phone": {u.HandlerPhone}, "handler_email": {u.HandlerEmail}}
	},
	Fields: func(string) []field {
		return []field{
			{Name: "name", Label: "f.unit_name", Type: "text", Required: true, Max: 200},
			{Name: "head", Label: "f.head", Type: "text", Required: true, Max: 100},
			{Name: "phone", Label: "f.phone", Type: "tel", Max: 40},
			{Name: "email", Label: "f.email", Type: "email", Max: 200},
			{Name: "leader", Label: "f.leader", Type: "text", Max: 100},
			{Name: "leader_phone", Label: "f.leader_phone", Type: "tel", Max: 40},
			{Name: "leader_email", Label: "f.leader_email", Type: "email", Max: 200},
			{Name: "handler", Label: "f.handler", Type: "text", Max: 100, Hint: "units.handler_hint"},
			{Name: "handler_phone", Label: "f.handler_phone", Type: "tel", Max: 40},
			{Name: "handler_email", Label: "f.handler_email", Type: "email", Max: 200},
		}
	},
}

func rows[T any](items []T) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

func (w *web) deputyList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeDeputies, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "manage_records"))
		return
	}
	lang, q := langOf(r), r.URL.Query()
	groups, err := w.store.DeputyGroups(r.Context())
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "deputy"))
		return
	}
	k := *deputyKind
	k.Columns = append([]column(nil), deputyKind.Columns...)
	k.Columns[2].Cell = func(r any) string { return tr(lang, "level."+r.(domain.Deputy).Level) }
	groupOpts := make([]option, 0, len(groups))
	for _, g := range groups {
		groupOpts = append(groupOpts, option{g, g})
	}
	k.Filters = []field{{Name: "q", Label: "rec.search", Type: "text"}, {Name: "group", Label: "f.group", Type: "select", Options: groupOpts},
		{Name: "level", Label: "f.level", Type: "select", Options: levelOptions(lang)}, {Name: "include_retired", Label: "rec.show_retired", Type: "checkbox"}}
	f := store.RosterFilter{Query: q.Get("q"), Group: q.Get("group"), Level: q.Get("level"), IncludeRetired: retiredFilter(r)}
	items, total, err := w.store.Deputies(r.Context(), f, store.Page{Number: pageOf(r), Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "deputy"))
		return
	}
	w.showList(rw, r, wc, &k, rows(items), total, nil)
}

func (w *web) unitList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, unitKind) {
		return
	}
	q := r.URL.Query()
	k := *unitKind
	k.Filters = []field{{Name: "q", Label: "rec.search", Type: "text"}, {Name: "include_retired", Label: "rec.show_retired", Type: "checkbox"}}
	items, total, err := w.store.Units(r.Context(), store.RosterFilter{Query: q.Get("q"), IncludeRetired: retiredFilter(r)},
		store.Page{Number: pageOf(r), Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "unit"))
		return
	}
	w.showList(rw, r, wc, &k, rows(items), total, nil)
}

func (w *web) newDeputyPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if w.presidiumOnly(rw, r, wc, deputyKind) {
		w.showForm(rw, r, wc, deputyKind, http.StatusOK, nil, &formState{Defaults: map[string]string{"level": "township"}}, nil)
	}
}

func (w *web) newUnitPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if w.presidiumOnly(rw, r, wc, unitKind) {
		w.showForm(rw, r, wc, unitKind, http.StatusOK, nil, nil, nil)
	}
}

func (w *web) deputyPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, deputyKind) {
		return
	}
	d, err := w.store.Deputy(r.Context(), r.PathValue("id"))
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "deputy"))
		return
	}
	w.showForm(rw, r, wc, deputyKind, http.StatusOK, d, nil, w.recordDocLinks(r, wc, d.ID))
}

func (w *web) unitPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, unitKind) {
		return
	}
	u, err := w.store.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "unit"))
		return
	}
	w.showForm(rw, r, wc, unitKind, http.StatusOK, u, nil, nil)
}

func deputyInput(r *http.Request) roster.DeputyInput {
	return roster.DeputyInput{Name: r.PostFormValue("name"), Level: r.PostFormValue("level"), Group: r.PostFormValue("group"),
		Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email")}
}

func unitInput(r *http.Request) roster.UnitInput {
	v := r.PostFormValue
	return roster.UnitInput{Name: v("name"), Head: v("head"), Phone: v("phone"), Email: v("email"),
		Leader: v("leader"), LeaderPhone: v("leader_phone"), LeaderEmail: v("leader_email"),
		Handler: v("handler"), HandlerPhone: v("handler_phone"), HandlerEmail: v("handler_email")}
}

func (w *web) createDeputy(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, deputyKind) {
		return
	}
	err := w.allowWrite(wc, routeCreateDeputy, nil)
	if err == nil {
		_, err = w.roster.CreateDeputy(r.Context(), deputyInput(r))
	}
	w.saved(rw, r, wc, deputyKind, nil, routeCreateDeputy, "", err, nil)
}

func (w *web) createUnit(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, unitKind) {
		return
	}
	err := w.allowWrite(wc, routeCreateUnit, nil)
	if err == nil {
		_, err = w.roster.CreateUnit(r.Context(), unitInput(r))
	}
	w.saved(rw, r, wc, unitKind, nil, routeCreateUnit, "", err, nil)
}

// updateDeputy saves the edit form (every field) or, from /active, only
// the retirement.
func (w *web) updateDeputy(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, deputyKind) || !w.knownStep(rw, r, "active") {
		return
	}
	ctx, id := r.Context(), r.PathValue("id")
	old, err := w.store.Deputy(ctx, id)
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "deputy"))
		return
	}
	p := roster.DeputyPatch{Active: activeValue(r)}
	if r.PathValue("what") == "" {
		p.Name, p.Level, p.Group, p.Phone, p.Email = formValue(r, "name"), formValue(r, "level"), formValue(r, "group"), formValue(r, "phone"), formValue(r, "email")
	}
	err = w.allowWrite(wc, routeCreateDeputy, nil)
	if err == nil {
		_, err = w.roster.UpdateDeputy(ctx, id, p)
	}
	w.saved(rw, r, wc, deputyKind, old, "PATCH /api/v1/deputies/:id", id, err, nil)
}

func (w *web) updateUnit(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, unitKind) || !w.knownStep(rw, r, "active") {
		return
	}
	ctx, id := r.Context(), r.PathValue("id")
	old, err := w.store.Unit(ctx, id)
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "unit"))
		return
	}
	p := roster.UnitPatch{Active: activeValue(r)}
	if r.PathValue("what") == "" {
		p.Name, p.Head, p.Phone, p.Email = formValue(r, "name"), formValue(r, "head"), formValue(r, "phone"), formValue(r, "email")
		p.Leader, p.LeaderPhone, p.LeaderEmail = formValue(r, "leader"), formValue(r, "leader_phone"), formValue(r, "leader_email")
		p.Handler, p.HandlerPhone, p.HandlerEmail = formValue(r, "handler"), formValue(r, "handler_phone"), formValue(r, "handler_email")
	}
	err = w.allowWrite(wc, routeCreateUnit, nil)
	if err == nil {
		_, err = w.roster.UpdateUnit(ctx, id, p)
	}
	w.saved(rw, r, wc, unitKind, old, "PATCH /api/v1/units/:id", id, err, nil)
}
