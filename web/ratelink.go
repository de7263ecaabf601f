package web

import (
	"net/http"

	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/refusal"
)

// ratingLinkData is the rating link's page: the case and its reply, the
// form, or why the link no longer opens, or the thanks.
type ratingLinkData struct {
	View         cases.RatingLinkView
	Form         *formState
	RatingValues []string
	// Closed is why the link opens nothing (used, expired, revoked, not
	// found): the page says it and how else to rate.
	Closed string
	Done   bool
}

// ratingLinkPage is /r/{token}: a deputy rates from the link in a reply
// notice or the QR code on a reply letter, without signing in.
func (w *web) ratingLinkPage(rw http.ResponseWriter, r *http.Request) {
	w.showRatingLink(rw, r, http.StatusOK, nil)
}

func (w *web) showRatingLink(rw http.ResponseWriter, r *http.Request, status int, form *formState) {
	v, err := w.cases.OpenRatingLink(r.Context(), r.PathValue("token"))
	if err != nil {
		w.ratingLinkClosed(rw, r, err)
		return
	}
	if form == nil {
		form = &formState{Name: "rate"}
	}
	w.render(rw, r, nil, status, "ratelink", "rl.title", ratingLinkData{View: v, Form: form, RatingValues: domain.RatingValues})
}

// ratingLinkClosed says why the link opens nothing; what the deputy can
// do then is on the page (sign in, or ask the office).
func (w *web) ratingLinkClosed(rw http.ResponseWriter, r *http.Request, err error) {
	rf, ok := refusalOf(err)
	if !ok || rf.Kind == refusal.Unavailable {
		w.webError(rw, r, nil, err)
		return
	}
	w.render(rw, r, nil, rf.Kind.Status(), "ratelink", "rl.title", ratingLinkData{Closed: summary(langOf(r), rf, w.policy.Location())})
}

func (w *web) rateByLink(rw http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		w.webError(rw, r, nil, refusal.New(refusal.BadRequest, refusal.FormUnreadable))
		return
	}
	// No account: the write limit is the client address's.
	if !w.writes.Allow("client:" + clientAddress(r)) {
		rw.Header().Set("Retry-After", "1")
		w.webError(rw, r, nil, refusal.New(refusal.TooMany, refusal.RateLimited))
		return
	}
	in := domain.RatingInput{Attitude: r.PostFormValue("attitude"), Result: r.PostFormValue("result"), Reasons: r.PostFormValue("reasons")}
	_, err := w.cases.RateByLink(r.Context(), r.PathValue("token"), in)
	if rf, ok := refusal.As(err); ok && (rf.Kind == refusal.Gone || rf.Kind == refusal.NotFound) {
		w.ratingLinkClosed(rw, r, err)
		return
	}
	if w.refuse(rw, r, nil, "rate", err, func(status int, f *formState) { w.showRatingLink(rw, r, status, f) }) {
		return
	}
	w.render(rw, r, nil, http.StatusOK, "ratelink", "rl.title", ratingLinkData{Done: true})
}
