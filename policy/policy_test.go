package policy

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"suggestflow/holiday"
	"suggestflow/i18n"
)

func TestDefaultIsValid(t *testing.T) {
	p := Default()
	if err := p.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	checks := []struct {
		key  string
		got  Duration
		want string
	}{
		{"review_within", p.ReviewWithin, "7wd"},
		{"return_assignment_within", p.ReturnAssignmentWithin, "7wd"},
		{"co_opinion_within", p.CoOpinionWithin, "P1M"},
		{"reply_within", p.ReplyWithin, "P3M"},
		{"reply_within_complex", p.ReplyWithinComplex, "P6M"},
		{"progress_report_every", p.ProgressReportEvery, "P2M"},
		{"progress_report_grace", p.ProgressReportGrace, "P7D"},
		{"extension_max", p.ExtensionMax, "P3M"},
		{"evaluation_within", p.EvaluationWithin, "20wd"},
		{"evaluation_grace", p.EvaluationGrace, "5wd"},
		{"rehandle_within", p.RehandleWithin, "P1M"},
		{"meeting_within", p.MeetingWithin, "P7D"},
		{"meeting_notice_ahead", p.MeetingNoticeAhead, "P3D"},
		{"meeting_remind_before", p.MeetingRemindBefore, "P1D"},
		{"referral_answer_within", p.ReferralAnswerWithin, "P3M"},
	}
	for _, c := range checks {
		if c.got.String() != c.want {
			t.Errorf("Default %s = %s, want %s", c.key, c.got, c.want)
		}
	}
	if p.Timezone != "Asia/Shanghai" {
		t.Errorf("Default timezone = %q", p.Timezone)
	}
	if p.Location().String() != "Asia/Shanghai" {
		t.Errorf("Default Location() = %v", p.Location())
	}
	if _, ok := p.Calendar().(*holiday.Calendar); !ok {
		t.Errorf("Default Calendar() = %T, want the national holiday calendar", p.Calendar())
	}
	if p.EscalateAfterUnsatisfied != 2 || p.QuietHours != "21:00-08:00" || p.MeetingPlace == "" {
		t.Errorf("Default scalar values = %d %q %q", p.EscalateAfterUnsatisfied, p.QuietHours, p.MeetingPlace)
	}
	var reminders []string
	for _, d := range p.RemindBeforeDue {
		reminders = append(reminders, d.String())
	}
	if strings.Join(reminders, ",") != "P30D,P7D,P1D" {
		t.Errorf("Default remind_before_due = %v", reminders)
	}
	// Default returns a fresh value each time.
	p.RemindBeforeDue[0] = MustDuration("P99D")
	if Default().RemindBeforeDue[0].String() != "P30D" {
		t.Error("Default() shares its reminder slice between calls")
	}
}

// Keys, the yaml tags and the json tags all name the same fields; the
// only fields that are not keys are the calendar data a case carries from
// the database (yaml "-").
func TestKeysMatchTags(t *testing.T) {
	var yamlTags, jsonTags, carried []string
	typ := reflect.TypeOf(Policy{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Tag.Get("yaml") == "-" {
			carried = append(carried, name)
			continue
		}
		yamlTags = append(yamlTags, f.Tag.Get("yaml"))
		jsonTags = append(jsonTags, name)
	}
	if strings.Join(carried, ",") != "calendar_years,holiday_data" {
		t.Errorf("fields that are not policy keys: %v", carried)
	}
	keys := append([]string(nil), Keys()...)
	sort.Strings(keys)
	sort.Strings(yamlTags)
	sort.Strings(jsonTags)
	if !reflect.DeepEqual(keys, yamlTags) {
		t.Errorf("Keys() = %v\nyaml tags = %v", keys, yamlTags)
	}
	if !reflect.DeepEqual(keys, jsonTags) {
		t.Errorf("Keys() = %v\njson tags = %v", keys, jsonTags)
	}
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	p := Default()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	for _, want := range []string{`"reply_within":"P3M"`, `"review_within":"7wd"`, `"remind_before_due":["P30D","P7D","P1D"]`, `"timezone":"Asia/Shanghai"`, `"escalate_after_unsatisfied":2`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", back, p)
	}
	if err := back.Validate(); err != nil {
		t.Errorf("round-tripped policy invalid: %v", err)
	}

	// A policy with overridden values also survives.
	q, err := Parse([]byte("reply_within: PT5S\nreview_within: P1DT2H\nremind_before_due: []\n"), Default())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	b, err = json.Marshal(q)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var qb Policy
	if err := json.Unmarshal(b, &qb); err != nil {
		t.Fatalf("Unmarshal %s: %v", b, err)
	}
	if !reflect.DeepEqual(qb, q) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", qb, q)
	}
}

