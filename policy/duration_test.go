package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai must resolve even without system zoneinfo
)

// fields strips the remembered spelling so that parsed durations can be
// compared with literals.
func fields(d Duration) Duration {
	d.raw = ""
	return d
}

func TestParseDurationValid(t *testing.T) {
	tests := []struct {
		in        string
		want      Duration
		wantStr   string
		wantClock bool
	}{
		{in: "P3M", want: Duration{Months: 3}, wantStr: "P3M"},
		{in: "P7D", want: Duration{Days: 7}, wantStr: "P7D"},
		{in: "PT30S", want: Duration{Clock: 30 * time.Second}, wantStr: "PT30S", wantClock: true},
		{in: "P1DT2H", want: Duration{Days: 1, Clock: 2 * time.Hour}, wantStr: "P1DT2H", wantClock: true},
		{in: "P1Y2M3W4D", want: Duration{Years: 1, Months: 2, Weeks: 3, Days: 4}, wantStr: "P1Y2M3W4D"},
		{in: "7wd", want: Duration{WorkingDays: 7}, wantStr: "7wd"},
		{in: "PT0.5S", want: Duration{Clock: 500 * time.Millisecond}, wantStr: "PT0.5S", wantClock: true},
		{in: "PT1H30M", want: Duration{Clock: 90 * time.Minute}, wantStr: "PT1H30M", wantClock: true},
		{in: "PT5M", want: Duration{Clock: 5 * time.Minute}, wantStr: "PT5M", wantClock: true},
		{in: "P1M", want: Duration{Months: 1}, wantStr: "P1M"},
		{in: "P2W", want: Duration{Weeks: 2}, wantStr: "P2W"},
		{in: "P1Y", want: Duration{Years: 1}, wantStr: "P1Y"},
		{in: "P100Y", want: Duration{Years: 100}, wantStr: "P100Y"},
		{in: "1wd", want: Duration{WorkingDays: 1}, wantStr: "1wd"},
		{in: "3660wd", want: Duration{WorkingDays: 3660}, wantStr: "3660wd"},
		{in: "P1Y2M3W4DT5H6M7S", want: Duration{Years: 1, Months: 2, Weeks: 3, Days: 4,
			Clock: 5*time.Hour + 6*time.Minute + 7*time.Second}, wantStr: "P1Y2M3W4DT5H6M7S", wantClock: true},
		// Surrounding blanks are trimmed, and the trimmed form is what String gives.
		{in: "  P7D\n", want: Duration{Days: 7}, wantStr: "P7D"},
		{in: " 7wd ", want: Duration{WorkingDays: 7}, wantStr: "7wd"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q) error: %v", tt.in, err)
			}
			if fields(got) != tt.want {
				t.Errorf("ParseDuration(%q) = %+v, want %+v", tt.in, fields(got), tt.want)
			}
			if s := got.String(); s != tt.wantStr {
				t.Errorf("String() = %q, want %q", s, tt.wantStr)
			}
			if got.HasClock() != tt.wantClock {
				t.Errorf("HasClock() = %v, want %v", got.HasClock(), tt.wantClock)
			}
			if got.IsZero() {
				t.Errorf("IsZero() = true for %q", tt.in)
			}
			// String round trip: parsing what String gives yields the same value.
			again, err := ParseDuration(got.String())
			if err != nil {
				t.Fatalf("ParseDuration(String()=%q) error: %v", got.String(), err)
			}
			if again != got {
				t.Errorf("round trip %q -> %+v, want %+v", got.String(), again, got)
			}
			if m := MustDuration(tt.in); m != got {
				t.Errorf("MustDuration(%q) = %+v, want %+v", tt.in, m, got)
			}
		})
	}
}

func TestParseDurationInvalid(t *testing.T) {
	tests := []string{
		"", "P", "PT", "3M", "P-1D", "0wd", "abc", "P1DT",
		" ", "P0D", "PT0S", "P0Y0M0W0DT0H0M0S", "00wd", "-7wd", "3661wd", "7WD", "7 wd", "wd",
		"p3m", "P3m", "P1.5D", "P1H", "P1S", "PT1D", "P1D2M", "P3M7wd",
		"P101Y", "P1201M", "P5201W", "P36501D", "PT876001H",
		"P 7D", "PT.5S", "PT1.S", "PT1e3S", "P+1D", "1", "-P1D",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			d, err := ParseDuration(in)
			if err == nil {
				t.Fatalf("ParseDuration(%q) = %+v, want error", in, d)
			}
			if !d.IsZero() {
				t.Errorf("ParseDuration(%q) returned non-zero %+v with its error", in, d)
			}
			if in != "" && !strings.Contains(err.Error(), strings.TrimSpace(in)) {
				t.Errorf("error %q does not quote the input %q", err, in)
			}
		})
	}
}

func TestMustDurationPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustDuration(\"banana\") did not panic")
		}
	}()
	MustDuration("banana")
}

func TestDurationIsZero(t *testing.T) {
	tests := []struct {
		d    Duration
		want bool
	}{
		{Duration{}, true},
		{Duration{Years: 1}, false},
		{Duration{Months: 1}, false},
		{Duration{Weeks: 1}, false},
		{Duration{Days: 1}, false},
		{Duration{Clock: time.Nanosecond}, false},
		{Duration{WorkingDays: 1}, false},
	}
	for _, tt := range tests {
		if got := tt.d.IsZero(); got != tt.want {
			t.Errorf("%+v.IsZero() = %v, want %v", tt.d, got, tt.want)
		}
	}
}

// Durations built in code (no remembered spelling) get a canonical string
// that parses back to the same fields.
func TestDurationCanonicalString(t *testing.T) {
	tests := []struct {
		d    Duration
		want string
	}{
		{Duration{Months: 3}, "P3M"},
		{Duration{Days: 7}, "P7D"},
		{Duration{Clock: 30 * time.Second}, "PT30S"},
		{Duration{Days: 1, Clock: 2 * time.Hour}, "P1DT2H"},
		{Duration{Years: 1, Months: 2, Weeks: 3, Days: 4}, "P1Y2M3W4D"},
		{Duration{WorkingDays: 7}, "7wd"},
		{Duration{Clock: 500 * time.Millisecond}, "PT0.5S"},
		{Duration{Clock: 90 * time.Minute}, "PT1H30M"},
		{Duration{Clock: time.Hour + time.Minute + 1500*time.Millisecond}, "PT1H1M1.5S"},
		{Duration{Clock: 2*time.Hour + 3*time.Second}, "PT2H3S"},
		{Duration{Clock: 25 * time.Hour}, "PT25H"},
		{Duration{Clock: 125 * time.Millisecond}, "PT0.125S"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Fatalf("%+v.String() = %q, want %q", tt.d, got, tt.want)
			}
			back, err := ParseDuration(tt.d.String())
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tt.d.String(), err)
			}
			if fields(back) != tt.d {
				t.Errorf("ParseDuration(%q) = %+v, want %+v", tt.d.String(), fields(back), tt.d)
			}
		})
	}
}

// Regression: a clock part under 100µs is printed with %g in exponent
// form ("PT1e-05S"), which ParseDuration rejects.
func TestDurationCanonicalStringSmallFraction(t *testing.T) {
	for _, c := range []time.Duration{10 * time.Microsecond, time.Microsecond, time.Nanosecond} {
		d := Duration{Clock: c}
		s := d.String()
		back, err := ParseDuration(s)
		if err != nil {
			t.Errorf("Duration{Clock: %v}.String() = %q does not parse: %v", c, s, err)
			continue
		}
		if back.Clock != c {
			t.Errorf("ParseDuration(%q).Clock = %v, want %v", s, back.Clock, c)
		}
	}
}

// Regression: fractional seconds are converted through float64 and
// truncated, so many millisecond values lose a nanosecond.
func TestParseDurationFractionalSecondsExact(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"PT0.5S", 500 * time.Millisecond},
		{"PT0.25S", 250 * time.Millisecond},
		{"PT1.001S", 1001 * time.Millisecond},
		{"PT1.003S", 1003 * time.Millisecond},
		{"PT2.3S", 2300 * time.Millisecond},
		{"PT59.999S", 59999 * time.Millisecond},
	}
	for _, tt := range tests {
		d, err := ParseDuration(tt.in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", tt.in, err)
			continue
		}
		if d.Clock != tt.want {
			t.Errorf("ParseDuration(%q).Clock = %v, want %v", tt.in, d.Clock, tt.want)
		}
	}
}

// Regression: a huge clock part overflows time.Duration instead of
// being rejected as longer than a hundred years; the result may be short or
// negative and is accepted.
func TestParseDurationRejectsOverflowingClock(t *testing.T) {
	for _, in := range []string{
		"PT10000000000S",   // 1e19 ns: float -> int64 overflow, Clock becomes negative
		"PT5124096H",       // wraps around to about 25 minutes
		"PT307445735M",     // wraps around to about 26 seconds
		"PT9999999999999H", // wraps to an arbitrary value
	} {
		d, err := ParseDuration(in)
		if err == nil {
			t.Errorf("ParseDuration(%q) = Clock %v, want an error (longer than a hundred years)", in, d.Clock)
		}
	}
}

