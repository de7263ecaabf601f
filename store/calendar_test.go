package store

import (
	"context"
	"testing"
	"time"

	"suggestflow/holiday"
)

// TestCalendarYears: a loaded schedule is read back as stored, and loading
// the year again replaces it.
func TestCalendarYears(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			at := time.Date(2027, 11, 20, 2, 0, 0, 0, time.UTC)
			y := CalendarYear{Schedule: holiday.Schedule{Year: 2028, DaysOff: []string{"2028-01-01", "2028-01-02"}, WorkingDays: []string{}, Note: "元旦"},
				LoadedBy: "ac_1", LoadedAt: at}
			if err := s.SetCalendarYear(ctx, y); err != nil {
				t.Fatal(err)
			}
			y.DaysOff, y.WorkingDays, y.Note = []string{"2027-12-31", "2028-01-01"}, []string{"2028-01-08"}, "更正"
			if err := s.SetCalendarYear(ctx, y); err != nil {
				t.Fatal(err)
			}
			if err := s.SetCalendarYear(ctx, CalendarYear{Schedule: holiday.Schedule{Year: 2027, DaysOff: []string{"2027-01-01"}}, LoadedAt: at}); err != nil {
				t.Fatal(err)
			}
			got, err := s.CalendarYears(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Year != 2027 || got[0].WorkingDays == nil || got[1].Year != 2028 || got[1].Note != "更正" ||
				len(got[1].DaysOff) != 2 || got[1].DaysOff[0] != "2027-12-31" || got[1].WorkingDays[0] != "2028-01-08" || !got[1].LoadedAt.Equal(at) {
				t.Errorf("years: %+v", got)
			}
		})
	}
}