// Regression: a Policy with any zero Duration (here the zero Policy)
// marshals durations as "P" and cannot be unmarshalled again.
func TestZeroPolicyJSONRoundTrip(t *testing.T) {
	b, err := json.Marshal(Policy{})
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("zero Policy marshals to JSON that does not unmarshal: %v", err)
	}
}

func TestParse(t *testing.T) {
	type check func(t *testing.T, p Policy)
	sameAsDefaultExcept := func(mod func(*Policy)) check {
		return func(t *testing.T, p Policy) {
			want := Default()
			mod(&want)
			if !reflect.DeepEqual(p, want) {
				t.Errorf("Parse result:\n got %+v\nwant %+v", p, want)
			}
		}
	}
	tests := []struct {
		name    string
		yaml    string
		check   check
		wantErr []string // substrings; nil means success
	}{
		{
			name: "reply_within PT5S",
			yaml: "reply_within: PT5S\n",
			check: func(t *testing.T, p Policy) {
				if fields(p.ReplyWithin) != (Duration{Clock: 5 * time.Second}) || p.ReplyWithin.String() != "PT5S" {
					t.Errorf("reply_within = %+v", p.ReplyWithin)
				}
				sameAsDefaultExcept(func(d *Policy) { d.ReplyWithin = MustDuration("PT5S") })(t, p)
			},
		},
		{
			name: "several keys",
			yaml: "timezone: UTC\nreview_within: 10wd\nescalate_after_unsatisfied: 3\nmeeting_place: 礼堂\nquiet_hours: 22:30-07:15\n",
			check: sameAsDefaultExcept(func(d *Policy) {
				d.Timezone = "UTC"
				d.ReviewWithin = MustDuration("10wd")
				d.EscalateAfterUnsatisfied = 3
				d.MeetingPlace = "礼堂"
				d.QuietHours = "22:30-07:15"
			}),
		},
		{
			name:  "quoted duration",
			yaml:  "extension_max: \"P1M\"\n",
			check: sameAsDefaultExcept(func(d *Policy) { d.ExtensionMax = MustDuration("P1M") }),
		},
		{
			name: "remind_before_due flow list",
			yaml: "remind_before_due: [P30D, P7D]\n",
			check: func(t *testing.T, p Policy) {
				if len(p.RemindBeforeDue) != 2 || p.RemindBeforeDue[0].String() != "P30D" || p.RemindBeforeDue[1].String() != "P7D" {
					t.Fatalf("remind_before_due = %v", p.RemindBeforeDue)
				}
				if fields(p.RemindBeforeDue[0]) != (Duration{Days: 30}) || fields(p.RemindBeforeDue[1]) != (Duration{Days: 7}) {
					t.Errorf("remind_before_due fields = %+v", p.RemindBeforeDue)
				}
			},
		},
		{
			name: "remind_before_due block list",
			yaml: "remind_before_due:\n  - 2wd\n  - PT1H\n",
			check: sameAsDefaultExcept(func(d *Policy) {
				d.RemindBeforeDue = []Duration{MustDuration("2wd"), MustDuration("PT1H")}
			}),
		},
		{
			name: "remind_before_due empty list",
			yaml: "remind_before_due: []\n",
			check: func(t *testing.T, p Policy) {
				if len(p.RemindBeforeDue) != 0 {
					t.Errorf("remind_before_due = %v, want empty", p.RemindBeforeDue)
				}
			},
		},
		{name: "empty file keeps defaults", yaml: "", check: sameAsDefaultExcept(func(*Policy) {})},
		{name: "blank lines keep defaults", yaml: "\n\n", check: sameAsDefaultExcept(func(*Policy) {})},
		{name: "comment only keeps defaults", yaml: "# nothing to change\n", check: sameAsDefaultExcept(func(*Policy) {})},
		{name: "empty quiet hours allowed", yaml: "quiet_hours: \"\"\n", check: sameAsDefaultExcept(func(d *Policy) { d.QuietHours = "" })},

		{name: "unknown key", yaml: "reply_whithin: P3M\n", wantErr: []string{"reply_whithin", "unknown"}},
		{name: "unknown key after a good one", yaml: "reply_within: P1M\nbogus_key: 1\n", wantErr: []string{"bogus_key"}},
		{name: "bad duration", yaml: "reply_within: banana\n", wantErr: []string{"reply_within", "banana"}},
		{name: "bad duration number", yaml: "review_within: 7\n", wantErr: []string{"review_within"}},
		{name: "zero working days", yaml: "evaluation_within: 0wd\n", wantErr: []string{"evaluation_within"}},
		{name: "escalate zero", yaml: "escalate_after_unsatisfied: 0\n", wantErr: []string{"escalate_after_unsatisfied"}},
		{name: "escalate negative", yaml: "escalate_after_unsatisfied: -1\n", wantErr: []string{"escalate_after_unsatisfied"}},
		{name: "escalate too big", yaml: "escalate_after_unsatisfied: 101\n", wantErr: []string{"escalate_after_unsatisfied"}},
		{name: "escalate not a number", yaml: "escalate_after_unsatisfied: many\n", wantErr: []string{"escalate_after_unsatisfied"}},
		{name: "bad timezone", yaml: "timezone: Mars/Olympus_Mons\n", wantErr: []string{"timezone", "Mars/Olympus_Mons"}},
		{name: "empty timezone", yaml: "timezone: \"\"\n", wantErr: []string{"timezone"}},
		{name: "quiet hours 25:00", yaml: "quiet_hours: \"25:00-08:00\"\n", wantErr: []string{"quiet_hours"}},
		{name: "quiet hours 24:00", yaml: "quiet_hours: \"21:00-24:00\"\n", wantErr: []string{"quiet_hours"}},
		{name: "quiet hours one digit", yaml: "quiet_hours: \"9:00-18:00\"\n", wantErr: []string{"quiet_hours"}},
		{name: "quiet hours minutes", yaml: "quiet_hours: \"21:60-08:00\"\n", wantErr: []string{"quiet_hours"}},
		{name: "quiet hours words", yaml: "quiet_hours: night\n", wantErr: []string{"quiet_hours"}},
		{name: "bad reminder in list", yaml: "remind_before_due: [P30D, banana]\n", wantErr: []string{"remind_before_due"}},
		{name: "reminder not a list", yaml: "remind_before_due: P30D\n", wantErr: []string{"remind_before_due"}},
		{
			name:    "too many reminders",
			yaml:    "remind_before_due: [P1D, P2D, P3D, P4D, P5D, P6D, P7D, P8D, P9D, P10D, P11D]\n",
			wantErr: []string{"remind_before_due"},
		},
		{name: "empty meeting place", yaml: "meeting_place: \"\"\n", wantErr: []string{"meeting_place"}},
		{name: "long meeting place", yaml: "meeting_place: " + strings.Repeat("x", 201) + "\n", wantErr: []string{"meeting_place"}},
		{name: "not a mapping", yaml: "- reply_within\n- P3M\n", wantErr: []string{"mapping"}},
		{name: "scalar document", yaml: "P3M\n", wantErr: []string{"mapping"}},
		{name: "malformed yaml", yaml: "reply_within: [P3M\n", wantErr: []string{"policy file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := Default()
			p, err := Parse([]byte(tt.yaml), base)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want error containing %q", tt.yaml, p, tt.wantErr)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("Parse(%q) error %q lacks %q", tt.yaml, err, s)
					}
				}
				if !reflect.DeepEqual(p, base) {
					t.Errorf("Parse returned %+v with its error, want the base", p)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.yaml, err)
			}
			if err := p.Validate(); err != nil {
				t.Errorf("parsed policy invalid: %v", err)
			}
			tt.check(t, p)
		})
	}
}

