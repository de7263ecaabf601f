package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/notices"
)

// meetingICS serves the meeting notice as an iCalendar invitation.
func (s *Server) meetingICS(c echo.Context) error {
	m, err := s.store.Meeting(c.Request().Context(), c.Param("id"))
	if err != nil {
		return storeError(err, "meeting")
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+m.ID+`.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", notices.MeetingICS(m))
}
