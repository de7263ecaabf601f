package delivery

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// capture is an httptest receiver that records each request and answers
// with status and answer.
type capture struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies [][]byte
	status int
	answer string
}

func newReceiver(t *testing.T, status int, answer string) (*capture, *httptest.Server) {
	t.Helper()
	c := &capture{status: status, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, r)
		c.bodies = append(c.bodies, body)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(c.status)
		io.WriteString(w, c.answer)
	}))
	t.Cleanup(srv.Close)
	return c, srv
}

func (c *capture) last(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reqs) == 0 {
		t.Fatal("receiver got no request")
	}
	return c.reqs[len(c.reqs)-1], c.bodies[len(c.bodies)-1]
}

const robotOK = `{"errcode":0,"errmsg":"ok"}`

func TestWeComPostsText(t *testing.T) {
	rec, srv := newReceiver(t, 200, robotOK)
	ch, err := NewWeCom(srv.URL+"/cgi-bin/webhook/send?key=k-123", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	e := testEnvelope()
	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r, body := rec.last(t)
	if r.Method != http.MethodPost || r.URL.Path != "/cgi-bin/webhook/send" || r.URL.Query().Get("key") != "k-123" {
		t.Errorf("request %s %s", r.Method, r.URL)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var got struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	want := e.Message.Subject + "\n" + e.Message.Body + "\n" + e.Link
	if got.MsgType != "text" || got.Text.Content != want {
		t.Errorf("got %+v, want text %q", got, want)
	}
}

func TestWeComCutsLongText(t *testing.T) {
	rec, srv := newReceiver(t, 200, robotOK)
	ch, _ := NewWeCom(srv.URL, srv.Client())
	e := testEnvelope()
	e.Message.Body = strings.Repeat("建议办理", 400) // 4,800 bytes
	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	_, body := rec.last(t)
	var got robotText
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if n := len(got.Text.Content); n > wecomMaxContent || n < wecomMaxContent-8 {
		t.Errorf("content is %d bytes, want just under %d", n, wecomMaxContent)
	}
	if !utf8.ValidString(got.Text.Content) || !strings.HasSuffix(got.Text.Content, "…") {
		t.Errorf("content not cut cleanly: ...%q", got.Text.Content[len(got.Text.Content)-12:])
	}
}

func TestRobotErrcodes(t *testing.T) {
	cases := []struct {
		name      string
		robot     string
		answer    string
		permanent bool
	}{
		{"wecom bad key", "wecom", `{"errcode":93000,"errmsg":"invalid webhook url"}`, true},
		{"wecom rate limit", "wecom", `{"errcode":45009,"errmsg":"api freq out of limit"}`, false},
		{"wecom busy", "wecom", `{"errcode":-1,"errmsg":"system busy"}`, false},
		{"dingtalk keyword", "dingtalk", `{"errcode":310000,"errmsg":"keywords not in content"}`, true},
		{"dingtalk too fast", "dingtalk", `{"errcode":130101,"errmsg":"send too fast"}`, false},
		{"not a robot answer", "wecom", `<html>proxy</html>`, false},
		{"no errcode", "dingtalk", `{}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := newReceiver(t, 200, tc.answer)
			var ch Channel
			var err error
			if tc.robot == "wecom" {
				ch, err = NewWeCom(srv.URL+"/?key=k", srv.Client())
			} else {
				ch, err = NewDingTalk(srv.URL+"/robot/send?access_token=t", "SECxyz", srv.Client())
			}
			if err != nil {
				t.Fatal(err)
			}
			err = ch.Send(context.Background(), testEnvelope())
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v: %v", IsPermanent(err), tc.permanent, err)
			}
			var re *RobotError
			if strings.HasPrefix(tc.answer, `{"errcode"`) && !errors.As(err, &re) {
				t.Errorf("error %v is not a RobotError", err)
			}
		})
	}
}

func TestDingTalkSignsRequests(t *testing.T) {
	const secret = "SEC0123456789abcdef+/="
	rec, srv := newReceiver(t, 200, robotOK)
	ch, err := NewDingTalk(srv.URL+"/robot/send?access_token=tok", secret, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	e := testEnvelope()
	before := time.Now()
	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r, body := rec.last(t)
	q := r.URL.Query()
	if q.Get("access_token") != "tok" {
		t.Errorf("access_token lost: %s", r.URL.RawQuery)
	}
	ts := q.Get("timestamp")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.UnixMilli(ms).Before(before.Add(-time.Second)) || time.UnixMilli(ms).After(time.Now().Add(time.Second)) {
		t.Errorf("timestamp %q is not the current time in milliseconds", ts)
	}
	// The documented scheme, computed here independently.
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, ts+"\n"+secret)
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if got := q.Get("sign"); got != want {
		t.Errorf("sign = %q, want %q", got, want)
	}
	if !strings.Contains(r.URL.RawQuery, "sign="+url.QueryEscape(want)) {
		t.Errorf("sign is not URL-encoded in the query: %s", r.URL.RawQuery)
	}
	var got robotText
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.MsgType != "text" || got.Text.Content != text(e) {
		t.Errorf("body %s", body)
	}
}

func TestDingTalkWithoutSecretDoesNotSign(t *testing.T) {
	rec, srv := newReceiver(t, 200, robotOK)
	ch, _ := NewDingTalk(srv.URL+"/robot/send?access_token=tok", "", srv.Client())
	if err := ch.Send(context.Background(), testEnvelope()); err != nil {
		t.Fatal(err)
	}
	r, _ := rec.last(t)
	if r.URL.RawQuery != "access_token=tok" {
		t.Errorf("query %q, want the URL as configured", r.URL.RawQuery)
	}
}

func TestWebhookSignsExactBody(t *testing.T) {
	const secret = "webhook-secret"
	rec, srv := newReceiver(t, 204, "")
	ch, err := NewWebhook(srv.URL+"/hooks/suggestflow", secret, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	e := testEnvelope()
	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r, body := rec.last(t)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if got := r.Header.Get("X-SuggestFlow-Signature"); !hmac.Equal([]byte(got), []byte(want)) {
		t.Errorf("signature %q, want %q", got, want)
	}
	if got := r.Header.Get("X-SuggestFlow-Delivery"); got != e.Message.ID {
		t.Errorf("X-SuggestFlow-Delivery %q", got)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	m := e.Message
	for k, v := range map[string]string{
		"id": m.ID, "notice_id": m.NoticeID, "suggestion_id": m.SuggestionID, "meeting_id": m.MeetingID,
		"kind": m.Kind, "recipient": string(m.Recipient), "subject": m.Subject, "body": m.Body,
		"created_at": "2026-03-01T08:00:00Z", "link": e.Link, "ics": testICS,
	} {
		if got[k] != v {
			t.Errorf("%s = %v, want %q", k, got[k], v)
		}
	}
	for _, personal := range []string{"wang@example.org", "13800000000", "王小明"} {
		if strings.Contains(string(body), personal) {
			t.Errorf("payload carries the address %q", personal)
		}
	}
}

func TestWebhookWithoutSecretIsUnsigned(t *testing.T) {
	rec, srv := newReceiver(t, 200, "")
	ch, _ := NewWebhook(srv.URL, "", srv.Client())
	if err := ch.Send(context.Background(), testEnvelope()); err != nil {
		t.Fatal(err)
	}
	if r, _ := rec.last(t); r.Header.Get(SignatureHeader) != "" {
		t.Errorf("unsigned webhook sent %s", r.Header.Get(SignatureHeader))
	}
}

func TestSMSDefaultTemplate(t *testing.T) {
	rec, srv := newReceiver(t, 200, `{"ok":true}`)
	ch, err := NewSMS(srv.URL+"/send", "", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	e := testEnvelope()
	e.Message.Subject = "请于\"3月10日\"前答复 <办公室>：2026-001"
	e.Message.Body = "正文不进短信"
	e.Link = "https://rd.example.cn/s/sg_1"
	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r, body := rec.last(t)
	// One text message: the subject (with the case number) and the link.
	want := `{"phone":"13800000000","text":"请于\"3月10日\"前答复 <办公室>：2026-001 https://rd.example.cn/s/sg_1","id":"sg_1-n3:deputy:dp_7"}`
	if string(body) != want {
		t.Errorf("body\n got %s\nwant %s", body, want)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if got := r.Header.Get(DeliveryHeader); got != e.Message.ID {
		t.Errorf("%s %q", DeliveryHeader, got)
	}
}

// A text message is at most 70 characters: a long subject is cut, the
// link never.
func TestSMSTextFitsOneMessage(t *testing.T) {
	link := "https://rd.example.cn/r/" + strings.Repeat("x", 43)
	for _, subject := range []string{"答复期限提醒：2026-001", strings.Repeat("长", 80) + "：2026-001"} {
		got := smsText(subject, link)
		if n := utf8.RuneCountInString(got); n > 70 {
			t.Errorf("%d characters: %q", n, got)
		}
		if !strings.HasSuffix(got, " "+link) {
			t.Errorf("the link was cut or lost: %q", got)
		}
		if len([]rune(subject))+1+len(link) <= 70 != (got == subject+" "+link) {
			t.Errorf("a subject that fits was cut, or one that does not was kept: %q", got)
		}
	}
	if got := smsText(strings.Repeat("长", 90), ""); utf8.RuneCountInString(got) != 70 || !strings.HasSuffix(got, "…") {
		t.Errorf("without a link: %q", got)
	}
}

// jsonEscape is s as it appears inside a JSON string, for building the
// expected bodies by hand.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestSMSFormTemplate(t *testing.T) {
	rec, srv := newReceiver(t, 200, "OK")
	ch, err := NewSMS(srv.URL, `mobile={{urlquery .Phone}}&content={{urlquery .Subject}}&ref={{urlquery .ID}}`, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	e := testEnvelope()
	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	r, body := rec.last(t)
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", ct)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatal(err)
	}
	if form.Get("mobile") != "13800000000" || form.Get("content") != e.Message.Subject || form.Get("ref") != e.Message.ID {
		t.Errorf("form %v", form)
	}
}

func TestSMSTemplateChecks(t *testing.T) {
	for _, tmpl := range []string{
		`{"text":"{{.Text}}"}`,   // not escaped: breaks on quotes and newlines
		`{"text":{{json .Text}}`, // not JSON at all
		`{{.Nope}}`,              // no such field
		`{{json .Text`,           // does not parse
	} {
		if _, err := NewSMS("http://gw.example.org/send", tmpl, nil); err == nil {
			t.Errorf("NewSMS accepted template %q", tmpl)
		}
	}
}

func TestSMSNeedsPhone(t *testing.T) {
	rec, srv := newReceiver(t, 200, "")
	ch, _ := NewSMS(srv.URL, "", srv.Client())
	e := testEnvelope()
	e.To.Phone = ""
	err := ch.Send(context.Background(), e)
	if !IsPermanent(err) || !errors.Is(err, ErrNoAddress) {
		t.Errorf("err = %v, want permanent ErrNoAddress", err)
	}
	if len(rec.reqs) != 0 {
		t.Error("gateway was called")
	}
}

// TestHTTPStatusClasses runs every HTTP channel against each status.
func TestHTTPStatusClasses(t *testing.T) {
	cases := []struct {
		status    int
		permanent bool
	}{
		{400, true}, {401, true}, {403, true}, {404, true}, {422, true},
		{408, false}, {429, false},
		{500, false}, {502, false}, {503, false},
	}
	for _, tc := range cases {
		for _, build := range httpChannels {
			_, srv := newReceiver(t, tc.status, `{"errcode":0}`)
			ch := build(t, srv.URL+"/path/tok-SECRET?key=tok-SECRET", srv.Client())
			t.Run(fmt.Sprintf("%s %d", ch.Name(), tc.status), func(t *testing.T) {
				err := ch.Send(context.Background(), testEnvelope())
				if err == nil {
					t.Fatal("Send succeeded")
				}
				if IsPermanent(err) != tc.permanent {
					t.Errorf("IsPermanent = %v, want %v: %v", IsPermanent(err), tc.permanent, err)
				}
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != tc.status {
					t.Errorf("error %v carries no StatusError %d", err, tc.status)
				}
				if strings.Contains(err.Error(), "SECRET") {
					t.Errorf("error reveals the URL's token: %v", err)
				}
			})
		}
	}
}

var httpChannels = []func(t *testing.T, u string, c *http.Client) Channel{
	func(t *testing.T, u string, c *http.Client) Channel { return must(t)(NewWeCom(u, c)) },
	func(t *testing.T, u string, c *http.Client) Channel { return must(t)(NewDingTalk(u, "s", c)) },
	func(t *testing.T, u string, c *http.Client) Channel { return must(t)(NewWebhook(u, "s", c)) },
	func(t *testing.T, u string, c *http.Client) Channel { return must(t)(NewSMS(u, "", c)) },
}

func must(t *testing.T) func(Channel, error) Channel {
	return func(ch Channel, err error) Channel {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
}

func TestHTTPNetworkErrorsAreTransient(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	down := srv.URL + "/hook?key=tok-SECRET"
	srv.Close()
	for _, build := range httpChannels {
		ch := build(t, down, &http.Client{Timeout: 2 * time.Second})
		err := ch.Send(context.Background(), testEnvelope())
		if err == nil || IsPermanent(err) {
			t.Errorf("%s: err = %v, want transient", ch.Name(), err)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error reveals the URL's token: %v", ch.Name(), err)
		}
	}
}

func TestHTTPHonoursContext(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	ch, _ := NewWebhook(srv.URL, "", srv.Client())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := ch.Send(ctx, testEnvelope())
	if !errors.Is(err, context.DeadlineExceeded) || IsPermanent(err) {
		t.Errorf("err = %v, want a transient deadline error", err)
	}
}

func TestChannelsRefuseMessageWithoutID(t *testing.T) {
	for _, build := range httpChannels {
		ch := build(t, "http://127.0.0.1:1/", nil)
		e := testEnvelope()
		e.Message.ID = ""
		if err := ch.Send(context.Background(), e); !IsPermanent(err) {
			t.Errorf("%s: err = %v, want permanent", ch.Name(), err)
		}
	}
}

func TestNewChannelsCheckURLs(t *testing.T) {
	for _, bad := range []string{"", "ftp://x/y", "//no-scheme", "http://", "http://a b/"} {
		for _, build := range []func() error{
			func() error { _, err := NewWeCom(bad, nil); return err },
			func() error { _, err := NewDingTalk(bad, "", nil); return err },
			func() error { _, err := NewWebhook(bad, "", nil); return err },
			func() error { _, err := NewSMS(bad, "", nil); return err },
		} {
			if build() == nil {
				t.Errorf("accepted URL %q", bad)
			}
		}
	}
}
