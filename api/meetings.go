package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/notices"
	"suggestflow/refusal"
	"suggestflow/store"
)

func (s *Server) listMeetings(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	scope := access.ListScope(principalOf(c))
	f := store.MeetingFilter{Status: c.QueryParam("status"), SuggestionID: c.QueryParam("suggestion_id"),
		UnitID: scope.UnitID, DeputyID: scope.DeputyID}
	if f.Status != "" && f.Status != domain.MeetingScheduled && f.Status != domain.MeetingHeld {
		return refusal.OnField("status", refusal.OneOf, "values", "scheduled, held")
	}
	items, total, err := s.store.Meetings(c.Request().Context(), f, p)
	if err != nil {
		return store.Refused(err, "meeting")
	}
	return c.JSON(http.StatusOK, list[domain.MeetingView]{Items: meetingViews(items), Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getMeeting(c echo.Context) error {
	m, err := s.store.Meeting(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "meeting")
	}
	return c.JSON(http.StatusOK, m.View())
}

func meetingViews(ms []domain.Meeting) []domain.MeetingView {
	out := make([]domain.MeetingView, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.View())
	}
	return out
}

func (s *Server) callMeeting(c echo.Context) error {
	var in domain.CallMeetingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.cases.CallMeeting(c.Request().Context(), principalOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (s *Server) minutes(c echo.Context) error {
	var in domain.MinutesInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.cases.Minutes(c.Request().Context(), principalOf(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// meetingICS serves the meeting notice as an iCalendar invitation.
func (s *Server) meetingICS(c echo.Context) error {
	m, err := s.store.Meeting(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "meeting")
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+m.ID+`.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", notices.MeetingICS(m))
}
