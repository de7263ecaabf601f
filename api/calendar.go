package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/holiday"
	"suggestflow/policy"
	"suggestflow/refusal"
)

// --- calendar ---

func (s *Server) calendarDays(c echo.Context) error {
	ctx := c.Request().Context()
	loc := s.policy.Location()
	from := s.now().In(loc)
	if v := c.QueryParam("from"); v != "" {
		t, err := time.ParseInLocation(holiday.DateLayout, v, loc)
		if err != nil {
			return refusal.OnField("from", refusal.DayFormat)
		}
		from = t
	}
	to := from.AddDate(0, 1, 0)
	if v := c.QueryParam("to"); v != "" {
		t, err := time.ParseInLocation(holiday.DateLayout, v, loc)
		if err != nil {
			return refusal.OnField("to", refusal.DayFormat)
		}
		to = t
	}
	pol, err := s.cases.CurrentPolicy(ctx)
	if err != nil {
		return err
	}
	cal, err := holiday.New(pol.CalendarOverrides)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	days, err := cal.Days(from, to)
	if err != nil {
		return refusal.OnField("to", refusal.Unreadable, "error", err.Error())
	}
	return c.JSON(http.StatusOK, map[string]any{"days": days, "overrides": pol.CalendarOverrides})
}

type dayInput struct {
	Working *bool  `json:"working" validate:"required"`
	Note    string `json:"note" validate:"max=200"`
}

// setCalendarDay records a local working or rest day, then tells every
// open case to recompute its working-day deadlines.
func (s *Server) setCalendarDay(c echo.Context) error {
	var in dayInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	day, err := s.cases.SetCalendarDay(c.Request().Context(), holiday.Override{Date: c.Param("date"), Working: *in.Working, Note: in.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, day)
}

// calendarDue is the deadline calculator.
func (s *Server) calendarDue(c echo.Context) error {
	var fields []refusal.Field
	from := s.now()
	if v := c.QueryParam("from"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fields = append(fields, refusal.FieldOf("from", refusal.RFC3339))
		}
		from = t
	}
	d, err := policy.ParseDuration(c.QueryParam("duration"))
	if err != nil {
		fields = append(fields, refusal.FieldOf("duration", refusal.DurationFormat))
	}
	if len(fields) > 0 {
		return refusal.Fields(fields...)
	}
	pol, err := s.cases.CurrentPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pol.Due(from, d))
}
