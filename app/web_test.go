package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/client"

	"suggestflow/contract"
	"suggestflow/embedded"
	"suggestflow/period"
	"suggestflow/printout/printouttest"
	"suggestflow/store"
)

// --- a browser-less client of the web UI ---

type webSession struct {
	t      *testing.T
	base   string
	client *http.Client
	csrf   string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in through the login form, as a browser would.
func signIn(t *testing.T, base string, l login) *webSession {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &webSession{t: t, base: base, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	status, body := s.get("/ui/login")
	m := csrfField.FindStringSubmatch(body)
	if status != 200 || m == nil {
		t.Fatalf("login page: %d", status)
	}
	status, body = s.postForm("/ui/login", url.Values{"csrf": {m[1]}, "username": {l.user}, "password": {l.pass}})
	m = csrfField.FindStringSubmatch(body)
	if status != 200 || m == nil || !strings.Contains(body, `action="/ui/logout"`) {
		t.Fatalf("sign in: %d %.300s", status, body)
	}
	s.csrf = m[1]
	return s
}

func (s *webSession) do(req *http.Request) (int, string, http.Header) {
	s.t.Helper()
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func (s *webSession) get(path string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	status, body, _ := s.do(req)
	return status, body
}

func (s *webSession) download(path string) (int, []byte, http.Header) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	status, body, h := s.do(req)
	return status, []byte(body), h
}

func (s *webSession) postForm(path string, v url.Values) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body, _ := s.do(req)
	return status, body
}

// post sends a form with the session's CSRF token.
func (s *webSession) post(path string, v url.Values) (int, string) {
	s.t.Helper()
	v.Set("csrf", s.csrf)
	return s.postForm(path, v)
}

// outsideRefs lists every reference in a page to another origin: in src,
// href, action and the like, in CSS url(), and any absolute URL at all.
var (
	attrRef = regexp.MustCompile(`(?i)\b(?:src|href|action|formaction|poster|srcset|data)\s*=\s*["']?([^"'\s>]+)`)
	cssRef  = regexp.MustCompile(`(?i)(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)`)
	absURL  = regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.\-\[\]:]+`)
)

func outsideRefs(base, doc string) []string {
	origin, _ := url.Parse(base)
	var out []string
	check := func(ref string) {
		ref = strings.TrimSpace(ref)
		if !strings.HasPrefix(ref, "//") && !strings.Contains(ref, "://") {
			return // relative, data: or a fragment
		}
		u, err := url.Parse(ref)
		if err != nil || u.Host != origin.Host || (u.Scheme != "" && u.Scheme != origin.Scheme) {
			out = append(out, ref)
		}
	}
	for _, m := range attrRef.FindAllStringSubmatch(doc, -1) {
		check(m[1])
	}
	for _, m := range cssRef.FindAllStringSubmatch(doc, -1) {
		check(m[1])
	}
	for _, m := range absURL.FindAllString(doc, -1) {
		if strings.Contains(m, ".") || strings.Contains(m, ":") {
			check(m)
		}
	}
	return out
}

func runCadence(t *testing.T, c *apiClient, id, kind string) {
	t.Helper()
	run, err := c.app.Temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: contract.TaskQueue},
		contract.CadenceWorkflowName, contract.CadenceInput{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	var res contract.CadenceResult
	if err := run.Get(context.Background(), &res); err != nil {
		t.Fatal(err)
	}
}

// TestWebPagesHTTP checks the pages without a browser: no outside host
// anywhere, CSRF, the access policy of the API, the documents.
func TestWebPagesHTTP(t *testing.T) {
	c := startApp(t, "")
	w := buildWorld(t, c)
	runCadence(t, c, "web-hearing", contract.CadenceProgressHearing)
	sg, mt := "/ui/suggestions/"+w.suggestion, "/ui/meetings/"+w.meeting

	admin := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	pages := []string{"/ui/", "/ui/suggestions", "/ui/suggestions?status=handling&overdue=false&q=%E7%94%B5%E7%BD%91", "/ui/suggestions/new",
		sg, "/ui/meetings", "/ui/meetings?status=scheduled", mt, mt + "/notice", "/ui/evaluations", "/ui/calendar", "/ui/logout", "/board",
		"/ui/suggestions/sg_nothing", "/ui/no/such/page", "/ui/?lang=en", sg + "?lang=en", "/ui/?lang=zh"}
	for _, p := range pages {
		status, body := admin.get(p)
		if status != 200 && status != 404 {
			t.Errorf("%s: status %d", p, status)
		}
		if refs := outsideRefs(c.base, body); len(refs) > 0 {
			t.Errorf("%s refers to other hosts: %v", p, refs)
		}
	}
	for _, p := range []string{"/ui/static/app.css", "/ui/static/print.css"} {
		status, body := admin.get(p)
		if refs := outsideRefs(c.base, body); status != 200 || len(refs) > 0 {
			t.Errorf("%s: %d, other hosts %v", p, status, refs)
		}
	}
	for _, who := range []string{"staff", "unitLead", "unitCo", "deputyLead", "deputyCo"} {
		s := signIn(t, c.base, w.logins[who])
		for _, p := range []string{"/ui/", "/ui/suggestions", sg} {
			status, body := s.get(p)
			if status != 200 || len(outsideRefs(c.base, body)) > 0 {
				t.Errorf("%s %s: %d, other hosts %v", who, p, status, outsideRefs(c.base, body))
			}
		}
	}
	// Chinese by default, English on request.
	if _, body := admin.get(sg + "?lang=zh"); !strings.Contains(body, "办理过程") || !strings.Contains(body, "办理中") || !strings.Contains(body, "答复期限") {
		t.Error("the suggestion page is not in Chinese")
	}
	if _, body := admin.get(sg + "?lang=en"); !strings.Contains(body, "Timeline") || !strings.Contains(body, "Handling") {
		t.Error("the English switch does not work")
	}
	if _, body := admin.get("/ui/"); !strings.Contains(body, "Timeline") && !strings.Contains(body, "Dashboard") {
		t.Error("the language choice is not kept")
	}
	admin.get("/ui/?lang=zh")

	// A POST without the CSRF token is refused and changes nothing.
	lead := signIn(t, c.base, w.logins["unitLead"])
	before := len(c.must(200, "GET", "/api/v1/suggestions/"+w.suggestion, nil)["timeline"].([]any))
	if status, _ := lead.postForm(sg+"/progress", url.Values{"content": {"无令牌"}}); status != http.StatusForbidden {
		t.Errorf("POST without CSRF: %d", status)
	}
	if status, _ := lead.postForm(sg+"/progress", url.Values{"content": {"错令牌"}, "csrf": {"forged"}}); status != http.StatusForbidden {
		t.Errorf("POST with a forged CSRF token: %d", status)
	}
	if after := len(c.must(200, "GET", "/api/v1/suggestions/"+w.suggestion, nil)["timeline"].([]any)); after != before {
		t.Error("a refused POST changed the case")
	}
	// With the token it works, and lands back on the case (PRG).
	if status, body := lead.post(sg+"/progress", url.Values{"content": {"已完成线路勘察"}}); status != 200 || !strings.Contains(body, "已提交") {
		t.Errorf("progress report: %d", status)
	}
	// A refused action shows the API's rule, in Chinese, next to its form.
	status, body := lead.post(sg+"/reply", url.Values{"result_class": {"A"}, "content": {"已解决"}})
	if status != http.StatusConflict || !strings.Contains(body, "先面商") || !strings.Contains(body, `id="act-reply"`) {
		t.Errorf("reply before consultation: %d", status)
	}
	status, body = lead.post(sg+"/reply", url.Values{"result_class": {"B"}, "content": {"正在施工"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "承诺完成日期") {
		t.Errorf("B reply without a date: %d", status)
	}

	// Another unit's case does not exist for a unit; not even in the list.
	foreign := signIn(t, c.base, w.logins["unitForeign"])
	if status, _ := foreign.get(sg); status != http.StatusNotFound {
		t.Errorf("a foreign unit opens the case: %d", status)
	}
	if status, _ := foreign.post(sg+"/progress", url.Values{"content": {"x"}}); status != http.StatusNotFound {
		t.Errorf("a foreign unit acts on the case: %d", status)
	}
	if _, body := foreign.get("/ui/suggestions"); strings.Contains(body, w.suggestion) {
		t.Error("a foreign unit lists the case")
	}
	if status, _ := signIn(t, c.base, w.logins["deputyForeign"]).get(sg); status != http.StatusNotFound {
		t.Errorf("a foreign deputy opens the case: %d", status)
	}
	// A co-handling unit sees the case but is not offered the lead unit's actions.
	_, body = signIn(t, c.base, w.logins["unitCo"]).get(sg)
	if strings.Contains(body, `id="act-reply"`) || !strings.Contains(body, `id="act-co-opinion"`) {
		t.Error("the co-handling unit's forms are wrong")
	}
	// Only the presidium reviews and assigns; a deputy sees no unit forms.
	_, body = signIn(t, c.base, w.logins["deputyLead"]).get(sg)
	if strings.Contains(body, `id="act-consult"`) || strings.Contains(body, `id="act-meeting"`) {
		t.Error("a deputy is offered the unit's or the presidium's actions")
	}

	// The meeting notice as iCalendar, with the session, under the API's rule.
	status, raw, h := signIn(t, c.base, w.logins["deputyLead"]).download(mt + "/notice.ics")
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/calendar") {
		t.Fatalf("notice.ics: %d %s", status, raw)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(raw))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("notice.ics does not parse: %v", err)
	}
	if status, _, _ := signIn(t, c.base, w.logins["unitCo"]).download(mt + "/notice.ics"); status != http.StatusNotFound {
		t.Errorf("notice.ics for a unit not summoned: %d", status)
	}
	if _, body := admin.get(mt + "/notice"); !strings.Contains(body, "约见通知") || !strings.Contains(body, "供电所") {
		t.Error("the printable notice lacks its text")
	}

	// The presidium records the minutes; a missing field is named, in Chinese.
	if status, body := admin.post(mt+"/minutes", url.Values{"content": {"所长当面说明"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "必须填写") {
		t.Errorf("minutes without an outcome: %d", status)
	}
	if status, body := admin.post(mt+"/minutes", url.Values{"content": {"所长当面说明"}, "outcome": {"两周内答复"}}); status != 200 || !strings.Contains(body, "已举行") {
		t.Errorf("minutes: %d", status)
	}
	// The quarter's evaluation, with each part explained.
	shanghai, _ := time.LoadLocation("Asia/Shanghai") // the default policy's zone
	quarter := period.Quarter(time.Now(), shanghai).Label
	if status, body := admin.post("/ui/evaluations", url.Values{"quarter": {quarter}}); status != 200 || !strings.Contains(body, "基础分") || !strings.Contains(body, "供电所") {
		t.Errorf("evaluation: %d", status)
	}

	// The ledger: every case the role may list, as a real xlsx.
	checkLedger(t, admin, []string{"编号", "标题", "领衔代表", "承办单位", "状态", "交办日期", "答复期限", "答复类别", "满意度", "是否逾期"}, 1)
	checkLedger(t, foreign, nil, 0)
	if _, body := admin.get("/ui/reports?kind=progress_hearing"); !strings.Contains(body, "/ui/hearing.xlsx?report=") {
		t.Errorf("the reports page does not link the hearing's report")
	}
	status, raw, _ = admin.download("/ui/hearing.xlsx")
	if status != 200 {
		t.Fatalf("hearing.xlsx: %d", status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("hearing.xlsx is not a workbook: %v", err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) < 4 || !strings.Contains(strings.Join(rows[3], " "), "供电所") {
		t.Errorf("hearing rows: %v", rows)
	}
	if status, _, _ := lead.download("/ui/hearing.xlsx"); status != http.StatusForbidden {
		t.Errorf("a unit reads the hearing report: %d", status)
	}

	// Signing out ends the session; so does revoking the token.
	admin.post("/ui/logout", url.Values{})
	if status, body := admin.get("/ui/"); status != 200 || !strings.Contains(body, `id="login-form"`) {
		t.Errorf("after sign-out: %d", status)
	}
	// Retiring the account ends its page sessions at once.
	acc, l := c.account(map[string]any{"role": "staff", "name": "临时"})
	temp := signIn(t, c.base, l)
	c.must(200, "PATCH", "/api/v1/accounts/"+acc, map[string]any{"active": false})
	if _, body := temp.get("/ui/"); !strings.Contains(body, `id="login-form"`) {
		t.Error("a retired account's session goes on")
	}
}

func checkLedger(t *testing.T, s *webSession, header []string, rows int) {
	t.Helper()
	status, raw, h := s.download("/ui/ledger.xlsx")
	if status != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("ledger: %d %s", status, h.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the ledger is not a workbook: %v", err)
	}
	got, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(got) != rows+1 {
		t.Fatalf("ledger rows: %v %v", got, err)
	}
	for i, want := range header {
		if got[0][i] != want {
			t.Errorf("ledger column %d is %q, want %q", i+1, got[0][i], want)
		}
	}
}

// --- the browser ---

// newBrowser starts a headless Chromium of the window size, which saves
// downloads and screenshots in its own directories.
func newBrowser(t *testing.T, base string, width, height int) *browserT {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is required for the browser test: run scripts/test, which installs it (or apt-get install -y chromium fonts-noto-cjk): %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancelBrowser)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(cancel)
	b := &browserT{t: t, ctx: ctx, base: base, dir: screenshotDir(t), dl: t.TempDir()}
	t.Logf("screenshots in %s", b.dir)

	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: b.dl, EventsEnabled: new(true)})
		return err
	}))
	if width < 800 {
		// A phone: a headless window is never narrower than 500 px, so its
		// screen is emulated, touch included.
		b.do(chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile, chromedp.EmulateTouch))
	}
	return b
}

// browserT drives one headless Chromium through the pages.
type browserT struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string // screenshots
	dl   string // downloads
}

func (b *browserT) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browserT) open(path string) { b.t.Helper(); b.do(chromedp.Navigate(b.base + path)) }

// submit clicks a button and waits for the page it leads to.
func (b *browserT) submit(sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		b.t.Fatalf("submit %s: %v", sel, err)
	}
}

// text is what an element reads, its folded parts unfolded first (the
// case page folds what is not the next step).
func (b *browserT) text(sel string) string {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => { d.open = true; })`))
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *browserT) expect(sel string, want ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			loc, _ := chromedp.Run(b.ctx, chromedp.Location())
			b.t.Fatalf("%s on %s lacks %q: %.600s", sel, loc, w, got)
		}
	}
}

