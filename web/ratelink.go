package web

import (
	"context"
	"fmt"
	"net/http"
	neturl "net/url"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/ratelink"
	"suggestflow/refusal"
	"suggestflow/rules"
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

// ratingLinkView is a link as the office's list on the case page shows
// it: whose, when issued, until when, and its state.
type ratingLinkView struct {
	domain.RatingLink
	Deputy string
	// State is open, used, revoked or expired.
	State string
}

// ratingLinksData adds, for the office on a replied case, its rating links
// and the signers a new one can be issued to.
func (w *web) ratingLinksData(ctx context.Context, wc *webCtx, sg domain.Suggestion, names map[string]string, d *sgData) error {
	facts := access.SuggestionFacts(sg)
	if sg.Reply == nil || may(wc.p, routeIssueRatingLink, &facts) != access.Allow {
		return nil
	}
	links, err := w.cases.RatingLinks(ctx, sg.ID)
	if err != nil {
		return err
	}
	now := w.now()
	for _, l := range links {
		d.RatingLinks = append(d.RatingLinks, ratingLinkView{RatingLink: l, Deputy: names[l.DeputyID], State: ratelink.State(l, now)})
	}
	for _, id := range rules.Signers(sg) {
		d.LinkSigners = append(d.LinkSigners, choice{ID: id, Name: names[id]})
	}
	return nil
}

// issueRatingLink makes a new link for a signer; the flash shows its URL
// this once, for the office to pass on.
func (w *web) issueRatingLink(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	sg, err := w.loadSuggestion(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	facts := access.SuggestionFacts(sg)
	var url string
	err = w.allowWrite(wc, routeIssueRatingLink, &facts)
	if err == nil {
		_, url, err = w.cases.IssueRatingLink(r.Context(), wc.p, sg.ID, r.PostFormValue("deputy_id"))
	}
	w.audit(r, wc, "/ui/suggestions/:id/rating-links", sg.ID, err)
	if w.refuse(rw, r, wc, "rating-link", err, func(status int, f *formState) { w.showSuggestion(rw, r, wc, status, sg, f) }) {
		return
	}
	w.setFlash(r, wc, fmt.Sprintf(tr(langOf(r), "rl.issued"), url))
	http.Redirect(rw, r, "/ui/suggestions/"+neturl.PathEscape(sg.ID)+"#rating-links", http.StatusSeeOther)
}

// revokeRatingLink ends a link of the case.
func (w *web) revokeRatingLink(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	sg, err := w.loadSuggestion(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	facts := access.SuggestionFacts(sg)
	err = w.allowWrite(wc, routeRevokeRatingLink, &facts)
	if err == nil {
		err = w.revokeLinkOf(r.Context(), sg.ID, r.PathValue("link"))
	}
	w.audit(r, wc, "/ui/suggestions/:id/rating-links/:link/revoke", sg.ID, err)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "rl.revoked"))
	http.Redirect(rw, r, "/ui/suggestions/"+neturl.PathEscape(sg.ID)+"#rating-links", http.StatusSeeOther)
}

// revokeLinkOf revokes a link only through its own case's page: a link of
// another case is not found here.
func (w *web) revokeLinkOf(ctx context.Context, suggestionID, linkID string) error {
	links, err := w.cases.RatingLinks(ctx, suggestionID)
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.ID == linkID {
			_, err := w.cases.RevokeRatingLink(ctx, linkID)
			return err
		}
	}
	return refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", "rating link")
}
