package policy

import (
	"strings"
	"testing"
	"time"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("LoadLocation(Asia/Shanghai): %v", err)
	}
	return loc
}

func TestWeekends(t *testing.T) {
	sh := shanghai(t)
	// 2026-09-28 is a Monday.
	want := map[time.Weekday]bool{
		time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true,
		time.Friday: true, time.Saturday: false, time.Sunday: false,
	}
	for i := 0; i < 14; i++ {
		day := time.Date(2026, 9, 28+i, 12, 0, 0, 0, sh)
		if got := (Weekends{}).IsWorkingDay(day); got != want[day.Weekday()] {
			t.Errorf("IsWorkingDay(%s %s) = %v, want %v", day.Format("2006-01-02"), day.Weekday(), got, want[day.Weekday()])
		}
	}
	var _ Calendar = Weekends{}
}

func TestDue(t *testing.T) {
	sh := shanghai(t)
	tests := []struct {
		name     string
		from     time.Time
		dur      string
		loc      *time.Location
		want     time.Time
		explHas  []string
		explNot  []string
		exactEnd bool
	}{
		{
			name: "P3M from 31 January ends at the end of April",
			from: time.Date(2026, 1, 31, 10, 0, 0, 0, sh), dur: "P3M", loc: sh,
			want:    time.Date(2026, 4, 30, 23, 59, 59, 0, sh),
			explHas: []string{"P3M", "2026-01-31", "end of day 2026-04-30"},
		},
		{
			name: "P7D ends at the end of the seventh day",
			from: time.Date(2026, 1, 31, 10, 0, 0, 0, sh), dur: "P7D", loc: sh,
			want:    time.Date(2026, 2, 7, 23, 59, 59, 0, sh),
			explHas: []string{"P7D", "end of day 2026-02-07"},
		},
		{
			name: "P7D started just before midnight",
			from: time.Date(2026, 3, 1, 23, 59, 59, 0, sh), dur: "P7D", loc: sh,
			want: time.Date(2026, 3, 8, 23, 59, 59, 0, sh),
		},
		{
			name: "PT30S ends exactly",
			from: time.Date(2026, 1, 31, 10, 0, 0, 0, sh), dur: "PT30S", loc: sh,
			want:    time.Date(2026, 1, 31, 10, 0, 30, 0, sh),
			explHas: []string{"PT30S", "exactly"}, explNot: []string{"end of day"},
			exactEnd: true,
		},
		{
			name: "PT0.5S ends exactly",
			from: time.Date(2026, 1, 31, 10, 0, 0, 0, sh), dur: "PT0.5S", loc: sh,
			want:     time.Date(2026, 1, 31, 10, 0, 0, 500_000_000, sh),
			exactEnd: true,
		},
		{
			name: "P1DT2H ends exactly across midnight",
			from: time.Date(2026, 1, 31, 23, 0, 0, 0, sh), dur: "P1DT2H", loc: sh,
			want:     time.Date(2026, 2, 2, 1, 0, 0, 0, sh),
			explHas:  []string{"P1DT2H", "exactly"},
			exactEnd: true,
		},
		{
			name: "P1M from 31 January in a common year",
			from: time.Date(2026, 1, 31, 9, 0, 0, 0, sh), dur: "P1M", loc: sh,
			want: time.Date(2026, 2, 28, 23, 59, 59, 0, sh),
		},
		{
			name: "P1M from 31 January in a leap year",
			from: time.Date(2024, 1, 31, 9, 0, 0, 0, sh), dur: "P1M", loc: sh,
			want: time.Date(2024, 2, 29, 23, 59, 59, 0, sh),
		},
		{
			name: "P6M across the year end",
			from: time.Date(2026, 8, 31, 9, 0, 0, 0, sh), dur: "P6M", loc: sh,
			want: time.Date(2027, 2, 28, 23, 59, 59, 0, sh),
		},
		{
			name: "P1Y",
			from: time.Date(2026, 3, 15, 9, 0, 0, 0, sh), dur: "P1Y", loc: sh,
			want: time.Date(2027, 3, 15, 23, 59, 59, 0, sh),
		},
		{
			name: "P2W",
			from: time.Date(2026, 3, 15, 9, 0, 0, 0, sh), dur: "P2W", loc: sh,
			want: time.Date(2026, 3, 29, 23, 59, 59, 0, sh),
		},
		{
			name: "P30D",
			from: time.Date(2026, 1, 15, 9, 0, 0, 0, sh), dur: "P30D", loc: sh,
			want: time.Date(2026, 2, 14, 23, 59, 59, 0, sh),
		},
		{
			name: "days are counted in the zone, not in UTC",
			// 20:00 UTC on 31 January is 04:00 on 1 February in Shanghai.
			from: time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC), dur: "P7D", loc: sh,
			want: time.Date(2026, 2, 8, 23, 59, 59, 0, sh),
		},
		{
			name: "end of day in another zone",
			from: time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC), dur: "P7D", loc: time.UTC,
			want: time.Date(2026, 2, 7, 23, 59, 59, 0, time.UTC),
		},
		{
			name: "7wd from Wednesday 2026-09-30 skips one weekend",
			// Thu 1, Fri 2, (Sat 3, Sun 4), Mon 5, Tue 6, Wed 7, Thu 8, Fri 9.
			from: time.Date(2026, 9, 30, 10, 0, 0, 0, sh), dur: "7wd", loc: sh,
			want:    time.Date(2026, 10, 9, 23, 59, 59, 0, sh),
			explHas: []string{"7 working days", "end of day 2026-10-09", "skipped", "2 rest days skipped (10-03, 10-04)"},
		},
		{
			name: "1wd from Friday is Monday",
			from: time.Date(2026, 10, 2, 17, 0, 0, 0, sh), dur: "1wd", loc: sh,
			want:    time.Date(2026, 10, 5, 23, 59, 59, 0, sh),
			explHas: []string{"skipped", "10-03", "10-04"},
		},
		{
			name: "1wd from Saturday is Monday",
			from: time.Date(2026, 10, 3, 9, 0, 0, 0, sh), dur: "1wd", loc: sh,
			want:    time.Date(2026, 10, 5, 23, 59, 59, 0, sh),
			explHas: []string{"1 rest days skipped (10-04)"},
		},
		{
			name: "1wd from Monday is Tuesday, nothing skipped",
			from: time.Date(2026, 10, 5, 9, 0, 0, 0, sh), dur: "1wd", loc: sh,
			want:    time.Date(2026, 10, 6, 23, 59, 59, 0, sh),
			explHas: []string{"1 working days", "end of day 2026-10-06"}, explNot: []string{"skipped"},
		},
		{
			name: "5wd from Monday is the next Monday",
			from: time.Date(2026, 10, 5, 9, 0, 0, 0, sh), dur: "5wd", loc: sh,
			want:    time.Date(2026, 10, 12, 23, 59, 59, 0, sh),
			explHas: []string{"2 rest days skipped"},
		},
		{
			name: "20wd skips four weekends",
			from: time.Date(2026, 10, 5, 9, 0, 0, 0, sh), dur: "20wd", loc: sh,
			want:    time.Date(2026, 11, 2, 23, 59, 59, 0, sh),
			explHas: []string{"8 rest days skipped"},
		},
		{
			name: "working days are counted in the zone",
			// Friday 2026-10-02 18:00 UTC is Saturday 02:00 in Shanghai.
			from: time.Date(2026, 10, 2, 18, 0, 0, 0, time.UTC), dur: "1wd", loc: sh,
			want: time.Date(2026, 10, 5, 23, 59, 59, 0, sh),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Due(tt.from, MustDuration(tt.dur), tt.loc, Weekends{})
			if !got.At.Equal(tt.want) {
				t.Errorf("Due(%v, %s).At = %v, want %v", tt.from, tt.dur, got.At.In(tt.loc), tt.want)
			}
			if got.At.Location() != time.UTC {
				t.Errorf("Due(...).At location = %v, want UTC", got.At.Location())
			}
			if strings.TrimSpace(got.Explanation) == "" {
				t.Errorf("Due(...).Explanation is empty")
			}
			for _, s := range tt.explHas {
				if !strings.Contains(got.Explanation, s) {
					t.Errorf("Explanation %q lacks %q", got.Explanation, s)
				}
			}
			for _, s := range tt.explNot {
				if strings.Contains(got.Explanation, s) {
					t.Errorf("Explanation %q should not contain %q", got.Explanation, s)
				}
			}
			local := got.At.In(tt.loc)
			if !tt.exactEnd && (local.Hour() != 23 || local.Minute() != 59 || local.Second() != 59 || local.Nanosecond() != 0) {
				t.Errorf("day-counted deadline %v is not at 23:59:59 in %v", local, tt.loc)
			}
			if !got.At.After(tt.from) {
				t.Errorf("deadline %v is not after start %v", got.At, tt.from)
			}
		})
	}
}

