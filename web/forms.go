package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"suggestflow/i18n"
	"suggestflow/refusal"
)

// --- form values ---

// localTime reads a date and time typed in the township's zone, as a
// datetime-local input sends it (or typed by hand in an old browser).
func localTime(v, field string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil // "is required" comes from the validation
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006/01/02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, refusal.OnField(field, refusal.TimeFormat)
}

// endOfDay reads a date in the township's zone as the end of that day: a
// deadline counted in days ends at the end of its last day (DOMAIN.md §8).
func endOfDay(v, field string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", "2006/01/02", "2006-1-2", "2006/1/2"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.AddDate(0, 0, 1).Add(-time.Second).UTC(), nil
		}
	}
	return time.Time{}, refusal.OnField(field, refusal.DateFormat)
}

// startOfDay reads a date in the township's zone as the start of that
// day: the date something already happened on (a letter sent, received).
func startOfDay(v, field string, loc *time.Location) (time.Time, error) {
	end, err := endOfDay(v, field, loc)
	if err != nil || end.IsZero() {
		return end, err
	}
	return end.Add(time.Second).AddDate(0, 0, -1), nil
}

// splitList reads names one per line or separated by commas (either
// width) or 、.
func splitList(v string) []string {
	f := func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；'
	}
	out := []string{}
	for _, s := range strings.FieldsFunc(v, f) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func nonEmpty(list []string) []string {
	out := []string{}
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// formState is one form as the page shows it: its values (the defaults,
// or what was sent when it was refused) and the refusal's messages.
type formState struct {
	Name     string
	Open     bool
	Summary  string
	List     []string
	Values   url.Values
	Defaults map[string]string
	// Errs are the messages of the refused fields, shown beside each.
	Errs map[string]string
}

// E is the message of a refused field, or "".
func (f *formState) E(k string) string {
	if f == nil {
		return ""
	}
	return f.Errs[k]
}

// V is a field's value.
func (f *formState) V(k string) string {
	if f == nil {
		return ""
	}
	if f.Values != nil {
		return f.Values.Get(k)
	}
	return f.Defaults[k]
}

// Sel says whether a choice is selected.
func (f *formState) Sel(k, v string) bool {
	if f == nil {
		return false
	}
	if f.Values != nil {
		for _, x := range f.Values[k] {
			if x == v {
				return true
			}
		}
		return false
	}
	return f.Defaults[k] == v
}

// refused is a form shown again with the refusal's messages.
func refused(name string, r *refusal.Error, values url.Values, lang string, loc *time.Location) *formState {
	errs := map[string]string{}
	for _, fl := range r.Fields {
		errs[fl.Name] = fl.Text(i18n.For(lang, loc))
	}
	return &formState{Name: name, Open: true, Values: values, Summary: summary(lang, r, loc), List: fieldLines(lang, r, loc), Errs: errs}
}

// refuse answers a form whose action failed: the form again, as filled in,
// with why when the caller can fix it, else the error page. It reports
// whether there was anything to refuse.
func (w *web) refuse(rw http.ResponseWriter, r *http.Request, wc *webCtx, form string, err error, show func(status int, f *formState)) bool {
	if err == nil {
		return false
	}
	rf, ok := refusal.As(err)
	if !ok || rf.Kind == refusal.Unavailable {
		w.webError(rw, r, wc, err)
		return true
	}
	values := r.PostForm
	values.Del("csrf")
	show(rf.Kind.Status(), refused(form, rf, values, langOf(r), w.policy.Location()))
	return true
}
