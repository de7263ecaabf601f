package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"suggestflow/delivery"
	"suggestflow/delivery/smtptest"
	"suggestflow/store"
)

// TestSettingsChangeTheRulesOfNewCases: the settings list every policy key
// with where it is set; a value set there is checked (a bad one is 422
// naming it, a key only the file may set is refused) and holds for a case
// submitted afterwards; the township's name reaches the pages and the
// notices; a configured channel sends a test message for real, and one
// that is off says so.
func TestSettingsChangeTheRulesOfNewCases(t *testing.T) {
	mail := smtptest.Start(t)
	cfg := testConfig(t, t.TempDir(), "reply_within: P2M\n")
	smtp, err := delivery.ParseSMTPURL(fmt.Sprintf("smtp://127.0.0.1:%d?from=notice@township.example&starttls=none", mail.Port))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Delivery.SMTP = &smtp
	c := startWith(t, cfg)
	lead, _, unit, _ := c.setup()

	set := c.must(200, "GET", "/api/v1/settings", nil)
	where := map[string]string{}
	for _, it := range set["policy"].([]any) {
		m := it.(map[string]any)
		where[m["key"].(string)] = m["set_in"].(string)
	}
	if where["reply_within"] != "file" || where["review_within"] != "default" || len(where) < 30 {
		t.Fatalf("settings: %v", where)
	}
	if r := c.do("PUT", "/api/v1/settings/policy/reply_within", map[string]any{"value": "soon"}); r.status != 422 || !strings.Contains(string(r.body), "reply_within") {
		t.Fatalf("a bad value: %d %s", r.status, r.body)
	}
	if r := c.do("PUT", "/api/v1/settings/policy/timezone", map[string]any{"value": "UTC"}); r.status != 422 || !strings.Contains(string(r.body), "policy_not_editable") {
		t.Fatalf("a file-only key: %d %s", r.status, r.body)
	}
	st := c.must(200, "PUT", "/api/v1/settings/policy/reply_within", map[string]any{"value": "P1M"})
	if st["value"] != "P1M" || st["set_in"] != "settings" || st["base"] != "P2M" {
		t.Fatalf("set: %v", st)
	}
	c.must(200, "PUT", "/api/v1/settings/policy/township", map[string]any{"value": "望城镇"})

	// A case submitted now is due a month after its assignment.
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	sg := c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张", "handler": "李"})
	due, err := time.Parse(time.RFC3339, sg["due_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if days := time.Until(due).Hours() / 24; days < 27 || days > 33 {
		t.Errorf("due in %.0f days, want about a month", days)
	}

	admin := signIn(t, c.base, login{store.AdminUsername, c.app.AdminPassword})
	if _, body := admin.get("/ui/settings"); !strings.Contains(body, "望城镇") || !strings.Contains(body, "交办后答复代表的期限") || !strings.Contains(body, "代表法第51—52条") {
		t.Errorf("the settings page lacks the township, a meaning or a source")
	}
	if status, body := admin.post("/ui/settings/policy/extension_max", map[string][]string{"value": {"three months"}}); status != 422 || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "three months") {
		t.Errorf("a refused value on the page: %d", status)
	}

	if _, body := admin.get("/board"); !strings.Contains(body, "望城镇人大主席团") {
		t.Errorf("the board is not signed with the township's name")
	}

	// The test message goes out by email for real; a channel that is off says so.
	c.must(204, "POST", "/api/v1/settings/channels/email/test", map[string]any{"email": "office@township.example"})
	var got []smtptest.Mail
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && len(got) == 0; time.Sleep(100 * time.Millisecond) {
		got = mail.Received()
	}
	if len(got) != 1 || got[0].To[0] != "office@township.example" || !strings.Contains(decodedSubject(t, got[0].Data), "望城镇") {
		t.Fatalf("test mail: %+v", got)
	}
	if r := c.do("POST", "/api/v1/settings/channels/sms/test", nil); r.status != 409 || !strings.Contains(string(r.body), "channel_off") {
		t.Errorf("a channel that is off: %d %s", r.status, r.body)
	}
}
