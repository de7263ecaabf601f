package policy

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"suggestflow/duties"
	"suggestflow/evaluation"
	"suggestflow/holiday"
)

// Policy is the set of rule values. It travels with each workflow as JSON,
// so a running case keeps the rules it started under.
type Policy struct {
	// Township is the township's name, on every page, notice and document
	// ("" shows none).
	Township                 string     `json:"township,omitempty" yaml:"township"`
	Timezone                 string     `json:"timezone" yaml:"timezone"`
	ReviewWithin             Duration   `json:"review_within" yaml:"review_within"`
	ReturnAssignmentWithin   Duration   `json:"return_assignment_within" yaml:"return_assignment_within"`
	CoOpinionWithin          Duration   `json:"co_opinion_within" yaml:"co_opinion_within"`
	ReplyWithin              Duration   `json:"reply_within" yaml:"reply_within"`
	ReplyWithinComplex       Duration   `json:"reply_within_complex" yaml:"reply_within_complex"`
	RemindBeforeDue          []Duration `json:"remind_before_due" yaml:"remind_before_due"`
	ProgressReportEvery      Duration   `json:"progress_report_every" yaml:"progress_report_every"`
	ProgressReportGrace      Duration   `json:"progress_report_grace" yaml:"progress_report_grace"`
	ExtensionMax             Duration   `json:"extension_max" yaml:"extension_max"`
	EvaluationWithin         Duration   `json:"evaluation_within" yaml:"evaluation_within"`
	EvaluationGrace          Duration   `json:"evaluation_grace" yaml:"evaluation_grace"`
	RehandleWithin           Duration   `json:"rehandle_within" yaml:"rehandle_within"`
	EscalateAfterUnsatisfied int        `json:"escalate_after_unsatisfied" yaml:"escalate_after_unsatisfied"`
	MeetingWithin            Duration   `json:"meeting_within" yaml:"meeting_within"`
	MeetingNoticeAhead       Duration   `json:"meeting_notice_ahead" yaml:"meeting_notice_ahead"`
	MeetingRemindBefore      Duration   `json:"meeting_remind_before" yaml:"meeting_remind_before"`
	MeetingPlace             string     `json:"meeting_place" yaml:"meeting_place"`
	// ReferralAnswerWithin is how long the presidium waits for a higher
	// body's answer to a referral (转交, DOMAIN.md rule 2) before it is
	// reminded to chase it: by default the three months the Deputies Law
	// (art. 51-52) gives a body to answer a deputy's suggestion.
	ReferralAnswerWithin Duration `json:"referral_answer_within" yaml:"referral_answer_within"`
	// RatingLinkValid is how long the link in a reply notice (and the QR
	// code on the reply letter) lets a deputy rate without signing in.
	RatingLinkValid Duration `json:"rating_link_valid" yaml:"rating_link_valid"`
	QuietHours      string   `json:"quiet_hours" yaml:"quiet_hours"`
	// RemindAt is the time of day (HH:MM, the township's zone) a reminder
	// counted in days falls at, on a working day: a unit reads it at the
	// start of its day, not at 23:59:59 held until the quiet hours end.
	RemindAt string `json:"remind_at" yaml:"remind_at"`
	// CalendarOverrides are the township's own working and rest days on top
	// of the national holiday calendar.
	CalendarOverrides []holiday.Override `json:"calendar_overrides,omitempty" yaml:"calendar_overrides"`
	// CalendarYears are the official schedules the township loaded
	// (PUT /calendar/years/{year}), for years the built-in data lacks or
	// gets wrong. They are not policy-file keys: they live in the
	// database and reach open cases with the calendar signal.
	CalendarYears []holiday.Schedule `json:"calendar_years,omitempty" yaml:"-"`
	// HolidayData is the version of the built-in holiday data the case
	// computes with (holiday.DataVersion when it started; 0 for a case
	// from before versions, which holiday reads as version 1). It stays
	// with the case for its life, so that an upgrade of the data changes
	// no running case.
	HolidayData int `json:"holiday_data,omitempty" yaml:"-"`

	// Evaluation is the unit evaluation rule set (综合评议).
	Evaluation evaluation.Rules `json:"evaluation" yaml:"evaluation"`

	// Deputies' duties (DOMAIN.md §6): each deputy visits at least
	// VisitsPerMonth constituents a month; each deputy group meets once
	// every GroupMeetingEvery (P1M, P3M, P6M or P1Y); Commendation scores
	// the year of each deputy and group and says how many are commended.
	VisitsPerMonth    int          `json:"visits_per_month" yaml:"visits_per_month"`
	GroupMeetingEvery Duration     `json:"group_meeting_every" yaml:"group_meeting_every"`
	Commendation      duties.Rules `json:"commendation" yaml:"commendation"`

	// The presidium's cadence, as cron expressions in the township's zone.
	ProgressHearingCron string `json:"progress_hearing_cron" yaml:"progress_hearing_cron"`
	SiteInspectionCron  string `json:"site_inspection_cron" yaml:"site_inspection_cron"`
	GroupMeetingCron    string `json:"group_meeting_cron" yaml:"group_meeting_cron"`
	EvaluationCron      string `json:"evaluation_cron" yaml:"evaluation_cron"`
	BoardCron           string `json:"board_cron" yaml:"board_cron"`
	RankingCron         string `json:"ranking_cron" yaml:"ranking_cron"`
	VisitCheckCron      string `json:"visit_check_cron" yaml:"visit_check_cron"`

	// Signing in: a session ends after SessionIdle without a request; an
	// account, or a client address, that fails to sign in this many times
	// in a row is held off for SignInBlock (and then may try again).
	SessionIdle              Duration `json:"session_idle" yaml:"session_idle"`
	SignInFailuresPerAccount int      `json:"sign_in_failures_per_account" yaml:"sign_in_failures_per_account"`
	SignInFailuresPerClient  int      `json:"sign_in_failures_per_client" yaml:"sign_in_failures_per_client"`
	SignInBlock              Duration `json:"sign_in_block" yaml:"sign_in_block"`
	CommendationCron         string   `json:"commendation_cron" yaml:"commendation_cron"`

	// Attachments on a case (package attachments): the largest file, in
	// bytes, and how many files one step of one case may hold. Zero in a
	// case's stored policy (from before the keys existed) reads as the
	// default; see AttachmentLimits.
	AttachmentMaxBytes   int64 `json:"attachment_max_bytes,omitempty" yaml:"attachment_max_bytes"`
	AttachmentMaxPerStep int   `json:"attachment_max_per_step,omitempty" yaml:"attachment_max_per_step"`
}

