package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/rules"
	"suggestflow/store"
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

// refused is a form shown again with the refusal's messages.
func refused(name string, r *refusal.Error, values url.Values, lang string, loc *time.Location) *formState {
	return &formState{Name: name, Open: true, Values: values, Summary: summary(lang, r, loc), List: fieldLines(lang, r, loc)}
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

// webAction is an action on a suggestion as the page offers it: its form's
// name, the case action (whose rules say when it is open), the API route
// whose access rule it follows, and how its form becomes the command's
// input.
type webAction struct {
	key    string
	action rules.Action
	route  string
	run    func(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error
}

// webActions are in the order the page offers them.
var webActions = []webAction{
	{"review", rules.Review, "POST /api/v1/suggestions/:id/review", runReview},
	{"assign", rules.Assign, "POST /api/v1/suggestions/:id/assignment", runAssign},
	{"consult", rules.Consult, "POST /api/v1/suggestions/:id/consultations", runConsult},
	{"progress", rules.ProgressReport, "POST /api/v1/suggestions/:id/progress-reports", runProgress},
	{"reply", rules.Reply, "POST /api/v1/suggestions/:id/reply", runReply},
	{"extension-request", rules.RequestExtension, "POST /api/v1/suggestions/:id/extension-requests", runExtensionRequest},
	{"extension-decision", rules.DecideExtension, "POST /api/v1/suggestions/:id/extension-decision", runExtensionDecision},
	{"co-opinion", rules.CoOpinion, "POST /api/v1/suggestions/:id/co-opinions", runCoOpinion},
	{"assignment-return", rules.ReturnAssignment, "POST /api/v1/suggestions/:id/assignment-return", runAssignmentReturn},
	{"rate", rules.Rate, "POST /api/v1/suggestions/:id/ratings", runRate},
	{"complete", rules.Complete, "POST /api/v1/suggestions/:id/completion", runComplete},
	{"meeting", rules.CallMeeting, "POST /api/v1/meetings", runCallMeeting},
}

func actionByKey(key string) *webAction {
	for i := range webActions {
		if webActions[i].key == key {
			return &webActions[i]
		}
	}
	return nil
}

// formOf is the form of a case action.
func formOf(a rules.Action) string {
	for _, wa := range webActions {
		if wa.action == a {
			return wa.key
		}
	}
	return ""
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
	if failed != nil && d.Actions[failed.Name] == nil {
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
	}
	return true
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
		if slices.Contains(sg.Assignment.CoUnitIDs, u.ID) && !slices.Contains(sg.CoOpinionUnits, u.ID) && access.CoOpinionAs(p, u.ID) {
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
		return map[string]string{"attitude": domain.Satisfied, "result": domain.Satisfied, "deputy_id": wc.p.DeputyID}
	case "complete":
		return map[string]string{"kept": "true"}
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
	facts := access.SuggestionFacts(sg)
	err = w.allowWrite(wc, a.route, &facts)
	if err == nil {
		err = a.run(w, r.Context(), wc, sg, r.PostForm)
	}
	w.audit(r, wc, "/ui/suggestions/:id/"+a.key, sg.ID, err)
	lang := langOf(r)
	if w.refuse(rw, r, wc, a.key, err, func(status int, f *formState) {
		// Show the case as it is now, with the refused form and why.
		if now, rerr := w.store.Suggestion(r.Context(), sg.ID); rerr == nil {
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
		return refusal.New(refusal.Forbidden, refusal.ForbiddenAction, "object", "suggestion")
	case access.Hidden:
		return refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", "suggestion")
	}
	if !w.writes.Allow(wc.tokenID) {
		return refusal.New(refusal.TooMany, refusal.RateLimited)
	}
	return nil
}

// audit records a write from the UI in the same audit log as the API's.
func (w *web) audit(r *http.Request, wc *webCtx, route, objectID string, err error) {
	status := http.StatusOK
	if err != nil {
		status = http.StatusInternalServerError
		if rf, ok := refusalOf(err); ok {
			status = rf.Kind.Status()
		}
	}
	entry := store.AuditEntry{ID: domain.NewID("au_"), At: w.now().UTC(), ActorID: wc.p.AccountID, Role: wc.p.Role,
		Method: r.Method, Route: route, ObjectID: objectID, Status: status}
	actx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if aerr := w.store.Audit(actx, entry); aerr != nil {
		w.log.Error("audit write failed", "route", route, "error", aerr)
	}
}

// Each run reads its form into the command's input and runs the command.

func runReview(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.Review(ctx, wc.p, sg.ID, domain.ReviewInput{Decision: f.Get("decision"), Reason: f.Get("reason"),
		ReturnCategory: f.Get("return_category")})
	return err
}

func runAssign(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.Assign(ctx, wc.p, sg.ID, domain.AssignInput{LeadUnitID: f.Get("lead_unit_id"), CoUnitIDs: nonEmpty(f["co_unit_ids"]),
		Leader: f.Get("leader"), Handler: f.Get("handler"), Complex: f.Get("complex") == "true"})
	return err
}

func runAssignmentReturn(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.ReturnAssignment(ctx, wc.p, sg.ID, domain.AssignmentReturnInput{Reason: f.Get("reason")})
	return err
}

func runCoOpinion(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.CoOpinionInput{UnitID: f.Get("unit_id"), Content: f.Get("content")}
	if in.UnitID == "" && wc.p.Role == access.RoleUnit {
		in.UnitID = wc.p.UnitID // a unit's form files for the unit itself
	}
	_, err := w.cases.CoOpinion(ctx, wc.p, sg.ID, in)
	return err
}

func runConsult(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	held, err := localTime(f.Get("held_at"), "held_at", w.policy.Location())
	if err != nil {
		return err
	}
	_, err = w.cases.Consult(ctx, wc.p, sg.ID, domain.ConsultationInput{HeldAt: held, Method: f.Get("method"),
		Participants: splitList(f.Get("participants")), Notes: f.Get("notes")})
	return err
}

func runProgress(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.ProgressReport(ctx, wc.p, sg.ID, domain.ProgressReportInput{Content: f.Get("content")})
	return err
}

func runExtensionRequest(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	due, err := endOfDay(f.Get("new_due_at"), "new_due_at", w.policy.Location())
	if err != nil {
		return err
	}
	_, err = w.cases.RequestExtension(ctx, wc.p, sg.ID, domain.ExtensionRequestInput{Reason: f.Get("reason"),
		Measures: f.Get("measures"), NewDueAt: due})
	return err
}

func runExtensionDecision(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.DecideExtension(ctx, wc.p, sg.ID, domain.ExtensionDecisionInput{Approve: formBool(f.Get("approve")),
		Comment: f.Get("comment")})
	return err
}

func runReply(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.ReplyInput{ResultClass: f.Get("result_class"), Content: f.Get("content")}
	if v := f.Get("promised_at"); v != "" {
		at, err := endOfDay(v, "promised_at", w.policy.Location())
		if err != nil {
			return err
		}
		in.PromisedAt = &at
	}
	_, err := w.cases.Reply(ctx, wc.p, sg.ID, in)
	return err
}

func runRate(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	in := domain.RatingInput{DeputyID: f.Get("deputy_id"), Attitude: f.Get("attitude"), Result: f.Get("result"), Reasons: f.Get("reasons")}
	if in.DeputyID == "" && wc.p.Role == access.RoleDeputy {
		in.DeputyID = wc.p.DeputyID // a deputy's form rates in the deputy's own name
	}
	_, err := w.cases.Rate(ctx, wc.p, sg.ID, in)
	return err
}

func runComplete(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.Complete(ctx, wc.p, sg.ID, domain.CompletionInput{Content: f.Get("content"), Evidence: f.Get("evidence"),
		SignedBy: f.Get("signed_by"), Kept: formBool(f.Get("kept"))})
	return err
}

func runCallMeeting(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	at, err := localTime(f.Get("scheduled_at"), "scheduled_at", w.policy.Location())
	if err != nil {
		return err
	}
	_, err = w.cases.CallMeeting(ctx, wc.p, domain.CallMeetingInput{SuggestionID: sg.ID, ScheduledAt: at,
		Place: f.Get("place"), Agenda: f.Get("agenda")})
	return err
}

// meetingMinutes records what a meeting decided (POST /api/v1/meetings/:id/minutes).
func (w *web) meetingMinutes(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	m, err := w.loadMeeting(r, wc, routeMeeting)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	obj := access.MeetingFacts(m)
	err = w.allowWrite(wc, routeMinutes, &obj)
	if err == nil {
		_, err = w.cases.Minutes(r.Context(), wc.p, m.ID, domain.MinutesInput{Content: r.PostFormValue("content"),
			Outcome: r.PostFormValue("outcome")})
	}
	w.audit(r, wc, "/ui/meetings/:id/minutes", m.ID, err)
	lang := langOf(r)
	if w.refuse(rw, r, wc, "minutes", err, func(status int, f *formState) { w.showMeeting(rw, r, wc, status, f) }) {
		return
	}
	w.setFlash(r, wc, tr(lang, "msg.minutes"))
	http.Redirect(rw, r, "/ui/meetings/"+url.PathEscape(m.ID), http.StatusSeeOther)
}

// formBool reads a true/false choice; anything else is no answer.
func formBool(v string) *bool {
	if v != "true" && v != "false" {
		return nil
	}
	b := v == "true"
	return &b
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
