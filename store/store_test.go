package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"suggestflow/domain"
)

// stores opens a fresh SQLite store, and a fresh MySQL one when
// SUGGESTFLOW_TEST_MYSQL_DSN is set, so every test runs on both.
func stores(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]*Store{}
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	out["sqlite"] = s
	if dsn := os.Getenv("SUGGESTFLOW_TEST_MYSQL_DSN"); dsn != "" {
		out["mysql"] = freshMySQL(t, dsn)
	}
	return out
}

// freshMySQL creates a database of its own for one test and drops it after.
func freshMySQL(t *testing.T, dsn string) *Store {
	t.Helper()
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(dsn, "mysql://"))
	if err != nil {
		t.Fatalf("SUGGESTFLOW_TEST_MYSQL_DSN: %v", err)
	}
	name := fmt.Sprintf("sf_test_%d", time.Now().UnixNano())
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("mysql", cfg.FormatDSN()); err == nil {
			_, _ = db.Exec("DROP DATABASE " + name)
			db.Close()
		}
	})
	cfg.DBName = name
	cfg.ParseTime = true
	s, err := Open(context.Background(), "mysql://"+cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func each(t *testing.T, f func(t *testing.T, s *Store)) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) { f(t, s) })
	}
}

func suggestion(id, lead string, at time.Time) domain.Suggestion {
	return domain.Suggestion{ID: id, Title: "title " + id, Content: "c", Kind: "suggestion", LeadDeputyID: lead,
		CoSignerIDs: []string{"dp_co"}, SubmittedIn: "session", Status: domain.StatusSubmitted, SubmittedAt: at}
}

func TestMigrationsRunTwice(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		if err := s.migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDeputiesAndUnits(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.CreateDeputy(ctx, domain.Deputy{ID: "dp_1", Name: "王代表", Level: "township", Phone: "138"}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Deputy(ctx, "dp_1")
		if err != nil || d.Name != "王代表" || d.Phone != "138" {
			t.Fatalf("deputy: %+v %v", d, err)
		}
		if _, err := s.Deputy(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown deputy: %v", err)
		}
		if err := s.CreateUnit(ctx, domain.Unit{ID: "un_1", Name: "供电所", Head: "李"}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUnit(ctx, domain.Unit{ID: "un_2", Name: "供电所", Head: "张"}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("duplicate unit name: %v", err)
		}
		missing, err := s.MissingUnits(ctx, []string{"un_1", "un_x"})
		if err != nil || len(missing) != 1 || missing[0] != "un_x" {
			t.Errorf("missing units: %v %v", missing, err)
		}
		list, total, err := s.Deputies(ctx, RosterFilter{}, Page{Number: 1, Size: 10})
		if err != nil || total != 1 || len(list) != 1 {
			t.Errorf("deputies: %d %v", total, err)
		}
	})
}

func TestNumbersAreUniqueUnderConcurrency(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		numbers := make([]string, 20)
		errs := make([]error, 20)
		for i := range numbers {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				numbers[i], errs[i] = s.CreateSuggestion(ctx, suggestion(fmt.Sprintf("sg_%d", i), "dp_1", at), 2026)
			}(i)
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, n := range numbers {
			if errs[i] != nil {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			if seen[n] {
				t.Fatalf("number %s given twice", n)
			}
			seen[n] = true
		}
		if !seen["2026-001"] || !seen["2026-020"] {
			t.Errorf("numbers are not 2026-001..020: %v", numbers)
		}
		again, err := s.CreateSuggestion(ctx, suggestion("sg_3", "dp_1", at), 2026)
		if err != nil || again != numbers[3] {
			t.Errorf("a retried create gave %s, want %s (%v)", again, numbers[3], err)
		}
	})
}

