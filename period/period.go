// Package period names the presidium's reporting periods: a year "2026", a
// half "2026-H1", a quarter "2026-Q3" and a month "2026-03", each a
// half-open range of time in the township's zone.
package period

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"suggestflow/refusal"
)

// Range is a named half-open time range [From, To).
type Range struct {
	Label string    `json:"label"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
}

var pattern = regexp.MustCompile(`^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$`)

// Parse reads a period label in loc.
func Parse(label string, loc *time.Location) (Range, error) {
	m := pattern.FindStringSubmatch(label)
	if m == nil {
		return Range{}, fmt.Errorf("%q is not a period: use 2026, 2026-H1, 2026-Q3 or 2026-03", label)
	}
	year, _ := strconv.Atoi(m[1])
	if year < 2000 || year > 2200 {
		return Range{}, fmt.Errorf("%q: the year must be between 2000 and 2200", label)
	}
	start := func(month int) time.Time { return time.Date(year, time.Month(month), 1, 0, 0, 0, 0, loc) }
	var from, to time.Time
	switch part := m[2]; {
	case part == "":
		from, to = start(1), start(13)
	case part[0] == 'H':
		h := int(part[1] - '0')
		from, to = start(6*(h-1)+1), start(6*h+1)
	case part[0] == 'Q':
		q := int(part[1] - '0')
		from, to = start(3*(q-1)+1), start(3*q+1)
	default:
		mo, _ := strconv.Atoi(part)
		from, to = start(mo), start(mo+1)
	}
	return Range{Label: label, From: from.UTC(), To: to.UTC()}, nil
}

// Quarter is the quarter that contains t.
func Quarter(t time.Time, loc *time.Location) Range {
	l := t.In(loc)
	r, _ := Parse(fmt.Sprintf("%d-Q%d", l.Year(), (int(l.Month())-1)/3+1), loc)
	return r
}

// Half is the half-year that contains t.
func Half(t time.Time, loc *time.Location) Range {
	l := t.In(loc)
	r, _ := Parse(fmt.Sprintf("%d-H%d", l.Year(), (int(l.Month())-1)/6+1), loc)
	return r
}

// Month is the month that contains t.
func Month(t time.Time, loc *time.Location) Range {
	l := t.In(loc)
	r, _ := Parse(fmt.Sprintf("%d-%02d", l.Year(), int(l.Month())), loc)
	return r
}

// Year is the year that contains t.
func Year(t time.Time, loc *time.Location) Range {
	r, _ := Parse(strconv.Itoa(t.In(loc).Year()), loc)
	return r
}

// Previous is the period of the same kind just before the one containing
// t: a schedule that fires on the first of a quarter reports on the last.
func Previous(of func(time.Time, *time.Location) Range, t time.Time, loc *time.Location) Range {
	cur := of(t, loc)
	return of(cur.From.Add(-time.Second), loc)
}

// ParseField reads a period named by a request's field; a bad label is the
// field's refusal.
func ParseField(field, label string, loc *time.Location) (Range, error) {
	r, err := Parse(label, loc)
	if err != nil {
		return r, refusal.OnField(field, refusal.PeriodFormat)
	}
	return r, nil
}

// QuarterField reads a quarter (2026-Q1) named by a request's field.
func QuarterField(field, label string, loc *time.Location) (Range, error) {
	r, err := ParseField(field, label, loc)
	if err == nil && (len(label) != 7 || label[5] != 'Q') {
		return r, refusal.OnField(field, refusal.QuarterFormat)
	}
	return r, err
}

// YearField reads a year (2026) named by a request's field.
func YearField(field, label string, loc *time.Location) (Range, error) {
	r, err := ParseField(field, label, loc)
	if err == nil && len(label) != 4 {
		return r, refusal.OnField(field, refusal.YearFormat)
	}
	return r, err
}

// OfMonths is the kind of period n months long: a month, a quarter, a
// half or a year; nil for any other length.
func OfMonths(n int) func(time.Time, *time.Location) Range {
	switch n {
	case 1:
		return Month
	case 3:
		return Quarter
	case 6:
		return Half
	case 12:
		return Year
	}
	return nil
}

// Within lists the periods of a kind that a range holds, in order: the
// quarters of a year, say. A period is listed when it starts in the range.
func Within(of func(time.Time, *time.Location) Range, r Range, loc *time.Location) []Range {
	var out []Range
	for p := of(r.From, loc); p.From.Before(r.To); p = of(p.To, loc) {
		out = append(out, p)
	}
	return out
}
