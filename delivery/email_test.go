package delivery

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"suggestflow/domain"
)

// smtpBackend is a real SMTP server's backend that keeps what it receives.
type smtpBackend struct {
	user, pass string          // when set, AUTH PLAIN is required
	rejectRcpt *smtp.SMTPError // when set, every RCPT TO is refused with it

	mu   sync.Mutex
	msgs []receivedMail
}

type receivedMail struct {
	from string
	to   []string
	data []byte
}

func (b *smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{be: b}, nil
}

func (b *smtpBackend) received() []receivedMail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]receivedMail(nil), b.msgs...)
}

type smtpSession struct {
	be     *smtpBackend
	authed bool
	from   string
	to     []string
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.be.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.be.user || pass != s.be.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.be.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.rejectRcpt != nil {
		return s.be.rejectRcpt
	}
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.be.mu.Lock()
	defer s.be.mu.Unlock()
	s.be.msgs = append(s.be.msgs, receivedMail{from: s.from, to: s.to, data: data})
	return nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

// startSMTP serves be on a loopback port and returns the port.
func startSMTP(t *testing.T, be *smtpBackend, tlsConfig *tls.Config) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(be)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.TLSConfig = tlsConfig
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

func emailChannel(t *testing.T, rawURL string) *Email {
	t.Helper()
	cfg, err := ParseSMTPURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 5 * time.Second
	ch, err := NewEmail(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

const testICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//SuggestFlow//CN\r\nMETHOD:REQUEST\r\n" +
	"BEGIN:VEVENT\r\nUID:mt_1@suggestflow\r\nDTSTAMP:20260301T080000Z\r\n" +
	"DTSTART:20260310T020000Z\r\nDTEND:20260310T030000Z\r\nSUMMARY:建议办理面商会\r\n" +
	"LOCATION:镇政府三楼会议室\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func testEnvelope() Envelope {
	return Envelope{
		Message: domain.Message{
			ID: "sg_1-n3:deputy:dp_7", NoticeID: "sg_1-n3", SuggestionID: "sg_1", MeetingID: "mt_1",
			Kind: "meeting_called", Recipient: "deputy:dp_7", Channel: "email",
			Subject: "关于召开建议办理面商会的通知（第2026-001号建议）",
			Body:    "王代表：\n您领衔提出的《关于改善镇区道路照明的建议》定于3月10日上午10时面商，请准时参加。",
			Status:  "queued", CreatedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
		},
		To:   Address{Name: "王小明", Email: "wang@example.org", Phone: "13800000000"},
		ICS:  []byte(testICS),
		Link: "https://suggest.example.org/suggestions/sg_1",
	}
}

func TestEmailDeliversMessageWithInvitation(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTP(t, be, nil)
	ch := emailChannel(t, fmt.Sprintf("smtp://127.0.0.1:%d?from=%s&starttls=none",
		port, url.QueryEscape("人大主席团 <notice@example.org>")))
	e := testEnvelope()

	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := be.received()
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	rm := got[0]
	if rm.from != "notice@example.org" || len(rm.to) != 1 || rm.to[0] != "wang@example.org" {
		t.Errorf("envelope from %q to %q", rm.from, rm.to)
	}

	header, _, _ := bytes.Cut(rm.data, []byte("\r\n\r\n"))
	for _, c := range header {
		if c >= 0x80 {
			t.Fatalf("header has raw 8-bit bytes; want RFC 2047 encoding:\n%s", header)
		}
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(rm.data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	rawSubject := msg.Header.Get("Subject")
	if !strings.HasPrefix(strings.ToUpper(rawSubject), "=?UTF-8?") {
		t.Errorf("Subject %q is not an RFC 2047 UTF-8 encoded word", rawSubject)
	}
	if subject, err := dec.DecodeHeader(rawSubject); err != nil || subject != e.Message.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, e.Message.Subject)
	}
	if to, err := (&netmail.AddressParser{WordDecoder: dec}).Parse(msg.Header.Get("To")); err != nil ||
		to.Name != "王小明" || to.Address != "wang@example.org" {
		t.Errorf("To = %+v (%v)", to, err)
	}
	if from, err := (&netmail.AddressParser{WordDecoder: dec}).Parse(msg.Header.Get("From")); err != nil ||
		from.Name != "人大主席团" || from.Address != "notice@example.org" {
		t.Errorf("From = %+v (%v)", from, err)
	}

	msgID := msg.Header.Get("Message-Id")
	if want := "<sg_1-n3%3Adeputy%3Adp_7@suggestflow>"; msgID != want {
		t.Errorf("Message-ID = %q, want %q", msgID, want)
	}
	local, _, _ := strings.Cut(strings.Trim(msgID, "<>"), "@")
	if id, err := url.PathUnescape(local); err != nil || id != e.Message.ID {
		t.Errorf("Message-ID local part decodes to %q (%v), want the message id %q", id, err, e.Message.ID)
	}
	if h := msg.Header.Get(DeliveryHeader); h != e.Message.ID {
		t.Errorf("%s = %q, want %q", DeliveryHeader, h, e.Message.ID)
	}
	if h := msg.Header.Get("Auto-Submitted"); h != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", h)
	}

	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/mixed" {
		t.Fatalf("Content-Type %q (%v), want multipart/mixed", msg.Header.Get("Content-Type"), err)
	}
	var text, invite []byte
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body := decodePart(t, part)
		ct, ctParams, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			if !strings.EqualFold(ctParams["charset"], "utf-8") {
				t.Errorf("text part charset %q, want UTF-8", ctParams["charset"])
			}
			text = body
		case "text/calendar":
			if ctParams["method"] != "REQUEST" || !strings.EqualFold(ctParams["charset"], "utf-8") {
				t.Errorf("calendar part Content-Type %q, want method=REQUEST; charset=utf-8", part.Header.Get("Content-Type"))
			}
			disp, dispParams, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			if disp != "attachment" || dispParams["filename"] != "invite.ics" {
				t.Errorf("calendar part Content-Disposition %q, want attachment invite.ics", part.Header.Get("Content-Disposition"))
			}
			invite = body
		default:
			t.Errorf("unexpected part %q", part.Header.Get("Content-Type"))
		}
	}

	wantText := e.Message.Body + "\n\n" + e.Link
	if got := strings.ReplaceAll(string(text), "\r\n", "\n"); got != wantText {
		t.Errorf("text body = %q, want %q", got, wantText)
	}
	if invite == nil {
		t.Fatal("no invite.ics attachment")
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(invite))
	if err != nil {
		t.Fatalf("invite.ics does not parse: %v", err)
	}
	method := ""
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == "METHOD" {
			method = p.Value
		}
	}
	if method != "REQUEST" {
		t.Errorf("calendar METHOD = %q, want REQUEST", method)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("calendar has %d events, want 1", len(events))
	}
	if got := events[0].GetProperty(ics.ComponentPropertySummary).Value; got != "建议办理面商会" {
		t.Errorf("event SUMMARY = %q", got)
	}
	if got := events[0].Id(); got != "mt_1@suggestflow" {
		t.Errorf("event UID = %q", got)
	}
}

