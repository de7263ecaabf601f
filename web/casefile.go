package web

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"suggestflow/access"
	"suggestflow/documents"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/rules"
	"suggestflow/store"
)

// The case page shows everything that was done on a case, round by
// round, and who to contact; and it says in words what the case waits for
// next. This file gathers that from the store's records.

// roundView is one handling round as the page shows it: what the unit
// recorded in it and the deputies' ratings of its reply.
type roundView struct {
	Number          int
	Consultations   []domain.Consultation
	ProgressReports []domain.ProgressReport
	Extensions      []domain.ExtensionRequest
	Reply           *domain.Reply
	Ratings         []ratingRow
}

// coOpinionView is a co-handling unit's opinion with the unit's name.
type coOpinionView struct {
	domain.CoOpinion
	Unit string
}

// contact is a person the reader may call about the case.
type contact struct {
	Role, Name, Phone, Email string
}

// caseFile fills the records of every round, the co-opinions and
// completions, the constituents' opinions (for the presidium and the lead
// deputy only: they are personal data) and the contacts.
func (w *web) caseFile(ctx context.Context, lang string, wc *webCtx, sg domain.Suggestion, units, names map[string]string, d *sgData) error {
	f, err := w.store.CaseFile(ctx, sg.ID)
	if err != nil {
		return store.Refused(err, "suggestion")
	}
	d.Docs = caseDocLinks(lang, wc.p, sg.ID, documents.ReadyOf(sg, f), access.SuggestionFacts(sg))
	rounds := map[int]*roundView{}
	round := func(n int) *roundView {
		if n < 1 {
			n = 1
		}
		if rounds[n] == nil {
			rounds[n] = &roundView{Number: n}
		}
		return rounds[n]
	}
	if sg.Assignment != nil {
		for n := 1; n <= sg.Round; n++ {
			round(n)
		}
	}
	for _, c := range f.Consultations {
		r := round(c.Round)
		r.Consultations = append(r.Consultations, c)
	}
	for _, p := range f.ProgressReports {
		r := round(p.Round)
		r.ProgressReports = append(r.ProgressReports, p)
	}
	for _, x := range f.Extensions {
		r := round(x.Round)
		r.Extensions = append(r.Extensions, x)
	}
	for i := range f.Replies {
		round(f.Replies[i].Round).Reply = &f.Replies[i]
	}
	for _, g := range f.Ratings {
		r := round(g.Round)
		r.Ratings = append(r.Ratings, ratingRow{Rating: g, Deputy: names[g.DeputyID]})
	}
	// Newest round first: the current one is what the reader came for.
	for _, n := range slices.Backward(slices.Sorted(maps.Keys(rounds))) {
		d.Rounds = append(d.Rounds, *rounds[n])
	}
	for _, o := range f.CoOpinions {
		d.CoOpinions = append(d.CoOpinions, coOpinionView{CoOpinion: o, Unit: units[o.UnitID]})
	}
	d.Completions = f.Completions
	if wc.p.Presidium() || (wc.p.Role == access.RoleDeputy && wc.p.DeputyID == sg.LeadDeputyID) {
		d.Opinions = f.Opinions
		d.ShowOpinions = true
	}
	d.Contacts, err = w.contacts(ctx, lang, wc, sg)
	return err
}

