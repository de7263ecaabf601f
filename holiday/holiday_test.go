package holiday_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai must resolve even without system zoneinfo

	"github.com/6tail/lunar-go/HolidayUtil"

	"suggestflow/holiday"
	"suggestflow/policy"
)

var _ policy.Calendar = (*holiday.Calendar)(nil)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is 10:00 on date in loc.
func at(t *testing.T, date string, loc *time.Location) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02 15:04", date+" 10:00", loc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustNew(t *testing.T, o []holiday.Override) *holiday.Calendar {
	t.Helper()
	c, err := holiday.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// official2026 is the State Council's 2026 arrangement exactly as lunar-go
// v1.4.7 gives it (printed from HolidayUtil.GetHolidaysByYear(2026)):
// "rest" is a holiday day off, "work" a make-up working day (调休).
var official2026 = []struct{ date, name, kind string }{
	{"2026-01-01", "元旦节", "rest"}, {"2026-01-02", "元旦节", "rest"}, {"2026-01-03", "元旦节", "rest"},
	{"2026-01-04", "元旦节", "work"},
	{"2026-02-14", "春节", "work"},
	{"2026-02-15", "春节", "rest"}, {"2026-02-16", "春节", "rest"}, {"2026-02-17", "春节", "rest"},
	{"2026-02-18", "春节", "rest"}, {"2026-02-19", "春节", "rest"}, {"2026-02-20", "春节", "rest"},
	{"2026-02-21", "春节", "rest"}, {"2026-02-22", "春节", "rest"}, {"2026-02-23", "春节", "rest"},
	{"2026-02-28", "春节", "work"},
	{"2026-04-04", "清明节", "rest"}, {"2026-04-05", "清明节", "rest"}, {"2026-04-06", "清明节", "rest"},
	{"2026-05-01", "劳动节", "rest"}, {"2026-05-02", "劳动节", "rest"}, {"2026-05-03", "劳动节", "rest"},
	{"2026-05-04", "劳动节", "rest"}, {"2026-05-05", "劳动节", "rest"},
	{"2026-05-09", "劳动节", "work"},
	{"2026-06-19", "端午节", "rest"}, {"2026-06-20", "端午节", "rest"}, {"2026-06-21", "端午节", "rest"},
	{"2026-09-20", "国庆节", "work"},
	{"2026-09-25", "中秋节", "rest"}, {"2026-09-26", "中秋节", "rest"}, {"2026-09-27", "中秋节", "rest"},
	{"2026-10-01", "国庆节", "rest"}, {"2026-10-02", "国庆节", "rest"}, {"2026-10-03", "国庆节", "rest"},
	{"2026-10-04", "国庆节", "rest"}, {"2026-10-05", "国庆节", "rest"}, {"2026-10-06", "国庆节", "rest"},
	{"2026-10-07", "国庆节", "rest"},
	{"2026-10-10", "国庆节", "work"},
}

// TestLunarGo2026Data pins the compiled-in data: a lunar-go upgrade that
// changes 2026 changes deadlines, so it must fail here and be reviewed.
func TestLunarGo2026Data(t *testing.T) {
	var got []string
	for e := HolidayUtil.GetHolidaysByYear(2026).Front(); e != nil; e = e.Next() {
		h := e.Value.(*HolidayUtil.Holiday)
		kind := "rest"
		if h.IsWork() {
			kind = "work"
		}
		got = append(got, h.GetDay()+" "+h.GetName()+" "+kind)
	}
	var want []string
	for _, o := range official2026 {
		want = append(want, o.date+" "+o.name+" "+o.kind)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lunar-go 2026 data changed:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, y := range []int{2026, 2027} {
		if !holiday.Covers(y) {
			t.Errorf("Covers(%d) = false", y)
		}
	}
	if holiday.Covers(2099) {
		t.Error("Covers(2099) = true")
	}
}

func TestOfficial2026EveryEntry(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, nil)
	for _, o := range official2026 {
		day := at(t, o.date, loc)
		if got, want := c.IsWorkingDay(day), o.kind == "work"; got != want {
			t.Errorf("%s: IsWorkingDay = %v, want %v", o.date, got, want)
		}
		expl := c.Explain(day)
		if o.kind == "work" && expl != "make-up working day for "+o.name {
			t.Errorf("%s: Explain = %q", o.date, expl)
		}
		if o.kind == "rest" && !strings.HasSuffix(expl, " holiday ("+o.name+")") {
			t.Errorf("%s: Explain = %q", o.date, expl)
		}
	}
}

