package api

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestWebTextsComplete: both languages have every key, and every key a
// template names literally exists.
func TestWebTextsComplete(t *testing.T) {
	for k := range uiZH {
		if _, ok := uiEN[k]; !ok {
			t.Errorf("English lacks %q", k)
		}
	}
	for k := range uiEN {
		if _, ok := uiZH[k]; !ok {
			t.Errorf("Chinese lacks %q", k)
		}
	}
	literal := regexp.MustCompile(`\bt "([a-z_.]+)"`)
	files, err := fs.Glob(webFS, "web/templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, name := range files {
		b, _ := fs.ReadFile(webFS, name)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if _, ok := uiZH[m[1]]; !ok {
				t.Errorf("%s uses %q, which has no text", name, m[1])
			}
		}
	}
	// Every page has the layout and the shared parts.
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range pages {
		for _, part := range []string{"layout", "content", "sgtable", "status", "rates", "formerr", "csrf", "actions", "mtable"} {
			if name == "print_notice" && part != "layout" {
				continue
			}
			if p.Lookup(part) == nil {
				t.Errorf("page %s lacks template %q", name, part)
			}
		}
	}
	// Keys built from data: every status, flag and role has its words.
	for _, k := range []string{"status.submitted", "status.following_up", "flag.extension_pending", "role.staff", "ev.rated", "rule.floor"} {
		if _, ok := uiZH[k]; !ok {
			t.Errorf("no text for %q", k)
		}
	}
}

func TestWebLoginPageAndRedirects(t *testing.T) {
	s := New(Deps{})
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
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "访问令牌") || !strings.Contains(rec.Body.String(), `lang="zh-CN"`) {
		t.Fatalf("login page: %d %s", rec.Code, rec.Body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	rec = get("/ui/login?lang=en")
	if !strings.Contains(rec.Body.String(), "Access token") {
		t.Errorf("English login page: %s", rec.Body)
	}
	var lang *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == langCookie {
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

func TestWebMessagesInChinese(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cases := map[string]string{
		"is required":                    "必须填写",
		"must be at most 200 characters": "最多 200 个字符",
		"a consultation with the lead deputy must be recorded before replying": "先面商",
		"cannot reply to a suggestion that is closed":                          "“已办结”",
		"must be later than the current due time 2026-03-31T15:59:59Z":         "2026-03-31 23:59",
		"something new": "（something new）",
	}
	for in, want := range cases {
		if got := localizeMessage(langZH, in, loc); !strings.Contains(got, want) {
			t.Errorf("%q → %q, want it to hold %q", in, got, want)
		}
		if got := localizeMessage(langEN, in, loc); got != in {
			t.Errorf("English changed %q to %q", in, got)
		}
	}
	p := invalidFields(FieldError{Field: "promised_at", Message: "a B or C reply needs the promised date"})
	lines := problemLines(langZH, p, loc)
	if len(lines) != 1 || !strings.Contains(lines[0], "承诺完成日期") {
		t.Errorf("field lines: %v", lines)
	}
	if s := problemSummary(langZH, problem(409, "there is no reply to rate yet"), loc); !strings.Contains(s, "当前状态不允许") || !strings.Contains(s, "尚无可评价的答复") {
		t.Errorf("summary: %q", s)
	}
}

func TestWebFormValues(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at, err := localTime("2026-05-04T09:30", "held_at", loc)
	if err != nil || !at.Equal(time.Date(2026, 5, 4, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("local time: %v %v", at, err)
	}
	if _, err := localTime("tomorrow", "held_at", loc); err == nil {
		t.Error("a bad time is accepted")
	}
	end, err := endOfDay("2026-05-04", "promised_at", loc)
	if err != nil || !end.Equal(time.Date(2026, 5, 4, 15, 59, 59, 0, time.UTC)) {
		t.Errorf("end of day: %v %v", end, err)
	}
	if got := splitList("王西林，李所长、张三\n赵四, "); len(got) != 4 {
		t.Errorf("split: %q", got)
	}
	for next, want := range map[string]string{"/ui/suggestions?page=2": "/ui/suggestions?page=2", "//evil.example/ui/": "/ui/",
		"https://evil.example/": "/ui/", "/ui/login": "/ui/", "/ui/\\evil": "/ui/", "": "/ui/"} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
