package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"

	"suggestflow/contract"
	"suggestflow/holiday"
)

// SignalOpenCases tells every open case the calendar changed. The loaded
// schedules come as a second argument, so that a run scheduled before
// they existed (one argument) still decodes.
func (a *Activities) SignalOpenCases(ctx context.Context, overrides []holiday.Override, years []holiday.Schedule) (int, error) {
	n := 0
	after := ""
	for {
		ids, err := a.Store.OpenSuggestionIDs(ctx, after, 200)
		if err != nil {
			return n, err
		}
		if len(ids) == 0 {
			return n, nil
		}
		for _, id := range ids {
			err := a.Client.SignalWorkflow(ctx, id, "", contract.SignalCalendar, contract.RecomputeInput{Overrides: overrides, Years: years})
			if err != nil && !isNotFound(err) {
				return n, fmt.Errorf("signal %s: %w", id, err)
			}
			n++
			activity.RecordHeartbeat(ctx, id)
		}
		after = ids[len(ids)-1]
	}
}