func TestSpringFestival2026(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, nil)
	days, err := c.Days(at(t, "2026-02-13", loc), at(t, "2026-03-02", loc))
	if err != nil {
		t.Fatal(err)
	}
	sf := "Spring Festival holiday (春节)"
	want := []holiday.Day{
		{"2026-02-13", true, "working day"},
		{"2026-02-14", true, "make-up working day for 春节"}, // Saturday
		{"2026-02-15", false, sf},
		{"2026-02-16", false, sf},
		{"2026-02-17", false, sf}, // New Year's Day of the lunar calendar
		{"2026-02-18", false, sf},
		{"2026-02-19", false, sf},
		{"2026-02-20", false, sf},
		{"2026-02-21", false, sf},
		{"2026-02-22", false, sf},
		{"2026-02-23", false, sf}, // Monday
		{"2026-02-24", true, "working day"},
		{"2026-02-25", true, "working day"},
		{"2026-02-26", true, "working day"},
		{"2026-02-27", true, "working day"},
		{"2026-02-28", true, "make-up working day for 春节"}, // Saturday
		{"2026-03-01", false, "weekend"},
		{"2026-03-02", true, "working day"},
	}
	assertDays(t, days, want)
}

func TestNationalDay2026(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, nil)
	days, err := c.Days(at(t, "2026-09-19", loc), at(t, "2026-10-12", loc))
	if err != nil {
		t.Fatal(err)
	}
	nd, ma := "National Day holiday (国庆节)", "Mid-Autumn Festival holiday (中秋节)"
	want := []holiday.Day{
		{"2026-09-19", false, "weekend"},
		{"2026-09-20", true, "make-up working day for 国庆节"}, // Sunday
		{"2026-09-21", true, "working day"},
		{"2026-09-22", true, "working day"},
		{"2026-09-23", true, "working day"},
		{"2026-09-24", true, "working day"},
		{"2026-09-25", false, ma}, // Friday
		{"2026-09-26", false, ma},
		{"2026-09-27", false, ma},
		{"2026-09-28", true, "working day"},
		{"2026-09-29", true, "working day"},
		{"2026-09-30", true, "working day"},
		{"2026-10-01", false, nd},
		{"2026-10-02", false, nd},
		{"2026-10-03", false, nd},
		{"2026-10-04", false, nd},
		{"2026-10-05", false, nd},
		{"2026-10-06", false, nd},
		{"2026-10-07", false, nd},
		{"2026-10-08", true, "working day"},
		{"2026-10-09", true, "working day"},
		{"2026-10-10", true, "make-up working day for 国庆节"}, // Saturday
		{"2026-10-11", false, "weekend"},
		{"2026-10-12", true, "working day"},
	}
	assertDays(t, days, want)
}

func TestOrdinaryDays(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, nil)
	for _, tc := range []struct {
		date    string
		working bool
		reason  string
	}{
		{"2026-03-14", false, "weekend"}, // Saturday
		{"2026-03-15", false, "weekend"}, // Sunday
		{"2026-03-11", true, "working day"},
		{"2026-07-15", true, "working day"},
	} {
		d := at(t, tc.date, loc)
		if got := c.IsWorkingDay(d); got != tc.working {
			t.Errorf("%s: IsWorkingDay = %v, want %v", tc.date, got, tc.working)
		}
		if got := c.Explain(d); got != tc.reason {
			t.Errorf("%s: Explain = %q, want %q", tc.date, got, tc.reason)
		}
	}
}