// Crons maps each cadence kind to its cron expression.
func (p Policy) Crons() map[string]string {
	return map[string]string{
		"progress_hearing":    p.ProgressHearingCron,
		"site_inspection":     p.SiteInspectionCron,
		"group_meetings":      p.GroupMeetingCron,
		"unit_evaluation":     p.EvaluationCron,
		"public_board":        p.BoardCron,
		"yearly_ranking":      p.RankingCron,
		"visit_check":         p.VisitCheckCron,
		"deputy_commendation": p.CommendationCron,
	}
}

// Default is the built-in policy, from DOMAIN.md.
func Default() Policy {
	return Policy{
		Timezone:                 "Asia/Shanghai",
		ReviewWithin:             MustDuration("7wd"),
		ReturnAssignmentWithin:   MustDuration("7wd"),
		CoOpinionWithin:          MustDuration("P1M"),
		ReplyWithin:              MustDuration("P3M"),
		ReplyWithinComplex:       MustDuration("P6M"),
		RemindBeforeDue:          []Duration{MustDuration("P30D"), MustDuration("P7D"), MustDuration("P1D")},
		ProgressReportEvery:      MustDuration("P2M"),
		ProgressReportGrace:      MustDuration("P7D"),
		ExtensionMax:             MustDuration("P3M"),
		EvaluationWithin:         MustDuration("20wd"),
		EvaluationGrace:          MustDuration("5wd"),
		RehandleWithin:           MustDuration("P1M"),
		EscalateAfterUnsatisfied: 2,
		MeetingWithin:            MustDuration("P7D"),
		MeetingNoticeAhead:       MustDuration("P3D"),
		MeetingRemindBefore:      MustDuration("P1D"),
		MeetingPlace:             "人大主席团会议室",
		ReferralAnswerWithin:     MustDuration("P3M"),
		RatingLinkValid:          MustDuration("P30D"),
		QuietHours:               "21:00-08:00",
		RemindAt:                 "09:00",
		Evaluation:               evaluation.DefaultRules(),
		VisitsPerMonth:           2,
		GroupMeetingEvery:        MustDuration("P3M"),
		Commendation:             duties.DefaultRules(),
		// Every two months, on the 1st; quarterly inspections mid-quarter;
		// group meetings late in each quarter; scores on the first day of
		// a quarter; the board on 1 January and 1 July; the ranking early
		// in January; the visit check on the 1st of each month.
		ProgressHearingCron: "0 9 1 */2 *",
		SiteInspectionCron:  "0 9 15 2,5,8,11 *",
		GroupMeetingCron:    "0 9 20 3,6,9,12 *",
		EvaluationCron:      "0 8 1 1,4,7,10 *",
		BoardCron:           "0 8 1 1,7 *",
		RankingCron:         "0 8 5 1 *",
		VisitCheckCron:      "0 9 1 * *",
		// A working day's session; a few mistyped passwords; an office
		// behind one address has many people.
		SessionIdle:              MustDuration("PT8H"),
		SignInFailuresPerAccount: 5,
		SignInFailuresPerClient:  20,
		SignInBlock:              MustDuration("PT15M"),
		// The deputies' commendation after the ranking, early in January.
		CommendationCron: "0 9 5 1 *",
		// A phone photo or a scanned reply letter fits in 20 MiB; twenty
		// files a step is more than any step needs, and bounds the case.
		AttachmentMaxBytes:   20 << 20,
		AttachmentMaxPerStep: 20,
	}
}

