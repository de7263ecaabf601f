package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/store"
	"suggestflow/workflows"
)

// formState is one form as the page shows it: its values (the defaults,
// or what was sent when it was refused) and the refusal's messages.
type formState struct {
	Name     string
	Open     bool
	Summary  string
	List     []string
	Values   url.Values
	Defaults map[string]string
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

// refused is a form shown again with the problem's messages.
func refused(name string, p *Problem, values url.Values, lang string, loc *time.Location) *formState {
	return &formState{Name: name, Open: true, Values: values, Summary: problemSummary(lang, p, loc), List: problemLines(lang, p, loc)}
}

func asProblem(err error) (*Problem, bool) {
	var p *Problem
	return p, errors.As(err, &p)
}

// refuse answers a form whose action failed: the form again, as filled in,
// with why when the caller can fix it, else the error page. It reports
// whether there was anything to refuse.
func (w *web) refuse(rw http.ResponseWriter, r *http.Request, wc *webCtx, form string, err error, show func(status int, f *formState)) bool {
	if err == nil {
		return false
	}
	p, ok := asProblem(err)
	if !ok {
		w.webError(rw, r, wc, err)
		return true
	}
	values := r.PostForm
	values.Del("csrf")
	show(p.Status, refused(form, p, values, langOf(r), w.s.policy.Location()))
	return true
}

// webAction is an action on a suggestion: the API route whose access rule
// it follows, the states in which the workflow takes it, and how its form
// becomes the same domain input the API decodes from JSON.
type webAction struct {
	key      string
	route    string
	statuses []domain.Status
	run      func(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error
}

var (
	open     = []domain.Status{domain.StatusHandling, domain.StatusRehandling}
	anyLater = []domain.Status{domain.StatusAccepted, domain.StatusHandling, domain.StatusReplied, domain.StatusRehandling, domain.StatusFollowingUp}
)

// webActions are in the order the page offers them.
var webActions = []webAction{
	{"review", "POST /api/v1/suggestions/:id/review", []domain.Status{domain.StatusSubmitted}, runReview},
	{"assign", "POST /api/v1/suggestions/:id/assignment", []domain.Status{domain.StatusAccepted}, runAssign},
	{"consult", "POST /api/v1/suggestions/:id/consultations", open, runConsult},
	{"progress", "POST /api/v1/suggestions/:id/progress-reports", append(open, domain.StatusFollowingUp), runProgress},
	{"reply", "POST /api/v1/suggestions/:id/reply", open, runReply},
	{"extension-request", "POST /api/v1/suggestions/:id/extension-requests", open, runExtensionRequest},
	{"extension-decision", "POST /api/v1/suggestions/:id/extension-decision", open, runExtensionDecision},
	{"co-opinion", "POST /api/v1/suggestions/:id/co-opinions", open, runCoOpinion},
	{"assignment-return", "POST /api/v1/suggestions/:id/assignment-return", []domain.Status{domain.StatusHandling}, runAssignmentReturn},
	{"rate", "POST /api/v1/suggestions/:id/ratings", []domain.Status{domain.StatusReplied, domain.StatusRehandling, domain.StatusFollowingUp}, runRate},
	{"complete", "POST /api/v1/suggestions/:id/completion", []domain.Status{domain.StatusFollowingUp}, runComplete},
	{"meeting", "POST /api/v1/meetings", anyLater, runCallMeeting},
}

func actionByKey(key string) *webAction {
	for i := range webActions {
		if webActions[i].key == key {
			return &webActions[i]
		}
	}
	return nil
}

func hasStatus(list []domain.Status, s domain.Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// --- the suggestion page ---

type ratingRow struct {
	domain.Rating
	Deputy string
}

type choice struct{ ID, Name string }

type sgData struct {
	Sg                   domain.Suggestion
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
}

// loadSuggestion reads a suggestion the caller may see; one that is not
// theirs is "not found", as in the API.
func (w *web) loadSuggestion(r *http.Request, wc *webCtx) (domain.Suggestion, error) {
	sg, err := w.s.store.Suggestion(r.Context(), r.PathValue("id"))
	if err != nil {
		return sg, storeError(err, "suggestion")
	}
	facts := suggestionFacts(sg)
	if may(wc.p, routeGet, &facts) != access.Allow {
		return sg, problem(http.StatusNotFound, "no suggestion with this id")
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
	s := w.s
	units, all, err := w.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	signers := append([]string{sg.LeadDeputyID}, sg.CoSignerIDs...)
	names, err := w.deputyNames(ctx, lang, wc.p, true, signers)
	if err != nil {
		return nil, err
	}
	d := &sgData{Sg: sg, Row: rowOf(sg, units), LeadDeputy: names[sg.LeadDeputyID], Units: all,
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
	if d.Timeline, err = s.store.Timeline(ctx, sg.ID); err != nil {
		return nil, storeError(err, "suggestion")
	}
	// The workflow writes ids into the details; people read names.
	var pairs []string
	for id, n := range units {
		pairs = append(pairs, id, n)
	}
	for id, n := range names {
		pairs = append(pairs, id, n)
	}
	ids := strings.NewReplacer(pairs...)
	loc := s.policy.Location()
	for i := range d.Timeline {
		d.Timeline[i].Detail = rfc3339.ReplaceAllStringFunc(ids.Replace(d.Timeline[i].Detail), func(v string) string {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t.In(loc).Format("2006-01-02 15:04")
			}
			return v
		})
	}
	meetings, _, err := s.store.Meetings(ctx, store.MeetingFilter{SuggestionID: sg.ID}, store.Page{Number: 1, Size: maxPageSize})
	if err != nil {
		return nil, storeError(err, "meeting")
	}
	d.Meetings = w.meetingRows(wc.p, meetings)
	d.Workflow, d.HistoryLength, d.WorkflowErr = w.workflowStatus(ctx, lang, sg.ID)
	if wc.p.Presidium() {
		// The Temporal Web UI shows everything in the history: only for
		// the presidium, who may see everything anyway.
		d.TemporalURL = w.temporalLink(sg.ID)
	}
	d.Raters = raters(wc.p, sg, names)
	d.CoUnitChoices = coUnitChoices(wc.p, sg, all)
	facts := suggestionFacts(sg)
	for _, a := range webActions {
		if !hasStatus(a.statuses, sg.Status) || may(wc.p, a.route, &facts) != access.Allow || !offered(a.key, sg, d) {
			continue
		}
		f := &formState{Name: a.key, Defaults: w.defaults(a.key, wc, sg)}
		if failed != nil && failed.Name == a.key {
			f = failed
		}
		d.Actions[a.key] = f
	}
	if f := d.Actions[nextStep(sg)]; f != nil && failed == nil {
		f.Open = true
	}
	if failed != nil && d.Actions[failed.Name] == nil {
		// The form is not offered (any more): still say why it was refused.
		d.Failed = failed
	}
	return d, nil
}

// nextStep is the action the case waits for, whose form opens by itself.
func nextStep(sg domain.Suggestion) string {
	switch sg.Status {
	case domain.StatusSubmitted:
		return "review"
	case domain.StatusAccepted:
		return "assign"
	case domain.StatusHandling, domain.StatusRehandling:
		if sg.PendingExtension != nil {
			return "extension-decision"
		}
		if !sg.Consulted {
			return "consult"
		}
		return "reply"
	case domain.StatusReplied:
		return "rate"
	case domain.StatusFollowingUp:
		return "complete"
	}
	return ""
}

// offered narrows an action to when it makes sense on this case.
func offered(key string, sg domain.Suggestion, d *sgData) bool {
	switch key {
	case "extension-request":
		return sg.PendingExtension == nil
	case "extension-decision":
		return sg.PendingExtension != nil
	case "assignment-return":
		return sg.Round == 1
	case "co-opinion":
		return len(d.CoUnitChoices) > 0
	case "rate":
		return len(d.Raters) > 0
	}
	return true
}

// raters are the signers the caller may rate for and who have not rated
// the current reply; the lead deputy only while the case awaits rating.
func raters(p access.Principal, sg domain.Suggestion, names map[string]string) []choice {
	if sg.Reply == nil {
		return nil
	}
	rated := map[string]bool{}
	for _, g := range sg.Ratings {
		if g.Round == sg.Reply.Round {
			rated[g.DeputyID] = true
		}
	}
	var out []choice
	for _, id := range append([]string{sg.LeadDeputyID}, sg.CoSignerIDs...) {
		if rated[id] || !access.RateAs(p, id) || (id == sg.LeadDeputyID && sg.Status != domain.StatusReplied) {
			continue
		}
		out = append(out, choice{ID: id, Name: names[id]})
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
		if contains(sg.Assignment.CoUnitIDs, u.ID) && !contains(sg.CoOpinionUnits, u.ID) && access.CoOpinionAs(p, u.ID) {
			out = append(out, u)
		}
	}
	return out
}

// defaults are a fresh form's values.
func (w *web) defaults(key string, wc *webCtx, sg domain.Suggestion) map[string]string {
	loc := w.s.policy.Location()
	now := w.s.now().In(loc)
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
		return map[string]string{"attitude": domain.Satisfied, "result": domain.Satisfied, "deputy_id": wc.p.DeputyID}
	case "complete":
		return map[string]string{"kept": "true"}
	case "meeting":
		at := w.s.policy.After(w.s.now(), w.s.policy.MeetingNoticeAhead).In(loc).Add(24 * time.Hour)
		at = time.Date(at.Year(), at.Month(), at.Day(), 9, 0, 0, 0, loc)
		return map[string]string{"scheduled_at": at.Format("2006-01-02T15:04"), "place": w.s.policy.MeetingPlace}
	}
	return nil
}

// workflowStatus is the live status of the case's workflow, as Temporal
// reports it now; a failure to ask is shown, never fatal.
func (w *web) workflowStatus(ctx context.Context, lang, id string) (string, int64, bool) {
	if w.s.temporal == nil {
		return "", 0, true
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	resp, err := w.s.temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil || resp.GetWorkflowExecutionInfo() == nil {
		if err != nil {
			w.s.log.Warn("web: describe workflow", "workflow", id, "error", err)
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

// --- taking an action ---

func (w *web) suggestionAction(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	a := actionByKey(r.PathValue("action"))
	if a == nil {
		w.notFound(rw, r)
		return
	}
	sg, err := w.loadSuggestion(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	facts := suggestionFacts(sg)
	err = w.allowWrite(wc, a.route, &facts)
	if err == nil {
		err = a.run(w, r.Context(), wc, sg, r.PostForm)
	}
	w.audit(r, wc, "/ui/suggestions/:id/"+a.key, sg.ID, err)
	lang := langOf(r)
	if w.refuse(rw, r, wc, a.key, err, func(status int, f *formState) {
		// Show the case as it is now, with the refused form and why.
		if now, rerr := w.s.store.Suggestion(r.Context(), sg.ID); rerr == nil {
			sg = now
		}
		w.showSuggestion(rw, r, wc, status, sg, f)
	}) {
		return
	}
	w.setFlash(r, wc, fmt.Sprintf(tr(lang, "act.done"), tr(lang, "act."+strings.ReplaceAll(a.key, "-", "_"))))
	http.Redirect(rw, r, "/ui/suggestions/"+url.PathEscape(sg.ID), http.StatusSeeOther)
}

// allowWrite applies the access policy and the per-token write limit, as
// the API's middleware does.
func (w *web) allowWrite(wc *webCtx, route string, obj *access.Object) error {
	switch may(wc.p, route, obj) {
	case access.Forbidden:
		return problem(http.StatusForbidden, "this account may see this suggestion but not do this to it")
	case access.Hidden:
		return problem(http.StatusNotFound, "no suggestion with this id")
	}
	if w.s.writeRate > 0 && !w.s.limiterFor(wc.tokenID).Allow() {
		return problem(http.StatusTooManyRequests, "too many changes from this token; slow down and try again")
	}
	return nil
}

// audit records a write from the UI in the same audit log as the API's.
func (w *web) audit(r *http.Request, wc *webCtx, route, objectID string, err error) {
	status := http.StatusOK
	if err != nil {
		status = http.StatusInternalServerError
		if p, ok := asProblem(err); ok {
			status = p.Status
		}
	}
	entry := store.AuditEntry{ID: newID("au_"), At: w.s.now().UTC(), ActorID: wc.p.AccountID, Role: wc.p.Role,
		Method: r.Method, Route: route, ObjectID: objectID, Status: status}
	actx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if aerr := w.s.store.Audit(actx, entry); aerr != nil {
		w.s.log.Error("audit write failed", "route", route, "error", aerr)
	}
}

// update validates an input as the API does and runs it on the workflow.
func (w *web) update(ctx context.Context, id, name string, in any) error {
	if err := w.s.check(in); err != nil {
		return err
	}
	_, err := w.s.runUpdate(ctx, id, name, in)
	return err
}

func runReview(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.ReviewInput{Decision: f.Get("decision"), Reason: f.Get("reason"), ReturnCategory: f.Get("return_category"), Actor: wc.actor()}
	return w.update(ctx, sg.ID, workflows.UpdateReview, &in)
}

func runAssign(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.AssignInput{LeadUnitID: f.Get("lead_unit_id"), CoUnitIDs: nonEmpty(f["co_unit_ids"]), Leader: f.Get("leader"),
		Handler: f.Get("handler"), Complex: f.Get("complex") == "true", Actor: wc.actor()}
	if err := w.s.check(&in); err != nil {
		return err
	}
	if err := w.s.checkUnits(ctx, in); err != nil {
		return err
	}
	return w.update(ctx, sg.ID, workflows.UpdateAssign, &in)
}

func runAssignmentReturn(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.AssignmentReturnInput{Reason: f.Get("reason"), Actor: wc.actor()}
	return w.update(ctx, sg.ID, workflows.UpdateReturnAssignment, &in)
}

func runCoOpinion(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.CoOpinionInput{UnitID: f.Get("unit_id"), Content: f.Get("content"), Actor: wc.actor()}
	if in.UnitID == "" && wc.p.Role == access.RoleUnit {
		in.UnitID = wc.p.UnitID
	}
	if err := w.s.check(&in); err != nil {
		return err
	}
	if !access.CoOpinionAs(wc.p, in.UnitID) {
		return problem(http.StatusForbidden, "a unit files co-handling opinions only for itself")
	}
	if missing, err := w.s.store.MissingUnits(ctx, []string{in.UnitID}); err != nil {
		return storeError(err, "unit")
	} else if len(missing) > 0 {
		return invalidFields(FieldError{Field: "unit_id", Message: "no unit with this id"})
	}
	return w.update(ctx, sg.ID, workflows.UpdateCoOpinion, &in)
}

func runConsult(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	held, err := localTime(f.Get("held_at"), "held_at", w.s.policy.Location())
	if err != nil {
		return err
	}
	in := domain.ConsultationInput{HeldAt: held, Method: f.Get("method"), Participants: splitList(f.Get("participants")),
		Notes: f.Get("notes"), Actor: wc.actor()}
	return w.update(ctx, sg.ID, workflows.UpdateConsult, &in)
}

func runProgress(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.ProgressReportInput{Content: f.Get("content"), Actor: wc.actor()}
	return w.update(ctx, sg.ID, workflows.UpdateProgressReport, &in)
}

func runExtensionRequest(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	due, err := endOfDay(f.Get("new_due_at"), "new_due_at", w.s.policy.Location())
	if err != nil {
		return err
	}
	in := domain.ExtensionRequestInput{Reason: f.Get("reason"), Measures: f.Get("measures"), NewDueAt: due, Actor: wc.actor()}
	return w.update(ctx, sg.ID, workflows.UpdateRequestExtension, &in)
}

func runExtensionDecision(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.ExtensionDecisionInput{Comment: f.Get("comment"), Actor: wc.actor()}
	if v := f.Get("approve"); v == "true" || v == "false" {
		b := v == "true"
		in.Approve = &b
	}
	return w.update(ctx, sg.ID, workflows.UpdateDecideExtension, &in)
}

func runReply(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.ReplyInput{ResultClass: f.Get("result_class"), Content: f.Get("content"), Actor: wc.actor()}
	if v := f.Get("promised_at"); v != "" {
		at, err := endOfDay(v, "promised_at", w.s.policy.Location())
		if err != nil {
			return err
		}
		in.PromisedAt = &at
	}
	if err := w.s.check(&in); err != nil {
		return err
	}
	if (in.ResultClass == "B" || in.ResultClass == "C") && in.PromisedAt == nil {
		return invalidFields(FieldError{Field: "promised_at", Message: "a B or C reply needs the promised date"})
	}
	return w.update(ctx, sg.ID, workflows.UpdateReply, &in)
}

func runRate(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.RatingInput{DeputyID: f.Get("deputy_id"), Attitude: f.Get("attitude"), Result: f.Get("result"),
		Reasons: f.Get("reasons"), Actor: wc.actor()}
	if in.DeputyID == "" && wc.p.Role == access.RoleDeputy {
		in.DeputyID = wc.p.DeputyID
	}
	if err := w.s.check(&in); err != nil {
		return err
	}
	if !access.RateAs(wc.p, in.DeputyID) {
		return problem(http.StatusForbidden, "a deputy rates only in their own name")
	}
	return w.update(ctx, sg.ID, workflows.UpdateRate, &in)
}

func runComplete(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.CompletionInput{Content: f.Get("content"), Evidence: f.Get("evidence"), SignedBy: f.Get("signed_by"), Actor: wc.actor()}
	if v := f.Get("kept"); v == "true" || v == "false" {
		b := v == "true"
		in.Kept = &b
	}
	return w.update(ctx, sg.ID, workflows.UpdateComplete, &in)
}

func runCallMeeting(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	at, err := localTime(f.Get("scheduled_at"), "scheduled_at", w.s.policy.Location())
	if err != nil {
		return err
	}
	in := domain.CallMeetingInput{SuggestionID: sg.ID, ScheduledAt: at, Place: f.Get("place"), Agenda: f.Get("agenda"), Actor: wc.actor()}
	return w.update(ctx, sg.ID, workflows.UpdateCallMeeting, &in)
}

// meetingMinutes records what a meeting decided (POST /api/v1/meetings/:id/minutes).
func (w *web) meetingMinutes(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	m, err := w.loadMeeting(r, wc, routeMeeting)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	obj := meetingFacts(m)
	err = w.allowWrite(wc, routeMinutes, &obj)
	if err == nil {
		in := domain.MinutesInput{Content: r.PostFormValue("content"), Outcome: r.PostFormValue("outcome"), Actor: wc.actor()}
		if err = w.s.check(&in); err == nil {
			var done domain.Meeting
			if err = w.s.updateInto(r.Context(), m.ID, workflows.UpdateMinutes, &in, &done); err != nil {
				if p, ok := asProblem(err); ok && p.Status == http.StatusConflict {
					err = problem(http.StatusConflict, "the minutes of this meeting are already recorded")
				}
			}
		}
	}
	w.audit(r, wc, "/ui/meetings/:id/minutes", m.ID, err)
	lang := langOf(r)
	if w.refuse(rw, r, wc, "minutes", err, func(status int, f *formState) { w.showMeeting(rw, r, wc, status, f) }) {
		return
	}
	w.setFlash(r, wc, tr(lang, "msg.minutes"))
	http.Redirect(rw, r, "/ui/meetings/"+url.PathEscape(m.ID), http.StatusSeeOther)
}

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
	return time.Time{}, invalidFields(FieldError{Field: field, Message: "must be a time such as 2006-01-02 15:04"})
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
	return time.Time{}, invalidFields(FieldError{Field: field, Message: "must be a date such as 2006-01-02"})
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