func TestOverrides(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, []holiday.Override{
		{Date: "2026-10-05", Working: true, Note: "flood-control duty"},          // National Day holiday worked
		{Date: "2026-03-11", Working: false, Note: "  township sports meeting "}, // Wednesday off
		{Date: "2026-03-14", Working: true},                                      // Saturday worked, no note
		{Date: "2026-10-10", Working: false, Note: "make-up day cancelled"},      // official make-up day off
	})
	for _, tc := range []struct {
		date    string
		working bool
		reason  string
	}{
		{"2026-10-05", true, "local override: flood-control duty"},
		{"2026-10-04", false, "National Day holiday (国庆节)"},
		{"2026-03-11", false, "local override: township sports meeting"},
		{"2026-03-12", true, "working day"},
		{"2026-03-14", true, "local override: working day"},
		{"2026-10-10", false, "local override: make-up day cancelled"},
	} {
		d := at(t, tc.date, loc)
		if got := c.IsWorkingDay(d); got != tc.working {
			t.Errorf("%s: IsWorkingDay = %v, want %v", tc.date, got, tc.working)
		}
		if got := c.Explain(d); got != tc.reason {
			t.Errorf("%s: Explain = %q, want %q", tc.date, got, tc.reason)
		}
	}
	got := c.Overrides()
	if len(got) != 4 || got[0].Date != "2026-03-11" || got[3].Date != "2026-10-10" || got[0].Note != "township sports meeting" {
		t.Errorf("Overrides() = %+v", got)
	}
}

func TestNilCalendarIsOfficial(t *testing.T) {
	var c *holiday.Calendar
	loc := shanghai(t)
	if c.IsWorkingDay(at(t, "2026-10-01", loc)) || !c.IsWorkingDay(at(t, "2026-10-10", loc)) {
		t.Error("nil calendar does not follow the official arrangement")
	}
	if c.Overrides() != nil {
		t.Error("nil calendar has overrides")
	}
}

// The date is the one in the time's own location.
func TestDateInOwnLocation(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, nil)
	instant := time.Date(2026, 9, 30, 20, 0, 0, 0, time.UTC) // 2026-10-01 04:00 in Shanghai
	if !c.IsWorkingDay(instant) {
		t.Error("Wednesday 2026-09-30 in UTC should be a working day")
	}
	if c.IsWorkingDay(instant.In(loc)) {
		t.Error("2026-10-01 in Shanghai should be a holiday")
	}
	if got := c.Explain(instant.In(loc)); got != "National Day holiday (国庆节)" {
		t.Errorf("Explain = %q", got)
	}
}

func TestInvalidOverrides(t *testing.T) {
	for _, bad := range []string{"2026-02-30", "2026/10/01", "", "2026-1-05", "26-10-01", "2026-13-01", "2026-10-01T00:00:00Z", " 2026-10-01"} {
		_, err := holiday.New([]holiday.Override{{Date: "2026-05-06", Working: false}, {Date: bad, Working: true}})
		if err == nil {
			t.Errorf("New accepted %q", bad)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) || !strings.Contains(err.Error(), "override 2") {
			t.Errorf("error for %q does not name it: %v", bad, err)
		}
	}
	_, err := holiday.New([]holiday.Override{{Date: "2026-05-06"}, {Date: "2026-05-06", Working: true}})
	if err == nil || !strings.Contains(err.Error(), `"2026-05-06"`) {
		t.Errorf("duplicate date: err = %v", err)
	}
	if _, err := holiday.New([]holiday.Override{{Date: "2028-02-29", Working: true}}); err != nil {
		t.Errorf("leap day rejected: %v", err)
	}
}

