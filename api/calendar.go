package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/cases"
	"suggestflow/holiday"
	"suggestflow/i18n"
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
	days, err := pol.Holidays().Days(from, to)
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
	return c.JSON(http.StatusOK, dueViewOf(pol.Due(from, d)))
}

// dueView is the calculator's answer: the deadline, how it was computed,
// and what may be wrong with it, as English text and as codes with their
// parameters for clients that say it in their own words.
type dueView struct {
	DueAt          time.Time        `json:"due_at"`
	Explanation    string           `json:"explanation"`
	Warnings       []string         `json:"warnings"`
	WarningDetails []policy.Warning `json:"warning_details"`
}

func dueViewOf(dl policy.Deadline) dueView {
	v := dueView{DueAt: dl.At, Explanation: dl.Explanation, Warnings: []string{}, WarningDetails: []policy.Warning{}}
	for _, w := range dl.Warnings {
		v.Warnings = append(v.Warnings, i18n.Warning(i18n.Raw, w.Code, w.Params))
		v.WarningDetails = append(v.WarningDetails, w)
	}
	return v
}

// calendarYears lists the years with the source of each one's official
// arrangement.
func (s *Server) calendarYears(c echo.Context) error {
	years, err := s.cases.CalendarYears(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, years)
}

// setCalendarYear loads a year's official schedule; open cases then
// recompute their working-day deadlines on it.
func (s *Server) setCalendarYear(c echo.Context) error {
	var in cases.CalendarYearInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	y, err := s.cases.SetCalendarYear(c.Request().Context(), principalOf(c), c.Param("year"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, y)
}
