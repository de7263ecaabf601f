package api

import (
	"net/http"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/labstack/echo/v4"
)

// meetingICS serves the meeting notice as an iCalendar invitation.
func (s *Server) meetingICS(c echo.Context) error {
	m, err := s.store.Meeting(c.Request().Context(), c.Param("id"))
	if err != nil {
		return storeError(err, "meeting")
	}
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodRequest)
	cal.SetProductId("-//SuggestFlow//Escalation meeting//ZH")
	ev := cal.AddEvent(m.ID + "@suggestflow")
	ev.SetCreatedTime(m.CalledAt)
	ev.SetDtStampTime(m.CalledAt)
	ev.SetStartAt(m.ScheduledAt)
	ev.SetEndAt(m.ScheduledAt.Add(time.Hour))
	ev.SetSummary("约见：" + m.Title + "（" + m.Number + "）")
	ev.SetLocation(m.Place)
	ev.SetDescription(m.Agenda)
	if m.Status == "held" {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+m.ID+`.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(cal.Serialize()))
}
