package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"suggestflow/access"
	"suggestflow/refusal"
)

// Records are what the office keeps lists of (deputies, units, accounts):
// each kind is a recordKind, and one list page, one form page and one way
// of refusing a form serve them all.

// field is one input of a record's form.
type field struct {
	Name     string
	Label    string // i18n key
	Type     string // text, email, tel, select, password, checkbox
	Options  []option
	Required bool
	Max      int
	Hint     string // i18n key, or ""
}

type option struct{ Value, Label string }

// fieldView is a field as a form shows it: with its value and, when the
// form was refused, why.
type fieldView struct {
	field
	Value, Err string
}

func fieldViews(fields []field, f *formState) []fieldView {
	out := make([]fieldView, 0, len(fields))
	for _, x := range fields {
		out = append(out, fieldView{field: x, Value: f.V(x.Name), Err: f.E(x.Name)})
	}
	return out
}

// column is one column of a record list, its cell taken from a row.
type column struct {
	Label string // i18n key
	Cell  func(row any) string
}

// recordKind is a kind of record, as its pages show it.
type recordKind struct {
	Path     string // "/ui/deputies"
	Title    string // i18n key of the list
	One      string // i18n key of one record ("代表")
	Route    string // the API route of creating one (its access decides)
	Columns  []column
	Filters  []field
	Fields   func(lang string) []field
	Values   func(row any) url.Values
	ID       func(row any) string
	Active   func(row any) bool
	Extra    string // i18n key of a note above the list, or ""
	Template string // the list's download link (an import template), or ""
	// NoEdit: records of this kind are added, never edited.
	NoEdit bool
	// NoRetire: records of this kind are edited but never retired.
	NoRetire bool
}

// recordList is a list page's data.
type recordList struct {
	Kind             *recordKind
	Filter           url.Values
	Filters          []field
	Head             []string
	Rows             []recordRow
	Total            int64
	Page, Pages      int
	PrevURL, NextURL string
	CanEdit          bool
	Error            string
	Extra            any
	// Docs are links to documents of the list (a deputy's own record).
	Docs []docLink
}

type recordRow struct {
	ID      string
	Cells   []string
	Retired bool
}

// recordForm is a form page's data: a new record (ID empty) or one to edit.
type recordForm struct {
	Kind   *recordKind
	ID     string
	Fields []fieldView
	Form   *formState
	Active bool
	Extra  any
	// Docs are links to the record's documents (a deputy's year).
	Docs []docLink
}

// pageOf reads ?page=.
func pageOf(r *http.Request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 && n <= 100000 {
		return n
	}
	return 1
}

// showList renders a list of records.
func (w *web) showList(rw http.ResponseWriter, r *http.Request, wc *webCtx, k *recordKind, rows []any, total int64, extra any) {
	lang := langOf(r)
	d := recordList{Kind: k, Filter: r.URL.Query(), Filters: k.Filters, Total: total, Page: pageOf(r), Extra: extra,
		CanEdit: may(wc.p, k.Route, nil) == access.Allow}
	if links, ok := extra.([]docLink); ok {
		d.Docs, d.Extra = links, nil
	}
	for _, c := range k.Columns {
		d.Head = append(d.Head, tr(lang, c.Label))
	}
	for _, row := range rows {
		rr := recordRow{ID: k.ID(row), Retired: !k.Active(row)}
		for _, c := range k.Columns {
			rr.Cells = append(rr.Cells, c.Cell(row))
		}
		d.Rows = append(d.Rows, rr)
	}
	d.Pages = max(int((total+webPageSize-1)/webPageSize), 1)
	d.PrevURL, d.NextURL = pageURLs(r.URL, d.Page, d.Pages)
	w.render(rw, r, wc, http.StatusOK, "records", k.Title, d)
}

// showForm renders a record's form: f is nil for a fresh one (values
// from row, or empty), or the refused form as sent.
func (w *web) showForm(rw http.ResponseWriter, r *http.Request, wc *webCtx, k *recordKind, status int, row any, f *formState, extra any) {
	d := recordForm{Kind: k, Form: f, Active: true, Extra: extra}
	if links, ok := extra.([]docLink); ok {
		// Links are drawn by the record page itself, not as an extra part.
		d.Docs, d.Extra = links, nil
	}
	if row != nil {
		d.ID, d.Active = k.ID(row), k.Active(row)
		if f == nil {
			d.Form = &formState{Values: k.Values(row)}
		}
	}
	d.Fields = fieldViews(k.Fields(langOf(r)), d.Form)
	title := "rec.new"
	if d.ID != "" {
		title = "rec.edit"
	}
	w.render(rw, r, wc, status, "record", title, d)
}

// saved answers a record's form, audited as the API route it stands for:
// the form again with why when it was refused, else back to the list with
// a message.
func (w *web) saved(rw http.ResponseWriter, r *http.Request, wc *webCtx, k *recordKind, row any, route, objectID string, err error, extra any) {
	w.audit(r, wc, route, objectID, err)
	if w.refuse(rw, r, wc, "record", err, func(status int, f *formState) { w.showForm(rw, r, wc, k, status, row, f, extra) }) {
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "rec.saved"))
	http.Redirect(rw, r, k.Path, http.StatusSeeOther)
}

// presidiumOnly refuses those who may not change this kind of record.
func (w *web) presidiumOnly(rw http.ResponseWriter, r *http.Request, wc *webCtx, k *recordKind) bool {
	if may(wc.p, k.Route, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "manage_records"))
		return false
	}
	return true
}

// formValue is a posted value as the pointer a patch takes.
func formValue(r *http.Request, name string) *string {
	v := r.PostFormValue(name)
	return &v
}

// activeValue reads the form's "active" choice ("true" or "false").
func activeValue(r *http.Request) *bool {
	switch r.PostFormValue("active") {
	case "true":
		v := true
		return &v
	case "false":
		v := false
		return &v
	}
	return nil
}

// retiredFilter says whether a list asks for retired records too.
func retiredFilter(r *http.Request) bool { return r.URL.Query().Get("include_retired") == "true" }

// knownStep refuses a record's sub-path ({what}) that is none of steps.
func (w *web) knownStep(rw http.ResponseWriter, r *http.Request, steps ...string) bool {
	what := r.PathValue("what")
	if what == "" || slices.Contains(steps, what) {
		return true
	}
	w.notFound(rw, r)
	return false
}
