// Package holiday is the working-day calendar of mainland China: the
// statutory public holidays that the State Council announces each year,
// their make-up working days (调休), and local overrides set by the
// township. A *Calendar satisfies policy.Calendar, so policy.Due and friends
// can count working days ("7wd") on it.
//
// The official arrangement comes from github.com/6tail/lunar-go's
// HolidayUtil, whose data is compiled into the binary and therefore
// deterministic for a given module version. It is still data, not law of
// nature: a new lunar-go version adds a newly announced year (or corrects
// one), and the township adds or changes overrides. Either changes which
// days are working days and so moves every deadline counted in working
// days. Callers must treat the calendar as data that can change: compute a
// deadline once, store it with its explanation, and do not expect to get
// the same due time by recomputing it later under a different calendar.
// Years that lunar-go does not cover (see Covers) fall back to Monday to
// Friday, which is wrong for any year with holidays; upgrade lunar-go once
// the State Council publishes a new year.
//
// Never call HolidayUtil.Fix at run time to patch the official data: it
// rewrites lunar-go's package-level state without synchronisation. Use
// overrides instead.
package holiday

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// DateLayout is the layout of every date this package reads or writes.
const DateLayout = "2006-01-02"

// MaxDays is the longest range, in days counted inclusively, that Days lists.
const MaxDays = 366

// Override is a local decision about one date that beats the official
// calendar: a holiday worked, or an extra rest day.
type Override struct {
	Date    string `json:"date" yaml:"date"` // YYYY-MM-DD
	Working bool   `json:"working" yaml:"working"`
	Note    string `json:"note" yaml:"note"`
}

// Day is one date of a listing, with whether it is a working day and why.
type Day struct {
	Date    string `json:"date"` // YYYY-MM-DD
	Working bool   `json:"working"`
	Reason  string `json:"reason"`
}

// Calendar decides working days: a local override first, then the official
// holiday arrangement, then Monday to Friday. It is immutable once built and
// safe for concurrent use. A nil *Calendar is the official calendar with no
// overrides.
type Calendar struct {
	overrides map[string]Override
}

// New builds a calendar with the given local overrides. Each date must be a
// real calendar date written YYYY-MM-DD, and no date may appear twice.
func New(overrides []Override) (*Calendar, error) {
	c := &Calendar{overrides: make(map[string]Override, len(overrides))}
	for i, o := range overrides {
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
	return c, nil
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

// IsWorkingDay tells whether day's date, taken in day's own location, is a
// working day. Pass times in the township's zone.
func (c *Calendar) IsWorkingDay(day time.Time) bool {
	working, _ := c.judge(civil(day))
	return working
}

// Explain gives the short reason why day's date (in day's own location) is
// or is not a working day, e.g. "National Day holiday (国庆节)",
// "make-up working day for 国庆节", "weekend", "local override: <note>" or
// "working day".
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
// year. Outside it only weekends (and overrides) are rest days.
func Covers(year int) bool {
	return HolidayUtil.GetHolidaysByYear(year).Len() > 0
}

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
	}
	if h := HolidayUtil.GetHoliday(key); h != nil {
		if h.IsWork() {
			return true, "make-up working day for " + h.GetName()
		}
		return false, holidayName(h.GetName()) + " holiday (" + h.GetName() + ")"
	}
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
