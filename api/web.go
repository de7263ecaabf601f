package api

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
)

// The web UI: server-rendered pages for the presidium, the units and the
// deputies, under /ui/. Everything a page needs is embedded here (no CDN,
// system fonts), so it works on an office intranet without internet.

//go:embed web
var webFS embed.FS

// WebConfig is what the web UI needs beyond the API's dependencies.
type WebConfig struct {
	// TemporalUIURL is the base URL of the Temporal Web UI (for example
	// http://127.0.0.1:8233); empty hides the link. When it names no
	// namespace (no "/namespaces/" in it), the default namespace is used.
	TemporalUIURL string
}

// web holds the UI's state: its templates and its sessions.
type web struct {
	s        *Server
	cfg      WebConfig
	sessions sessionStore
	pages    map[string]*template.Template
	static   fs.FS
	css      []byte
}

// Security headers of every UI answer. The content security policy is the
// guarantee behind "no outside host": the browser itself refuses any
// script, style, font or image not served from here.
const webCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// webRoutes mounts the UI. It is one wildcard route on the Echo router with
// its own net/http mux inside: the UI's pages are not part of the JSON API,
// so they stay out of the API's route table (which the OpenAPI document and
// the access-matrix test walk) while still passing the server's recovery,
// metrics, body-limit and timeout middleware.
func (s *Server) webRoutes(cfg WebConfig) {
	w, err := newWeb(s, cfg)
	if err != nil {
		// The templates are embedded: failing to parse them is a build bug.
		panic(fmt.Errorf("web ui: %w", err))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ui/static/{file}", w.staticFile)
	mux.HandleFunc("GET /ui/login", w.loginPage)
	mux.HandleFunc("POST /ui/login", w.login)
	mux.HandleFunc("GET /ui/logout", w.authed(w.logoutPage))
	mux.HandleFunc("POST /ui/logout", w.authed(w.csrf(w.logout)))
	mux.HandleFunc("GET /ui/{$}", w.authed(w.dashboard))
	mux.HandleFunc("GET /ui/suggestions", w.authed(w.suggestionList))
	mux.HandleFunc("GET /ui/suggestions/new", w.authed(w.newSuggestionPage))
	mux.HandleFunc("POST /ui/suggestions", w.authed(w.csrf(w.submitSuggestion)))
	mux.HandleFunc("GET /ui/suggestions/{id}", w.authed(w.suggestionPage))
	mux.HandleFunc("POST /ui/suggestions/{id}/{action}", w.authed(w.csrf(w.suggestionAction)))
	mux.HandleFunc("GET /ui/meetings", w.authed(w.meetingList))
	mux.HandleFunc("GET /ui/meetings/{id}", w.authed(w.meetingPage))
	mux.HandleFunc("GET /ui/meetings/{id}/notice", w.authed(w.meetingNotice))
	mux.HandleFunc("GET /ui/meetings/{id}/notice.ics", w.authed(w.meetingNoticeICS))
	mux.HandleFunc("POST /ui/meetings/{id}/minutes", w.authed(w.csrf(w.meetingMinutes)))
	mux.HandleFunc("GET /ui/evaluations", w.authed(w.evaluations))
	mux.HandleFunc("POST /ui/evaluations", w.authed(w.csrf(w.runEvaluation)))
	mux.HandleFunc("GET /ui/ledger.xlsx", w.authed(w.ledgerXLSX))
	mux.HandleFunc("GET /ui/hearing.xlsx", w.authed(w.hearingXLSX))
	mux.HandleFunc("/ui/", w.notFound)

	h := echo.WrapHandler(w.headers(mux))
	s.e.Any("/ui/*", h)
	// "/" and "/ui" are not routes of their own (they would have to be in
	// the API's OpenAPI document); they are redirected before routing.
	s.e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if p := c.Request().URL.Path; (p == "/" || p == "/ui") && c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusFound, "/ui/")
			}
			return next(c)
		}
	})
}

func newWeb(s *Server, cfg WebConfig) (*web, error) {
	static, err := fs.Sub(webFS, "web/static")
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
	w := &web{s: s, cfg: cfg, sessions: sessionStore{st: s.store}, static: static, css: append(css, bars.String()...)}
	if w.pages, err = parsePages(); err != nil {
		return nil, err
	}
	return w, nil
}

// parsePages parses each page with the layout. The "t" function is a
// placeholder here; each request clones the page and binds "t" to its
// language.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(webFS, "web/templates/*.html")
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
			partials, _ := fs.Glob(webFS, "web/templates/part_*.html")
			files = append(append([]string{"web/templates/layout.html"}, partials...), name)
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
	w.renderPage(rw, status, name, lang, p)
}

func (w *web) renderPage(rw http.ResponseWriter, status int, name, lang string, data any) {
	base, ok := w.pages[name]
	if !ok {
		w.s.log.Error("web: no such template", "name", name)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	t, err := base.Clone()
	if err == nil {
		t = t.Funcs(webFuncs(func(key string) string { return tr(lang, key) }, w.s.policy.Location()))
	}
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, "layout", data)
	}
	if err != nil {
		w.s.log.Error("web: render failed", "template", name, "error", err)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	_, _ = rw.Write(buf.Bytes())
}

// langURLs are the current URL with ?lang= for each language.
func langURLs(u *url.URL) map[string]string {
	out := map[string]string{}
	for _, l := range []string{langZH, langEN} {
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
	status := http.StatusInternalServerError
	p, known := clientProblem(err)
	if known {
		status = p.Status
	} else {
		w.s.log.Error("web: request failed", "path", r.URL.Path, "error", err)
	}
	if status == http.StatusServiceUnavailable {
		rw.Header().Set("Retry-After", "5")
	}
	lang := langOf(r)
	msg := problemSummary(lang, p, w.s.policy.Location())
	if p == nil {
		msg = tr(lang, "err.internal")
	}
	w.render(rw, r, wc, status, "error", "err.title", map[string]any{"Status": status, "Message": msg})
}

func (w *web) notFound(rw http.ResponseWriter, r *http.Request) {
	w.webError(rw, r, nil, problem(http.StatusNotFound, "no such page"))
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
	base := strings.TrimRight(w.cfg.TemporalUIURL, "/")
	if base == "" {
		return ""
	}
	if !strings.Contains(base, "/namespaces/") {
		base += "/namespaces/default"
	}
	return base + "/workflows/" + url.PathEscape(workflowID)
}