// Regression: a duration written as a YAML mapping is decoded field by
// field into the base value (yaml.v3 falls back to struct decoding), so it is
// accepted, merged with the default, and String() still shows the default.
func TestParseRejectsDurationMapping(t *testing.T) {
	for _, y := range []string{
		"reply_within:\n  days: 3\n",       // becomes P3M plus 3 days, printed "P3M"
		"reply_within: {workingdays: 7}\n", // becomes 7 working days, printed "P3M"
		"reply_within: {}\n",
	} {
		p, err := Parse([]byte(y), Default())
		if err == nil {
			d := p.ReplyWithin
			t.Errorf("Parse(%q) accepted; reply_within prints %q but holds Months=%d Days=%d WorkingDays=%d; want an error naming reply_within",
				y, d.String(), d.Months, d.Days, d.WorkingDays)
		} else if !strings.Contains(err.Error(), "reply_within") {
			t.Errorf("Parse(%q) error %q does not name reply_within", y, err)
		}
	}
}

// Parse overlays on the base it is given, not on Default.
func TestParseOverlaysBase(t *testing.T) {
	base := Default()
	base.ReplyWithin = MustDuration("P1M")
	base.Timezone = "UTC"
	p, err := Parse(nil, base)
	if err != nil {
		t.Fatalf("Parse(nil): %v", err)
	}
	if !reflect.DeepEqual(p, base) {
		t.Errorf("Parse(nil, base) = %+v, want base", p)
	}
	p, err = Parse([]byte("review_within: 3wd\n"), base)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if p.ReplyWithin.String() != "P1M" || p.Timezone != "UTC" || p.ReviewWithin.String() != "3wd" {
		t.Errorf("Parse overlay = %+v", p)
	}
	// An invalid base is reported even when the file is empty.
	bad := Default()
	bad.EscalateAfterUnsatisfied = 0
	if _, err := Parse([]byte(""), bad); err == nil || !strings.Contains(err.Error(), "escalate_after_unsatisfied") {
		t.Errorf("Parse(empty, invalid base) error = %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		key string
		mod func(*Policy)
	}{
		{"timezone", func(p *Policy) { p.Timezone = "" }},
		{"timezone", func(p *Policy) { p.Timezone = "Nowhere/Town" }},
		{"review_within", func(p *Policy) { p.ReviewWithin = Duration{} }},
		{"return_assignment_within", func(p *Policy) { p.ReturnAssignmentWithin = Duration{} }},
		{"co_opinion_within", func(p *Policy) { p.CoOpinionWithin = Duration{} }},
		{"reply_within", func(p *Policy) { p.ReplyWithin = Duration{} }},
		{"reply_within_complex", func(p *Policy) { p.ReplyWithinComplex = Duration{} }},
		{"progress_report_every", func(p *Policy) { p.ProgressReportEvery = Duration{} }},
		{"progress_report_grace", func(p *Policy) { p.ProgressReportGrace = Duration{} }},
		{"extension_max", func(p *Policy) { p.ExtensionMax = Duration{} }},
		{"evaluation_within", func(p *Policy) { p.EvaluationWithin = Duration{} }},
		{"evaluation_grace", func(p *Policy) { p.EvaluationGrace = Duration{} }},
		{"rehandle_within", func(p *Policy) { p.RehandleWithin = Duration{} }},
		{"meeting_within", func(p *Policy) { p.MeetingWithin = Duration{} }},
		{"meeting_notice_ahead", func(p *Policy) { p.MeetingNoticeAhead = Duration{} }},
		{"meeting_remind_before", func(p *Policy) { p.MeetingRemindBefore = Duration{} }},
		{"escalate_after_unsatisfied", func(p *Policy) { p.EscalateAfterUnsatisfied = 0 }},
		{"escalate_after_unsatisfied", func(p *Policy) { p.EscalateAfterUnsatisfied = 101 }},
		{"remind_before_due", func(p *Policy) { p.RemindBeforeDue = make([]Duration, 11) }},
		{"quiet_hours", func(p *Policy) { p.QuietHours = "25:00-08:00" }},
		{"meeting_place", func(p *Policy) { p.MeetingPlace = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			p := Default()
			tt.mod(&p)
			err := p.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want error naming %s", tt.key)
			}
			if !strings.HasPrefix(err.Error(), tt.key+":") {
				t.Errorf("Validate() = %q, want it to start with %q", err, tt.key+":")
			}
		})
	}
	// Bounds that are allowed.
	p := Default()
	p.EscalateAfterUnsatisfied = 1
	p.QuietHours = ""
	p.RemindBeforeDue = nil
	p.MeetingPlace = strings.Repeat("x", 200)
	if err := p.Validate(); err != nil {
		t.Errorf("Validate(boundary values) = %v", err)
	}
	p.EscalateAfterUnsatisfied = 100
	p.RemindBeforeDue = make([]Duration, 10)
	for i := range p.RemindBeforeDue {
		p.RemindBeforeDue[i] = MustDuration("P1D")
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate(upper bounds) = %v", err)
	}
}

