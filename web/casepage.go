package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/rules"
	"suggestflow/store"
)

// --- the suggestion page ---

type ratingRow struct {
	domain.Rating
	Deputy string
}

type choice struct{ ID, Name string }

type sgData struct {
	Sg                   domain.Suggestion
	DueNote              string
	Row                  listRow
	LeadDeputy           string
	CoSigners            []string
	LeadUnit             string
	CoUnits              []string
	Ratings              []ratingRow
	Timeline             []domain.Event
	Meetings             []meetingRow
	Workflow             string
	WorkflowErr          bool
	HistoryLength        int64
	TemporalURL          string
	Actions              map[string]*formState
	Failed               *formState
	Units, CoUnitChoices []domain.Unit
	Raters               []choice
	ReturnCategories     []string
	Methods, Classes     []string
	RatingValues         []string
	// Similar are the open suggestions this one could be merged into;
	// MergedInto and MergedFrom name the cases of its merges.
	Similar    []similarRow
	MergedInto *store.CaseSummary
	// Ending is how a closed case ended without its deputy's
	// satisfaction, if it did; EndingReview the judgement on it.
	Ending       string
	EndingReview *domain.EndingReview
	Judge        string
	// What was done, round by round (newest first), and who to contact
	// (casefile.go); Waiting says what the case waits for next.
	Rounds       []roundView
	CoOpinions   []coOpinionView
	Completions  []domain.Completion
	Opinions     []string
	ShowOpinions bool
	Contacts     []contact
	Waiting      string
	// RatingLinks and LinkSigners: the office's rating links of a replied
	// case, and whom a new one may go to (ratelink.go).
	RatingLinks []ratingLinkView
	LinkSigners []choice

	// The case's files by step (attachments.go), the steps the caller may
	// add files to, the limits said beside the form, and the refused
	// upload, if any.
	Attachments     []attachStep
	AttachmentCount int
	UploadSteps     []string
	AttachHint      string
	Upload          *formState
	// Docs are the links to the official documents of the steps taken.
	Docs []docLink
}

// similarRow is a similar suggestion as the merge form offers it.
type similarRow struct {
	ID, Number, Title, Status string
	Pct                       int
}

// loadSuggestion reads a suggestion the caller may see; one that is not
// theirs is "not found", as in the API.
func (w *web) loadSuggestion(r *http.Request, wc *webCtx) (domain.Suggestion, error) {
	sg, err := w.store.Suggestion(r.Context(), r.PathValue("id"))
	if err != nil {
		return sg, store.Refused(err, "suggestion")
	}
	facts := access.SuggestionFacts(sg)
	if may(wc.p, routeGet, &facts) != access.Allow {
		return sg, refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", "suggestion")
	}
	return sg, nil
}

func (w *web) suggestionPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	sg, err := w.loadSuggestion(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.showSuggestion(rw, r, wc, http.StatusOK, sg, nil)
}

func (w *web) showSuggestion(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, sg domain.Suggestion, failed *formState) {
	d, err := w.suggestionData(r.Context(), langOf(r), wc, sg, failed)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.render(rw, r, wc, status, "suggestion", "nav.suggestions", d)
}

