package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/refusal"
	"suggestflow/store"
)

// Sessions of the web UI.
//
// Signing in takes a user name and a password (package accounts checks
// them, and holds off repeated failures); it makes a session token as the
// API's sign-in does, and the page session refers to it. The session is kept in
// the database, so any API replica serves it and a restart signs nobody
// out: a random 256-bit id (the only thing in the cookie, HttpOnly,
// SameSite=Strict, Path=/ui; the database keeps only its SHA-256), the
// hash of the token, a random CSRF token and the times. Every request looks
// the token hash up again, so a revoked or expired token ends its sessions
// at once, and the roles are the account's as they stand. Sessions end
// after the policy's session_idle without a request or webMaxAge after
// signing in, on sign-out, and when the password changes elsewhere.
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
	webMaxAge     = 24 * time.Hour
)

type session struct {
	idHash    string
	tokenHash string
	csrf      string
	flash     string // read with the session; cleared once shown
}

// sessionStore keeps the UI's sessions in the application database.
type sessionStore struct {
	st   *store.Store
	idle func() time.Duration
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionHash(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(sum[:])
}

// create starts a session and returns the cookie's value.
func (ss sessionStore) create(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	cookie := randomToken()
	ws := store.WebSession{IDHash: sessionHash(cookie), TokenHash: tokenHash, CSRF: randomToken(), CreatedAt: now, LastSeen: now}
	if err := ss.st.CreateWebSession(ctx, ws, ss.idle(), webMaxAge); err != nil {
		return "", err
	}
	return cookie, nil
}

// get returns the live session the cookie names, or nil.
func (ss sessionStore) get(ctx context.Context, cookie string, now time.Time) (*session, error) {
	ws, err := ss.st.LiveWebSession(ctx, sessionHash(cookie), now, ss.idle(), webMaxAge)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &session{idHash: ws.IDHash, tokenHash: ws.TokenHash, csrf: ws.CSRF, flash: ws.Flash}, nil
}

func (ss sessionStore) delete(ctx context.Context, s *session) error {
	return ss.st.DeleteWebSession(ctx, s.idHash)
}

// setFlash keeps a message for the next page; losing one is not worth
// failing the action that has already been taken.
func (w *web) setFlash(r *http.Request, wc *webCtx, msg string) {
	if err := w.sessions.st.SetWebSessionFlash(r.Context(), wc.sess.idHash, msg); err != nil {
		w.log.Warn("web: keeping a message failed", "error", err)
	}
}

// takeFlash returns the message read with the session and clears it; most
// pages have none and cost no write.
func (w *web) takeFlash(r *http.Request, wc *webCtx) string {
	msg := wc.sess.flash
	if msg == "" {
		return ""
	}
	wc.sess.flash = ""
	if err := w.sessions.st.ClearWebSessionFlash(r.Context(), wc.sess.idHash, msg); err != nil {
		w.log.Warn("web: clearing a message failed", "error", err)
	}
	return msg
}

// webCtx is a signed-in request.
type webCtx struct {
	sess    *session
	p       access.Principal
	name    string
	tokenID string
	// session: the token is a password sign-in's.
	session bool
}

func (wc *webCtx) actor() domain.Actor { return domain.Actor{ID: wc.p.AccountID, Role: wc.p.Role} }

type webHandler func(rw http.ResponseWriter, r *http.Request, wc *webCtx)

// authed resolves the session to its account, or sends the browser to the
// sign-in page.
func (w *web) authed(h webHandler) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		now := w.now()
		var sess *session
		if c, err := r.Cookie(sessionCookie); err == nil {
			sess, err = w.sessions.get(r.Context(), c.Value, now)
			if err != nil {
				w.log.Warn("web: session lookup failed", "error", err)
				w.webError(rw, r, nil, refusal.DependencyDown(err))
				return
			}
		}
		if sess == nil {
			w.toLogin(rw, r)
			return
		}
		acc, err := w.store.AccountByTokenHash(r.Context(), sess.tokenHash, now)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				if err := w.sessions.delete(r.Context(), sess); err != nil {
					w.log.Warn("web: ending a session failed", "error", err)
				}
				w.toLogin(rw, r)
				return
			}
			w.log.Warn("web: session lookup failed", "error", err)
			w.webError(rw, r, nil, refusal.DependencyDown(err))
			return
		}
		wc := &webCtx{sess: sess, name: acc.Name, tokenID: acc.TokenID, session: acc.Session,
			p: access.Principal{AccountID: acc.ID, Role: acc.Role, UnitID: acc.UnitID, DeputyID: acc.DeputyID}}
		if acc.MustChangePassword && acc.Session && r.URL.Path != "/ui/password" && r.URL.Path != "/ui/logout" {
			// A first or reset password is changed before anything else.
			http.Redirect(rw, r, "/ui/password", http.StatusSeeOther)
			return
		}
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
			w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.CSRFInvalid))
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

func (w *web) endSessionToken(r *http.Request, wc *webCtx) error {
	if !wc.session {
		return nil
	}
	return w.accounts.SignOut(r.Context(), wc.tokenID)
}

func (w *web) showLogin(rw http.ResponseWriter, r *http.Request, status int, msg string) {
	token := randomToken()
	http.SetCookie(rw, &http.Cookie{Name: loginCookie, Value: token, Path: "/ui/login", MaxAge: 3600,
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
	lang := langOf(r)
	data := map[string]any{"Next": safeNext(r.FormValue("next")), "Error": msg, "Username": r.PostFormValue("username")}
	p := webPage{Lang: lang, Title: tr(lang, "login.title"), Path: r.URL.Path, CSRF: token, Data: data, LangURLs: langURLs(r.URL), Nav: "login"}
	p.Township = w.township(r)
	w.renderPage(rw, status, "login", lang, p)
}

// clientAddress is the connection's address: a header a client sets
// would let it dodge the sign-in hold-off.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// login checks the user name and password exactly as the API does and
// starts a session.
func (w *web) login(rw http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		w.webError(rw, r, nil, refusal.New(refusal.Forbidden, refusal.LoginExpired))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	sess, err := w.accounts.SignIn(ctx, r.PostFormValue("username"), r.PostFormValue("password"), clientAddress(r))
	if err != nil {
		rf, ok := refusal.As(err)
		if !ok || rf.Kind == refusal.Unavailable {
			w.webError(rw, r, nil, err)
			return
		}
		if rf.RetryAfter > 0 {
			rw.Header().Set("Retry-After", rf.RetryAfterSeconds())
		}
		w.showLogin(rw, r, rf.Kind.Status(), rf.Text(i18n.For(langOf(r), w.policy.Location())))
		return
	}
	cookie, err := w.sessions.create(ctx, sess.TokenHash, w.now())
	if err != nil {
		w.webError(rw, r, nil, store.Refused(err, "session"))
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: cookie, Path: "/ui", MaxAge: int(webMaxAge / time.Second),
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
	http.SetCookie(rw, &http.Cookie{Name: loginCookie, Value: "", Path: "/ui/login", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	next := safeNext(r.PostFormValue("next"))
	if sess.MustChangePassword {
		next = "/ui/password"
	}
	http.Redirect(rw, r, next, http.StatusSeeOther)
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
	if err := w.sessions.delete(r.Context(), wc.sess); err != nil {
		w.webError(rw, r, wc, store.Refused(err, "session"))
		return
	}
	// The sign-in's token ends with it (a page signed in before passwords
	// existed used a script's token, which stays).
	if err := w.endSessionToken(r, wc); err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: "/ui", MaxAge: -1, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(rw, r, "/ui/login", http.StatusSeeOther)
}