func TestDurationJSONRoundTrip(t *testing.T) {
	for _, in := range []string{"P3M", "P7D", "PT30S", "P1DT2H", "P1Y2M3W4D", "7wd", "PT0.5S"} {
		t.Run(in, func(t *testing.T) {
			d := MustDuration(in)
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if want := `"` + in + `"`; string(b) != want {
				t.Errorf("Marshal(%s) = %s, want %s", in, b, want)
			}
			var back Duration
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if back != d {
				t.Errorf("round trip = %+v, want %+v", back, d)
			}

			// Inside a struct and through a pointer.
			type wrap struct {
				D  Duration  `json:"d"`
				P  *Duration `json:"p"`
				DS []Duration
			}
			w := wrap{D: d, P: &d, DS: []Duration{d, d}}
			b, err = json.Marshal(w)
			if err != nil {
				t.Fatalf("Marshal wrap: %v", err)
			}
			var wb wrap
			if err := json.Unmarshal(b, &wb); err != nil {
				t.Fatalf("Unmarshal wrap %s: %v", b, err)
			}
			if wb.D != d || wb.P == nil || *wb.P != d || len(wb.DS) != 2 || wb.DS[1] != d {
				t.Errorf("wrap round trip = %+v, want %+v", wb, w)
			}
		})
	}
}

func TestDurationUnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    Duration
		wantErr bool
	}{
		{in: `"P3M"`, want: Duration{Months: 3}},
		{in: `"7wd"`, want: Duration{WorkingDays: 7}},
		{in: `" PT30S "`, want: Duration{Clock: 30 * time.Second}},
		{in: `""`, want: Duration{}},
		{in: `"banana"`, wantErr: true},
		{in: `"P"`, wantErr: true},
		{in: `"0wd"`, wantErr: true},
		{in: `7`, wantErr: true},
		{in: `{"Days":7}`, wantErr: true},
		{in: `true`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d := Duration{Years: 9} // must be overwritten on success
			err := json.Unmarshal([]byte(tt.in), &d)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Unmarshal(%s) = %+v, want error", tt.in, d)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", tt.in, err)
			}
			if fields(d) != tt.want {
				t.Errorf("Unmarshal(%s) = %+v, want %+v", tt.in, fields(d), tt.want)
			}
		})
	}
}

// Regression: the zero Duration marshals as "P", which UnmarshalJSON
// rejects, although UnmarshalJSON itself reads "" as the zero Duration.
func TestZeroDurationJSONRoundTrip(t *testing.T) {
	b, err := json.Marshal(Duration{})
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var back Duration
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("zero Duration marshals as %s, which does not unmarshal: %v", b, err)
	}
	if !back.IsZero() {
		t.Errorf("round trip of zero Duration = %+v", back)
	}
}

func TestDurationUnmarshalText(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("P1DT2H")); err != nil {
		t.Fatalf("UnmarshalText: %v", err)
	}
	if fields(d) != (Duration{Days: 1, Clock: 2 * time.Hour}) || d.String() != "P1DT2H" {
		t.Errorf("UnmarshalText(P1DT2H) = %+v (%s)", d, d)
	}
	if err := d.UnmarshalText([]byte("banana")); err == nil {
		t.Error("UnmarshalText(banana) succeeded")
	}
	if err := d.UnmarshalText(nil); err == nil {
		t.Error("UnmarshalText(empty) succeeded")
	}
}

func TestAddMonths(t *testing.T) {
	sh := shanghai(t)
	tests := []struct {
		from   time.Time
		months int
		want   time.Time
	}{
		{time.Date(2026, 1, 31, 10, 0, 0, 0, sh), 3, time.Date(2026, 4, 30, 10, 0, 0, 0, sh)},
		{time.Date(2026, 1, 31, 10, 0, 0, 0, sh), 1, time.Date(2026, 2, 28, 10, 0, 0, 0, sh)},
		{time.Date(2024, 1, 31, 10, 0, 0, 0, sh), 1, time.Date(2024, 2, 29, 10, 0, 0, 0, sh)},
		{time.Date(2026, 3, 31, 8, 30, 0, 0, sh), -1, time.Date(2026, 2, 28, 8, 30, 0, 0, sh)},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, sh), 3, time.Date(2027, 2, 28, 0, 0, 0, 0, sh)},
		{time.Date(2026, 5, 15, 12, 0, 0, 0, sh), 12, time.Date(2027, 5, 15, 12, 0, 0, 0, sh)},
		{time.Date(2026, 5, 15, 12, 0, 0, 0, sh), 0, time.Date(2026, 5, 15, 12, 0, 0, 0, sh)},
		{time.Date(2026, 8, 31, 12, 0, 0, 0, sh), -6, time.Date(2026, 2, 28, 12, 0, 0, 0, sh)},
	}
	for _, tt := range tests {
		if got := addMonths(tt.from, tt.months); !got.Equal(tt.want) {
			t.Errorf("addMonths(%v, %d) = %v, want %v", tt.from, tt.months, got, tt.want)
		}
	}
}