func (w *web) suggestionData(ctx context.Context, lang string, wc *webCtx, sg domain.Suggestion, failed *formState) (*sgData, error) {
	units, all, err := w.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	names, err := w.deputyNames(ctx, lang, wc.p, true, rules.Signers(sg))
	if err != nil {
		return nil, err
	}
	// Only serving units can be assigned; retired ones keep their names above.
	serving := make([]domain.Unit, 0, len(all))
	for _, u := range all {
		if u.Active {
			serving = append(serving, u)
		}
	}
	d := &sgData{Sg: sg, Row: rowOf(sg, units), LeadDeputy: names[sg.LeadDeputyID], Units: serving,
		ReturnCategories: domain.ReturnCategories, Methods: domain.ConsultMethods, Classes: domain.ResultClasses,
		RatingValues: domain.RatingValues, Actions: map[string]*formState{}}
	for _, id := range sg.CoSignerIDs {
		d.CoSigners = append(d.CoSigners, names[id])
	}
	if a := sg.Assignment; a != nil {
		d.LeadUnit = units[a.LeadUnitID]
		for _, id := range a.CoUnitIDs {
			d.CoUnits = append(d.CoUnits, units[id])
		}
	}
	for _, g := range sg.Ratings {
		d.Ratings = append(d.Ratings, ratingRow{Rating: g, Deputy: names[g.DeputyID]})
	}
	d.DueNote = w.dueNote(lang, sg)
	d.Waiting = w.waiting(lang, sg)
	if err := w.caseFile(ctx, lang, wc, sg, units, names, d); err != nil {
		return nil, err
	}
	if d.Timeline, err = w.timeline(ctx, lang, sg.ID, units, names); err != nil {
		return nil, err
	}
	meetings, _, err := w.store.Meetings(ctx, store.MeetingFilter{SuggestionID: sg.ID}, store.Page{Number: 1, Size: maxPageSize})
	if err != nil {
		return nil, store.Refused(err, "meeting")
	}
	d.Meetings = w.meetingRows(wc.p, meetings)
	d.Workflow, d.HistoryLength, d.WorkflowErr = w.workflowStatus(ctx, lang, sg.ID)
	if wc.p.Presidium() {
		// The Temporal Web UI shows everything in the history: only for
		// the presidium, who may see everything anyway.
		d.TemporalURL = w.temporalLink(sg.ID)
	}
	if err := w.rulesData(ctx, wc, sg, d); err != nil {
		return nil, err
	}
	if err := w.ratingLinksData(ctx, wc, sg, names, d); err != nil {
		return nil, err
	}
	d.Raters = raters(wc.p, sg, names, w.now())
	d.CoUnitChoices = coUnitChoices(wc.p, sg, all)
	facts := access.SuggestionFacts(sg)
	for _, a := range webActions {
		if !rules.Offered(a.action, sg) || may(wc.p, a.route, &facts) != access.Allow || !offered(a.key, d) {
			continue
		}
		f := &formState{Name: a.key, Defaults: w.defaults(a.key, wc, sg)}
		if failed != nil && failed.Name == a.key {
			f = failed
		}
		d.Actions[a.key] = f
	}
	if f := d.Actions[formOf(rules.NextStep(sg))]; f != nil && failed == nil {
		f.Open = true
	}
	if err := w.attachmentData(ctx, lang, wc, sg, failed, d); err != nil {
		return nil, err
	}
	if failed != nil && failed.Name != attachForm && d.Actions[failed.Name] == nil {
		// The form is not offered (any more): still say why it was refused.
		d.Failed = failed
	}
	return d, nil
}

// offered narrows an action to what the caller can fill in: a co-handling
// unit to file for, a signer to rate for.
func offered(key string, d *sgData) bool {
	switch key {
	case "co-opinion":
		return len(d.CoUnitChoices) > 0
	case "rate":
		return len(d.Raters) > 0
	case "merge":
		return len(d.Similar) > 0
	}
	return true
}

// rulesData adds what the rules of referral, merging and endings show: the
// case merged into, the judgement on an unsatisfied ending, and for the
// presidium the similar open suggestions to merge with.
func (w *web) rulesData(ctx context.Context, wc *webCtx, sg domain.Suggestion, d *sgData) error {
	if sg.MergedInto != "" {
		if into, err := w.store.Suggestion(ctx, sg.MergedInto); err == nil {
			d.MergedInto = &store.CaseSummary{ID: into.ID, Number: into.Number, Title: into.Title, Status: into.Status}
		}
	}
	if d.Ending = sg.UnsatisfiedEnding(); d.Ending != "" {
		r, err := w.store.EndingReview(ctx, sg.ID)
		if err != nil {
			return store.Refused(err, "suggestion")
		}
		d.EndingReview = r
		if r != nil {
			d.Judge = r.JudgedBy.ID
			if a, err := w.store.AccountByID(ctx, r.JudgedBy.ID); err == nil && a.Name != "" {
				d.Judge = a.Name
			}
		}
	}
	facts := access.SuggestionFacts(sg)
	if rules.Offered(rules.Merge, sg) && may(wc.p, routeSimilar, &facts) == access.Allow {
		similar, err := w.cases.Similar(ctx, sg.ID)
		if err != nil {
			return err
		}
		for _, c := range similar {
			d.Similar = append(d.Similar, similarRow{ID: c.ID, Number: c.Number, Title: c.Title, Status: string(c.Status),
				Pct: int(c.Score*100 + 0.5)})
		}
	}
	return nil
}

