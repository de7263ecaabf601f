// Package web is the pages: server-rendered Chinese (and English) pages
// for the presidium, the units and the deputies under /ui/, the public
// board, and the documents they download (Excel, PDF, iCalendar).
// Everything a page needs is embedded here (no CDN, system fonts), so it
// works on an office intranet without internet. The pages run on net/http
// alone; every action goes through the case commands (package cases) and
// every text comes from package i18n.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"suggestflow/access"
	"suggestflow/accounts"
	"suggestflow/attachments"
	"suggestflow/cases"
	"suggestflow/delivery"
	"suggestflow/documents"
	"suggestflow/i18n"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/roster"
	"suggestflow/store"
	"suggestflow/throttle"
)

//go:embed static templates
var webFS embed.FS

// Deps are what the pages need.
type Deps struct {
	Store    *store.Store
	Cases    *cases.Service
	Accounts *accounts.Service
	Roster   *roster.Service
	Delivery delivery.Config
	Importer *roster.Importer
	Temporal client.Client
	Policy   policy.Policy
	Logger   *slog.Logger
	Now      func() time.Time
	// Writes is the per-token write limit, shared with the API.
	Writes *throttle.Writes
	// TemporalUIURL is the base URL of the Temporal Web UI (for example
	// http://127.0.0.1:8233); empty hides the link. When it names no
	// namespace (no "/namespaces/" in it), the default namespace is used.
	TemporalUIURL string
	// Documents builds the official documents the pages link to.
	Documents *documents.Service

	// Attachments keeps the files of cases, with the API's rules; nil
	// makes one over Store and Cases.
	Attachments *attachments.Service
}

// web holds the pages' state: their dependencies, templates and sessions.
type web struct {
	store    *store.Store
	cases    *cases.Service
	accounts *accounts.Service
	roster   *roster.Service
	delivery delivery.Config
	importer *roster.Importer
	attach   *attachments.Service
	temporal client.Client
	policy   policy.Policy
	log      *slog.Logger
	now      func() time.Time
	writes   *throttle.Writes
	uiURL    string
	docs     *documents.Service
	sessions sessionStore
	pages    map[string]*template.Template
	static   fs.FS
	css      []byte
}

// maxPageSize is the store's largest page, for reading whole lists.
const maxPageSize = 100

