package notices

import (
	"time"

	ics "github.com/arran4/golang-ical"

	"suggestflow/domain"
)

// Urgent kinds go out at once, even in the quiet hours: a deadline that
// has passed and a summons to a meeting.
func Urgent(kind string) bool {
	switch kind {
	case "overdue", "meeting_notice", "meeting_reminder":
		return true
	}
	return false
}

// MeetingICS is a meeting notice as an iCalendar invitation.
func MeetingICS(m domain.Meeting) []byte {
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
	if m.Status == domain.MeetingHeld {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	return []byte(cal.Serialize())
}
