package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"suggestflow/access"
	"suggestflow/domain"
)

// Sessions of the web UI.
//
// Signing in takes one of the API's bearer tokens. The server keeps the
// session in memory: a random 256-bit id (the only thing in the cookie,
// HttpOnly, SameSite=Strict, Path=/ui), the hash of the token, a random
// CSRF token and the times. Every request looks the token hash up again,
// so a revoked or expired token ends its sessions at once, and the roles
// are the account's as they stand. Sessions end after webIdle without a
// request or webMaxAge after signing in, on sign-out, and when the process
// restarts (then everyone signs in again). With several API replicas behind
// one address, the load balancer must keep a browser on one replica.
//
// CSRF: every POST form carries the session's CSRF token in a hidden field
// "csrf"; it is compared in constant time and a POST without it is refused
// with 403. The sign-in form, which has no session yet, uses a
// double-submit token instead: a random value both in a short-lived cookie
// and in the form. SameSite=Strict cookies are a second fence.
const (
	sessionCookie = "sf_session"
	loginCookie   = "sf_login"
	langCookie    = "sf_lang"
	webIdle       = 2 * time.Hour
	webMaxAge     = 12 * time.Hour
	maxSessions   = 10000
)

type session struct {
	id        string
	tokenHash string
	csrf      string
	created   time.Time
	lastSeen  time.Time
	flash     string
}

type sessionStore struct {
	mu   sync.Mutex
	byID map[string]*session
}

func newSessionStore() *sessionStore { return &sessionStore{byID: map[string]*session{}} }

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (st *sessionStore) create(tokenHash string, now time.Time) *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sweepLocked(now)
	if len(st.byID) >= maxSessions {
		// Bounded memory: the oldest session goes first.
		var oldest *session
		for _, s := range st.byID {
			if oldest == nil || s.lastSeen.Before(oldest.lastSeen) {
				oldest = s
			}
		}
		delete(st.byID, oldest.id)
	}
	s := &session{id: randomToken(), tokenHash: tokenHash, csrf: randomToken(), created: now, lastSeen: now}
	st.byID[s.id] = s
	return s
}

// get returns the live session with the id, touching it.
func (st *sessionStore) get(id string, now time.Time) *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.byID[id]
	if !ok {
		return nil
	}
	if now.Sub(s.lastSeen) > webIdle || now.Sub(s.created) > webMaxAge {
		delete(st.byID, id)
		return nil
	}
	s.lastSeen = now
	return s
}

func (st *sessionStore) delete(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.byID, id)
}

func (st *sessionStore) sweepLocked(now time.Time) {
	for id, s := range st.byID {
		if now.Sub(s.lastSeen) > webIdle || now.Sub(s.created) > webMaxAge {
			delete(st.byID, id)
		}
	}
}

func (st *sessionStore) setFlash(s *session, msg string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s.flash = msg
}

func (st *sessionStore) takeFlash(s *session) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	f := s.flash
	s.flash = ""
	return f
}

// webCtx is a signed-in request.
type webCtx struct {
	sess    *session
	p       access.Principal
	name    string
	tokenID string
}

func (wc *webCtx) actor() domain.Actor { return domain.Actor{ID: wc.p.AccountID, Role: wc.p.Role} }

type webHandler func(rw http.ResponseWriter, r *http.Request, wc *webCtx)

// authed resolves the session to its account, or sends the browser to the
// sign-in page.
func (w *web) authed(h webHandler) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		now := w.s.now()
		var sess *session
		if c, err := r.Cookie(sessionCookie); err == nil {
			sess = w.sessions.get(c.Value, now)
		}
		if sess == nil {
			w.toLogin(rw, r)
			return
		}
		acc, err := w.s.store.AccountByTokenHash(r.Context(), sess.tokenHash, now)
		if err != nil {
			if errorsIsNotFound(err) {
				w.sessions.delete(sess.id)
				w.toLogin(rw, r)
				return
			}
			w.s.log.Warn("web: session lookup failed", "error", err)
			w.webError(rw, r, nil, unavailable(err))
			return
		}
		wc := &webCtx{sess: sess, name: acc.Name, tokenID: acc.TokenID,
			p: access.Principal{AccountID: acc.ID, Role: acc.Role, UnitID: acc.UnitID, DeputyID: acc.DeputyID}}
		h(rw, r, wc)
	}
}

func (w *web) toLogin(rw http.ResponseWriter, r *http.Request) {
	target := "/ui/login"
	if r.Method == http.MethodGet && r.URL.Path != "/ui/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(rw, r, target, http.StatusSeeOther)
}

// csrf refuses a POST whose form lacks the session's CSRF token.
func (w *web) csrf(h webHandler) webHandler {
	return func(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
		if !sameToken(r.PostFormValue("csrf"), wc.sess.csrf) {
			w.webError(rw, r, wc, problem(http.StatusForbidden, "the form has no valid CSRF token; reload the page and try again"))
			return
		}
		h(rw, r, wc)
	}
}

func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// secure says whether cookies should be Secure: the request came over
// TLS, directly or through a proxy that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (w *web) loginPage(rw http.ResponseWriter, r *http.Request) {
	w.showLogin(rw, r, http.StatusOK, "")
}

func (w *web) showLogin(rw http.ResponseWriter, r *http.Request, status int, errKey string) {
	token := randomToken()
	http.SetCookie(rw, &http.Cookie{Name: loginCookie, Value: token, Path: "/ui/login", MaxAge: 3600,
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
	lang := langOf(r)
	data := map[string]any{"Next": safeNext(r.FormValue("next")), "Error": ""}
	if errKey != "" {
		data["Error"] = tr(lang, errKey)
	}
	p := webPage{Lang: lang, Title: tr(lang, "login.title"), Path: r.URL.Path, CSRF: token, Data: data, LangURLs: langURLs(r.URL), Nav: "login"}
	w.renderPage(rw, status, "login", lang, p)
}

// login checks the token exactly as the API does and starts a session.
func (w *web) login(rw http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		w.webError(rw, r, nil, problem(http.StatusForbidden, "the sign-in form has expired; reload it"))
		return
	}
	token := strings.TrimSpace(r.PostFormValue("token"))
	if token == "" || len(token) > 200 {
		w.showLogin(rw, r, http.StatusUnauthorized, "login.bad")
		return
	}
	hash := HashToken(token)
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if _, err := w.s.store.AccountByTokenHash(ctx, hash, w.s.now()); err != nil {
		if errorsIsNotFound(err) {
			w.showLogin(rw, r, http.StatusUnauthorized, "login.bad")
			return
		}
		w.s.log.Warn("web: sign-in lookup failed", "error", err)
		w.webError(rw, r, nil, unavailable(err))
		return
	}
	sess := w.sessions.create(hash, w.s.now())
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: sess.id, Path: "/ui", MaxAge: int(webMaxAge / time.Second),
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
	http.SetCookie(rw, &http.Cookie{Name: loginCookie, Value: "", Path: "/ui/login", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(rw, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// safeNext keeps a redirect inside the UI: a path under /ui/, never
// another host ("//host" or "/\host").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "/ui/login") || strings.ContainsAny(next, "\\\r\n") {
		return "/ui/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/ui/"
	}
	return next
}

func (w *web) logoutPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.render(rw, r, wc, http.StatusOK, "logout", "nav.logout", nil)
}

func (w *web) logout(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.sessions.delete(wc.sess.id)
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: "/ui", MaxAge: -1, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(rw, r, "/ui/login", http.StatusSeeOther)
}