// Security headers of every UI answer. The content security policy is the
// guarantee behind "no outside host": the browser itself refuses any
// script, style, font or image not served from here.
const webCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// New builds the pages' handler: /ui/ and the public board (/board,
// /board.pdf). Its routes are its own, on a net/http mux, apart from the
// JSON API's route table.
func New(d Deps) (http.Handler, error) {
	w, err := newWeb(d)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ui/static/{file}", w.staticFile)
	mux.HandleFunc("GET /ui/login", w.loginPage)
	mux.HandleFunc("POST /ui/login", w.login)
	mux.HandleFunc("GET /ui/logout", w.authed(w.logoutPage))
	mux.HandleFunc("POST /ui/logout", w.authed(w.csrf(w.logout)))
	mux.HandleFunc("GET /ui/password", w.authed(w.passwordPage))
	mux.HandleFunc("POST /ui/password", w.authed(w.csrf(w.changePassword)))
	mux.HandleFunc("GET /ui/{$}", w.authed(w.dashboard))
	mux.HandleFunc("GET /ui/suggestions", w.authed(w.suggestionList))
	mux.HandleFunc("GET /ui/suggestions/new", w.authed(w.newSuggestionPage))
	mux.HandleFunc("POST /ui/suggestions", w.authed(w.csrf(w.submitSuggestion)))
	mux.HandleFunc("GET /ui/suggestions/{id}", w.authed(w.suggestionPage))
	mux.HandleFunc("GET /ui/suggestions/{id}/live", w.authed(w.liveStatus))
	mux.HandleFunc("POST /ui/suggestions/{id}/{action}", w.authed(w.csrf(w.suggestionAction)))
	mux.HandleFunc("GET /ui/suggestions/{id}/documents/{file}", w.authed(w.caseDocument))
	mux.HandleFunc("POST /ui/suggestions/{id}/rating-links", w.authed(w.csrf(w.issueRatingLink)))
	mux.HandleFunc("POST /ui/suggestions/{id}/rating-links/{link}/revoke", w.authed(w.csrf(w.revokeRatingLink)))
	// The upload's form is read within the attachment limit before its
	// CSRF token can be checked (attachUpload does both).
	mux.HandleFunc("POST /ui/suggestions/{id}/attachments", w.authed(w.attachUpload))
	mux.HandleFunc("GET /ui/attachments/{id}", w.authed(w.attachmentFile))
	mux.HandleFunc("GET /ui/meetings", w.authed(w.meetingList))
	mux.HandleFunc("GET /ui/meetings/{id}", w.authed(w.meetingPage))
	mux.HandleFunc("GET /ui/meetings/{id}/notice", w.authed(w.meetingNotice))
	mux.HandleFunc("GET /ui/meetings/{id}/notice.ics", w.authed(w.meetingNoticeICS))
	mux.HandleFunc("GET /ui/meetings/{id}/notice.pdf", w.authed(w.meetingNoticePDF))
	mux.HandleFunc("GET /ui/deputies/{id}/record.pdf", w.authed(w.deputyRecordPDF))
	mux.HandleFunc("GET /ui/rankings/{year}/bulletin.pdf", w.authed(w.bulletinPDF))
	mux.HandleFunc("POST /ui/meetings/{id}/minutes", w.authed(w.csrf(w.meetingMinutes)))
	for _, rk := range []struct {
		path                string
		list, newPage, page webHandler
		create, update      webHandler
	}{
		{"/ui/deputies", w.deputyList, w.newDeputyPage, w.deputyPage, w.createDeputy, w.updateDeputy},
		{"/ui/units", w.unitList, w.newUnitPage, w.unitPage, w.createUnit, w.updateUnit},
		{"/ui/accounts", w.accountList, w.newAccountPage, w.accountPage, w.createAccount, w.updateAccount},
	} {
		mux.HandleFunc("GET "+rk.path, w.authed(rk.list))
		mux.HandleFunc("GET "+rk.path+"/new", w.authed(rk.newPage))
		mux.HandleFunc("POST "+rk.path, w.authed(w.csrf(rk.create)))
		mux.HandleFunc("GET "+rk.path+"/{id}", w.authed(rk.page))
		mux.HandleFunc("POST "+rk.path+"/{id}", w.authed(w.csrf(rk.update)))
		mux.HandleFunc("POST "+rk.path+"/{id}/{what}", w.authed(w.csrf(rk.update)))
	}
	for _, rk := range []struct {
		path                  string
		list, newPage, create webHandler
	}{
		{"/ui/complaints", w.complaintList, w.newComplaintPage, w.createComplaint},
		{"/ui/visits", w.visitList, w.newVisitPage, w.createVisit},
	} {
		mux.HandleFunc("GET "+rk.path, w.authed(rk.list))
		mux.HandleFunc("GET "+rk.path+"/new", w.authed(rk.newPage))
		mux.HandleFunc("POST "+rk.path, w.authed(w.csrf(rk.create)))
	}
	mux.HandleFunc("GET /ui/complaints/{id}", w.authed(w.complaintPage))
	mux.HandleFunc("POST /ui/complaints/{id}", w.authed(w.csrf(w.updateComplaint)))
	mux.HandleFunc("GET /ui/reports", w.authed(w.reportList))
	mux.HandleFunc("GET /ui/settings", w.authed(w.settingsPage))
	mux.HandleFunc("POST /ui/settings/policy/{key}", w.authed(w.csrf(w.setPolicy)))
	mux.HandleFunc("POST /ui/settings/channels/{channel}/test", w.authed(w.csrf(w.testChannel)))
	for _, kind := range roster.Kinds {
		p := importKinds[kind].list + "/import"
		mux.HandleFunc("GET "+p, w.authed(w.importPage))
		mux.HandleFunc("POST "+p, w.authed(w.upload(w.csrf(w.importPost))))
		mux.HandleFunc("GET "+p+"/template.xlsx", w.authed(w.importTemplate))
	}
	mux.HandleFunc("GET /ui/evaluations", w.authed(w.evaluations))
	mux.HandleFunc("POST /ui/evaluations", w.authed(w.csrf(w.runEvaluation)))
	mux.HandleFunc("POST /ui/evaluations/questionnaire", w.authed(w.csrf(w.setQuestionnaire)))
	mux.HandleFunc("GET /ui/calendar", w.authed(w.calendarPage))
	mux.HandleFunc("POST /ui/calendar/years", w.authed(w.csrf(w.loadYear)))
	mux.HandleFunc("POST /ui/calendar/days", w.authed(w.csrf(w.setDay)))
	mux.HandleFunc("GET /ui/ledger.xlsx", w.authed(w.ledgerXLSX))
	mux.HandleFunc("GET /ui/hearing.xlsx", w.authed(w.hearingXLSX))
	mux.HandleFunc("/ui/", w.notFound)
	// A rating link needs no account: its token is its credential.
	mux.HandleFunc("GET /r/{token}", w.ratingLinkPage)
	mux.HandleFunc("POST /r/{token}", w.rateByLink)
	ui := w.headers(mux)

	// The board is public and printable; its page carries its own print
	// styles, so it is served outside the pages' content security policy.
	root := http.NewServeMux()
	root.HandleFunc("GET /board", w.boardPage)
	root.HandleFunc("GET /board.pdf", w.boardPDF)
	root.Handle("/ui/", ui)
	root.Handle("/r/", ui)
	return root, nil
}

