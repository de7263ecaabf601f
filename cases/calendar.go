package cases

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/holiday"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// SetCalendarDay records a local working or rest day, then tells every
// open case to recompute its working-day deadlines.
func (s *Service) SetCalendarDay(ctx context.Context, o holiday.Override) (holiday.Day, error) {
	var day holiday.Day
	if _, err := holiday.New([]holiday.Override{o}); err != nil {
		return day, refusal.OnField("date", refusal.DayFormat)
	}
	if err := s.store.SetCalendarOverride(ctx, o); err != nil {
		return day, store.Refused(err, "calendar")
	}
	pol, err := s.recompute(ctx)
	if err != nil {
		return day, err
	}
	at, err := time.ParseInLocation(holiday.DateLayout, o.Date, pol.Location())
	if err != nil {
		return day, fmt.Errorf("calendar day %s: %w", o.Date, err)
	}
	cal := pol.Holidays()
	return holiday.Day{Date: o.Date, Working: cal.IsWorkingDay(at), Reason: cal.Explain(at)}, nil
}

// CalendarYear is one year of the calendar: where its official
// arrangement comes from, and the loaded schedule when there is one.
type CalendarYear struct {
	Year   int    `json:"year"`
	Source string `json:"source"`
	// The loaded schedule, for a year whose source is loaded.
	DaysOff     []string   `json:"days_off,omitempty"`
	WorkingDays []string   `json:"working_days,omitempty"`
	Note        string     `json:"note,omitempty"`
	LoadedAt    *time.Time `json:"loaded_at,omitempty"`
}

// CalendarYearInput is a year's official schedule as the State Council's
// notice gives it: the days off (the holidays with the weekends they
// take in) and the make-up working days, each YYYY-MM-DD.
type CalendarYearInput struct {
	DaysOff     []string `json:"days_off" validate:"required,max=366"`
	WorkingDays []string `json:"working_days" validate:"max=366"`
	Note        string   `json:"note" validate:"max=200"`
}

// CalendarYears lists the years a deadline starting now can reach, from
// last year to the year after next, and every year loaded, each with the
// source of its official arrangement, in order.
func (s *Service) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return nil, err
	}
	loaded, err := s.store.CalendarYears(ctx)
	if err != nil {
		return nil, store.Refused(err, "calendar")
	}
	this := s.now().In(pol.Location()).Year()
	byYear := map[int]CalendarYear{}
	for y := this - 1; y <= this+2; y++ {
		byYear[y] = CalendarYear{Year: y}
	}
	for _, l := range loaded {
		at := l.LoadedAt
		byYear[l.Year] = CalendarYear{Year: l.Year, DaysOff: l.DaysOff, WorkingDays: l.WorkingDays, Note: l.Note, LoadedAt: &at}
	}
	cal := pol.Holidays()
	out := make([]CalendarYear, 0, len(byYear))
	for _, y := range slices.Sorted(maps.Keys(byYear)) {
		cy := byYear[y]
		cy.Source = cal.Source(y)
		out = append(out, cy)
	}
	return out, nil
}

// SetCalendarYear loads a year's official schedule (the State Council's
// notice), replacing the built-in data or a schedule loaded before for
// that year, then tells every open case to recompute its working-day
// deadlines with it. year is the path's text, checked here.
func (s *Service) SetCalendarYear(ctx context.Context, p access.Principal, year string, in CalendarYearInput) (CalendarYear, error) {
	var out CalendarYear
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 {
		return out, refusal.OnField("year", refusal.YearFormat)
	}
	if y < holiday.MinYear || y > holiday.MaxYear {
		return out, refusal.OnField("year", refusal.YearOutOfRange, "min", strconv.Itoa(holiday.MinYear), "max", strconv.Itoa(holiday.MaxYear))
	}
	if err := validation.Check(in); err != nil {
		return out, err
	}
	if len(in.DaysOff) == 0 {
		// Every year has holidays: an empty list is a form sent too early.
		return out, refusal.OnField("days_off", refusal.Required)
	}
	sched := holiday.Schedule{Year: y, DaysOff: in.DaysOff, WorkingDays: in.WorkingDays, Note: strings.TrimSpace(in.Note)}
	if sched.WorkingDays == nil {
		sched.WorkingDays = []string{}
	}
	if problems := sched.Check(); len(problems) > 0 {
		fields := make([]refusal.Field, 0, len(problems))
		for _, pr := range problems {
			fields = append(fields, scheduleField(pr, y))
		}
		return out, refusal.Fields(fields...)
	}
	at := s.now().UTC()
	if err := s.store.SetCalendarYear(ctx, store.CalendarYear{Schedule: sched, LoadedBy: p.AccountID, LoadedAt: at}); err != nil {
		return out, store.Refused(err, "calendar")
	}
	s.log.Info("official holiday schedule loaded", "year", y, "days_off", len(sched.DaysOff), "working_days", len(sched.WorkingDays), "account", p.AccountID)
	pol, err := s.recompute(ctx)
	if err != nil {
		return out, err
	}
	return CalendarYear{Year: y, Source: pol.Holidays().Source(y), DaysOff: sched.DaysOff, WorkingDays: sched.WorkingDays,
		Note: sched.Note, LoadedAt: &at}, nil
}

// scheduleField is the refusal of one bad date of a schedule.
func scheduleField(pr holiday.Problem, year int) refusal.Field {
	switch pr.Kind {
	case holiday.OutsideYear:
		return refusal.FieldOf(pr.Field, refusal.DayOutsideYear, "year", strconv.Itoa(year))
	case holiday.Repeated:
		return refusal.FieldOf(pr.Field, refusal.DayRepeated)
	case holiday.OffAndWorking:
		return refusal.FieldOf(pr.Field, refusal.DayOffAndWorking)
	}
	return refusal.FieldOf(pr.Field, refusal.DayFormat)
}

// recompute starts the workflow that sends the calendar as it now stands
// to every open case, and answers with that calendar's policy. The days
// are already stored: a case that misses the signal (it starts meanwhile)
// starts on the stored calendar.
func (s *Service) recompute(ctx context.Context) (policy.Policy, error) {
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return pol, err
	}
	_, err = s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: domain.NewID("calendar-"), TaskQueue: contract.TaskQueue},
		contract.RecomputeWorkflowName, contract.RecomputeInput{Overrides: pol.CalendarOverrides, Years: pol.CalendarYears})
	if err != nil {
		return pol, s.temporalError(err)
	}
	return pol, nil
}
