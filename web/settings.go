package web

import (
	"net/http"
	"strings"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/delivery"
	"suggestflow/i18n"
	"suggestflow/refusal"
)

// The settings page: the township's name, every policy value with its
// meaning and source (editable by an admin, for what starts from then on),
// the delivery channels with a test message each, and the calendar's
// years.

const (
	routeSettings    = "GET /api/v1/settings"
	routeSetPolicy   = "PUT /api/v1/settings/policy/:key"
	routeTestChannel = "POST /api/v1/settings/channels/:channel/test"
)

// allChannels are the channels there are, configured or not.
var allChannels = []string{"email", "webhook", "wecom", "dingtalk", "sms"}

type settingRow struct {
	cases.Setting
	Meaning, Source string
	Multiline       bool
	// Form is the refused value of this key, with why.
	Form *formState
}

type channelRow struct {
	Name       string
	Configured bool
}

type settingsData struct {
	Township, Timezone string
	Rows               []settingRow
	Channels           []channelRow
	Years              []cases.CalendarYear
	CanEdit, CanTest   bool
	TestForm           *formState
}

func (w *web) settingsPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showSettings(rw, r, wc, http.StatusOK, "", nil)
}

func (w *web) showSettings(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, key string, f *formState) {
	if may(wc.p, routeSettings, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "settings"))
		return
	}
	ctx, lang := r.Context(), langOf(r)
	list, err := w.cases.Settings(ctx)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	pol, err := w.cases.CurrentPolicy(ctx)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	years, err := w.cases.CalendarYears(ctx)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	d := settingsData{Township: pol.Township, Timezone: pol.Timezone, Years: years,
		CanEdit: may(wc.p, routeSetPolicy, nil) == access.Allow, CanTest: may(wc.p, routeTestChannel, nil) == access.Allow}
	for _, st := range list {
		row := settingRow{Setting: st, Meaning: i18n.PolicyMeaning(lang, st.Key), Source: i18n.PolicySource(lang, st.Key),
			Multiline: strings.Contains(st.Value, "\n")}
		if st.Key == key {
			row.Form = f
		}
		d.Rows = append(d.Rows, row)
	}
	on := map[string]bool{}
	for _, n := range delivery.Names(w.delivery) {
		on[n] = true
	}
	for _, n := range allChannels {
		d.Channels = append(d.Channels, channelRow{Name: n, Configured: on[n]})
	}
	if key == "" {
		d.TestForm = f
	}
	w.render(rw, r, wc, status, "settings", "settings.title", d)
}

func (w *web) setPolicy(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	key := r.PathValue("key")
	err := w.allowWrite(wc, routeSetPolicy, nil)
	if err == nil {
		_, err = w.cases.SetPolicyValue(r.Context(), wc.p, key, r.PostFormValue("value"))
	}
	w.audit(r, wc, routeSetPolicy, key, err)
	if w.refuse(rw, r, wc, "setting", err, func(status int, f *formState) { w.showSettings(rw, r, wc, status, key, f) }) {
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "settings.saved"))
	http.Redirect(rw, r, "/ui/settings#key-"+key, http.StatusSeeOther)
}

func (w *web) testChannel(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	channel := r.PathValue("channel")
	err := w.allowWrite(wc, routeTestChannel, nil)
	if err == nil {
		err = w.cases.TestChannel(r.Context(), w.delivery, channel,
			delivery.Address{Email: strings.TrimSpace(r.PostFormValue("email")), Phone: strings.TrimSpace(r.PostFormValue("phone"))})
	}
	w.audit(r, wc, routeTestChannel, channel, err)
	lang := langOf(r)
	if rf, ok := refusal.As(err); ok {
		// A channel that fails is what the test is for: say why on the
		// page, with the address kept.
		f := refused("test", rf, r.PostForm, lang, w.policy.Location())
		f.Summary = tr(lang, "channel."+channel) + tr(lang, "problem.sep") + rf.Text(i18n.For(lang, w.policy.Location()))
		w.showSettings(rw, r, wc, http.StatusOK, "", f)
		return
	}
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.setFlash(r, wc, tr(lang, "channel."+channel)+tr(lang, "problem.sep")+tr(lang, "settings.test_sent"))
	http.Redirect(rw, r, "/ui/settings#channels", http.StatusSeeOther)
}