func newWeb(d Deps) (*web, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	static, err := fs.Sub(webFS, "static")
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	css, err := fs.ReadFile(static, "app.css")
	if err != nil {
		return nil, fmt.Errorf("stylesheet: %w", err)
	}
	// The bar chart's widths are classes, not inline styles, so that the
	// content security policy can forbid inline styles altogether.
	var bars strings.Builder
	for i := 0; i <= 100; i++ {
		fmt.Fprintf(&bars, ".w%d{width:%d%%}\n", i, i)
	}
	if d.Attachments == nil && d.Cases != nil {
		// The API passes its own; a page server alone keeps files with
		// the same rules.
		d.Attachments = attachments.New(d.Store, d.Cases.CurrentPolicy, d.Now)
	}
	w := &web{store: d.Store, cases: d.Cases, accounts: d.Accounts, roster: d.Roster, importer: d.Importer, attach: d.Attachments, delivery: d.Delivery, temporal: d.Temporal, policy: d.Policy, log: d.Logger, now: d.Now,
		writes: d.Writes, uiURL: d.TemporalUIURL, docs: d.Documents, sessions: sessionStore{st: d.Store, idle: d.Accounts.Idle}, static: static,
		css: append(css, bars.String()...)}
	if w.docs == nil && d.Cases != nil {
		w.docs = documents.New(d.Store, d.Cases.CurrentPolicy, "", d.Cases.LetterRatingURL, d.Now)
	}
	if w.pages, err = parsePages(); err != nil {
		return nil, err
	}
	return w, nil
}

// parsePages parses each page with the layout. The "t" function is a
// placeholder here; each request clones the page and binds "t" to its
// language.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(webFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasPrefix(base, "part_") {
			continue
		}
		// A print page is a document of its own, with its own "layout".
		files := []string{name}
		if !strings.HasPrefix(base, "print_") {
			partials, err := fs.Glob(webFS, "templates/part_*.html")
			if err != nil {
				return nil, err
			}
			files = append(append([]string{"templates/layout.html"}, partials...), name)
		}
		t, err := template.New(base).Funcs(webFuncs(nil, nil)).ParseFS(webFS, files...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		pages[strings.TrimSuffix(base, ".html")] = t
	}
	return pages, nil
}

// headers sets the security headers of every UI answer.
func (w *web) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := rw.Header()
		h.Set("Content-Security-Policy", webCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		rememberLang(rw, r)
		next.ServeHTTP(rw, r)
	})
}

func (w *web) staticFile(rw http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	var body []byte
	switch name {
	case "app.css":
		body = w.css
	default:
		b, err := fs.ReadFile(w.static, name)
		if err != nil {
			w.notFound(rw, r)
			return
		}
		body = b
	}
	rw.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(rw, r, name, time.Time{}, bytes.NewReader(body))
}

// page is what every template gets: the request's language and user, and
// the page's own data.
type webPage struct {
	// Township is the township's name (the settings'), before the
	// service's.
	Township string
	Lang     string
	Title    string
	User     *webUser
	CSRF     string
	Flash    string
	Path     string
	LangURLs map[string]string
	Nav      string
	Data     any
}

// webUser is the signed-in account as the layout shows it.
type webUser struct {
	Name      string
	Role      string
	Presidium bool
}

