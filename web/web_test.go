package web

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"suggestflow/holiday"
	"suggestflow/i18n"
	"suggestflow/refusal"
)

// TestWebTextsComplete: both languages have every key, and every key a
// template names literally exists.
func TestWebTextsComplete(t *testing.T) {
	for _, k := range i18n.Keys(i18n.ZH) {
		if !i18n.Has(i18n.EN, k) {
			t.Errorf("English lacks %q", k)
		}
	}
	for _, k := range i18n.Keys(i18n.EN) {
		if !i18n.Has(i18n.ZH, k) {
			t.Errorf("Chinese lacks %q", k)
		}
	}
	literal := regexp.MustCompile(`\bt "([a-z_.]+)"`)
	files, err := fs.Glob(webFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, name := range files {
		b, _ := fs.ReadFile(webFS, name)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if !i18n.Has(i18n.ZH, m[1]) {
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
		if !i18n.Has(i18n.ZH, k) {
			t.Errorf("no text for %q", k)
		}
	}
}

// TestWebMessagesInChinese: refusals show in the reader's language by
// their code, with times in the township's zone and statuses by name.
func TestWebMessagesInChinese(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cases := []struct {
		r      *refusal.Error
		zh, en string
	}{
		{refusal.OnField("title", refusal.Required), "必须填写", "is required"},
		{refusal.OnField("title", refusal.TooLong, "max", "200"), "最多 200 个字符", "must be at most 200 characters"},
		{refusal.New(refusal.Conflict, refusal.ConsultationRequired), "先面商", "a consultation with the lead deputy must be recorded before replying"},
		{refusal.New(refusal.Conflict, refusal.WrongStatus, "action", "reply", "status", "closed"), "“已办结”", "cannot reply to a suggestion that is closed"},
		{refusal.OnField("new_due_at", refusal.DueNotLater, "due_at", "2026-03-31T15:59:59Z"), "2026-03-31 23:59", "must be later than the current due time 2026-03-31T15:59:59Z"},
	}
	for _, c := range cases {
		zh := summary(i18n.ZH, c.r, loc) + strings.Join(fieldLines(i18n.ZH, c.r, loc), " ")
		if !strings.Contains(zh, c.zh) {
			t.Errorf("%s → %q, want it to hold %q", c.r.Code, zh, c.zh)
		}
		if got := c.r.Error(); !strings.HasSuffix(got, c.en) {
			t.Errorf("English of %s is %q, want %q", c.r.Code, got, c.en)
		}
	}
	lines := fieldLines(i18n.ZH, refusal.OnField("promised_at", refusal.PromisedDateRequired), loc)
	if len(lines) != 1 || !strings.Contains(lines[0], "承诺完成日期") {
		t.Errorf("field lines: %v", lines)
	}
	if s := summary(i18n.ZH, refusal.New(refusal.Conflict, refusal.NoReplyToRate), loc); !strings.Contains(s, "操作未完成") || !strings.Contains(s, "尚无可评价的答复") {
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

// TestHolidayWarnings: the dashboard warns of a year without official
// holiday data from November of the year before, and no more once the
// year's schedule is loaded.
func TestHolidayWarnings(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	builtin, err := holiday.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := holiday.Build(holiday.Data{Years: []holiday.Schedule{{Year: 2028, DaysOff: []string{"2028-01-01"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   time.Time
		cal  *holiday.Calendar
		want string
	}{
		{time.Date(2027, 10, 31, 23, 0, 0, 0, loc), builtin, "[]"},
		{time.Date(2027, 10, 31, 16, 30, 0, 0, time.UTC), builtin, "[2028]"}, // 1 November in Shanghai
		{time.Date(2027, 12, 28, 9, 0, 0, 0, loc), builtin, "[2028]"},
		{time.Date(2027, 12, 28, 9, 0, 0, 0, loc), loaded, "[]"},
		{time.Date(2028, 3, 1, 9, 0, 0, 0, loc), builtin, "[2028]"},
		{time.Date(2028, 11, 2, 9, 0, 0, 0, loc), loaded, "[2029]"},
		{time.Date(2028, 11, 2, 9, 0, 0, 0, loc), builtin, "[2028 2029]"},
		{time.Date(2026, 12, 2, 9, 0, 0, 0, loc), builtin, "[]"},
	} {
		if got := fmt.Sprint(holidayWarnings(tc.at, loc, tc.cal)); got != tc.want {
			t.Errorf("%s: warnings %s, want %s", tc.at.In(loc), got, tc.want)
		}
	}
}

func TestCalendarFormDates(t *testing.T) {
	got, err := dateList("days_off", "2028-01-01~2028-01-03\n2028-02-10 至 2028-02-12，2028-04-04\n\n 2028-02-30 ")
	if err != nil {
		t.Fatal(err)
	}
	want := "[2028-01-01 2028-01-02 2028-01-03 2028-02-10 2028-02-11 2028-02-12 2028-04-04 2028-02-30]"
	if fmt.Sprint(got) != want {
		t.Errorf("dates: %v", got)
	}
	for _, bad := range []string{"2028-01-05~2028-01-01", "2028-01-01~2028-03-01", "2028-01-01~2028-02-30"} {
		if _, err := dateList("days_off", bad); err == nil {
			t.Errorf("range %q accepted", bad)
		}
	}
}

// TestEveryRefusedActionHasItsName: each action a page refuses by name is
// named in both languages (else the refusal reads "无权manage_records").
func TestEveryRefusedActionHasItsName(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"action", "([a-z_]+)"`)
	seen := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			seen++
			for _, lang := range []string{i18n.ZH, i18n.EN} {
				if !i18n.Has(lang, "action."+m[1]) {
					t.Errorf("%s: action %q has no %s name", f, m[1], lang)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no refused action found")
	}
}