func TestRecordIsIdempotentAndKeepsNewestState(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		sg := suggestion("sg_a", "dp_1", at)
		number, err := s.CreateSuggestion(ctx, sg, 2026)
		if err != nil {
			t.Fatal(err)
		}
		sg.Number = number
		sg.Status = domain.StatusHandling
		sg.Assignment = &domain.Assignment{LeadUnitID: "un_1", CoUnitIDs: []string{"un_2"}}
		sg.Seq = 3
		due := at.Add(90 * 24 * time.Hour)
		sg.DueAt = &due
		step := domain.Step{
			Suggestion: &sg,
			Events: []domain.Event{{ID: "sg_a-e1", SuggestionID: "sg_a", At: at, Actor: domain.System, Type: "assigned",
				Params: map[string]string{"lead_unit": "un_1", "due_at": "2026-06-01T15:59:59Z"}}},
			Round: &domain.Round{Number: 1, StartedAt: at, DueAt: due},
		}
		msgs := []domain.Message{{ID: "sg_a-n2:unit:un_1", NoticeID: "sg_a-n2", SuggestionID: "sg_a", Kind: "assigned",
			Recipient: "unit:un_1", Channel: "inbox", Subject: "交办", Body: "正文", Status: "queued", CreatedAt: at}}
		for i := 0; i < 2; i++ {
			if err := s.Record(ctx, step, msgs); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
		}
		timeline, _ := s.Timeline(ctx, "sg_a")
		messages, _ := s.Messages(ctx, "sg_a")
		if len(timeline) != 1 || len(messages) != 1 {
			t.Fatalf("a repeated step wrote twice: %d events, %d messages", len(timeline), len(messages))
		}
		if p := timeline[0].Params; p["lead_unit"] != "un_1" || p["due_at"] != "2026-06-01T15:59:59Z" {
			t.Errorf("event parameters read back as %v", p)
		}
		// An older state must not overwrite a newer one.
		older := sg
		older.Seq = 2
		older.Status = domain.StatusAccepted
		if err := s.Record(ctx, domain.Step{Suggestion: &older}, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.Suggestion(ctx, "sg_a")
		if err != nil || got.Status != domain.StatusHandling {
			t.Fatalf("stored status %s (%v)", got.Status, err)
		}
		byUnit, total, err := s.Suggestions(ctx, SuggestionFilter{UnitID: "un_2"}, Page{Number: 1, Size: 10})
		if err != nil || total != 1 || byUnit[0].ID != "sg_a" {
			t.Errorf("by co-handling unit: %d %v", total, err)
		}
	})
}

func TestSuggestionFilters(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		for i, lead := range []string{"dp_1", "dp_2", "dp_1"} {
			sg := suggestion(fmt.Sprintf("sg_%d", i), lead, at.Add(time.Duration(i)*time.Hour))
			n, err := s.CreateSuggestion(ctx, sg, 2026)
			if err != nil {
				t.Fatal(err)
			}
			sg.Number = n
			sg.Seq = 1
			if i == 2 {
				sg.Overdue = true
				sg.Title = "道路100%硬化"
			}
			if err := s.Record(ctx, domain.Step{Suggestion: &sg}, nil); err != nil {
				t.Fatal(err)
			}
		}
		overdue := true
		cases := []struct {
			name string
			f    SuggestionFilter
			want int64
		}{
			{"all", SuggestionFilter{}, 3},
			{"lead deputy", SuggestionFilter{DeputyID: "dp_1"}, 2},
			{"co-signer", SuggestionFilter{DeputyID: "dp_co"}, 3},
			{"overdue", SuggestionFilter{Overdue: &overdue}, 1},
			{"status", SuggestionFilter{Status: "submitted"}, 3},
			{"deputy and status", SuggestionFilter{DeputyID: "dp_1", Status: "submitted"}, 2},
			{"deputy and another status", SuggestionFilter{DeputyID: "dp_1", Status: "handling"}, 0},
			{"deputy, status and query", SuggestionFilter{DeputyID: "dp_1", Status: "submitted", Query: "100%"}, 1},
			{"query with a wildcard character", SuggestionFilter{Query: "100%"}, 1},
			{"query by number", SuggestionFilter{Query: "2026-002"}, 1},
			{"no match", SuggestionFilter{Query: "x_y"}, 0},
		}
		for _, c := range cases {
			_, total, err := s.Suggestions(ctx, c.f, Page{Number: 1, Size: 10})
			if err != nil || total != c.want {
				t.Errorf("%s: got %d, want %d (%v)", c.name, total, c.want, err)
			}
		}
		page2, total, err := s.Suggestions(ctx, SuggestionFilter{}, Page{Number: 2, Size: 2})
		if err != nil || total != 3 || len(page2) != 1 || page2[0].ID != "sg_0" {
			t.Errorf("page 2: %d items, total %d (%v)", len(page2), total, err)
		}
		// A party's list is newest first, from the party's own rows; rows
		// written before they carried the time get it when migrating.
		newestFirst := func(when string) {
			t.Helper()
			items, _, err := s.Suggestions(ctx, SuggestionFilter{DeputyID: "dp_1"}, Page{Number: 1, Size: 10})
			if err != nil || len(items) != 2 || items[0].ID != "sg_2" || items[1].ID != "sg_0" {
				t.Errorf("%s: dp_1's list is %v (%v)", when, ids(items), err)
			}
		}
		newestFirst("as written")
		if err := s.db.Exec("UPDATE suggestion_parties SET submitted_at = NULL, status = NULL").Error; err != nil {
			t.Fatal(err)
		}
		if err := s.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var missing int64
		s.db.Model(&partyRow{}).Where("submitted_at IS NULL OR submitted_at < ? OR status IS NULL OR status <> ?", at, "submitted").Count(&missing)
		if missing != 0 {
			t.Errorf("%d party rows without their case's time after migrating", missing)
		}
		newestFirst("after the backfill")
		if items, total, err := s.Suggestions(ctx, SuggestionFilter{DeputyID: "dp_1", Status: "submitted"}, Page{Number: 1, Size: 10}); err != nil || total != 2 || len(items) != 2 {
			t.Errorf("after the backfill, dp_1's submitted cases: %v of %d (%v)", ids(items), total, err)
		}
	})
}

