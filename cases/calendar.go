package cases

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/holiday"
	"suggestflow/refusal"
	"suggestflow/store"
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
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return day, err
	}
	_, err = s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: domain.NewID("calendar-"), TaskQueue: contract.TaskQueue},
		contract.RecomputeWorkflowName, contract.RecomputeInput{Overrides: pol.CalendarOverrides})
	if err != nil {
		return day, s.temporalError(err)
	}
	cal, err := holiday.New(pol.CalendarOverrides)
	if err != nil {
		return day, fmt.Errorf("calendar: %w", err)
	}
	at, err := time.ParseInLocation(holiday.DateLayout, o.Date, pol.Location())
	if err != nil {
		return day, fmt.Errorf("calendar day %s: %w", o.Date, err)
	}
	return holiday.Day{Date: o.Date, Working: cal.IsWorkingDay(at), Reason: cal.Explain(at)}, nil
}
