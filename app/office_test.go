package app

import (
	"strings"
	"testing"

	"suggestflow/store"

	"github.com/chromedp/chromedp"
)

// TestWebOfficeSetsUpTheTownship: in Chromium, a sign-in with a password
// that fails too often is held off with a message; the admin signs in,
// adds, edits and retires a deputy and a unit (a likely duplicate is
// refused naming the record, the input kept), creates a unit account with
// a first password, and its holder must change it before anything else.
func TestWebOfficeSetsUpTheTownship(t *testing.T) {
	c := startApp(t, "sign_in_failures_per_account: 3\n")
	b := newBrowser(t, c.base, 1280, 900)

	// Repeated wrong passwords: the third is held off, and so is the right
	// one after it.
	_, clerk := c.account(map[string]any{"role": "staff", "name": "办公室小李"})
	for i := 0; i < 3; i++ {
		b.open("/ui/login")
		b.set("#username", clerk.user)
		b.set("#password", "wrong-password")
		b.submit("#login-submit")
	}
	b.expect("#login-error", "分钟后再试")
	if v := b.value("#username"); v != clerk.user {
		t.Errorf("the refused sign-in lost the user name: %q", v)
	}
	b.set("#password", clerk.pass)
	b.submit("#login-submit")
	b.expect("#login-error", "分钟后再试")
	b.shot("office-01-held-off")

	b.signIn(login{store.AdminUsername, c.app.AdminPassword})
	b.expect(".who", "主席团管理员", "管理员")
	// A new township: the dashboard says what to do first, and the
	// suggestion form says why it cannot be used yet.
	b.expect("#setup", "录入代表名册", "录入承办单位")
	b.shot("office-00-first-start")
	b.open("/ui/suggestions/new")
	b.expect("#no-deputies", "还没有代表")

	// A deputy: added, a duplicate refused with the record named, edited,
	// retired.
	b.open("/ui/deputies")
	b.submit("#new-record")
	b.set("#f-name", "王西林")
	b.set("#f-group", "第一代表小组")
	b.set("#f-phone", "13800000001")
	b.submit("#record-submit")
	b.expect("#records", "王西林", "第一代表小组", "乡镇人大代表")
	b.submit("#new-record")
	b.set("#f-name", "王西林")
	b.set("#f-group", "第一代表小组")
	b.set("#f-phone", "13800000002")
	b.submit("#record-submit")
	b.expect(".error", "已有相同的代表", "王西林", "第一代表小组")
	if v := b.value("#f-phone"); v != "13800000002" {
		t.Errorf("the refused form lost its input: %q", v)
	}
	b.shot("office-02-duplicate")
	b.open("/ui/deputies")
	b.submit("#records a.edit")
	b.set("#f-phone", "13800000009")
	b.submit("#record-submit")
	b.expect("#records", "13800000009")
	b.submit("#records a.edit")
	b.submit("#retire")
	b.expect("#records-empty", "没有符合条件的记录")
	b.open("/ui/deputies?include_retired=true")
	b.expect("#records", "王西林", "已停用")

	// A unit with its leader and handler.
	b.open("/ui/units")
	b.submit("#new-record")
	b.set("#f-name", "镇供电所")
	b.set("#f-head", "李所长")
	b.set("#f-handler", "王干事")
	b.set("#f-handler_phone", "13700000001")
	b.set("#f-handler_email", "not-an-address")
	// The browser itself stops this one; the server's own check is what
	// is tried here.
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#record-form").noValidate = true`))
	b.submit("#record-submit")
	b.expect("#e-handler_email", "电子邮件")
	b.set("#f-handler_email", "wang@example.org")
	b.submit("#record-submit")
	b.expect("#records", "镇供电所", "李所长", "王干事")
	b.shot("office-03-units")
	// A second unit, edited and retired.
	b.submit("#new-record")
	b.set("#f-name", "镇水利站")
	b.set("#f-head", "周站长")
	b.submit("#record-submit")
	b.submit("#records tr:last-child a.edit")
	b.set("#f-head", "吴站长")
	b.submit("#record-submit")
	b.expect("#records", "吴站长")
	b.submit("#records tr:last-child a.edit")
	b.submit("#retire")
	if strings.Contains(b.text("#records"), "镇水利站") {
		t.Error("a retired unit is listed")
	}

	// An account for the unit with a first password.
	b.open("/ui/accounts")
	b.submit("#new-record")
	b.set("#f-name", "供电所 王干事")
	b.set("#f-username", "wanggs")
	first := b.value("#f-password")
	if len(first) < 8 {
		t.Fatalf("no first password offered: %q", first)
	}
	b.set("#f-role", "unit")
	unitID := b.optionValue("#f-unit_id", "镇供电所")
	b.set("#f-unit_id", unitID)
	b.submit("#record-submit")
	b.expect("#records", "wanggs", "初始密码")
	b.shot("office-04-accounts")
	// A script's token, minted on the account page, shown once, revoked.
	b.submit("#records tr:last-child a.edit")
	b.submit("#mint-token")
	if tok := b.text("#new-token"); !strings.HasPrefix(tok, "sf_") {
		t.Errorf("minted token: %q", tok)
	}
	b.expect("#tokens", "吊销")
	b.submit("#tokens button.link")
	b.expect(".flash", "令牌已吊销")
	b.expect("#tokens", "没有令牌")
	b.signOut()

	// The holder signs in and must change the first password.
	b.signInTo(login{"wanggs", first}, "#must-change")
	b.open("/ui/suggestions")
	b.expect("h1", "修改密码")
	b.set("#current", first)
	b.set("#new", "wang-own-pw-1")
	b.set("#confirm", "wang-own-pw-2")
	b.submit("#password-submit")
	b.expect("#confirm-err", "不一致")
	b.set("#current", first)
	b.set("#new", "wang-own-pw-1")
	b.set("#confirm", "wang-own-pw-1")
	b.submit("#password-submit")
	b.expect(".flash", "密码已修改")
	b.open("/ui/suggestions")
	b.expect("h1", "代表建议")

	b.signOut()

	// The settings: the township's name, set on the page, heads every page.
	b.signIn(login{store.AdminUsername, c.app.AdminPassword})
	b.open("/ui/settings")
	b.set("#value-township", "望城镇")
	b.submit("#save-township")
	b.expect(".brand", "望城镇")
	b.expect("#key-reply_within", "交办后答复代表的期限", "代表法")
	b.shot("office-05-settings")

	// At a phone's width the lists stay inside the screen.
	phone := newBrowser(t, c.base, 390, 844)
	phone.signIn(login{store.AdminUsername, c.app.AdminPassword})
	for _, path := range []string{"/ui/deputies?include_retired=true", "/ui/units", "/ui/accounts", "/ui/accounts/new", "/ui/settings", "/ui/"} {
		phone.open(path)
		phone.shot("office-phone" + strings.ReplaceAll(strings.Split(path, "?")[0], "/", "-"))
		if w := phone.scrollWidth(); w > 390 {
			t.Errorf("%s is %d px wide at 390", path, w)
		}
	}
}
