package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/holiday"
	"suggestflow/i18n"
	"suggestflow/refusal"
)

// --- the working-day calendar: years and their official schedules ---

const (
	routeCalendarYears = "GET /api/v1/calendar/years"
	routeLoadYear      = "PUT /api/v1/calendar/years/:year"
)

const routeSetDay = "PUT /api/v1/calendar/days/:date"

func (w *web) calendarPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showCalendar(rw, r, wc, http.StatusOK, nil)
}

func (w *web) showCalendar(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, form *formState) {
	w.showCalendarWith(rw, r, wc, status, form, nil)
}

// showCalendarWith is the page with the day form as sent, when it was
// refused.
func (w *web) showCalendarWith(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, form, dayForm *formState) {
	if may(wc.p, routeCalendarYears, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "see_calendar"))
		return
	}
	years, err := w.cases.CalendarYears(r.Context())
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	canLoad := may(wc.p, routeLoadYear, nil) == access.Allow
	if form == nil && canLoad {
		// The form offers the first year without data, else next year.
		next := strconv.Itoa(w.now().In(w.policy.Location()).Year() + 1)
		for _, y := range years {
			if y.Source == holiday.SourceNone {
				next = strconv.Itoa(y.Year)
				break
			}
		}
		form = &formState{Name: "year", Defaults: map[string]string{"year": next}}
	}
	pol, err := w.cases.CurrentPolicy(r.Context())
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	if dayForm == nil {
		dayForm = &formState{Name: "day", Defaults: map[string]string{"working": "false"}}
	}
	w.render(rw, r, wc, status, "calendar", "cal.title", map[string]any{"Years": years, "CanLoad": canLoad, "Form": form,
		"Days": pol.CalendarOverrides, "CanSetDay": may(wc.p, routeSetDay, nil) == access.Allow, "DayForm": dayForm})
}

// setDay sets a local working or rest day, as PUT /api/v1/calendar/days/{date}:
// open cases then recompute their working-day deadlines.
func (w *web) setDay(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	err := w.allowWrite(wc, routeSetDay, nil)
	date := strings.TrimSpace(r.PostFormValue("date"))
	if err == nil && date == "" {
		err = refusal.OnField("date", refusal.Required)
	}
	if err == nil {
		_, err = w.cases.SetCalendarDay(r.Context(), holiday.Override{Date: date, Working: r.PostFormValue("working") == "true",
			Note: strings.TrimSpace(r.PostFormValue("note"))})
	}
	w.audit(r, wc, routeSetDay, date, err)
	if w.refuse(rw, r, wc, "day", err, func(status int, f *formState) { w.showCalendarWith(rw, r, wc, status, nil, f) }) {
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "cal.day_saved"))
	http.Redirect(rw, r, "/ui/calendar#days", http.StatusSeeOther)
}

// loadYear loads a year's official schedule from the form, as
// PUT /api/v1/calendar/years/{year}. The dates may be typed one per line
// or separated by commas or spaces, and a run of days as a range
// (2028-01-01~2028-01-03, or with 至), as the notice writes them.
func (w *web) loadYear(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	lang := langOf(r)
	year := strings.TrimSpace(r.PostFormValue("year"))
	err := w.allowWrite(wc, routeLoadYear, nil)
	var in cases.CalendarYearInput
	if err == nil {
		in.DaysOff, err = dateList("days_off", r.PostFormValue("days_off"))
	}
	if err == nil {
		in.WorkingDays, err = dateList("working_days", r.PostFormValue("working_days"))
	}
	if err == nil {
		in.Note = r.PostFormValue("note")
		_, err = w.cases.SetCalendarYear(r.Context(), wc.p, year, in)
	}
	w.audit(r, wc, "/ui/calendar/years", year, err)
	if rf, ok := refusal.As(err); ok && rf.Kind != refusal.Unavailable {
		values := r.PostForm
		values.Del("csrf")
		f := refused("year", rf, values, lang, w.policy.Location())
		f.List = scheduleLines(lang, rf, in)
		w.showCalendar(rw, r, wc, rf.Kind.Status(), f)
		return
	}
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.setFlash(r, wc, fmt.Sprintf(tr(lang, "msg.year_loaded"), year))
	http.Redirect(rw, r, "/ui/calendar", http.StatusSeeOther)
}

var dateRange = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})\s*(?:~|～|至|\.\.|--)\s*(\d{4}-\d{2}-\d{2})$`)

// dateList reads the dates of one list of the form, expanding ranges. A
// range that cannot be read is refused on the field; a single bad date is
// passed on for the command to refuse with the others.
func dateList(field, v string) ([]string, error) {
	out := []string{}
	for _, line := range strings.FieldsFunc(v, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；'
	}) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		m := dateRange.FindStringSubmatch(line)
		if m == nil {
			out = append(out, strings.Fields(line)...)
			continue
		}
		from, err1 := time.Parse(holiday.DateLayout, m[1])
		to, err2 := time.Parse(holiday.DateLayout, m[2])
		if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) > 31*24*time.Hour {
			return nil, refusal.OnField(field, refusal.DayRange, "range", line)
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			out = append(out, d.Format(holiday.DateLayout))
		}
	}
	return out, nil
}

// scheduleLines are a refused schedule's field errors, each bad date
// named by its value: the form's lists are text, not numbered items.
func scheduleLines(lang string, rf *refusal.Error, in cases.CalendarYearInput) []string {
	out := make([]string, 0, len(rf.Fields))
	for _, f := range rf.Fields {
		name, value := f.Name, ""
		if list, idx, ok := strings.Cut(strings.TrimSuffix(f.Name, "]"), "["); ok {
			name = list
			if i, err := strconv.Atoi(idx); err == nil {
				dates := in.DaysOff
				if list == "working_days" {
					dates = in.WorkingDays
				}
				if i >= 0 && i < len(dates) {
					value = " " + dates[i]
				}
			}
		}
		out = append(out, fmt.Sprintf(tr(lang, "problem.field"), fieldLabel(lang, name)+value, f.Text(i18n.For(lang, nil))))
	}
	return out
}

// holidayWarnings are the years whose deadlines the dashboard warns about:
// this year when it has no official holiday data, and from November on,
// when the State Council publishes the next year's arrangement, next year
// when it has none yet.
func holidayWarnings(now time.Time, loc *time.Location, cal *holiday.Calendar) []int {
	local := now.In(loc)
	var out []int
	if cal.Source(local.Year()) == holiday.SourceNone {
		out = append(out, local.Year())
	}
	if local.Month() >= time.November && cal.Source(local.Year()+1) == holiday.SourceNone {
		out = append(out, local.Year()+1)
	}
	return out
}