// decodePart undoes the part's Content-Transfer-Encoding (multipart.Reader
// only undoes quoted-printable itself).
func decodePart(t *testing.T, p *multipart.Part) []byte {
	t.Helper()
	var r io.Reader = p
	if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
		r = base64.NewDecoder(base64.StdEncoding, p)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode part %q: %v", p.Header.Get("Content-Type"), err)
	}
	return b
}

func TestEmailWithoutInvitationIsSinglePart(t *testing.T) {
	be := &smtpBackend{}
	port := startSMTP(t, be, nil)
	ch := emailChannel(t, fmt.Sprintf("smtp://127.0.0.1:%d?from=notice@example.org&starttls=none", port))
	e := testEnvelope()
	e.ICS, e.Link = nil, ""
	if err := ch.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(be.received()[0].data))
	if err != nil {
		t.Fatal(err)
	}
	if ct, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); ct != "text/plain" {
		t.Errorf("Content-Type %q, want text/plain", msg.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil || strings.ReplaceAll(string(body), "\r\n", "\n") != e.Message.Body {
		t.Errorf("body = %q (%v)", body, err)
	}
}

func TestEmailAuthenticates(t *testing.T) {
	be := &smtpBackend{user: "robot", pass: "p@ss:w/rd"}
	port := startSMTP(t, be, nil)
	// PLAIN without TLS is allowed to localhost only, as here.
	good := emailChannel(t, fmt.Sprintf("smtp://robot:%s@127.0.0.1:%d?from=notice@example.org&starttls=none",
		url.QueryEscape(be.pass), port))
	if err := good.Send(context.Background(), testEnvelope()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if n := len(be.received()); n != 1 {
		t.Fatalf("received %d, want 1", n)
	}

	bad := emailChannel(t, fmt.Sprintf("smtp://robot:wrong@127.0.0.1:%d?from=notice@example.org&starttls=none", port))
	err := bad.Send(context.Background(), testEnvelope())
	if err == nil {
		t.Fatal("Send with a wrong password succeeded")
	}
	// A configuration problem, not the message's: retry once fixed.
	if IsPermanent(err) {
		t.Errorf("auth failure is permanent: %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error reveals the password: %v", err)
	}
}

func TestEmailStartTLS(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	be := &smtpBackend{user: "robot", pass: "secret"}
	port := startSMTP(t, be, serverTLS)

	cfg, err := ParseSMTPURL(fmt.Sprintf("smtp://robot:secret@127.0.0.1:%d?from=notice@example.org&starttls=required", port))
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSConfig = clientTLS
	ch, err := NewEmail(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), testEnvelope()); err != nil {
		t.Fatalf("Send over STARTTLS: %v", err)
	}
	if n := len(be.received()); n != 1 {
		t.Fatalf("received %d, want 1", n)
	}

	// A server without STARTTLS must not get the message when TLS is
	// required.
	plain := &smtpBackend{}
	plainPort := startSMTP(t, plain, nil)
	ch = emailChannel(t, fmt.Sprintf("smtp://127.0.0.1:%d?from=notice@example.org&starttls=required", plainPort))
	err = ch.Send(context.Background(), testEnvelope())
	if err == nil || len(plain.received()) != 0 {
		t.Fatalf("sent without TLS although required: err=%v", err)
	}
	if IsPermanent(err) {
		t.Errorf("missing STARTTLS is permanent: %v", err)
	}
}

// selfSignedTLS makes a certificate for 127.0.0.1 and the client config
// that trusts it.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return server, client
}