// The exact UTC instant of the brief's headline example.
func TestDueP3MExactUTC(t *testing.T) {
	sh := shanghai(t)
	got := Due(time.Date(2026, 1, 31, 10, 0, 0, 0, sh), MustDuration("P3M"), sh, Weekends{})
	want := time.Date(2026, 4, 30, 15, 59, 59, 0, time.UTC)
	if got.At != want {
		t.Errorf("Due P3M = %#v, want %#v", got.At, want)
	}
	wd := Due(time.Date(2026, 9, 30, 10, 0, 0, 0, sh), MustDuration("7wd"), sh, Weekends{})
	if want := time.Date(2026, 10, 9, 15, 59, 59, 0, time.UTC); wd.At != want {
		t.Errorf("Due 7wd = %v, want %v", wd.At, want)
	}
}

// Regression: years are added with time.AddDate, which normalises
// 29 February to 1 March, while months clamp to the end of the month; so
// P1Y and P12M disagree from a leap day.
func TestDueYearsClampLikeMonths(t *testing.T) {
	sh := shanghai(t)
	from := time.Date(2024, 2, 29, 10, 0, 0, 0, sh)
	want := time.Date(2025, 2, 28, 23, 59, 59, 0, sh)
	for _, dur := range []string{"P12M", "P1Y"} {
		got := Due(from, MustDuration(dur), sh, Weekends{})
		if !got.At.Equal(want) {
			t.Errorf("Due(2024-02-29, %s) = %v, want %v", dur, got.At.In(sh), want)
		}
	}
	if got, want := Before(time.Date(2028, 2, 29, 10, 0, 0, 0, sh), MustDuration("P1Y"), sh, Weekends{}),
		time.Date(2027, 2, 28, 10, 0, 0, 0, sh); !got.Equal(want) {
		t.Errorf("Before(2028-02-29, P1Y) = %v, want %v", got.In(sh), want)
	}
}