func (b *browserT) set(sel, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

// form opens an action's form on a suggestion page.
func (b *browserT) form(action string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#act-` + action + `").open = true`))
}

func (b *browserT) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browserT) signIn(l login) {
	b.t.Helper()
	b.signInTo(l, "body")
}

// signInTo signs in and expects the page it lands on to have sel.
func (b *browserT) signInTo(l login, sel string) {
	b.t.Helper()
	b.open("/ui/login")
	b.set("#username", l.user)
	b.set("#password", l.pass)
	b.submit("#login-submit")
	if sel == "body" {
		b.expect("#logout", "退出")
		return
	}
	b.text(sel)
}

func (b *browserT) value(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// optionValue is the value of the option of a select whose text has label.
func (b *browserT) optionValue(sel, label string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("`+sel+` option")].find(o => o.textContent.includes("`+label+`")).value`))
	if err != nil {
		b.t.Fatalf("option %q of %s: %v", label, sel, err)
	}
	return v
}

// scrollWidth is how wide the page is, scrolled sideways to its end.
func (b *browserT) scrollWidth() int {
	b.t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		b.t.Fatal(err)
	}
	return w
}

func (b *browserT) signOut() {
	b.t.Helper()
	b.submit("#logout")
	b.expect("body", "用户名")
}

// downloadLink clicks a link that downloads a file and returns the file.
func (b *browserT) downloadLink(sel string) []byte {
	b.t.Helper()
	progress := chromedp.BrowserEvents(b.ctx, browser.DownloadProgress)
	b.do(chromedp.Click(chromedp.CSS(sel)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download %s: %v", sel, err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			b.t.Fatalf("download %s canceled", sel)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			raw, err := os.ReadFile(filepath.Join(b.dl, ev.GUID))
			if err != nil {
				b.t.Fatal(err)
			}
			return raw
		}
	}
	return nil
}

// screenshotDir is where the screenshots go: $SUGGESTFLOW_SCREENSHOT_DIR,
// or a fresh temp dir that is kept after the test for people to look at.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("SUGGESTFLOW_SCREENSHOT_DIR")
	if dir == "" {
		d, err := os.MkdirTemp("", "suggestflow-screenshots-")
		if err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

const chromiumPath = "/usr/bin/chromium"

// TestWebBrowserLifecycle takes one suggestion from submission to closing
// through the pages, in a real headless Chromium, as the deputy, the
// presidium and the lead unit.
func TestWebBrowserLifecycle(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, _ := c.setup()
	token := func(body map[string]any) login {
		_, l := c.account(body)
		return l
	}
	staff := token(map[string]any{"role": "staff", "name": "人大办王主任"})
	unitTok := token(map[string]any{"role": "unit", "name": "供电所经办人", "unit_id": unit})
	deputy := token(map[string]any{"role": "deputy", "name": "王西林", "deputy_id": lead})

	b := newBrowser(t, c.base, 1280, 900)
	ctx := b.ctx

	// Every request the browser makes must go to this server.
	var mu sync.Mutex
	var outside []string
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			u := ev.Request.URL
			if !strings.HasPrefix(u, c.base+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				mu.Lock()
				outside = append(outside, u)
				mu.Unlock()
			}
		}
	}()

	// The deputy submits from the list page.
	b.signIn(deputy)
	b.open("/ui/suggestions")
	b.submit("#new-suggestion")
	b.set("#title", "关于村道安装路灯的建议")
	b.set("#content", "王家村至李家村村道夜间无照明，群众出行不便，建议安装路灯。")
	b.set("#category", "基础设施")
	b.set("#opinions", "村民李四：晚上走路看不见")
	b.expect("#self-lead", "王西林")
	b.do(chromedp.Click(chromedp.CSS("#co-" + co)))
	b.submit("#new-submit")
	b.expect("#sg-status", "待审查")
	b.expect(".flash", "建议已提交")
	b.expect("main", "韩玉平")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/ui/suggestions/sg_") {
		t.Fatalf("after submitting: %s %v", loc, err)
	}
	sgPath := strings.TrimPrefix(loc, c.base)
	// The constituents' opinions are shown to the lead deputy who brought
	// them (and to the presidium), never to the units.
	b.expect("#opinions", "李四")
	b.signOut()

	// The presidium accepts, assigns and calls a meeting.
	b.signIn(staff)
	b.open(sgPath)
	b.form("review")
	b.submit("#review-submit")
	b.expect("#sg-status", "已立案")
	b.form("assign")
	b.set("#assign-lead_unit_id", unit)
	b.set("#assign-leader", "张副镇长")
	b.set("#assign-handler", "李干事")
	b.submit("#assign-submit")
	b.expect("#sg-status", "办理中")
	b.expect("#deadlines", "答复期限")
	b.expect("#lead-unit", "供电所")
	b.expect("#workflow-status", "运行中")
	b.form("meeting")
	b.set("#meeting-agenda", "听取供电所关于路灯安装的说明")
	b.submit("#act-meeting button[type=submit]")
	b.expect("#meetings", "主席团约见")
	b.signOut()

	// The lead unit: a reply before consulting is refused, in Chinese;
	// then it consults, reports progress and replies.
	b.signIn(unitTok)
	b.open(sgPath)
	if strings.Contains(b.text("body"), "李四") {
		t.Error("a constituent's name is shown to the unit")
	}
	b.form("reply")
	b.set("#reply-content", "已安装路灯")
	b.submit("#reply-submit")
	b.expect("#act-reply", "先面商")
	b.shot("suggestion-refused")
	b.form("consult")
	b.set("#consult-participants", "王西林，李所长")
	b.set("#consult-notes", "现场查看线路")
	b.submit("#consult-submit")
	b.expect("#timeline", "面商")
	b.form("progress")
	b.set("#progress-content", "已完成选址")
	b.submit("#progress-submit")
	b.expect("#timeline", "进展报告")
	b.form("reply")
	b.set("#reply-result_class", "A")
	b.set("#reply-content", "已在村道安装路灯 24 盏，均已通电。")
	b.submit("#reply-submit")
	b.expect("#sg-status", "已答复")
	b.signOut()

	// The deputy rates satisfied: the case closes.
	b.signIn(deputy)
	b.open(sgPath)
	b.form("rate")
	if a, r := b.value("#rate-attitude"), b.value("#rate-result"); a != "" || r != "" {
		t.Errorf("the rating form chose for the deputy: %q %q", a, r)
	}
	b.set("#rate-attitude", "satisfied")
	b.set("#rate-result", "satisfied")
	b.submit("#rate-submit")
	b.expect("#sg-status", "已办结")
	b.expect("#ratings", "满意")
	// The English switch, and back.
	b.submit("#lang-en")
	b.expect("#sg-status", "Closed")
	b.expect("#timeline", "Timeline", "Rated")
	b.shot("suggestion-en")
	b.open("/ui/")
	b.expect("body", "My tasks", "Replies waiting for my rating")
	b.submit("#lang-zh")
	b.expect("body", "我的待办")
	b.signOut()

	// The presidium's view: screenshots, the ledger and the notice.
	b.signIn(staff)
	b.expect("body", "四率", "面商率", "解决率", "满意率", "按期答复率")
	b.shot("dashboard")
	b.open("/ui/suggestions")
	b.expect("body", "关于村道安装路灯的建议", "已办结")
	b.shot("list")
	b.open(sgPath)
	b.expect("#timeline", "提交建议", "审查立案", "交办", "面商", "答复", "代表评价", "办结")
	// The case's whole story, timeline and deadlines included, reads in
	// Chinese: no English sentence is left on the page.
	if left := englishSentences(b.text("body")); len(left) > 0 {
		t.Errorf("English on the Chinese case page: %q", left)
	}
	b.shot("suggestion")
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open(sgPath)
	b.shot("suggestion-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	b.open("/board")
	b.expect("body", "关于村道安装路灯的建议")
	b.shot("board")
	if text := printouttest.Text(t, b.downloadLink("#board-pdf")); !strings.Contains(text, "关于村道安装路灯的建议") || !strings.Contains(text, "五公开") {
		t.Errorf("the board PDF reads:\n%s", text)
	}
	b.open("/ui/calendar")
	b.expect("body", "工作日历", "内置数据", "录入年度节假日安排")
	if left := englishSentences(b.text("body")); len(left) > 0 {
		t.Errorf("English on the Chinese calendar page: %q", left)
	}
	b.shot("calendar")
	b.open("/ui/evaluations")
	b.submit("#eval-run")
	b.expect("body", "基础分", "供电所")
	b.shot("evaluations")
	b.open("/ui/meetings")
	b.shot("meetings")
	b.submit("table.list a")
	b.expect("body", "约见通知")
	icsRaw := b.downloadLink("#ics-link")
	if cal, err := ics.ParseCalendar(bytes.NewReader(icsRaw)); err != nil || len(cal.Events()) != 1 {
		t.Errorf("the downloaded notice.ics does not parse: %v", err)
	}
	b.submit("#notice-link")
	b.expect("body", "约见通知", "供电所")
	b.shot("notice")
	b.open("/ui/")
	xlsx := b.downloadLink("#ledger-link")
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatalf("the downloaded ledger is not a workbook: %v", err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 2 || rows[0][0] != "编号" || rows[1][1] != "关于村道安装路灯的建议" || rows[1][8] != "满意" {
		t.Errorf("ledger rows: %v", rows)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(outside) > 0 {
		t.Errorf("the browser fetched from other hosts: %v", outside)
	}
}

// englishSentences finds runs of three or more Latin words: English prose
// that a Chinese page should not show (a product name or a code alone is
// not prose).
func englishSentences(text string) []string {
	return regexp.MustCompile(`[A-Za-z]{2,}(?:[ ,;:()'-]+[A-Za-z]{2,}){2,}`).FindAllString(text, -1)
}

// TestWebSessionServesEveryReplica signs in on one API process and uses
// the session on another sharing the database, as behind a load balancer
// without affinity; signing out on either ends it on both.
func TestWebSessionServesEveryReplica(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), "")
	c := startWith(t, cfg)
	second := cfg
	second.HTTPAddr = fmt.Sprintf("127.0.0.1:%d", embedded.FreePort("127.0.0.1"))
	second.PublicURL = "http://" + second.HTTPAddr
	second.TemporalAddress = cfg.TemporalListen
	second.AdminToken = ""
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a2, err := Start(context.Background(), second, RoleAPI, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a2.Stop)

	s := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	s.base = "http://" + a2.HTTPAddr
	status, body := s.get("/ui/")
	if status != 200 || !strings.Contains(body, `action="/ui/logout"`) {
		t.Fatalf("the other replica does not know the session: %d %.300s", status, body)
	}
	if status, _ := s.post("/ui/logout", url.Values{}); status != 200 {
		t.Fatalf("sign out on the other replica: %d", status)
	}
	s.base = c.base
	if _, body := s.get("/ui/"); strings.Contains(body, `action="/ui/logout"`) || !strings.Contains(body, `name="password"`) {
		t.Errorf("the session outlived signing out on another replica: %.300s", body)
	}
}