// render writes a page with the layout, in the request's language.
func (w *web) render(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, name, titleKey string, data any) {
	lang := langOf(r)
	p := webPage{Lang: lang, Title: tr(lang, titleKey), Path: r.URL.Path, Data: data, LangURLs: langURLs(r.URL), Nav: name}
	if wc != nil {
		p.User = &webUser{Name: wc.name, Role: wc.p.Role, Presidium: wc.p.Presidium()}
		p.CSRF = wc.sess.csrf
		p.Flash = w.takeFlash(r, wc)
	}
	p.Township = w.township(r)
	w.renderPage(rw, status, name, lang, p)
}

func (w *web) renderPage(rw http.ResponseWriter, status int, name, lang string, data any) {
	base, ok := w.pages[name]
	if !ok {
		w.log.Error("web: no such template", "name", name)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	t, err := base.Clone()
	if err == nil {
		t = t.Funcs(webFuncs(func(key string) string { return tr(lang, key) }, w.policy.Location()))
	}
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, "layout", data)
	}
	if err != nil {
		w.log.Error("web: render failed", "template", name, "error", err)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	if _, err := rw.Write(buf.Bytes()); err != nil {
		w.log.Debug("web: the browser left before the page was sent", "template", name, "error", err)
	}
}

// langURLs are the current URL with ?lang= for each language.
func langURLs(u *url.URL) map[string]string {
	out := map[string]string{}
	for _, l := range []string{i18n.ZH, i18n.EN} {
		q := u.Query()
		q.Set("lang", l)
		out[l] = u.Path + "?" + q.Encode()
	}
	return out
}

// webError renders an error page: 404 for what is not there or not the
// caller's (the API's rule: existence is not revealed), 503 when a
// dependency is down, 500 otherwise.
func (w *web) webError(rw http.ResponseWriter, r *http.Request, wc *webCtx, err error) {
	lang := langOf(r)
	status := http.StatusInternalServerError
	msg := tr(lang, "err.internal")
	rf, known := refusalOf(err)
	switch {
	case !known:
		w.log.Error("web: request failed", "path", r.URL.Path, "error", err)
	case rf.Kind == refusal.Unavailable:
		w.log.Warn("web: dependency unavailable", "path", r.URL.Path, "error", rf.Cause())
		rw.Header().Set("Retry-After", "5")
		fallthrough
	default:
		status, msg = rf.Kind.Status(), summary(lang, rf, w.policy.Location())
		if rf.RetryAfter > 0 {
			rw.Header().Set("Retry-After", rf.RetryAfterSeconds())
		}
	}
	w.render(rw, r, wc, status, "error", "err.title", map[string]any{"Status": status, "Message": msg})
}

func (w *web) notFound(rw http.ResponseWriter, r *http.Request) {
	w.webError(rw, r, nil, refusal.New(refusal.NotFound, refusal.NoPage))
}

// may reports whether the principal may call an API route, and act on the
// object, under the one access policy. The UI offers exactly what the API
// would allow.
func may(p access.Principal, route string, obj *access.Object) access.Decision {
	rule, d := access.Route(p, route)
	if d != access.Allow {
		return d
	}
	if obj == nil || rule.Object == access.NoObject {
		return access.Allow
	}
	return access.On(p, rule, *obj)
}

// temporalLink is the Temporal Web UI page of a workflow, or "".
func (w *web) temporalLink(workflowID string) string {
	base := strings.TrimRight(w.uiURL, "/")
	if base == "" {
		return ""
	}
	if !strings.Contains(base, "/namespaces/") {
		base += "/namespaces/default"
	}
	return base + "/workflows/" + url.PathEscape(workflowID)
}

// refusalOf is the refusal an error carries, or 503 for a database that is
// down; false for an unexpected error.
func refusalOf(err error) (*refusal.Error, bool) {
	if r, ok := refusal.As(err); ok {
		return r, true
	}
	if store.Unavailable(err) {
		return refusal.DependencyDown(err), true
	}
	return nil, false
}

// township is the township's name as the settings have it; a page is
// shown without it rather than not at all.
func (w *web) township(r *http.Request) string {
	pol, err := w.cases.CurrentPolicy(r.Context())
	if err != nil {
		w.log.Warn("web: reading the township's name failed", "error", err)
		return w.policy.Township
	}
	return pol.Township
}
