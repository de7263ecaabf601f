package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"suggestflow/domain"
	"suggestflow/i18n"
)

// Calendar says which days are working days. The default counts Saturdays
// and Sundays as rest days; a holiday calendar can replace it.
type Calendar interface {
	IsWorkingDay(day time.Time) bool
}

// Coverage is a calendar that knows which years it has the official
// holiday arrangement for; Due warns about working days counted in the
// others (package holiday's calendar is one).
type Coverage interface {
	HasOfficialData(year int) bool
}

// Weekends is the calendar with only weekends off.
type Weekends struct{}

// IsWorkingDay is true from Monday to Friday.
func (Weekends) IsWorkingDay(day time.Time) bool {
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Deadline is a computed due time and how it was computed.
type Deadline struct {
	At          time.Time `json:"due_at"`
	Explanation string    `json:"explanation"`
	// Basis is the same explanation as facts, for other languages.
	Basis domain.DueBasis `json:"-"`
	// Warnings say where the computation may be wrong: working days
	// counted in a year without official holiday data. Their English is
	// also at the end of Explanation.
	Warnings []Warning `json:"-"`
}

// Warning is a warning's code and parameters; its texts are in package
// i18n (i18n.Warning).
type Warning struct {
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// WarnNoHolidayData: working days were counted in a year without official
// holiday data, Monday to Friday.
const WarnNoHolidayData = "no_holiday_data"

// endOfDay is the last second of t's day in its location.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 59, 0, t.Location())
}

// Due computes when a duration that starts at from ends, in the given time
// zone and calendar. A duration in days, months or working days ends at the
// end of its last day in that zone; one with a time part ends exactly.
func Due(from time.Time, d Duration, loc *time.Location, cal Calendar) Deadline {
	start := from.In(loc)
	layout := "2006-01-02 15:04:05 MST"
	if d.WorkingDays > 0 {
		day := start
		var skipped, noData []string
		cov, _ := cal.(Coverage)
		checked := 0 // the last year asked about: the days come in order
		for n := 0; n < d.WorkingDays; {
			day = day.AddDate(0, 0, 1)
			if y := day.Year(); cov != nil && y != checked {
				checked = y
				if !cov.HasOfficialData(y) {
					noData = append(noData, strconv.Itoa(y))
				}
			}
			if cal.IsWorkingDay(day) {
				n++
			} else {
				skipped = append(skipped, day.Format("01-02"))
			}
		}
		at := endOfDay(day)
		expl := fmt.Sprintf("%d working days after %s; end of day %s", d.WorkingDays, start.Format(layout), at.Format("2006-01-02"))
		if len(skipped) > 0 {
			expl += fmt.Sprintf("; %d rest days skipped (%s)", len(skipped), strings.Join(skipped, ", "))
		}
		dl := Deadline{At: at.UTC(), Basis: domain.DueBasis{Rule: domain.DueByWorkingDays, Duration: d.String(), From: from.UTC(),
			Skipped: strings.Join(skipped, ", "), NoData: strings.Join(noData, ", ")}}
		for _, y := range noData {
			w := Warning{Code: WarnNoHolidayData, Params: map[string]string{"year": y}}
			dl.Warnings = append(dl.Warnings, w)
			expl += "; " + i18n.Warning(i18n.Raw, w.Code, w.Params)
		}
		dl.Explanation = expl
		return dl
	}
	// Months first, then days, as ISO 8601 orders them.
	t := addMonths(start, d.Years*12+d.Months).AddDate(0, 0, d.Weeks*7+d.Days)
	if d.HasClock() {
		t = t.Add(d.Clock)
		return Deadline{At: t.UTC(), Explanation: fmt.Sprintf("%s after %s, exactly", d, start.Format(layout)),
			Basis: domain.DueBasis{Rule: domain.DueExactly, Duration: d.String(), From: from.UTC()}}
	}
	at := endOfDay(t)
	return Deadline{At: at.UTC(), Explanation: fmt.Sprintf("%s after %s by the calendar; end of day %s", d, start.Format(layout), at.Format("2006-01-02")),
		Basis: domain.DueBasis{Rule: domain.DueByCalendar, Duration: d.String(), From: from.UTC()}}
}

// Before is the moment a duration before t: used for reminders ahead of a
// due time. Working days count back on the calendar.
func Before(t time.Time, d Duration, loc *time.Location, cal Calendar) time.Time {
	start := t.In(loc)
	if d.WorkingDays > 0 {
		day := start
		for n := 0; n < d.WorkingDays; {
			day = day.AddDate(0, 0, -1)
			if cal.IsWorkingDay(day) {
				n++
			}
		}
		return day.UTC()
	}
	r := addMonths(start, -(d.Years*12+d.Months)).AddDate(0, 0, -(d.Weeks*7 + d.Days))
	return r.Add(-d.Clock).UTC()
}

// After is the moment a duration after t, exactly (no rounding to the end
// of the day): used for lead times such as a meeting notice.
func After(t time.Time, d Duration, loc *time.Location, cal Calendar) time.Time {
	start := t.In(loc)
	if d.WorkingDays > 0 {
		day := start
		for n := 0; n < d.WorkingDays; {
			day = day.AddDate(0, 0, 1)
			if cal.IsWorkingDay(day) {
				n++
			}
		}
		return day.UTC()
	}
	r := addMonths(start, d.Years*12+d.Months).AddDate(0, 0, d.Weeks*7+d.Days)
	return r.Add(d.Clock).UTC()
}