var clockPattern = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

var quietPattern = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$`)

// Validate checks the values that parsing alone does not, naming the key.
func (p Policy) Validate() error {
	if p.Timezone == "" {
		return errors.New("timezone: must not be empty")
	}
	if _, err := time.LoadLocation(p.Timezone); err != nil {
		return fmt.Errorf("timezone: unknown time zone %q", p.Timezone)
	}
	for key, d := range map[string]Duration{
		"review_within": p.ReviewWithin, "return_assignment_within": p.ReturnAssignmentWithin,
		"co_opinion_within": p.CoOpinionWithin, "reply_within": p.ReplyWithin,
		"reply_within_complex": p.ReplyWithinComplex, "progress_report_every": p.ProgressReportEvery,
		"progress_report_grace": p.ProgressReportGrace, "extension_max": p.ExtensionMax,
		"evaluation_within": p.EvaluationWithin, "evaluation_grace": p.EvaluationGrace,
		"rehandle_within": p.RehandleWithin, "meeting_within": p.MeetingWithin,
		"meeting_notice_ahead": p.MeetingNoticeAhead, "meeting_remind_before": p.MeetingRemindBefore,
		"session_idle": p.SessionIdle, "sign_in_block": p.SignInBlock,
		"referral_answer_within": p.ReferralAnswerWithin, "rating_link_valid": p.RatingLinkValid,
	} {
		if d.IsZero() {
			return fmt.Errorf("%s: must be a positive duration", key)
		}
	}
	if p.EscalateAfterUnsatisfied < 1 || p.EscalateAfterUnsatisfied > 100 {
		return fmt.Errorf("escalate_after_unsatisfied: must be a count from 1 to 100, got %d", p.EscalateAfterUnsatisfied)
	}
	for key, n := range map[string]int{"sign_in_failures_per_account": p.SignInFailuresPerAccount,
		"sign_in_failures_per_client": p.SignInFailuresPerClient} {
		if n < 1 || n > 1000 {
			return fmt.Errorf("%s: must be a count from 1 to 1000, got %d", key, n)
		}
	}
	if len(p.RemindBeforeDue) > 10 {
		return errors.New("remind_before_due: at most 10 reminders")
	}
	for _, d := range p.RemindBeforeDue {
		if d.IsZero() {
			return errors.New("remind_before_due: every reminder must be a positive duration")
		}
	}
	if p.RemindAt != "" && !clockPattern.MatchString(p.RemindAt) {
		return fmt.Errorf("remind_at: %q is not HH:MM", p.RemindAt)
	}
	if p.QuietHours != "" && !quietPattern.MatchString(p.QuietHours) {
		return fmt.Errorf("quiet_hours: %q is not HH:MM-HH:MM", p.QuietHours)
	}
	if err := p.Evaluation.Validate(); err != nil {
		return fmt.Errorf("evaluation: %w", err)
	}
	for key, expr := range map[string]string{"progress_hearing_cron": p.ProgressHearingCron, "site_inspection_cron": p.SiteInspectionCron,
		"group_meeting_cron": p.GroupMeetingCron, "evaluation_cron": p.EvaluationCron, "board_cron": p.BoardCron,
		"ranking_cron": p.RankingCron, "visit_check_cron": p.VisitCheckCron, "commendation_cron": p.CommendationCron} {
		if _, err := cron.ParseStandard(expr); err != nil {
			return fmt.Errorf("%s: %q is not a cron expression (minute hour day month weekday): %v", key, expr, err)
		}
	}
	if _, err := holiday.New(p.CalendarOverrides); err != nil {
		return fmt.Errorf("calendar_overrides: %w", err)
	}
	if _, err := holiday.Build(holiday.Data{Version: p.HolidayData, Years: p.CalendarYears}); err != nil {
		return fmt.Errorf("calendar years: %w", err)
	}
	if p.VisitsPerMonth < 1 || p.VisitsPerMonth > 31 {
		return fmt.Errorf("visits_per_month: must be a count from 1 to 31, got %d", p.VisitsPerMonth)
	}
	if !slices.Contains([]int{1, 3, 6, 12}, p.GroupMeetingMonths()) {
		return fmt.Errorf("group_meeting_every: %q must be P1M, P3M, P6M or P1Y (a month, a quarter, a half or a year)", p.GroupMeetingEvery)
	}
	if err := p.Commendation.Validate(); err != nil {
		return fmt.Errorf("commendation: %w", err)
	}
	if utf8.RuneCountInString(p.Township) > 40 || strings.ContainsAny(p.Township, "\r\n") {
		return errors.New("township: at most 40 characters on one line")
	}
	if p.MeetingPlace == "" || len(p.MeetingPlace) > 200 {
		return errors.New("meeting_place: must be 1 to 200 characters")
	}
	// A file is kept in the database in chunks; 1 GiB bounds what one
	// request may make the database hold.
	if p.AttachmentMaxBytes < 1 || p.AttachmentMaxBytes > 1<<30 {
		return fmt.Errorf("attachment_max_bytes: must be a size in bytes from 1 to 1073741824, got %d", p.AttachmentMaxBytes)
	}
	if p.AttachmentMaxPerStep < 1 || p.AttachmentMaxPerStep > 1000 {
		return fmt.Errorf("attachment_max_per_step: must be a count from 1 to 1000, got %d", p.AttachmentMaxPerStep)
	}
	return nil
}

// ReferralAnswerTime is referral_answer_within, or its default for a case
// that started under a policy from before the key existed (its input
// carries none).
func (p Policy) ReferralAnswerTime() Duration {
	if p.ReferralAnswerWithin.IsZero() {
		return Default().ReferralAnswerWithin
	}
	return p.ReferralAnswerWithin
}

// RatingLinkTime is rating_link_valid, or its default for a policy
// written before the key existed.
func (p Policy) RatingLinkTime() Duration {
	if p.RatingLinkValid.IsZero() {
		return Default().RatingLinkValid
	}
	return p.RatingLinkValid
}

// AttachmentLimits are attachment_max_bytes and attachment_max_per_step,
// or their defaults where a policy from before the keys holds none.
func (p Policy) AttachmentLimits() (maxBytes int64, maxPerStep int) {
	d := Default()
	maxBytes, maxPerStep = p.AttachmentMaxBytes, p.AttachmentMaxPerStep
	if maxBytes <= 0 {
		maxBytes = d.AttachmentMaxBytes
	}
	if maxPerStep <= 0 {
		maxPerStep = d.AttachmentMaxPerStep
	}
	return maxBytes, maxPerStep
}

// GroupMeetingMonths is how many months apart the deputy groups meet:
// 1, 3, 6 or 12 for a valid policy, 0 for a group_meeting_every that is
// not whole months.
func (p Policy) GroupMeetingMonths() int {
	d := p.GroupMeetingEvery
	if d.WorkingDays != 0 || d.Weeks != 0 || d.Days != 0 || d.Clock != 0 {
		return 0
	}
	return d.Years*12 + d.Months
}

// Location is the township's time zone.
func (p Policy) Location() *time.Location {
	loc, err := time.LoadLocation(p.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Calendar is the working-day calendar in force: mainland China's
// official arrangement (the built-in data of the pinned version, or the
// loaded schedules), with the local overrides. All of it travels with the
// case, so a workflow computing a deadline twice gets the same answer.
func (p Policy) Calendar() Calendar { return p.Holidays() }

// Holidays is Calendar as the holiday calendar itself, which also says
// where each year's arrangement comes from.
func (p Policy) Holidays() *holiday.Calendar {
	cal, err := holiday.Build(holiday.Data{Version: p.HolidayData, Years: p.CalendarYears, Overrides: p.CalendarOverrides})
	if err != nil {
		// Validate refuses such a policy at start, and the store only
		// keeps checked schedules; keep the official days.
		cal, _ = holiday.Build(holiday.Data{Version: p.HolidayData})
	}
	return cal
}

// Due computes the deadline of d from t under this policy.
func (p Policy) Due(t time.Time, d Duration) Deadline {
	return Due(t, d, p.Location(), p.Calendar())
}

// Before is d before t under this policy.
func (p Policy) Before(t time.Time, d Duration) time.Time {
	return Before(t, d, p.Location(), p.Calendar())
}

// Load reads the built-in defaults, then the YAML file at path if any. An
// unknown key or a bad value is an error that names the key.
func Load(path string) (Policy, error) {
	p := Default()
	if path == "" {
		return p, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("policy file: %w", err)
	}
	return Parse(raw, p)
}

// Editable says whether a key may be changed on the settings page while
// the service runs. The time zone, the cadence's schedules and the local
// calendar days are not: the zone and the schedules are read at start, and
// the days have a page of their own.
func Editable(key string) bool {
	return key != "timezone" && key != "calendar_overrides" && !strings.HasSuffix(key, "_cron") && knownKeys()[key]
}

// Apply overlays values, each a key's value written in YAML (as in the
// policy file), on base; an unknown key or a bad value is an error that
// names the key, and base is returned unchanged.
func Apply(base Policy, values map[string]string) (Policy, error) {
	if len(values) == 0 {
		return base, nil
	}
	doc := map[string]*yaml.Node{}
	for key, v := range values {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(v), &n); err != nil {
			return base, fmt.Errorf("%s: %s", key, cleanYAMLError(err))
		}
		if len(n.Content) == 0 {
			return base, fmt.Errorf("%s: no value", key)
		}
		doc[key] = n.Content[0]
	}
	raw, err := yaml.Marshal(doc)
	if err != nil {
		return base, fmt.Errorf("policy values: %w", err)
	}
	return Parse(raw, base)
}

// Value is a key's value in YAML, as the policy file would write it.
func (p Policy) Value(key string) (string, error) {
	var whole map[string]yaml.Node
	raw, err := yaml.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("policy: %w", err)
	}
	if err := yaml.Unmarshal(raw, &whole); err != nil {
		return "", fmt.Errorf("policy: %w", err)
	}
	n, ok := whole[key]
	if !ok {
		return "", fmt.Errorf("no policy key %q", key)
	}
	out, err := yaml.Marshal(&n)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

// Parse overlays YAML on base.
func Parse(raw []byte, base Policy) (Policy, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		return base, fmt.Errorf("policy file: %w", err)
	}
	if len(node.Content) == 0 {
		return base, base.Validate()
	}
	doc := node.Content[0]
	if doc.Kind != yaml.MappingNode {
		return base, errors.New("policy file: must be a mapping of keys to values")
	}
	known := knownKeys()
	for i := 0; i+1 < len(doc.Content); i += 2 {
		key := doc.Content[i].Value
		if !known[key] {
			return base, fmt.Errorf("policy file: unknown key %q", key)
		}
	}
	// Decode key by key so that an error names its key.
	p := base
	for i := 0; i+1 < len(doc.Content); i += 2 {
		key, val := doc.Content[i].Value, doc.Content[i+1]
		var one bytes.Buffer
		enc := yaml.NewEncoder(&one)
		if err := enc.Encode(map[string]*yaml.Node{key: val}); err != nil {
			return base, fmt.Errorf("%s: %w", key, err)
		}
		dec := yaml.NewDecoder(&one)
		dec.KnownFields(true)
		if err := dec.Decode(&p); err != nil {
			return base, fmt.Errorf("%s: %s", key, cleanYAMLError(err))
		}
	}
	if err := p.Validate(); err != nil {
		return base, err
	}
	return p, nil
}

func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n")
	return strings.TrimSpace(s)
}

func knownKeys() map[string]bool {
	keys := map[string]bool{}
	for _, k := range Keys() {
		keys[k] = true
	}
	return keys
}

// Keys lists every policy key.
func Keys() []string {
	return []string{"township", "timezone", "review_within", "return_assignment_within", "co_opinion_within",
		"reply_within", "reply_within_complex", "remind_before_due", "progress_report_every",
		"progress_report_grace", "extension_max", "evaluation_within", "evaluation_grace",
		"rehandle_within", "escalate_after_unsatisfied", "meeting_within", "meeting_notice_ahead",
		"meeting_remind_before", "meeting_place", "referral_answer_within", "rating_link_valid", "quiet_hours", "remind_at", "calendar_overrides", "evaluation",
		"progress_hearing_cron", "site_inspection_cron", "group_meeting_cron", "evaluation_cron", "board_cron",
		"ranking_cron", "visit_check_cron", "session_idle", "sign_in_failures_per_account",
		"sign_in_failures_per_client", "sign_in_block", "visits_per_month", "group_meeting_every", "commendation", "commendation_cron",
		"attachment_max_bytes", "attachment_max_per_step"}
}

// After is d after t, exactly, under this policy.
func (p Policy) After(t time.Time, d Duration) time.Time {
	return After(t, d, p.Location(), p.Calendar())
}

// ReminderAt is when a reminder off before due falls. An offset in days,
// weeks, months or working days falls at remind_at (default 09:00) on
// that day, or on the working day before it when it is a rest day, and
// never inside the quiet hours; one with a clock part (hours, minutes)
// falls exactly off before due.
func (p Policy) ReminderAt(due time.Time, off Duration) time.Time {
	at := p.Before(due, off)
	if off.HasClock() {
		return at
	}
	return p.WorkingMorningOf(at)
}

// WorkingMorningOf is remind_at on t's day in the township's zone, or on
// the working day before it when that is a rest day, and out of the quiet
// hours: when a reminder about t's day goes out.
func (p Policy) WorkingMorningOf(at time.Time) time.Time {
	clock := p.RemindAt
	if clock == "" {
		clock = Default().RemindAt
	}
	var h, m int
	if _, err := fmt.Sscanf(clock, "%d:%d", &h, &m); err != nil {
		h, m = 9, 0
	}
	loc := p.Location()
	d := at.In(loc)
	t := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
	cal := p.Calendar()
	// A long holiday is at most a few weeks: the bound only keeps a
	// calendar without working days from looping.
	for i := 0; i < 60 && !cal.IsWorkingDay(t); i++ {
		t = t.AddDate(0, 0, -1)
	}
	return p.QuietUntil(t.UTC())
}

// QuietUntil is when a non-urgent message written at t may go out: t itself
// outside the quiet hours, else the end of the quiet hours in the
// township's zone.
func (p Policy) QuietUntil(t time.Time) time.Time {
	if p.QuietHours == "" {
		return t
	}
	var sh, sm, eh, em int
	if _, err := fmt.Sscanf(p.QuietHours, "%d:%d-%d:%d", &sh, &sm, &eh, &em); err != nil {
		return t
	}
	loc := p.Location()
	l := t.In(loc)
	day := func(d time.Time, h, m int) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc) }
	start, end := day(l, sh, sm), day(l, eh, em)
	if !end.After(start) {
		// The window crosses midnight: 21:00 today to 08:00 tomorrow.
		if l.Before(end) {
			return end.UTC()
		}
		if !l.Before(start) {
			return end.AddDate(0, 0, 1).UTC()
		}
		return t
	}
	if !l.Before(start) && l.Before(end) {
		return end.UTC()
	}
	return t
}
