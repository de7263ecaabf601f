package app

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"suggestflow/delivery"
	"suggestflow/delivery/smtptest"
)

// TestOverdueNoticesAreDelivered: with a local SMTP server and a webhook
// receiver configured, an overdue case produces exactly one email with a
// valid invitation to the unit head and one webhook call per notice, and
// the timeline shows them delivered.
func TestOverdueNoticesAreDelivered(t *testing.T) {
	mailSrv := smtptest.Start(t)
	var mu sync.Mutex
	hooks := map[string]int{}
	secret := "hook-secret"
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		if r.Header.Get("X-SuggestFlow-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var p struct {
			NoticeID string `json:"notice_id"`
			Kind     string `json:"kind"`
		}
		_ = json.Unmarshal(body, &p)
		mu.Lock()
		hooks[p.Kind+" "+p.NoticeID]++
		mu.Unlock()
	}))
	defer hook.Close()

	cfg := testConfig(t, t.TempDir(), "reply_within: PT3S\nquiet_hours: \"\"\n")
	smtp, err := delivery.ParseSMTPURL(fmt.Sprintf("smtp://127.0.0.1:%d?from=notice@township.example&starttls=none", mailSrv.Port))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Delivery.SMTP = &smtp
	cfg.Delivery.WebhookURL, cfg.Delivery.WebhookSecret = hook.URL, secret
	c := startWith(t, cfg)
	lead := c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "王西林", "level": "county"})["id"].(string)
	unit := c.must(201, "POST", "/api/v1/units", map[string]any{"name": "供电所", "head": "李所长", "email": "gds@township.example"})["id"].(string)
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "l", "handler": "h"})

	var invitations []*ics.Calendar
	deadline := time.Now().Add(20 * time.Second)
	for {
		invitations = nil
		for _, m := range mailSrv.Received() {
			if cal := invitation(t, m.Data); cal != nil {
				invitations = append(invitations, cal)
			}
		}
		mu.Lock()
		meetingHooks := 0
		for k := range hooks {
			if strings.HasPrefix(k, "meeting_notice ") {
				meetingHooks++
			}
		}
		mu.Unlock()
		if len(invitations) >= 1 && meetingHooks >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the due time: %d invitations, hooks %v, %d mails", len(invitations), hooks, len(mailSrv.Received()))
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // anything sent twice would arrive by now
	invitations = nil
	for _, m := range mailSrv.Received() {
		if cal := invitation(t, m.Data); cal != nil {
			invitations = append(invitations, cal)
			if len(m.To) != 1 || m.To[0] != "gds@township.example" {
				t.Errorf("invitation sent to %v", m.To)
			}
		}
	}
	if len(invitations) != 1 {
		t.Fatalf("%d emails with an invitation, want exactly 1", len(invitations))
	}
	if ev := invitations[0].Events(); len(ev) != 1 || !strings.Contains(ev[0].GetProperty(ics.ComponentPropertySummary).Value, "约见") {
		t.Errorf("invitation: %v", invitations[0].Serialize())
	}
	mu.Lock()
	for k, n := range hooks {
		if n != 1 {
			t.Errorf("webhook for %s called %d times", k, n)
		}
	}
	mu.Unlock()
	// The unit is both handler and leader of the overdue notice: one email.
	overdueMails := 0
	for _, m := range mailSrv.Received() {
		if strings.Contains(string(m.Data), "X-SuggestFlow-Delivery") && strings.Contains(decodedSubject(t, m.Data), "逾期") {
			overdueMails++
		}
	}
	if overdueMails != 1 {
		t.Errorf("%d overdue emails to the unit, want 1", overdueMails)
	}
	s := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	var delivered []string
	for _, e := range s["timeline"].([]any) {
		e := e.(map[string]any)
		if e["type"] == "delivery" && strings.HasSuffix(e["detail"].(string), ": sent") {
			delivered = append(delivered, e["detail"].(string))
		}
	}
	if !containsPrefix(delivered, "meeting_notice email to unit_head:") || !containsPrefix(delivered, "overdue webhook to ") {
		t.Errorf("timeline deliveries: %v", delivered)
	}
	msgs := c.must(200, "GET", "/api/v1/messages?suggestion_id="+id+"&page_size=100", nil)["items"].([]any)
	for _, m := range msgs {
		m := m.(map[string]any)
		if m["kind"] == "meeting_notice" && m["recipient"] == "unit_head:"+unit && m["status"] != "sent" {
			t.Errorf("meeting notice message status %v", m["status"])
		}
	}
	inbox := c.must(200, "GET", "/api/v1/inbox", nil)
	if inbox["total"].(float64) == 0 {
		t.Error("the presidium's inbox is empty")
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func decodedSubject(t *testing.T, data []byte) string {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	s, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	return s
}

// invitation returns the parsed .ics attachment of a raw email, if any.
func invitation(t *testing.T, data []byte) *ics.Calendar {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("a malformed email: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/calendar") {
			raw, _ := io.ReadAll(p)
			if p.Header.Get("Content-Transfer-Encoding") == "base64" {
				raw = decodeBase64(raw)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("the invitation does not parse: %v", err)
			}
			return cal
		}
	}
}

func decodeBase64(raw []byte) []byte {
	out, err := base64Std.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	if err != nil {
		return raw
	}
	return out
}

var base64Std = base64.StdEncoding
