package activities

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"suggestflow/delivery"
	"suggestflow/delivery/smtptest"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/store"
)

func setup(t *testing.T) (*Activities, *smtptest.Server, *store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := smtptest.Start(t)
	cfg, err := delivery.ParseSMTPURL(fmt.Sprintf("smtp://127.0.0.1:%d?from=n@example.org&starttls=none", srv.Port))
	if err != nil {
		t.Fatal(err)
	}
	email, err := delivery.NewEmail(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateDeputy(ctx, domain.Deputy{ID: "dp_1", Name: "王代表", Level: "township", Email: "wang@example.org"}); err != nil {
		t.Fatal(err)
	}
	return &Activities{Store: st, Policy: policy.Default(), Channels: []delivery.Channel{email}}, srv, st
}

// A retry after a successful send, with the message still queued (the
// worker died before marking it), sends nothing again.
func TestRetriedDispatchDoesNotSendTwice(t *testing.T) {
	a, srv, st := setup(t)
	ctx := context.Background()
	at := time.Now().UTC().Add(-time.Minute)
	m := domain.Message{ID: "n1:deputy:dp_1", NoticeID: "n1", Kind: "rating_request", Recipient: "deputy:dp_1", Channel: "inbox",
		Subject: "请评价", Body: "正文", Status: domain.MessageQueued, CreatedAt: at, HoldUntil: at}
	if err := st.Record(ctx, domain.Step{}, []domain.Message{m}); err != nil {
		t.Fatal(err)
	}
	res, err := a.DispatchOnce(ctx)
	if err != nil || res.Sent != 1 {
		t.Fatalf("first dispatch: %+v %v", res, err)
	}
	// As if the activity had died before finishing: the message is queued again.
	if err := st.FinishMessage(ctx, m.ID, domain.MessageQueued, "", at, at); err != nil {
		t.Fatal(err)
	}
	if res, err := a.DispatchOnce(ctx); err != nil || res.Sent != 1 {
		t.Fatalf("second dispatch: %+v %v", res, err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Fatalf("%d emails, want 1", n)
	}
	msgs, _, err := st.MessageList(ctx, store.MessageFilter{}, store.Page{Number: 1, Size: 10})
	if err != nil || msgs[0].Status != domain.MessageSent || len(msgs[0].Deliveries) != 1 || msgs[0].Deliveries[0].Status != domain.MessageSent {
		t.Fatalf("message after dispatch: %+v %v", msgs, err)
	}
}

// A non-urgent message written in the quiet hours waits for the morning.
func TestQuietHoursHoldMessages(t *testing.T) {
	a, srv, st := setup(t)
	ctx := context.Background()
	sh := a.Policy.Location()
	night := time.Date(2026, 3, 10, 23, 0, 0, 0, sh)
	msgs, err := a.render(ctx, domain.Step{Notices: []domain.Notice{
		{ID: "n1", Kind: "rating_request", Recipients: []domain.Recipient{"deputy:dp_1"}, Data: map[string]string{}, At: night},
		{ID: "n2", Kind: "overdue", Recipients: []domain.Recipient{"deputy:dp_1"}, Data: map[string]string{}, At: night},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !msgs[0].HoldUntil.Equal(time.Date(2026, 3, 11, 8, 0, 0, 0, sh)) || !msgs[1].HoldUntil.Equal(night) {
		t.Fatalf("hold: %s, %s", msgs[0].HoldUntil.In(sh), msgs[1].HoldUntil.In(sh))
	}
	if err := st.Record(ctx, domain.Step{}, msgs); err != nil {
		t.Fatal(err)
	}
	a.Now = func() time.Time { return night.Add(time.Hour) }
	if res, _ := a.DispatchOnce(ctx); res.Sent != 1 || len(srv.Received()) != 1 {
		t.Fatalf("at midnight: %+v, %d emails (only the urgent one may go)", res, len(srv.Received()))
	}
	a.Now = func() time.Time { return time.Date(2026, 3, 11, 8, 0, 1, 0, sh) }
	if res, _ := a.DispatchOnce(ctx); res.Sent != 1 || len(srv.Received()) != 2 {
		t.Fatalf("in the morning: %+v, %d emails", res, len(srv.Received()))
	}
}

// A refused address fails the message for good; a server that is down
// leaves it queued with a backoff.
func TestDeliveryFailures(t *testing.T) {
	a, _, st := setup(t)
	ctx := context.Background()
	cfg, _ := delivery.ParseSMTPURL("smtp://127.0.0.1:1?from=n@example.org&starttls=none")
	down, _ := delivery.NewEmail(cfg)
	a.Channels = []delivery.Channel{down}
	at := time.Now().UTC().Add(-time.Minute)
	m := domain.Message{ID: "n9:deputy:dp_1", NoticeID: "n9", SuggestionID: "sg_1", Kind: "rating_request", Recipient: "deputy:dp_1",
		Channel: "inbox", Subject: "s", Body: "b", Status: domain.MessageQueued, CreatedAt: at, HoldUntil: at}
	if err := st.Record(ctx, domain.Step{}, []domain.Message{m}); err != nil {
		t.Fatal(err)
	}
	res, err := a.DispatchOnce(ctx)
	if err != nil || res.Retrying != 1 {
		t.Fatalf("dispatch to a server that is down: %+v %v", res, err)
	}
	msgs, _, _ := st.MessageList(ctx, store.MessageFilter{}, store.Page{Number: 1, Size: 10})
	if msgs[0].Status != domain.MessageQueued || msgs[0].Attempts != 1 || msgs[0].LastError == "" {
		t.Fatalf("after a transient failure: %+v", msgs[0])
	}
	if res, _ := a.DispatchOnce(ctx); res.Retrying+res.Sent+res.Failed != 0 {
		t.Fatalf("a backed-off message was retried at once: %+v", res)
	}
	timeline, _ := st.Timeline(ctx, "sg_1")
	if len(timeline) != 1 || timeline[0].Type != "delivery" {
		t.Fatalf("timeline: %+v", timeline)
	}
}

// A recipient who chose SMS only gets no email.
func TestPreferencesChooseChannels(t *testing.T) {
	a, srv, st := setup(t)
	ctx := context.Background()
	if err := st.SetPreference(ctx, "deputy:dp_1", []string{"sms"}); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-time.Minute)
	m := domain.Message{ID: "n5:deputy:dp_1", NoticeID: "n5", Kind: "rating_request", Recipient: "deputy:dp_1", Channel: "inbox",
		Subject: "s", Body: "b", Status: domain.MessageQueued, CreatedAt: at, HoldUntil: at}
	if err := st.Record(ctx, domain.Step{}, []domain.Message{m}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.DispatchOnce(ctx); err != nil || res.Sent != 1 {
		t.Fatalf("dispatch: %+v %v", res, err)
	}
	if n := len(srv.Received()); n != 0 {
		t.Fatalf("%d emails to a recipient who chose SMS only", n)
	}
	p, err := st.PreferenceOf(ctx, "deputy:dp_1")
	if err != nil || !p.Set || len(p.Channels) != 1 {
		t.Fatalf("preference: %+v %v", p, err)
	}
}

// TestUnitNoticesReachTheNamedPeople: the handler's and the leader's
// notices go to their own contacts when the roster has them; the head's,
// and those of a unit without them, to the unit's.
func TestUnitNoticesReachTheNamedPeople(t *testing.T) {
	u := domain.Unit{Name: "供电所", Head: "李所长", Phone: "0717-1", Email: "unit@example.org",
		Leader: "张镇长", LeaderPhone: "137", Handler: "王干事", HandlerEmail: "wang@example.org"}
	for kind, want := range map[string]delivery.Address{
		domain.KindUnit:       {Name: "供电所 王干事", Email: "wang@example.org"},
		domain.KindUnitLeader: {Name: "供电所 张镇长", Phone: "137"},
		domain.KindUnitHead:   {Name: "供电所 李所长", Phone: "0717-1", Email: "unit@example.org"},
	} {
		if got := unitAddress(kind, u); got != want {
			t.Errorf("%s: %+v, want %+v", kind, got, want)
		}
	}
	bare := domain.Unit{Name: "水利站", Phone: "0717-2"}
	if got := unitAddress(domain.KindUnit, bare); got != (delivery.Address{Name: "水利站", Phone: "0717-2"}) {
		t.Errorf("a unit without a handler: %+v", got)
	}
}
