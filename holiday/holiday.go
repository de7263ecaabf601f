// Package holiday is the working-day calendar of mainland China: the
// statutory public holidays that the State Council announces each year,
// their make-up working days (调休), and local overrides set by the
// township. A *Calendar satisfies policy.Calendar, so policy.Due and friends
// can count working days ("7wd") on it.
//
// A year's official arrangement comes from one of two sources, and the
// calendar knows which (Source):
//
//   - built-in: github.com/6tail/lunar-go's HolidayUtil, whose data is
//     compiled into the binary (v1.4.7 holds 2001 to 2027);
//   - loaded: a Schedule the township typed in from the State Council's
//     notice (the days off and the make-up working days), kept in the
//     database. A loaded year replaces the built-in data of that year.
//
// A year with neither falls back to Monday to Friday, which is wrong for
// any year with holidays: deadlines counted across it carry a warning
// (policy.Due), and the State Council publishes the next year around
// November, which is when the township should load it.
//
// The built-in data is versioned (DataVersion). A case pins the version it
// started under in its policy, so an upgrade of lunar-go that adds a year
// changes the deadlines of new cases only: a pinned case treats the years
// its version did not have as years without data, unless they are loaded,
// and a loaded schedule reaches running cases on purpose, by the calendar
// signal. TestBuiltinDataVersion fails when the linked data changes, so
// that an upgrade bumps DataVersion (see dataThrough for what to do when an
// upgrade changes a year an older version already had).
//
// Never call HolidayUtil.Fix at run time to patch the official data: it
// rewrites lunar-go's package-level state without synchronisation. Load a
// schedule or use overrides instead.
package holiday

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// DateLayout is the layout of every date this package reads or writes.
const DateLayout = "2006-01-02"

// MaxDays is the longest range, in days counted inclusively, that Days lists.
const MaxDays = 366

// The years a schedule may be loaded for.
const (
	MinYear = 2000
	MaxYear = 2099
)

// DataVersion is the version of the built-in official data that new cases
// pin (policy.Policy.HolidayData). Bump it with every lunar-go upgrade that
// changes the data, and give it its last year in dataThrough.
const DataVersion = 1

// dataThrough is, for each version of the built-in data, the last year it
// holds an arrangement for; a case pinned to a version judges later years
// as years without data. Version 1 is lunar-go v1.4.7, the data every case
// ran with before versions existed, so cases that pin none (0) get it.
//
// An upgrade that only adds years needs nothing more. One that changes a
// year an older version already had must keep that version's days of the
// year here too (as a frozen Schedule judged before lunar-go), or cases
// pinned to it would change their deadlines on replay.
var dataThrough = map[int]int{1: 2027}

// firstDataYear is the first year lunar-go has an arrangement for.
const firstDataYear = 2001

// Where a year's official arrangement comes from.
const (
	SourceBuiltin = "builtin"
	SourceLoaded  = "loaded"
	SourceNone    = "none"
)

// Override is a local decision about one date that beats the official
// calendar: a holiday worked, or an extra rest day.
type Override struct {
	Date    string `json:"date" yaml:"date"` // YYYY-MM-DD
	Working bool   `json:"working" yaml:"working"`
	Note    string `json:"note" yaml:"note"`
}

// Schedule is one year's official arrangement as the State Council's notice
// gives it, loaded by the township: the days off (holidays, with the
// weekends they include) and the make-up working days. Every other date of
// the year is a working day from Monday to Friday. A notice may start the
// New Year's holiday, or put a make-up working day, in the last days of the
// year before, so dates of December of the year before belong to it too.
type Schedule struct {
	Year        int      `json:"year"`
	DaysOff     []string `json:"days_off"`
	WorkingDays []string `json:"working_days"`
	Note        string   `json:"note,omitempty"`
}

// Problem is what is wrong with one date of a schedule.
type Problem struct {
	// Field names the date as the API does: days_off[2], working_days[0].
	Field string
	Kind  ProblemKind
}

// ProblemKind says what is wrong with a date of a schedule.
type ProblemKind int

// The problems a schedule's date may have.
const (
	// BadDate: not a real date written YYYY-MM-DD.
	BadDate ProblemKind = iota + 1
	// OutsideYear: neither in the year nor in December of the year before.
	OutsideYear
	// Repeated: the same date twice in one list.
	Repeated
	// OffAndWorking: a working day also listed as a day off.
	OffAndWorking
)