func ids(items []domain.Suggestion) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestTokens(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Now()
		created, err := s.EnsureAdmin(ctx, "hash1", "pw1", now)
		if err != nil || !created {
			t.Fatalf("ensure admin: %t %v", created, err)
		}
		if created, _ := s.EnsureAdmin(ctx, "hash2", "pw2", now); created {
			t.Error("a second start set the admin's password again")
		}
		if cred, err := s.CredentialsOf(ctx, AdminUsername); err != nil || cred.PasswordHash != "pw1" {
			t.Errorf("admin credentials: %+v %v", cred, err)
		}
		acc, err := s.AccountByTokenHash(ctx, "hash1", time.Now())
		if err != nil || acc.Role != "admin" {
			t.Fatalf("account: %+v %v", acc, err)
		}
		if _, err := s.AccountByTokenHash(ctx, "hash2", time.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		if err := s.SetAdminToken(ctx, "hash3"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AccountByTokenHash(ctx, "hash1", time.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("replaced token still works: %v", err)
		}
	})
}

// TestSessionsEnd: a session ends after its idle time, and a changed
// password ends the account's other sessions but not its script tokens.
func TestSessionsEnd(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		acc, err := s.CreateAccount(ctx, NewAccount{AccountRecord: AccountRecord{ID: "ac_1", Username: "wang", Role: "staff", Name: "王"}, PasswordHash: "h"})
		if err != nil || !acc.MustChangePassword {
			t.Fatalf("create: %+v %v", acc, err)
		}
		for _, id := range []string{"s1", "s2"} {
			if err := s.CreateSession(ctx, id, "ac_1", "hash-"+id, time.Hour, now); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateToken(ctx, "t1", "ac_1", "hash-t1", nil); err != nil {
			t.Fatal(err)
		}
		if a, err := s.AccountByTokenHash(ctx, "hash-s1", now.Add(50*time.Minute)); err != nil || !a.Session || !a.MustChangePassword {
			t.Fatalf("live session: %+v %v", a, err)
		}
		// s1 was used at +50 min, so it lives until +110; s2 was not.
		if _, err := s.AccountByTokenHash(ctx, "hash-s2", now.Add(61*time.Minute)); !errors.Is(err, ErrNotFound) {
			t.Errorf("idle session: %v", err)
		}
		if _, err := s.AccountByTokenHash(ctx, "hash-s1", now.Add(100*time.Minute)); err != nil {
			t.Errorf("a used session ended: %v", err)
		}
		if err := s.CreateSession(ctx, "s3", "ac_1", "hash-s3", time.Hour, now); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, "ac_1", "h2", false, "s1", now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AccountByTokenHash(ctx, "hash-s3", now); !errors.Is(err, ErrNotFound) {
			t.Errorf("another session outlived the change: %v", err)
		}
		for _, h := range []string{"hash-s1", "hash-t1"} {
			if a, err := s.AccountByTokenHash(ctx, h, now.Add(time.Minute)); err != nil || a.MustChangePassword {
				t.Errorf("%s after the change: %+v %v", h, a, err)
			}
		}
		if _, err := s.CreateAccount(ctx, NewAccount{AccountRecord: AccountRecord{ID: "ac_2", Username: "wang", Role: "staff", Name: "王二"}}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("a taken user name: %v", err)
		}
	})
}