// A calendar that rests on one extra day proves Due uses the calendar given.
type restOn struct {
	Weekends
	day string
}

func (r restOn) IsWorkingDay(d time.Time) bool {
	return d.Format("2006-01-02") != r.day && r.Weekends.IsWorkingDay(d)
}

func TestDueUsesCalendar(t *testing.T) {
	sh := shanghai(t)
	cal := restOn{day: "2026-10-01"}
	got := Due(time.Date(2026, 9, 30, 10, 0, 0, 0, sh), MustDuration("7wd"), sh, cal)
	// Fri 2, Mon 5 .. Fri 9, Mon 12; rest on 1, 3, 4, 10, 11.
	if want := time.Date(2026, 10, 12, 23, 59, 59, 0, sh); !got.At.Equal(want) {
		t.Errorf("Due 7wd with 10-01 off = %v, want %v", got.At.In(sh), want)
	}
	if want := "5 rest days skipped (10-01, 10-03, 10-04, 10-10, 10-11)"; !strings.Contains(got.Explanation, want) {
		t.Errorf("Explanation %q lacks %q", got.Explanation, want)
	}
	if b := Before(time.Date(2026, 10, 2, 9, 0, 0, 0, sh), MustDuration("1wd"), sh, cal); !b.Equal(time.Date(2026, 9, 30, 9, 0, 0, 0, sh)) {
		t.Errorf("Before 1wd from 10-02 with 10-01 off = %v, want 2026-09-30 09:00", b.In(sh))
	}
}

