package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"suggestflow/store"
	"testing"
)

// testStore is a fresh SQLite store: the pages read the township's
// settings from it.
func testStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "pages.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestWebLoginPageAndRedirects(t *testing.T) {
	s := New(Deps{Store: testStore(t)})
	h := s.Handler()
	get := func(target string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get("/"); rec.Code != http.StatusFound || rec.Header().Get("Location") != "/ui/" {
		t.Errorf("GET /: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := get("/ui/"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/ui/login") {
		t.Errorf("GET /ui/ without a session: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec := get("/ui/login")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "用户名") || !strings.Contains(rec.Body.String(), `lang="zh-CN"`) {
		t.Fatalf("login page: %d %s", rec.Code, rec.Body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	rec = get("/ui/login?lang=en")
	if !strings.Contains(rec.Body.String(), "User name") {
		t.Errorf("English login page: %s", rec.Body)
	}
	var lang *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "sf_lang" {
			lang = c
		}
	}
	if lang == nil || lang.Value != "en" {
		t.Fatalf("no language cookie: %v", rec.Result().Cookies())
	}
	if rec := get("/ui/login", lang); !strings.Contains(rec.Body.String(), "Sign in") {
		t.Error("the language cookie is not used")
	}
	// The sign-in form is refused without its double-submit token.
	req := httptest.NewRequest(http.MethodPost, "/ui/login", strings.NewReader(url.Values{"token": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("login without CSRF: %d", rec.Code)
	}
	if rec := get("/ui/static/app.css"); rec.Code != 200 || !strings.Contains(rec.Body.String(), ".w100{width:100%}") {
		t.Errorf("stylesheet: %d", rec.Code)
	}
	if rec := get("/ui/nothing/here"); rec.Code != http.StatusSeeOther && rec.Code != http.StatusNotFound {
		t.Errorf("unknown page: %d", rec.Code)
	}
}