func TestCadenceQueries(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		if err := s.CreateUnit(ctx, domain.Unit{ID: "un_1", Name: "供电所", Head: "李"}); err != nil {
			t.Fatal(err)
		}
		sg := suggestion("sg_r", "dp_1", at)
		n, err := s.CreateSuggestion(ctx, sg, 2026)
		if err != nil {
			t.Fatal(err)
		}
		sg.Number, sg.Seq, sg.Status = n, 5, domain.StatusClosed
		sg.Assignment = &domain.Assignment{LeadUnitID: "un_1"}
		reply := domain.Reply{ID: "sg_r-y1", Round: 1, ResultClass: "A", RepliedAt: at.Add(time.Hour), DueAt: at.Add(48 * time.Hour), OnTime: true, Consulted: true}
		rating := domain.Rating{ID: "sg_r-g1", Round: 1, DeputyID: "dp_1", Lead: true, Attitude: "satisfied", Result: "unsatisfied", At: at.Add(2 * time.Hour)}
		sg.Reply, sg.Ratings = &reply, []domain.Rating{rating}
		if err := s.Record(ctx, domain.Step{Suggestion: &sg, Reply: &reply, Rating: &rating,
			Round: &domain.Round{Number: 1, StartedAt: at, DueAt: at.Add(48 * time.Hour), Overdue: true}}, nil); err != nil {
			t.Fatal(err)
		}
		p := Period{From: at.Add(-time.Hour), To: at.Add(72 * time.Hour)}
		replies, ratings, err := s.RateFacts(ctx, p, "un_1")
		if err != nil || len(replies) != 1 || len(ratings) != 1 {
			t.Fatalf("rate facts: %d %d %v", len(replies), len(ratings), err)
		}
		if r := replies[0]; !r.Consulted || !r.OnTime || !r.Final || r.UnitID != "un_1" || r.SuggestionID != "sg_r" || r.Class != "A" {
			t.Errorf("reply fact: %+v", r)
		}
		if g := ratings[0]; g.Result != "unsatisfied" || !g.Lead || g.UnitID != "un_1" {
			t.Errorf("rating fact: %+v", g)
		}
		facts, err := s.QuarterFacts(ctx, "2026-Q1", p)
		if err != nil || len(facts) != 1 || facts[0].OverdueReplies != 1 || facts[0].UnsatisfiedRatings != 1 {
			t.Errorf("quarter facts: %+v %v", facts, err)
		}
		board, err := s.Board(ctx, p, []string{"closed"})
		if err != nil || len(board) != 1 || board[0].Unit != "供电所" || board[0].Satisfaction != "unsatisfied" {
			t.Errorf("board: %+v %v", board, err)
		}
		byStatus, err := s.CountByStatus(ctx, p, "")
		if err != nil || byStatus["closed"] != 1 {
			t.Errorf("by status: %v %v", byStatus, err)
		}
	})
}

// TestSettingsAndSignInFailures: policy values are set, replaced and
// cleared; failed sign-ins count per key, hold a key off at its limit and
// start afresh after the block.
func TestSettingsAndSignInFailures(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		for _, v := range []string{"P2M", "P1M"} {
			if err := s.SetPolicyValue(ctx, "reply_within", v, "admin", now); err != nil {
				t.Fatal(err)
			}
		}
		if vals, err := s.PolicyValues(ctx); err != nil || len(vals) != 1 || vals["reply_within"] != "P1M" {
			t.Fatalf("values: %v %v", vals, err)
		}
		if err := s.ClearPolicyValue(ctx, "reply_within"); err != nil {
			t.Fatal(err)
		}
		if vals, _ := s.PolicyValues(ctx); len(vals) != 0 {
			t.Errorf("cleared: %v", vals)
		}

		limits := []SignInLimit{{Key: "account:wang", Limit: 2}, {Key: "client:10.0.0.1", Limit: 5}}
		if until, err := s.RecordSignInFailure(ctx, limits, time.Minute, now); err != nil || !until.IsZero() {
			t.Fatalf("first failure: %v %v", until, err)
		}
		until, err := s.RecordSignInFailure(ctx, limits, time.Minute, now.Add(time.Second))
		if err != nil || !until.Equal(now.Add(time.Second+time.Minute)) {
			t.Fatalf("second failure: %v %v", until, err)
		}
		if got, _ := s.SignInBlockedUntil(ctx, []string{"account:wang"}, now.Add(30*time.Second)); got.IsZero() {
			t.Error("the account is not held off")
		}
		if got, _ := s.SignInBlockedUntil(ctx, []string{"client:10.0.0.1", "account:li"}, now.Add(30*time.Second)); !got.IsZero() {
			t.Errorf("another key is held off: %v", got)
		}
		if got, _ := s.SignInBlockedUntil(ctx, []string{"account:wang"}, now.Add(2*time.Minute)); !got.IsZero() {
			t.Errorf("the hold-off outlived its block: %v", got)
		}
		if err := s.ClearSignInFailures(ctx, "client:10.0.0.1"); err != nil {
			t.Fatal(err)
		}
	})
}