func TestPolicyLocation(t *testing.T) {
	p := Default()
	p.Timezone = "UTC"
	if p.Location() != time.UTC {
		t.Errorf("Location(UTC) = %v", p.Location())
	}
	p.Timezone = "Nowhere/Town"
	if p.Location() != time.UTC {
		t.Errorf("Location(bad) = %v, want UTC fallback", p.Location())
	}
}

func TestPolicyDueAndBefore(t *testing.T) {
	sh := shanghai(t)
	p := Default()
	from := time.Date(2026, 1, 31, 10, 0, 0, 0, sh)
	got := p.Due(from, p.ReplyWithin)
	want := Due(from, p.ReplyWithin, sh, p.Calendar())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Policy.Due = %+v, want %+v", got, want)
	}
	if !got.At.Equal(time.Date(2026, 4, 30, 23, 59, 59, 0, sh)) {
		t.Errorf("Policy.Due(P3M) = %v", got.At.In(sh))
	}
	// National Day week: 1wd before Thursday 8 October is 30 September.
	if b := p.Before(time.Date(2026, 10, 8, 9, 0, 0, 0, sh), MustDuration("1wd")); !b.Equal(time.Date(2026, 9, 30, 9, 0, 0, 0, sh)) {
		t.Errorf("Policy.Before(1wd, 8 October) = %v", b.In(sh))
	}
	// A local override makes the Monday after a weekend a rest day.
	p.CalendarOverrides = []holiday.Override{{Date: "2026-03-16", Working: false, Note: "镇人代会"}}
	if got := p.Due(time.Date(2026, 3, 13, 10, 0, 0, 0, sh), MustDuration("1wd")); !got.At.Equal(time.Date(2026, 3, 17, 23, 59, 59, 0, sh)) {
		t.Errorf("1wd over a local rest day = %v", got.At.In(sh))
	}
	p.CalendarOverrides = nil
	// Another zone moves the end of day.
	p.Timezone = "UTC"
	if got := p.Due(from, MustDuration("P7D")); !got.At.Equal(time.Date(2026, 2, 7, 23, 59, 59, 0, time.UTC)) {
		t.Errorf("Policy(UTC).Due(P7D) = %v", got.At)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	t.Run("empty path gives defaults", func(t *testing.T) {
		p, err := Load("")
		if err != nil {
			t.Fatalf("Load(\"\"): %v", err)
		}
		if !reflect.DeepEqual(p, Default()) {
			t.Errorf("Load(\"\") = %+v, want Default()", p)
		}
	})
	t.Run("file overrides", func(t *testing.T) {
		path := write("policy.yaml", "# test policy\nreply_within: PT5S\nremind_before_due: [PT2S]\ntimezone: UTC\n")
		p, err := Load(path)
		if err != nil {
			t.Fatalf("Load(%s): %v", path, err)
		}
		if p.ReplyWithin.Clock != 5*time.Second || p.Timezone != "UTC" ||
			len(p.RemindBeforeDue) != 1 || p.RemindBeforeDue[0].Clock != 2*time.Second {
			t.Errorf("Load = %+v", p)
		}
		if p.ReviewWithin.String() != "7wd" {
			t.Errorf("unspecified review_within = %s, want default 7wd", p.ReviewWithin)
		}
	})
	t.Run("empty file gives defaults", func(t *testing.T) {
		p, err := Load(write("empty.yaml", ""))
		if err != nil {
			t.Fatalf("Load(empty): %v", err)
		}
		if !reflect.DeepEqual(p, Default()) {
			t.Errorf("Load(empty) = %+v", p)
		}
	})
	t.Run("bad file names the key", func(t *testing.T) {
		_, err := Load(write("bad.yaml", "reply_within: banana\n"))
		if err == nil || !strings.Contains(err.Error(), "reply_within") {
			t.Errorf("Load(bad) error = %v, want one naming reply_within", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		missing := filepath.Join(dir, "does-not-exist.yaml")
		_, err := Load(missing)
		if err == nil {
			t.Fatal("Load(missing) succeeded")
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Load(missing) error %v does not wrap a not-exist error", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		if _, err := Load(dir); err == nil {
			t.Error("Load(directory) succeeded")
		}
	})
}

func TestQuietUntil(t *testing.T) {
	sh := shanghai(t)
	p := Default()
	cases := []struct {
		at, want time.Time
	}{
		{time.Date(2026, 3, 10, 12, 0, 0, 0, sh), time.Date(2026, 3, 10, 12, 0, 0, 0, sh)},
		{time.Date(2026, 3, 10, 21, 0, 0, 0, sh), time.Date(2026, 3, 11, 8, 0, 0, 0, sh)},
		{time.Date(2026, 3, 10, 23, 59, 59, 0, sh), time.Date(2026, 3, 11, 8, 0, 0, 0, sh)},
		{time.Date(2026, 3, 11, 3, 0, 0, 0, sh), time.Date(2026, 3, 11, 8, 0, 0, 0, sh)},
		{time.Date(2026, 3, 11, 8, 0, 0, 0, sh), time.Date(2026, 3, 11, 8, 0, 0, 0, sh)},
		{time.Date(2026, 3, 10, 20, 59, 0, 0, sh), time.Date(2026, 3, 10, 20, 59, 0, 0, sh)},
	}
	for _, c := range cases {
		if got := p.QuietUntil(c.at); !got.Equal(c.want) {
			t.Errorf("QuietUntil(%s) = %s, want %s", c.at, got.In(sh), c.want)
		}
	}
	p.QuietHours = "12:00-13:30"
	if got := p.QuietUntil(time.Date(2026, 3, 10, 12, 15, 0, 0, sh)); !got.Equal(time.Date(2026, 3, 10, 13, 30, 0, 0, sh)) {
		t.Errorf("same-day window: %s", got.In(sh))
	}
	p.QuietHours = ""
	at := time.Date(2026, 3, 10, 23, 0, 0, 0, sh)
	if got := p.QuietUntil(at); !got.Equal(at) {
		t.Errorf("no quiet hours: %s", got)
	}
}

// TestApplyAndValue: a key's value as the file writes it comes back from
// Value, Apply overlays values (naming the key of a bad one), and every
// key has a value to show.
func TestApplyAndValue(t *testing.T) {
	p := Default()
	for _, key := range Keys() {
		if _, err := p.Value(key); err != nil {
			t.Errorf("Value(%s): %v", key, err)
		}
	}
	if v, _ := p.Value("reply_within"); v != "P3M" {
		t.Errorf("reply_within = %q", v)
	}
	got, err := Apply(p, map[string]string{"reply_within": "P2M", "township": "望城镇", "remind_before_due": "[P7D, P1D]"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ReplyWithin.String() != "P2M" || got.Township != "望城镇" || len(got.RemindBeforeDue) != 2 {
		t.Errorf("applied: %v %q %v", got.ReplyWithin, got.Township, got.RemindBeforeDue)
	}
	if v, _ := got.Value("remind_before_due"); v != "- P7D\n- P1D" {
		t.Errorf("remind_before_due = %q", v)
	}
	for values, key := range map[string]string{"reply_within: soon": "reply_within", "escalate_after_unsatisfied: 0": "escalate_after_unsatisfied", "nope: 1": "nope"} {
		k, v, _ := strings.Cut(values, ": ")
		if _, err := Apply(p, map[string]string{k: v}); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Apply(%s) = %v, want an error naming %s", values, err, key)
		}
	}
}

// TestEveryPolicyKeyExplained: the settings page explains every key.
func TestEveryPolicyKeyExplained(t *testing.T) {
	for _, key := range Keys() {
		if !i18n.HasPolicyTexts(key) || i18n.PolicyMeaning(i18n.ZH, key) == "" || i18n.PolicySource(i18n.EN, key) == "" {
			t.Errorf("policy key %s has no meaning or source", key)
		}
	}
}

// A reminder counted in days falls at remind_at on a working day, never
// at the due time's 23:59:59 nor inside the quiet hours; one with a clock
// part falls exactly.
func TestReminderAtFallsOnAWorkingMorning(t *testing.T) {
	p := Default()
	loc := p.Location()
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc).UTC() }
	due := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 59, 0, loc).UTC() }
	for name, c := range map[string]struct {
		due  time.Time
		off  string
		want time.Time
	}{
		"a day before a Wednesday":      {due(2026, 6, 10), "P1D", at(2026, 6, 9, 9, 0)},
		"a day before a Monday: Friday": {due(2026, 6, 15), "P1D", at(2026, 6, 12, 9, 0)},
		"a week before":                 {due(2026, 6, 10), "P7D", at(2026, 6, 3, 9, 0)},
		"onto the Dragon Boat holiday":  {due(2026, 6, 20), "P1D", at(2026, 6, 18, 9, 0)},
		"a working day before":          {due(2026, 6, 15), "1wd", at(2026, 6, 12, 9, 0)},
		"an hour before, exactly":       {due(2026, 6, 10), "PT1H", at(2026, 6, 10, 22, 59).Add(59 * time.Second)},
	} {
		if got := p.ReminderAt(c.due, MustDuration(c.off)); !got.Equal(c.want) {
			t.Errorf("%s: %s, want %s", name, got.In(loc), c.want.In(loc))
		}
	}
	late := p
	late.RemindAt = "22:30"
	if got, want := late.ReminderAt(due(2026, 6, 10), MustDuration("P1D")), at(2026, 6, 10, 8, 0); !got.Equal(want) {
		t.Errorf("remind_at inside the quiet hours: %s, want %s (when they end)", got.In(loc), want.In(loc))
	}
	bad := Default()
	bad.RemindAt = "9 am"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "remind_at") {
		t.Errorf("remind_at 9 am: %v", err)
	}
}