func TestBefore(t *testing.T) {
	sh := shanghai(t)
	tests := []struct {
		name string
		t    time.Time
		dur  string
		want time.Time
	}{
		{
			name: "P7D before a due",
			t:    time.Date(2026, 4, 30, 23, 59, 59, 0, sh), dur: "P7D",
			want: time.Date(2026, 4, 23, 23, 59, 59, 0, sh),
		},
		{
			name: "P1D before a due",
			t:    time.Date(2026, 3, 1, 23, 59, 59, 0, sh), dur: "P1D",
			want: time.Date(2026, 2, 28, 23, 59, 59, 0, sh),
		},
		{
			name: "P30D before a due",
			t:    time.Date(2026, 4, 30, 23, 59, 59, 0, sh), dur: "P30D",
			want: time.Date(2026, 3, 31, 23, 59, 59, 0, sh),
		},
		{
			name: "P1M before 31 March is the end of February",
			t:    time.Date(2026, 3, 31, 23, 59, 59, 0, sh), dur: "P1M",
			want: time.Date(2026, 2, 28, 23, 59, 59, 0, sh),
		},
		{
			name: "P2W",
			t:    time.Date(2026, 3, 29, 12, 0, 0, 0, sh), dur: "P2W",
			want: time.Date(2026, 3, 15, 12, 0, 0, 0, sh),
		},
		{
			name: "PT30S is exact",
			t:    time.Date(2026, 3, 1, 0, 0, 10, 0, sh), dur: "PT30S",
			want: time.Date(2026, 2, 28, 23, 59, 40, 0, sh),
		},
		{
			name: "P1DT2H is exact",
			t:    time.Date(2026, 3, 2, 1, 0, 0, 0, sh), dur: "P1DT2H",
			want: time.Date(2026, 2, 28, 23, 0, 0, 0, sh),
		},
		{
			name: "1wd before a Monday is the previous Friday",
			t:    time.Date(2026, 10, 5, 9, 0, 0, 0, sh), dur: "1wd",
			want: time.Date(2026, 10, 2, 9, 0, 0, 0, sh),
		},
		{
			name: "1wd before a Sunday is the Friday",
			t:    time.Date(2026, 10, 4, 9, 0, 0, 0, sh), dur: "1wd",
			want: time.Date(2026, 10, 2, 9, 0, 0, 0, sh),
		},
		{
			name: "1wd before a Tuesday is the Monday",
			t:    time.Date(2026, 10, 6, 23, 59, 59, 0, sh), dur: "1wd",
			want: time.Date(2026, 10, 5, 23, 59, 59, 0, sh),
		},
		{
			name: "3wd before a Tuesday",
			t:    time.Date(2026, 10, 6, 9, 0, 0, 0, sh), dur: "3wd",
			want: time.Date(2026, 10, 1, 9, 0, 0, 0, sh),
		},
		{
			name: "1wd before Monday given in UTC counts in Shanghai",
			// Sunday 2026-10-04 17:00 UTC is Monday 01:00 in Shanghai.
			t: time.Date(2026, 10, 4, 17, 0, 0, 0, time.UTC), dur: "1wd",
			want: time.Date(2026, 10, 2, 1, 0, 0, 0, sh),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Before(tt.t, MustDuration(tt.dur), sh, Weekends{})
			if !got.Equal(tt.want) {
				t.Errorf("Before(%v, %s) = %v, want %v", tt.t, tt.dur, got.In(sh), tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("Before(...) location = %v, want UTC", got.Location())
			}
		})
	}
}

// Reminders ahead of a due computed by Due land where expected.
func TestBeforeDue(t *testing.T) {
	sh := shanghai(t)
	p := Default()
	due := p.Due(time.Date(2026, 1, 31, 10, 0, 0, 0, sh), p.ReplyWithin)
	want := []time.Time{
		time.Date(2026, 3, 31, 23, 59, 59, 0, sh), // P30D
		time.Date(2026, 4, 23, 23, 59, 59, 0, sh), // P7D
		time.Date(2026, 4, 29, 23, 59, 59, 0, sh), // P1D
	}
	for i, d := range p.RemindBeforeDue {
		if got := p.Before(due.At, d); !got.Equal(want[i]) {
			t.Errorf("reminder %s before %v = %v, want %v", d, due.At.In(sh), got.In(sh), want[i])
		}
	}
}