func TestDaysRange(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, nil)
	days, err := c.Days(at(t, "2026-01-01", loc), at(t, "2027-01-01", loc)) // 366 days inclusive
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != holiday.MaxDays || days[0].Date != "2026-01-01" || days[365].Date != "2027-01-01" {
		t.Errorf("got %d days from %s to %s", len(days), days[0].Date, days[len(days)-1].Date)
	}
	if days[365].Working || days[365].Reason != "New Year's Day holiday (元旦节)" {
		t.Errorf("2027-01-01 = %+v", days[365])
	}
	if _, err := c.Days(at(t, "2026-01-01", loc), at(t, "2027-01-02", loc)); err == nil {
		t.Error("367-day range accepted")
	}
	if _, err := c.Days(at(t, "2026-10-02", loc), at(t, "2026-10-01", loc)); err == nil {
		t.Error("reversed range accepted")
	}
	one, err := c.Days(at(t, "2026-10-01", loc), at(t, "2026-10-01", loc).Add(13*time.Hour))
	if err != nil || len(one) != 1 || one[0] != (holiday.Day{Date: "2026-10-01", Working: false, Reason: "National Day holiday (国庆节)"}) {
		t.Errorf("single day = %+v, %v", one, err)
	}
}

// 7 working days from Wednesday 2026-09-30 10:00 in Shanghai, by hand on
// lunar-go's data: 10-01..10-07 National Day off (7 days skipped),
// 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat make-up day (3), 10-11 Sun off
// (skipped), 10-12 Mon (4), 10-13 (5), 10-14 (6), 10-15 Thu (7).
func TestDueSevenWorkingDaysOverNationalDay(t *testing.T) {
	loc := shanghai(t)
	c := mustNew(t, nil)
	from := time.Date(2026, 9, 30, 10, 0, 0, 0, loc)
	dl := policy.Due(from, policy.MustDuration("7wd"), loc, c)
	want := time.Date(2026, 10, 15, 23, 59, 59, 0, loc)
	if !dl.At.Equal(want) {
		t.Fatalf("due %s, want %s", dl.At.In(loc), want)
	}
	if got := dl.At.In(loc).Format("2006-01-02 15:04:05"); got != "2026-10-15 23:59:59" {
		t.Errorf("local due = %s", got)
	}
	wantExpl := "7 working days after 2026-09-30 10:00:00 CST; end of day 2026-10-15; " +
		"8 rest days skipped (10-01, 10-02, 10-03, 10-04, 10-05, 10-06, 10-07, 10-11)"
	if dl.Explanation != wantExpl {
		t.Errorf("explanation:\n got %q\nwant %q", dl.Explanation, wantExpl)
	}

	// Weekends alone would have ended on Friday 2026-10-09.
	wk := policy.Due(from, policy.MustDuration("7wd"), loc, policy.Weekends{})
	if got := wk.At.In(loc).Format("2006-01-02"); got != "2026-10-09" {
		t.Errorf("weekends-only due = %s", got)
	}

	// A local rest day on Monday 10-12 pushes it one working day later.
	c2 := mustNew(t, []holiday.Override{{Date: "2026-10-12", Working: false, Note: "township closed"}})
	dl2 := policy.Due(from, policy.MustDuration("7wd"), loc, c2)
	if got := dl2.At.In(loc).Format("2006-01-02 15:04:05"); got != "2026-10-16 23:59:59" {
		t.Errorf("with override due = %s", got)
	}
	if !strings.Contains(dl2.Explanation, "9 rest days skipped (10-01, 10-02, 10-03, 10-04, 10-05, 10-06, 10-07, 10-11, 10-12)") {
		t.Errorf("with override explanation = %q", dl2.Explanation)
	}
}