func TestEmailRefusals(t *testing.T) {
	cases := []struct {
		name      string
		code      int
		permanent bool
	}{
		{"mailbox unknown", 550, true},
		{"mailbox busy", 451, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			be := &smtpBackend{rejectRcpt: &smtp.SMTPError{Code: tc.code,
				EnhancedCode: smtp.EnhancedCode{tc.code / 100, 1, 1}, Message: "<wang@example.org>: no"}}
			port := startSMTP(t, be, nil)
			ch := emailChannel(t, fmt.Sprintf("smtp://127.0.0.1:%d?from=notice@example.org&starttls=none", port))
			err := ch.Send(context.Background(), testEnvelope())
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v: %v", IsPermanent(err), tc.permanent, err)
			}
			var se *SMTPError
			if !errors.As(err, &se) || se.Code != tc.code {
				t.Errorf("error %v: want an SMTPError with code %d", err, tc.code)
			}
			if strings.Contains(err.Error(), "wang@") {
				t.Errorf("error reveals the address: %v", err)
			}
			if !strings.Contains(err.Error(), "sg_1-n3:deputy:dp_7") {
				t.Errorf("error does not name the message: %v", err)
			}
		})
	}
}

func TestEmailRefusesEnvelopeWithoutAddress(t *testing.T) {
	ch := emailChannel(t, "smtp://127.0.0.1:1?from=notice@example.org")
	e := testEnvelope()
	e.To.Email = ""
	err := ch.Send(context.Background(), e)
	if !IsPermanent(err) || !errors.Is(err, ErrNoAddress) {
		t.Errorf("err = %v, want permanent ErrNoAddress", err)
	}
	e.To.Email = "not an address"
	if err := ch.Send(context.Background(), e); !IsPermanent(err) || strings.Contains(err.Error(), "not an address") {
		t.Errorf("bad address: err = %v, want permanent, without the address", err)
	}
}

func TestEmailServerDownIsTransient(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ch := emailChannel(t, fmt.Sprintf("smtp://127.0.0.1:%d?from=notice@example.org&starttls=none", port))
	err = ch.Send(context.Background(), testEnvelope())
	if err == nil || IsPermanent(err) {
		t.Errorf("err = %v, want a transient error", err)
	}
}

func TestMessageID(t *testing.T) {
	cases := map[string]string{
		"01JABCDEF":           "01JABCDEF@suggestflow",
		"sg_1-n3:deputy:dp_7": "sg_1-n3%3Adeputy%3Adp_7@suggestflow",
		"a.b%c 建":             "a%2Eb%25c%20%E5%BB%BA@suggestflow",
	}
	for id, want := range cases {
		got := MessageID(id)
		if got != want {
			t.Errorf("MessageID(%q) = %q, want %q", id, got, want)
		}
		if _, err := netmail.ParseAddress("<" + got + ">"); err != nil {
			t.Errorf("MessageID(%q) = %q is not addr-spec shaped: %v", id, got, err)
		}
	}
}

