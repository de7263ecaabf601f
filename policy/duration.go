// Package policy holds the township's rules that are numbers: every duration
// of DOMAIN.md, the time zone and the working-day calendar, with the
// deadline arithmetic that the workflows and the API share. Nothing here does
// I/O except Load, so the workflows may call it.
package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a policy duration: an ISO 8601 duration (P3M, P7D, PT30S,
// P1DT2H) or a count of working days (7wd).
type Duration struct {
	Years, Months, Weeks, Days int
	// Clock is the time part (hours, minutes, seconds).
	Clock time.Duration
	// WorkingDays, when set, is the whole duration.
	WorkingDays int
	raw         string
}

var (
	isoPattern = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)
	wdPattern  = regexp.MustCompile(`^(\d+)wd$`)
)

// ParseDuration reads "P3M", "PT30S", "7wd" and the like.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if m := wdPattern.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 || n > 3660 {
			return Duration{}, fmt.Errorf("%q: working days must be between 1 and 3660", s)
		}
		return Duration{WorkingDays: n, raw: s}, nil
	}
	m := isoPattern.FindStringSubmatch(s)
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return Duration{}, fmt.Errorf("%q is neither an ISO 8601 duration (P3M, P7D, PT30S) nor working days (7wd)", s)
	}
	num := func(i int) int {
		if m[i] == "" {
			return 0
		}
		n, _ := strconv.Atoi(m[i])
		return n
	}
	for _, i := range []int{1, 2, 3, 4, 5, 6} {
		if len(m[i]) > 7 {
			return Duration{}, fmt.Errorf("%q is longer than a hundred years", s)
		}
	}
	d := Duration{Years: num(1), Months: num(2), Weeks: num(3), Days: num(4), raw: s}
	whole, frac, _ := strings.Cut(m[7], ".")
	if len(whole) > 10 || len(frac) > 9 {
		return Duration{}, fmt.Errorf("%q: seconds must have at most 10 digits and 9 decimals", s)
	}
	if num(5) > 876600 || num(6) > 52596000 {
		return Duration{}, fmt.Errorf("%q is longer than a hundred years", s)
	}
	secs, _ := strconv.ParseInt("0"+whole, 10, 64)
	nanos, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	d.Clock = time.Duration(num(5))*time.Hour + time.Duration(num(6))*time.Minute +
		time.Duration(secs)*time.Second + time.Duration(nanos)
	if d.Years > 100 || d.Months > 1200 || d.Weeks > 5200 || d.Days > 36500 || d.Clock > 100*365*24*time.Hour {
		return Duration{}, fmt.Errorf("%q is longer than a hundred years", s)
	}
	if d.IsZero() {
		return Duration{}, fmt.Errorf("%q is zero", s)
	}
	return d, nil
}

// MustDuration parses a duration known to be valid.
func MustDuration(s string) Duration {
	d, err := ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether the duration is empty.
func (d Duration) IsZero() bool {
	return d.Years == 0 && d.Months == 0 && d.Weeks == 0 && d.Days == 0 && d.Clock == 0 && d.WorkingDays == 0
}

// HasClock reports whether the duration has a time part, in which case it
// ends exactly rather than at the end of its last day.
func (d Duration) HasClock() bool { return d.Clock != 0 }

// String gives the duration as it was written, or a canonical form.
func (d Duration) String() string {
	if d.raw != "" {
		return d.raw
	}
	if d.WorkingDays > 0 {
		return fmt.Sprintf("%dwd", d.WorkingDays)
	}
	var b strings.Builder
	b.WriteString("P")
	for _, p := range []struct {
		n int
		u string
	}{{d.Years, "Y"}, {d.Months, "M"}, {d.Weeks, "W"}, {d.Days, "D"}} {
		if p.n != 0 {
			b.WriteString(fmt.Sprintf("%d%s", p.n, p.u))
		}
	}
	if d.Clock != 0 {
		b.WriteString("T")
		rest := d.Clock
		if h := rest / time.Hour; h > 0 {
			b.WriteString(fmt.Sprintf("%dH", h))
			rest -= h * time.Hour
		}
		if m := rest / time.Minute; m > 0 {
			b.WriteString(fmt.Sprintf("%dM", m))
			rest -= m * time.Minute
		}
		if rest > 0 {
			secs, nanos := rest/time.Second, rest%time.Second
			if nanos == 0 {
				b.WriteString(fmt.Sprintf("%dS", secs))
			} else {
				b.WriteString(fmt.Sprintf("%d.%sS", secs, strings.TrimRight(fmt.Sprintf("%09d", nanos), "0")))
			}
		}
	}
	return b.String()
}

// MarshalJSON writes the duration as its string; the zero duration as "".
func (d Duration) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return json.Marshal("")
	}
	return json.Marshal(d.String())
}

// MarshalYAML writes a duration as the policy file does (P3M, 7wd).
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML accepts only a scalar, so that a mapping cannot be merged
// into a default value.
func (d *Duration) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode || node.Tag == "!!null" {
		return fmt.Errorf("line %d: a duration must be written as text such as P3M or 7wd", node.Line)
	}
	return d.UnmarshalText([]byte(node.Value))
}

// UnmarshalJSON reads the duration from its string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = Duration{}
		return nil
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalText lets YAML and flags read durations.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// addMonths adds months by the calendar, clamping to the last day of the
// target month: three months from 31 January is the end of April.
func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}