func assertDays(t *testing.T, got, want []holiday.Day) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d days, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("day %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// builtinDigest is the SHA-256 of every entry of the linked lunar-go data
// (see dataDigest) that holiday.DataVersion stands for: lunar-go v1.4.7,
// 2001 to 2027.
const builtinDigest = "8e84059827437fc1058e139f4dd5071fb7b62b48908832c32a9f70a1f4f317a6"

// dataDigest hashes every built-in entry of every year, in order.
func dataDigest() (string, int) {
	h := sha256.New()
	last := 0
	for y := 1900; y <= 2200; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			d := e.Value.(*HolidayUtil.Holiday)
			fmt.Fprintf(h, "%s %s %t %s\n", d.GetDay(), d.GetName(), d.IsWork(), d.GetTarget())
			last = y
		}
	}
	return hex.EncodeToString(h.Sum(nil)), last
}

// TestBuiltinDataVersion pins the linked data to holiday.DataVersion: cases
// pin the version they started under, so an upgrade of lunar-go that
// changes the data must bump DataVersion (and give the new version its last
// year), or running cases would compute other deadlines on replay. When it
// fails after an upgrade, do that, then record the new digest here.
func TestBuiltinDataVersion(t *testing.T) {
	digest, last := dataDigest()
	if digest != builtinDigest {
		t.Fatalf("the built-in holiday data changed (digest %s, last year %d): bump holiday.DataVersion, set its last year in dataThrough, "+
			"keep the old days of any year an older version had, and record the digest here", digest, last)
	}
	c := mustNew(t, nil)
	if got := c.Source(last); got != holiday.SourceBuiltin {
		t.Errorf("Source(%d) = %s, want the current version to cover its last year", last, got)
	}
	if got := c.Source(last + 1); got != holiday.SourceNone {
		t.Errorf("Source(%d) = %s", last+1, got)
	}
	if got := c.Source(2000); got != holiday.SourceNone {
		t.Errorf("Source(2000) = %s", got)
	}
}

// schedule2028 is a made-up official schedule for 2028: the New Year's
// holiday from Saturday 1 to Monday 3 January, with a make-up working day
// on Saturday 8 January and, as a notice may, a rest day on Friday 31
// December of the year before.
var schedule2028 = holiday.Schedule{Year: 2028, DaysOff: []string{"2027-12-31", "2028-01-01", "2028-01-02", "2028-01-03"},
	WorkingDays: []string{"2028-01-08"}, Note: "国办发明电〔2027〕1号"}