// Check lists what is wrong with the schedule's dates, in the order of its
// lists; none for a schedule that can be loaded. The year itself is
// checked by the caller against MinYear and MaxYear.
func (s Schedule) Check() []Problem {
	var out []Problem
	off := map[string]bool{}
	check := func(list string, dates []string, seen map[string]bool) {
		for i, d := range dates {
			field := list + "[" + strconv.Itoa(i) + "]"
			t, err := time.Parse(DateLayout, d)
			switch {
			case err != nil || t.Format(DateLayout) != d:
				out = append(out, Problem{field, BadDate})
			case t.Year() != s.Year && (t.Year() != s.Year-1 || t.Month() != time.December):
				out = append(out, Problem{field, OutsideYear})
			case seen[d]:
				out = append(out, Problem{field, Repeated})
			case list == "working_days" && off[d]:
				out = append(out, Problem{field, OffAndWorking})
			}
			seen[d] = true
		}
	}
	check("days_off", s.DaysOff, off)
	check("working_days", s.WorkingDays, map[string]bool{})
	return out
}

// Day is one date of a listing, with whether it is a working day and why.
type Day struct {
	Date    string `json:"date"` // YYYY-MM-DD
	Working bool   `json:"working"`
	Reason  string `json:"reason"`
}

// Data is what a calendar is built from, in the order of precedence: the
// official arrangement (built-in, of the pinned version, or loaded), then
// the local overrides.
type Data struct {
	// Version is the built-in data version the calendar judges by; 0 is
	// version 1 (a case from before versions).
	Version int
	// Years are the loaded schedules; at most one per year.
	Years []Schedule
	// Overrides are the local days (the policy file's under the
	// database's, already merged).
	Overrides []Override
}

// official is one date of a loaded schedule.
type official struct {
	working bool
	year    int
}

// Calendar decides working days: a local override first, then the official
// arrangement of the date's year (a loaded schedule, else the built-in
// data), then Monday to Friday. It is immutable once built and safe for
// concurrent use. A nil *Calendar is the current built-in calendar with no
// overrides.
type Calendar struct {
	overrides map[string]Override
	loaded    map[int]Schedule
	days      map[string]official
	through   int
}

// New builds a calendar on the current built-in data with the given local
// overrides. Each date must be a real calendar date written YYYY-MM-DD, and
// no date may appear twice.
func New(overrides []Override) (*Calendar, error) {
	return Build(Data{Version: DataVersion, Overrides: overrides})
}

// Build builds a calendar from its data. Overrides follow New's rules; each
// schedule must pass Check, for a year from MinYear to MaxYear, once.
func Build(d Data) (*Calendar, error) {
	c := &Calendar{overrides: make(map[string]Override, len(d.Overrides)), through: through(d.Version)}
	for i, o := range d.Overrides {
		t, err := time.Parse(DateLayout, o.Date)
		if err != nil || t.Format(DateLayout) != o.Date {
			return nil, fmt.Errorf("holiday: override %d: invalid date %q: want a real date as YYYY-MM-DD", i+1, o.Date)
		}
		if _, dup := c.overrides[o.Date]; dup {
			return nil, fmt.Errorf("holiday: override %d: date %q is overridden more than once", i+1, o.Date)
		}
		o.Note = strings.TrimSpace(o.Note)
		c.overrides[o.Date] = o
	}
	years := append([]Schedule(nil), d.Years...)
	// Later years last: a date of December that the next year's notice
	// also names is judged by that later notice.
	sort.SliceStable(years, func(i, j int) bool { return years[i].Year < years[j].Year })
	for _, s := range years {
		if s.Year < MinYear || s.Year > MaxYear {
			return nil, fmt.Errorf("holiday: schedule of %d: the year must be from %d to %d", s.Year, MinYear, MaxYear)
		}
		if _, dup := c.loaded[s.Year]; dup {
			return nil, fmt.Errorf("holiday: the schedule of %d is given more than once", s.Year)
		}
		if p := s.Check(); len(p) > 0 {
			return nil, fmt.Errorf("holiday: schedule of %d: %s is invalid", s.Year, p[0].Field)
		}
		if c.loaded == nil {
			c.loaded, c.days = map[int]Schedule{}, map[string]official{}
		}
		c.loaded[s.Year] = s
		for _, day := range s.DaysOff {
			c.days[day] = official{working: false, year: s.Year}
		}
		for _, day := range s.WorkingDays {
			c.days[day] = official{working: true, year: s.Year}
		}
	}
	return c, nil
}

// through is the last built-in year of a data version.
func through(version int) int {
	if version == 0 {
		version = 1
	}
	if y, ok := dataThrough[version]; ok {
		return y
	}
	// A version this binary does not know is newer than it: judge by all
	// the data it has.
	return dataThrough[DataVersion]
}