// raters are the signers the caller may rate for and who may rate the
// current reply now.
func raters(p access.Principal, sg domain.Suggestion, names map[string]string, now time.Time) []choice {
	var out []choice
	for _, id := range rules.Signers(sg) {
		if access.RateAs(p, id) && rules.RatingRefusal(sg, id, now) == nil {
			out = append(out, choice{ID: id, Name: names[id]})
		}
	}
	return out
}

// coUnitChoices are the co-handling units the caller may file for.
func coUnitChoices(p access.Principal, sg domain.Suggestion, units []domain.Unit) []domain.Unit {
	if sg.Assignment == nil {
		return nil
	}
	var out []domain.Unit
	for _, u := range units {
		if rules.IsCoUnit(sg, u.ID) && !slices.Contains(sg.CoOpinionUnits, u.ID) && access.CoOpinionAs(p, u.ID) {
			out = append(out, u)
		}
	}
	return out
}

// defaults are a fresh form's values.
func (w *web) defaults(key string, wc *webCtx, sg domain.Suggestion) map[string]string {
	loc := w.policy.Location()
	now := w.now().In(loc)
	switch key {
	case "review":
		return map[string]string{"decision": "accept"}
	case "consult":
		return map[string]string{"held_at": now.Format("2006-01-02T15:04"), "method": "in_person"}
	case "reply":
		return map[string]string{"result_class": "A"}
	case "extension-decision":
		return map[string]string{"approve": "true"}
	case "rate":
		// No answer is chosen for the deputy: a rating is theirs to give.
		return map[string]string{"deputy_id": wc.p.DeputyID}
	case "complete":
		return map[string]string{"kept": "true"}
	case "referral", "referral-answer":
		return map[string]string{"sent_at": now.Format("2006-01-02"), "received_at": now.Format("2006-01-02")}
	case "meeting":
		at := w.policy.After(w.now(), w.policy.MeetingNoticeAhead).In(loc).Add(24 * time.Hour)
		at = time.Date(at.Year(), at.Month(), at.Day(), 9, 0, 0, 0, loc)
		return map[string]string{"scheduled_at": at.Format("2006-01-02T15:04"), "place": w.policy.MeetingPlace}
	}
	return nil
}

// workflowStatus is the live status of the case's workflow, as Temporal
// reports it now; a failure to ask is shown, never fatal.
func (w *web) workflowStatus(ctx context.Context, lang, id string) (string, int64, bool) {
	if w.temporal == nil {
		return "", 0, true
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	resp, err := w.temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil || resp.GetWorkflowExecutionInfo() == nil {
		if err != nil {
			w.log.Warn("web: describe workflow", "workflow", id, "error", err)
		}
		return "", 0, true
	}
	info := resp.GetWorkflowExecutionInfo()
	key := map[enumspb.WorkflowExecutionStatus]string{
		enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:          "wf.running",
		enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:        "wf.completed",
		enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:           "wf.failed",
		enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:         "wf.canceled",
		enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:       "wf.terminated",
		enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW: "wf.continued",
		enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:        "wf.timed_out",
	}[info.GetStatus()]
	if key == "" {
		return info.GetStatus().String(), info.GetHistoryLength(), false
	}
	return tr(lang, key), info.GetHistoryLength(), false
}