func TestParseSMTPURL(t *testing.T) {
	good := []struct {
		raw  string
		want SMTPConfig
	}{
		{"smtp://mail.example.org:587?from=noreply@example.org",
			SMTPConfig{Host: "mail.example.org", Port: 587, From: "noreply@example.org", StartTLS: StartTLSOpportunistic}},
		{"smtp://u%40x:p%2Fw%3A@mail.example.org:25?from=" + url.QueryEscape("通知 <n@example.org>") + "&starttls=required",
			SMTPConfig{Host: "mail.example.org", Port: 25, Username: "u@x", Password: "p/w:",
				From: "通知 <n@example.org>", StartTLS: StartTLSRequired}},
		{"smtp://127.0.0.1:2525/?from=a@b.c&starttls=none",
			SMTPConfig{Host: "127.0.0.1", Port: 2525, From: "a@b.c", StartTLS: StartTLSNone}},
		{"smtp://[::1]:25?from=a@b.c&starttls=opportunistic",
			SMTPConfig{Host: "::1", Port: 25, From: "a@b.c", StartTLS: StartTLSOpportunistic}},
		{"smtps://u:p@smtp.qq.com:465?from=a@qq.com",
			SMTPConfig{Host: "smtp.qq.com", Port: 465, Username: "u", Password: "p", From: "a@qq.com", ImplicitTLS: true}},
	}
	for _, tc := range good {
		got, err := ParseSMTPURL(tc.raw)
		if err != nil {
			t.Errorf("ParseSMTPURL(%q): %v", tc.raw, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseSMTPURL(%q) = %+v, want %+v", tc.raw, got, tc.want)
		}
	}

	bad := []struct{ raw, wantErr string }{
		{"", "empty"},
		{"http://mail.example.org:25?from=a@b.c", "scheme"},
		{"mail.example.org:25", "scheme"},
		{"smtp://user:s3cret@mail.example.org?from=a@b.c", "port is missing"},
		{"smtp://user:s3cret@mail.example.org:0?from=a@b.c", "port"},
		{"smtp://user:s3cret@mail.example.org:99999?from=a@b.c", "port"},
		{"smtp://user:s3cret@mail.example.org:x?from=a@b.c", "port"},
		{"smtp://user:s3cret@:25?from=a@b.c", "host"},
		{"smtp://user:s3cret@mail.example.org:25", "from is missing"},
		{"smtp://user:s3cret@mail.example.org:25?from=nobody", "not an email address"},
		{"smtp://user:s3cret@mail.example.org:25?from=a@b.c&starttls=always", "starttls must be"},
		{"smtp://user:s3cret@mail.example.org:25?from=a@b.c&startls=none", `unknown parameter "startls"`},
		{"smtp://user:s3cret@mail.example.org:25?from=a@b.c&from=d@e.f", "2 times"},
		{"smtp://user@mail.example.org:25?from=a@b.c", "without password"},
		{"smtp://:s3cret@mail.example.org:25?from=a@b.c", "without user"},
		{"smtp://user:s3cret@mail.example.org:25/x?from=a@b.c", "path"},
		{"smtps://user:s3cret@mail.example.org:465?from=a@b.c&starttls=required", "smtps"},
	}
	for _, tc := range bad {
		_, err := ParseSMTPURL(tc.raw)
		if err == nil {
			t.Errorf("ParseSMTPURL(%q) succeeded", tc.raw)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseSMTPURL(%q) = %q, want it to mention %q", tc.raw, err, tc.wantErr)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseSMTPURL(%q) error reveals the password: %v", tc.raw, err)
		}
	}
}

func TestSMTPConfigStringHidesPassword(t *testing.T) {
	cfg, err := ParseSMTPURL("smtp://robot:s3cret@mail.example.org:587?from=a@b.c&starttls=required")
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.String()
	if strings.Contains(s, "s3cret") || !strings.Contains(s, "robot") || !strings.Contains(s, "mail.example.org:587") {
		t.Errorf("String() = %q", s)
	}
	// What String prints parses back to the same place.
	back, err := ParseSMTPURL(s)
	if err != nil || back.Host != cfg.Host || back.Port != cfg.Port || back.StartTLS != cfg.StartTLS {
		t.Errorf("String() = %q parses to %+v, %v", s, back, err)
	}
}