// contacts are the people the reader deals with on the case: a unit sees
// the deputies' phones, to arrange the face-to-face consultation; a deputy
// sees the unit's named handler; the presidium sees both.
func (w *web) contacts(ctx context.Context, lang string, wc *webCtx, sg domain.Suggestion) ([]contact, error) {
	var out []contact
	unitSide := wc.p.Presidium() || (wc.p.Role == access.RoleUnit && (wc.p.UnitID == sg.LeadUnitID() || rules.IsCoUnit(sg, wc.p.UnitID)))
	deputySide := wc.p.Presidium() || (wc.p.Role == access.RoleDeputy && slices.Contains(rules.Signers(sg), wc.p.DeputyID))
	var unitIDs []string
	if sg.Assignment != nil && deputySide {
		unitIDs = []string{sg.Assignment.LeadUnitID}
	}
	var deputyIDs []string
	if unitSide {
		deputyIDs = rules.Signers(sg)
	}
	unitsByID, deputies, err := w.store.Names(ctx, unitIDs, deputyIDs)
	if err != nil {
		return nil, store.Refused(err, "deputy")
	}
	for _, id := range deputyIDs {
		dep, ok := deputies[id]
		if !ok {
			continue
		}
		role := tr(lang, "contact.co_signer")
		if id == sg.LeadDeputyID {
			role = tr(lang, "contact.lead_deputy")
		}
		out = append(out, contact{Role: role, Name: dep.Name, Phone: dep.Phone, Email: dep.Email})
	}
	if u, ok := unitsByID[firstOf(unitIDs)]; ok {
		a := sg.Assignment
		handler := contact{Role: fmt.Sprintf(tr(lang, "contact.handler"), u.Name), Name: a.Handler, Phone: u.HandlerPhone, Email: u.HandlerEmail}
		if handler.Name == "" {
			handler.Name = u.Handler
		}
		if handler.Phone == "" && handler.Email == "" {
			// No handler's own contacts on the unit's record: the unit's.
			handler.Phone, handler.Email = u.Phone, u.Email
		}
		out = append(out, handler)
	}
	return out, nil
}

func firstOf(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// waiting says in words what the case waits for next and until when, as
// the top of the case page and its live refresh show it.
func (w *web) waiting(lang string, sg domain.Suggestion) string {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(w.policy.Location()).Format("2006-01-02")
	}
	with := func(key string, t *time.Time) string {
		if t == nil {
			return tr(lang, key)
		}
		return fmt.Sprintf(tr(lang, key+"_due"), day(t))
	}
	switch sg.Status {
	case domain.StatusSubmitted:
		return with("wait.review", &sg.ReviewDueAt)
	case domain.StatusAccepted:
		return tr(lang, "wait.assign")
	case domain.StatusHandling, domain.StatusRehandling:
		switch {
		case sg.PendingExtension != nil:
			return tr(lang, "wait.extension")
		case !sg.Consulted:
			return with("wait.consult", sg.DueAt)
		}
		return with("wait.reply", sg.DueAt)
	case domain.StatusReplied:
		return with("wait.rating", sg.RatingDueAt)
	case domain.StatusFollowingUp:
		var promised *time.Time
		if sg.Reply != nil {
			promised = sg.Reply.PromisedAt
		}
		return with("wait.completion", promised)
	case domain.StatusReferred:
		if sg.Referral != nil && sg.Referral.Answer == nil {
			return tr(lang, "wait.referral")
		}
		return tr(lang, "wait.referral_answered")
	case domain.StatusClosed:
		if rules.NextStep(sg) == rules.ReviewEnding {
			return tr(lang, "wait.ending_review")
		}
		return tr(lang, "wait.closed")
	case domain.StatusReturned:
		return tr(lang, "wait.returned")
	case domain.StatusMerged:
		return tr(lang, "wait.merged")
	}
	return tr(lang, "status."+string(sg.Status))
}

// liveStatus answers the case page's refresh: what the case waits for now,
// and its step number, so that the page can offer a reload once someone
// else has acted on the case.
func (w *web) liveStatus(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	sg, err := w.loadSuggestion(r, wc)
	if err != nil {
		rf, _ := refusal.As(err)
		status := http.StatusInternalServerError
		if rf != nil {
			status = rf.Kind.Status()
		}
		http.Error(rw, http.StatusText(status), status)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Cache-Control", "no-store")
	if err := json.NewEncoder(rw).Encode(map[string]any{"waiting": w.waiting(langOf(r), sg), "seq": sg.Seq}); err != nil {
		w.log.Debug("web: live status not sent", "suggestion", sg.ID, "error", err)
	}
}
