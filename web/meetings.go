package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
)

// --- meetings ---

type meetingRow struct {
	domain.MeetingView
	CanOpen bool
}

func (w *web) meetingRows(p access.Principal, ms []domain.Meeting) []meetingRow {
	out := make([]meetingRow, 0, len(ms))
	for _, m := range ms {
		obj := access.MeetingFacts(m)
		out = append(out, meetingRow{MeetingView: m.View(), CanOpen: may(p, routeMeeting, &obj) == access.Allow})
	}
	return out
}

func (w *web) meetingList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeMeetings, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "list_meetings"))
		return
	}
	status := r.URL.Query().Get("status")
	if status != domain.MeetingScheduled && status != domain.MeetingHeld {
		status = ""
	}
	pageNo := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 && n <= 100000 {
		pageNo = n
	}
	scope := access.ListScope(wc.p)
	items, total, err := w.store.Meetings(r.Context(), store.MeetingFilter{Status: status, UnitID: scope.UnitID, DeputyID: scope.DeputyID},
		store.Page{Number: pageNo, Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "meeting"))
		return
	}
	pages := int((total + webPageSize - 1) / webPageSize)
	if pages == 0 {
		pages = 1
	}
	prev, next := pageURLs(r.URL, pageNo, pages)
	w.render(rw, r, wc, http.StatusOK, "meetings", "meetings.title", map[string]any{
		"Status": status, "Items": w.meetingRows(wc.p, items), "Page": pageNo, "Pages": pages, "PrevURL": prev, "NextURL": next})
}

// loadMeeting reads a meeting the caller may see under the route's rule;
// a meeting that is not theirs is "not found", as in the API.
func (w *web) loadMeeting(r *http.Request, wc *webCtx, route string) (domain.Meeting, error) {
	m, err := w.store.Meeting(r.Context(), r.PathValue("id"))
	if err != nil {
		return m, store.Refused(err, "meeting")
	}
	obj := access.MeetingFacts(m)
	switch may(wc.p, route, &obj) {
	case access.Forbidden:
		return m, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "do_this")
	case access.Hidden:
		return m, refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", "meeting")
	}
	return m, nil
}

func (w *web) meetingPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showMeeting(rw, r, wc, http.StatusOK, nil)
}

func (w *web) showMeeting(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, form *formState) {
	m, err := w.loadMeeting(r, wc, routeMeeting)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	lang := langOf(r)
	attendees, err := w.attendeeNames(r.Context(), lang, wc.p, m)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	sg, err := w.store.Suggestion(r.Context(), m.SuggestionID)
	canOpen := false
	if err == nil {
		facts := access.SuggestionFacts(sg)
		canOpen = may(wc.p, routeGet, &facts) == access.Allow
	}
	if form == nil && m.Status == domain.MeetingScheduled && may(wc.p, routeMinutes, nil) == access.Allow {
		form = &formState{Name: "minutes"}
	}
	w.render(rw, r, wc, status, "meeting", "meeting.title", map[string]any{
		"M": m.View(), "Attendees": attendees, "CanOpenSuggestion": canOpen, "Form": form})
}

// attendeeNames turns the meeting's recipients into names.
func (w *web) attendeeNames(ctx context.Context, lang string, p access.Principal, m domain.Meeting) ([]string, error) {
	units, _, err := w.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	party := p.Role == access.RoleUnit && m.UnitID == p.UnitID || p.Role == access.RoleDeputy && slices.Contains(m.DeputyIDs, p.DeputyID)
	deputies, err := w.deputyNames(ctx, lang, p, party, m.DeputyIDs)
	if err != nil {
		return nil, err
	}
	heads := map[string]string{}
	if m.UnitID != "" {
		if u, err := w.store.Unit(ctx, m.UnitID); err == nil {
			heads[u.ID] = u.Head
		}
	}
	out := make([]string, 0, len(m.Attendees))
	for _, a := range m.Attendees {
		id := a.ID()
		switch a.Kind() {
		case domain.KindPresidium:
			out = append(out, tr(lang, "meeting.presidium"))
		case domain.KindDeputy:
			out = append(out, deputies[id])
		case domain.KindUnitHead:
			out = append(out, fmt.Sprintf(tr(lang, "meeting.unit_head"), units[id], heads[id]))
		default:
			out = append(out, string(a))
		}
	}
	return out, nil
}
