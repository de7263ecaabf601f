package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
)

func (w *web) newSuggestionPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeSubmit, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "submit_suggestions"))
		return
	}
	w.showNew(rw, r, wc, http.StatusOK, nil)
}

func (w *web) showNew(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, f *formState) {
	ctx := r.Context()
	// Each form carries its own idempotency key: submitting it twice (a
	// double click, a reload) makes one suggestion, as with the API's
	// Idempotency-Key. A refused form keeps its key.
	key := randomToken()
	if f == nil {
		f = &formState{Name: "new", Defaults: map[string]string{"kind": "suggestion", "submitted_in": "recess"}}
	} else if k := f.V("idempotency_key"); k != "" {
		key = k
	}
	d := map[string]any{"Form": f, "Key": key, "Kinds": domain.Kinds, "SubmittedIn": domain.SubmittedIn}
	deputies, err := w.allDeputies(ctx)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	// Retired deputies can neither lead nor co-sign.
	serving := make([]domain.Deputy, 0, len(deputies))
	for _, dep := range deputies {
		if dep.Active {
			serving = append(serving, dep)
		}
	}
	if may(wc.p, routeDeputies, nil) == access.Allow {
		d["Deputies"] = serving
		d["CoSigners"] = serving
		// With no deputy yet there is nobody to submit for: say what to do.
		d["NoDeputies"] = len(deputies) == 0
	} else {
		// A deputy submits as the lead deputy and picks co-signers from the
		// roster by name and group — what the congress publishes anyway;
		// nothing else about a colleague reaches the page.
		d["Self"] = wc.name
		roster := make([]domain.Deputy, 0, len(serving))
		for _, dep := range serving {
			if dep.ID == wc.p.DeputyID {
				d["Self"] = dep.Name
				continue
			}
			roster = append(roster, domain.Deputy{ID: dep.ID, Name: dep.Name, Group: dep.Group})
		}
		d["CoSigners"] = roster
	}
	w.render(rw, r, wc, status, "new", "new.title", d)
}

// allDeputies pages through the deputies (a township has a few hundred).
func (w *web) allDeputies(ctx context.Context) ([]domain.Deputy, error) {
	var out []domain.Deputy
	for n := 1; n <= 100; n++ {
		items, total, err := w.store.Deputies(ctx, store.RosterFilter{}, store.Page{Number: n, Size: maxPageSize})
		if err != nil {
			return nil, store.Refused(err, "deputy")
		}
		out = append(out, items...)
		if int64(len(out)) >= total || len(items) == 0 {
			break
		}
	}
	return out, nil
}

func (w *web) submitSuggestion(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	err := w.allowWrite(wc, routeSubmit, nil)
	var sg domain.Suggestion
	if err == nil {
		sg, err = w.submit(r.Context(), wc, r.PostForm)
	}
	w.audit(r, wc, "/ui/suggestions", sg.ID, err)
	lang := langOf(r)
	if w.refuse(rw, r, wc, "new", err, func(status int, f *formState) { w.showNew(rw, r, wc, status, f) }) {
		return
	}
	w.setFlash(r, wc, fmt.Sprintf(tr(lang, "msg.submitted"), sg.Number))
	http.Redirect(rw, r, "/ui/suggestions/"+url.PathEscape(sg.ID), http.StatusSeeOther)
}

// submit starts a case from the form, with the checks and the
// idempotency of POST /api/v1/suggestions.
func (w *web) submit(ctx context.Context, wc *webCtx, f url.Values) (domain.Suggestion, error) {
	in := domain.SubmitInput{Title: strings.TrimSpace(f.Get("title")), Content: f.Get("content"), Kind: f.Get("kind"),
		Category: strings.TrimSpace(f.Get("category")), LeadDeputyID: f.Get("lead_deputy_id"), CoSignerIDs: nonEmpty(f["co_signer_ids"]),
		SubmittedIn: f.Get("submitted_in"), Opinions: opinionLines(f.Get("opinions"))}
	if wc.p.Role == access.RoleDeputy {
		in.LeadDeputyID = wc.p.DeputyID
	}
	if len(in.Opinions) == 0 {
		in.Opinions = nil
	}
	// The pages' keys live apart from API clients' keys; a form whose key
	// is not ours (too long) is taken without one.
	const prefix = "web:"
	key := f.Get("idempotency_key")
	if key != "" {
		if len(prefix+key) > cases.MaxKeyLength {
			key = ""
		} else {
			key = prefix + key
		}
	}
	sg, _, err := w.cases.Submit(ctx, wc.p, in, key)
	return sg, err
}

// opinionLines reads constituents' opinions, one per line.
func opinionLines(v string) []string {
	var out []string
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}