func TestLoadedSchedule(t *testing.T) {
	loc := shanghai(t)
	c, err := holiday.Build(holiday.Data{Version: holiday.DataVersion, Years: []holiday.Schedule{schedule2028},
		Overrides: []holiday.Override{{Date: "2028-01-02", Working: true, Note: "值班"}}})
	if err != nil {
		t.Fatal(err)
	}
	for year, want := range map[int]string{2026: holiday.SourceBuiltin, 2027: holiday.SourceBuiltin, 2028: holiday.SourceLoaded, 2029: holiday.SourceNone} {
		if got := c.Source(year); got != want {
			t.Errorf("Source(%d) = %s, want %s", year, got, want)
		}
	}
	for _, tc := range []struct {
		date    string
		working bool
		reason  string
	}{
		{"2027-12-31", false, "official rest day (2028 schedule)"},           // December of the year before
		{"2028-01-01", false, "official rest day (2028 schedule)"},           // Saturday
		{"2028-01-02", true, "local override: 值班"},                           // the override beats the schedule
		{"2028-01-03", false, "official rest day (2028 schedule)"},           // Monday
		{"2028-01-04", true, "working day"},                                  // not named: Monday to Friday
		{"2028-01-08", true, "official make-up working day (2028 schedule)"}, // Saturday
		{"2028-01-09", false, "weekend"},
		{"2029-01-01", true, "working day (no official holiday data for 2029)"},
		{"2029-01-06", false, "weekend (no official holiday data for 2029)"},
	} {
		d := at(t, tc.date, loc)
		if got := c.IsWorkingDay(d); got != tc.working {
			t.Errorf("%s: IsWorkingDay = %v, want %v", tc.date, got, tc.working)
		}
		if got := c.Explain(d); got != tc.reason {
			t.Errorf("%s: Explain = %q, want %q", tc.date, got, tc.reason)
		}
	}
	// A loaded year replaces the built-in data of that year.
	fix, err := holiday.Build(holiday.Data{Years: []holiday.Schedule{{Year: 2026, DaysOff: []string{"2026-10-02"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if fix.Source(2026) != holiday.SourceLoaded || !fix.IsWorkingDay(at(t, "2026-10-01", loc)) || fix.IsWorkingDay(at(t, "2026-10-02", loc)) {
		t.Error("a loaded 2026 does not replace the built-in 2026")
	}
}

func TestScheduleCheck(t *testing.T) {
	s := holiday.Schedule{Year: 2028, DaysOff: []string{"2028-01-01", "2028-02-30", "2027-11-30", "2029-01-01", "2028-01-01", "2027-12-31"},
		WorkingDays: []string{"2028-01-08", "2028-01-01", "28-1-9"}}
	want := []holiday.Problem{
		{Field: "days_off[1]", Kind: holiday.BadDate},
		{Field: "days_off[2]", Kind: holiday.OutsideYear},
		{Field: "days_off[3]", Kind: holiday.OutsideYear},
		{Field: "days_off[4]", Kind: holiday.Repeated},
		{Field: "working_days[1]", Kind: holiday.OffAndWorking},
		{Field: "working_days[2]", Kind: holiday.BadDate},
	}
	got := s.Check()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Check:\n got %v\nwant %v", got, want)
	}
	if p := schedule2028.Check(); len(p) != 0 {
		t.Errorf("a good schedule: %v", p)
	}
	for _, bad := range []holiday.Data{
		{Years: []holiday.Schedule{s}},
		{Years: []holiday.Schedule{schedule2028, schedule2028}},
		{Years: []holiday.Schedule{{Year: 2100, DaysOff: []string{"2100-01-01"}}}},
	} {
		if _, err := holiday.Build(bad); err == nil {
			t.Errorf("Build accepted %+v", bad.Years)
		}
	}
}

// TestDueWarnsWithoutData: 7 working days from Tuesday 28 December 2027
// reach into 2028, which the built-in data lacks: counted Monday to Friday
// (29, 30, 31 December, 3, 4, 5, 6 January) with a warning. With 2028's
// schedule loaded (31 December and 1 to 3 January off, Saturday 8 January
// worked) they are 29, 30 December, 4, 5, 6, 7 and 8 January.
func TestDueWarnsWithoutData(t *testing.T) {
	loc := shanghai(t)
	from := time.Date(2027, 12, 28, 10, 0, 0, 0, loc)
	dl := policy.Due(from, policy.MustDuration("7wd"), loc, mustNew(t, nil))
	if got := dl.At.In(loc).Format("2006-01-02"); got != "2028-01-06" {
		t.Errorf("without data: due %s", got)
	}
	if len(dl.Warnings) != 1 || dl.Warnings[0].Code != policy.WarnNoHolidayData || dl.Warnings[0].Params["year"] != "2028" ||
		dl.Basis.NoData != "2028" || !strings.Contains(dl.Explanation, "no official holiday schedule for 2028") {
		t.Errorf("without data: %+v", dl)
	}
	loaded, err := holiday.Build(holiday.Data{Years: []holiday.Schedule{schedule2028}})
	if err != nil {
		t.Fatal(err)
	}
	dl = policy.Due(from, policy.MustDuration("7wd"), loc, loaded)
	if got := dl.At.In(loc).Format("2006-01-02"); got != "2028-01-08" {
		t.Errorf("with 2028 loaded: due %s", got)
	}
	if len(dl.Warnings) != 0 || dl.Basis.NoData != "" || strings.Contains(dl.Explanation, "no official") {
		t.Errorf("with 2028 loaded, still warned: %+v", dl)
	}
}