// Overrides returns the local overrides, sorted by date.
func (c *Calendar) Overrides() []Override {
	if c == nil {
		return nil
	}
	out := make([]Override, 0, len(c.overrides))
	for _, o := range c.overrides {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// Source says where the official arrangement of a year comes from:
// SourceLoaded, SourceBuiltin or SourceNone.
func (c *Calendar) Source(year int) string {
	if c != nil {
		if _, ok := c.loaded[year]; ok {
			return SourceLoaded
		}
	}
	if c.builtin(year) {
		return SourceBuiltin
	}
	return SourceNone
}

// HasOfficialData says whether the calendar knows the official arrangement
// of a year, built in or loaded (policy.Due warns about those it does not).
func (c *Calendar) HasOfficialData(year int) bool { return c.Source(year) != SourceNone }

// builtin says whether the pinned built-in data covers a year.
func (c *Calendar) builtin(year int) bool {
	last := dataThrough[DataVersion]
	if c != nil {
		last = c.through
	}
	return year >= firstDataYear && year <= last && Covers(year)
}

// IsWorkingDay tells whether day's date, taken in day's own location, is a
// working day. Pass times in the township's zone.
func (c *Calendar) IsWorkingDay(day time.Time) bool {
	working, _ := c.judge(civil(day))
	return working
}

// Explain gives the short reason why day's date (in day's own location) is
// or is not a working day, e.g. "National Day holiday (国庆节)",
// "make-up working day for 国庆节", "weekend", "local override: <note>",
// "official rest day (2028 schedule)" or "working day"; a date of a year
// without official data says so.
func (c *Calendar) Explain(day time.Time) string {
	_, reason := c.judge(civil(day))
	return reason
}

// Days lists every date from from's date to to's date, both included, each
// date taken in its time's own location. The range may span at most MaxDays
// days, and to must not be before from.
func (c *Calendar) Days(from, to time.Time) ([]Day, error) {
	start, end := civil(from), civil(to)
	if end.Before(start) {
		return nil, fmt.Errorf("holiday: range ends %s, before it starts %s", end.Format(DateLayout), start.Format(DateLayout))
	}
	n := int(end.Sub(start).Hours()/24) + 1
	if n > MaxDays {
		return nil, fmt.Errorf("holiday: range %s to %s is %d days; at most %d days can be listed", start.Format(DateLayout), end.Format(DateLayout), n, MaxDays)
	}
	out := make([]Day, 0, n)
	for i := 0; i < n; i++ {
		d := start.AddDate(0, 0, i)
		working, reason := c.judge(d)
		out = append(out, Day{Date: d.Format(DateLayout), Working: working, Reason: reason})
	}
	return out, nil
}

// Covers tells whether the compiled-in official data has an arrangement for
// year, whatever version a calendar pins. Outside it only weekends (and
// overrides and loaded schedules) are rest days.
func Covers(year int) bool {
	return covered()[year]
}

// covered are the years the compiled-in data has, read once: a calendar
// asks for every date it judges, and lunar-go builds a year's whole list
// to answer.
var covered = sync.OnceValue(func() map[int]bool {
	years := map[int]bool{}
	for y := firstDataYear; y <= firstDataYear+200; y++ {
		if HolidayUtil.GetHolidaysByYear(y).Len() > 0 {
			years[y] = true
		}
	}
	return years
})

// civil is t's calendar date in t's own location, as midnight UTC, so that
// date arithmetic never meets a daylight-saving shift.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// judge decides a civil date (midnight UTC).
func (c *Calendar) judge(d time.Time) (bool, string) {
	key := d.Format(DateLayout)
	if c != nil {
		if o, ok := c.overrides[key]; ok {
			note := o.Note
			if note == "" {
				note = "rest day"
				if o.Working {
					note = "working day"
				}
			}
			return o.Working, "local override: " + note
		}
		if o, ok := c.days[key]; ok {
			if o.working {
				return true, fmt.Sprintf("official make-up working day (%d schedule)", o.year)
			}
			return false, fmt.Sprintf("official rest day (%d schedule)", o.year)
		}
	}
	switch c.Source(d.Year()) {
	case SourceBuiltin:
		if h := HolidayUtil.GetHoliday(key); h != nil {
			if h.IsWork() {
				return true, "make-up working day for " + h.GetName()
			}
			return false, holidayName(h.GetName()) + " holiday (" + h.GetName() + ")"
		}
	case SourceNone:
		working, reason := weekday(d)
		return working, fmt.Sprintf("%s (no official holiday data for %d)", reason, d.Year())
	}
	return weekday(d)
}

func weekday(d time.Time) (bool, string) {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false, "weekend"
	}
	return true, "working day"
}

// englishNames are lunar-go's holiday names (HolidayUtil.NAMES) in English.
var englishNames = map[string]string{
	"元旦节":   "New Year's Day",
	"春节":    "Spring Festival",
	"清明节":   "Qingming Festival",
	"劳动节":   "Labour Day",
	"端午节":   "Dragon Boat Festival",
	"中秋节":   "Mid-Autumn Festival",
	"国庆节":   "National Day",
	"国庆中秋":  "National Day and Mid-Autumn Festival",
	"抗战胜利日": "Victory Day",
}

func holidayName(zh string) string {
	if en, ok := englishNames[zh]; ok {
		return en
	}
	return "Public"
}
