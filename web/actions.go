package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/rules"
	"suggestflow/store"
)

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
	{"merge", rules.Merge, "POST /api/v1/suggestions/:id/merge", runMerge},
	{"referral", rules.Refer, "POST /api/v1/suggestions/:id/referral", runReferral},
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
	{"referral-answer", rules.AnswerReferral, "POST /api/v1/suggestions/:id/referral-answer", runReferralAnswer},
	{"ending-review", rules.ReviewEnding, "POST /api/v1/suggestions/:id/ending-review", runEndingReview},
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

func runMerge(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.Merge(ctx, wc.p, sg.ID, domain.MergeInput{Into: f.Get("into"), Reason: f.Get("reason")})
	return err
}

func runReferral(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	sent, err := startOfDay(f.Get("sent_at"), "sent_at", w.policy.Location())
	if err != nil {
		return err
	}
	_, err = w.cases.Refer(ctx, wc.p, sg.ID, domain.ReferralInput{To: f.Get("to"), Reason: f.Get("reason"), SentAt: sent})
	return err
}

func runReferralAnswer(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	received, err := startOfDay(f.Get("received_at"), "received_at", w.policy.Location())
	if err != nil {
		return err
	}
	_, err = w.cases.AnswerReferral(ctx, wc.p, sg.ID, domain.ReferralAnswerInput{ReceivedAt: received, Content: f.Get("content")})
	return err
}

func runEndingReview(w *web, ctx context.Context, wc *webCtx, sg domain.Suggestion, f url.Values) error {
	_, err := w.cases.ReviewEnding(ctx, wc.p, sg.ID, domain.EndingReviewInput{ValidReason: formBool(f.Get("valid_reason")),
		Reason: f.Get("reason")})
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
