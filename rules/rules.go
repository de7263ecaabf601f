// Package rules holds the rules of a case, once: which status allows which
// action, and the checks of each action against the case's state. The
// workflows' update validators call them, so a refused action writes
// nothing; the case commands call an input's own checks where the API
// answered them before the state's (a B or C reply's date); the pages ask
// them which forms to offer. They are
// pure functions of the state, the input, the time and the policy, and so
// deterministic inside a workflow.
package rules

import (
	"fmt"
	"slices"
	"time"

	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/refusal"
)

// Action names a case action.
type Action string

// The case actions.
const (
	Review           Action = "review"
	Assign           Action = "assign"
	ReturnAssignment Action = "return_assignment"
	CoOpinion        Action = "co_opinion"
	Consult          Action = "consult"
	ProgressReport   Action = "progress_report"
	RequestExtension Action = "request_extension"
	DecideExtension  Action = "decide_extension"
	Reply            Action = "reply"
	Rate             Action = "rate"
	Complete         Action = "complete"
	CallMeeting      Action = "call_meeting"
	Refer            Action = "refer"
	AnswerReferral   Action = "answer_referral"
	Merge            Action = "merge"
	ReviewEnding     Action = "review_ending"
)

// beforeAssignment are the statuses of a case the presidium still holds:
// it may still be referred upward or merged with another.
var beforeAssignment = []domain.Status{domain.StatusSubmitted, domain.StatusAccepted}

var handlingStatuses = []domain.Status{domain.StatusHandling, domain.StatusRehandling}

// allowedIn is the one table of which status allows which action. A rating
// is taken while any signer may still rate; who may, and until when, is
// RatingRefusal's to say.
var allowedIn = map[Action][]domain.Status{
	Review:           {domain.StatusSubmitted},
	Assign:           {domain.StatusAccepted},
	ReturnAssignment: {domain.StatusHandling},
	CoOpinion:        handlingStatuses,
	Consult:          handlingStatuses,
	ProgressReport:   {domain.StatusHandling, domain.StatusRehandling, domain.StatusFollowingUp},
	RequestExtension: handlingStatuses,
	DecideExtension:  handlingStatuses,
	Reply:            handlingStatuses,
	Rate:             {domain.StatusReplied, domain.StatusRehandling, domain.StatusFollowingUp, domain.StatusClosed},
	Complete:         {domain.StatusFollowingUp},
	CallMeeting: {domain.StatusAccepted, domain.StatusHandling, domain.StatusReplied, domain.StatusRehandling,
		domain.StatusFollowingUp},
	Refer:          beforeAssignment,
	AnswerReferral: {domain.StatusReferred},
	Merge:          beforeAssignment,
	ReviewEnding:   {domain.StatusClosed},
}

// Allows says whether a status allows an action.
func (a Action) Allows(s domain.Status) bool { return slices.Contains(allowedIn[a], s) }

// InStatus refuses an action the case's status does not allow.
func InStatus(a Action, s domain.Status) error {
	if a.Allows(s) {
		return nil
	}
	return refusal.New(refusal.Conflict, refusal.WrongStatus, "action", string(a), "status", string(s))
}

// NextStep is the action the case waits for.
func NextStep(sg domain.Suggestion) Action {
	switch sg.Status {
	case domain.StatusSubmitted:
		return Review
	case domain.StatusAccepted:
		return Assign
	case domain.StatusHandling, domain.StatusRehandling:
		if sg.PendingExtension != nil {
			return DecideExtension
		}
		if !sg.Consulted {
			return Consult
		}
		return Reply
	case domain.StatusReplied:
		return Rate
	case domain.StatusFollowingUp:
		return Complete
	case domain.StatusReferred:
		if sg.Referral != nil && sg.Referral.Answer == nil {
			return AnswerReferral
		}
	case domain.StatusClosed:
		if sg.UnsatisfiedEnding() != "" {
			return ReviewEnding
		}
	}
	return ""
}

// Signers are the lead deputy and the co-signers.
func Signers(sg domain.Suggestion) []string {
	return append([]string{sg.LeadDeputyID}, sg.CoSignerIDs...)
}

// CheckReview refuses a review the case cannot take.
func CheckReview(sg domain.Suggestion, in domain.ReviewInput) error {
	if err := InStatus(Review, sg.Status); err != nil {
		return err
	}
	if in.Decision == "return" && in.Reason == "" {
		return refusal.OnField("reason", refusal.ReturnReasonRequired)
	}
	return nil
}

// CheckAssignInput refuses a unit named twice.
func CheckAssignInput(in domain.AssignInput) error {
	seen := map[string]bool{in.LeadUnitID: true}
	for _, u := range in.CoUnitIDs {
		if seen[u] {
			return refusal.OnField("co_unit_ids", refusal.DuplicateUnit)
		}
		seen[u] = true
	}
	return nil
}

// CheckAssign refuses an assignment the case cannot take.
func CheckAssign(sg domain.Suggestion, in domain.AssignInput) error {
	if err := InStatus(Assign, sg.Status); err != nil {
		return err
	}
	return CheckAssignInput(in)
}

// CheckReturnAssignment: only the first assignment, within its window.
func CheckReturnAssignment(sg domain.Suggestion, now time.Time, pol policy.Policy) error {
	if err := InStatus(ReturnAssignment, sg.Status); err != nil {
		return err
	}
	if err := firstRound(sg); err != nil {
		return err
	}
	limit := pol.Due(sg.Assignment.AssignedAt, pol.ReturnAssignmentWithin).At
	if now.After(limit) {
		return refusal.New(refusal.Conflict, refusal.AssignmentReturnLate, "until_at", domain.Stamp(limit))
	}
	return nil
}

// CheckCoOpinion: a co-handling unit of the case, while it is handled.
func CheckCoOpinion(sg domain.Suggestion, in domain.CoOpinionInput) error {
	if err := InStatus(CoOpinion, sg.Status); err != nil {
		return err
	}
	if !IsCoUnit(sg, in.UnitID) {
		return refusal.OnField("unit_id", refusal.NotACoUnit)
	}
	return nil
}

// IsCoUnit says whether a unit is a co-handling unit of the case.
func IsCoUnit(sg domain.Suggestion, unitID string) bool {
	return sg.Assignment != nil && slices.Contains(sg.Assignment.CoUnitIDs, unitID)
}

// CheckConsult: a consultation already held, in this round.
func CheckConsult(sg domain.Suggestion, in domain.ConsultationInput, now time.Time) error {
	if err := InStatus(Consult, sg.Status); err != nil {
		return err
	}
	if in.HeldAt.After(now.Add(10 * time.Minute)) {
		return refusal.OnField("held_at", refusal.ConsultationInFuture)
	}
	if in.HeldAt.Before(sg.RoundStartedAt.Add(-24 * time.Hour)) {
		return refusal.OnField("held_at", refusal.ConsultationBeforeRound)
	}
	return nil
}

// CheckProgressReport: while the case is handled or followed up.
func CheckProgressReport(sg domain.Suggestion) error { return InStatus(ProgressReport, sg.Status) }

// ExtensionCap is the latest due time the round may reach by extensions:
// extension_max after the round's first due time, less what extensions
// took in earlier rounds (one suggestion's extensions add up to at most
// extension_max).
func ExtensionCap(sg domain.Suggestion, pol policy.Policy) time.Time {
	limit := pol.Due(*sg.FirstDueAt, pol.ExtensionMax).At
	if sg.CapAllRounds {
		earlier := sg.Extended - sg.DueAt.Sub(*sg.FirstDueAt)
		limit = limit.Add(-earlier)
	}
	return limit
}

// CheckExtension: one request at a time, before the due time, within the
// cap.
func CheckExtension(sg domain.Suggestion, in domain.ExtensionRequestInput, now time.Time, pol policy.Policy) error {
	if err := InStatus(RequestExtension, sg.Status); err != nil {
		return err
	}
	if err := noPendingExtension(sg); err != nil {
		return err
	}
	if !now.Before(*sg.DueAt) {
		return refusal.New(refusal.Conflict, refusal.ExtensionTooLate, "due_at", domain.Stamp(*sg.DueAt))
	}
	if !in.NewDueAt.After(*sg.DueAt) {
		return refusal.OnField("new_due_at", refusal.DueNotLater, "due_at", domain.Stamp(*sg.DueAt))
	}
	if limit := ExtensionCap(sg, pol); in.NewDueAt.After(limit) {
		if !limit.After(*sg.DueAt) {
			return refusal.OnField("new_due_at", refusal.ExtensionCapUsed, "max_duration", pol.ExtensionMax.String())
		}
		left := fmt.Sprintf("P%dD", int(limit.Sub(*sg.DueAt).Hours()/24))
		return refusal.OnField("new_due_at", refusal.ExtensionCapExceeded, "max_duration", pol.ExtensionMax.String(),
			"latest_at", domain.Stamp(limit), "left", left)
	}
	return nil
}

// CheckDecision: a request is waiting.
func CheckDecision(sg domain.Suggestion) error {
	if err := pendingExtension(sg); err != nil {
		return err
	}
	return InStatus(DecideExtension, sg.Status)
}

// firstRound: only the first assignment can be returned.
func firstRound(sg domain.Suggestion) error {
	if sg.Round != 1 {
		return refusal.New(refusal.Conflict, refusal.AssignmentReturnRound)
	}
	return nil
}

// noPendingExtension: one extension request at a time.
func noPendingExtension(sg domain.Suggestion) error {
	if sg.PendingExtension != nil {
		return refusal.New(refusal.Conflict, refusal.ExtensionPending)
	}
	return nil
}

// pendingExtension: a decision needs a request.
func pendingExtension(sg domain.Suggestion) error {
	if sg.PendingExtension == nil {
		return refusal.New(refusal.Conflict, refusal.NoPendingExtension)
	}
	return nil
}

// Offered says whether the case's state lets an action be taken now, its
// input aside: what the pages offer. Who may take it is the access
// policy's to say.
func Offered(a Action, sg domain.Suggestion) bool {
	if !a.Allows(sg.Status) {
		return false
	}
	switch a {
	case ReturnAssignment:
		return firstRound(sg) == nil
	case RequestExtension:
		return noPendingExtension(sg) == nil
	case DecideExtension:
		return pendingExtension(sg) == nil
	case AnswerReferral:
		return sg.Referral != nil && sg.Referral.Answer == nil
	case ReviewEnding:
		return sg.UnsatisfiedEnding() != ""
	}
	return true
}

// promises says whether a reply's class promises a later completion.
func promises(class string) bool { return class == "B" || class == "C" }

// CheckReplyInput: a B or C reply names its promised date.
func CheckReplyInput(in domain.ReplyInput) error {
	if promises(in.ResultClass) && in.PromisedAt == nil {
		return refusal.OnField("promised_at", refusal.PromisedDateRequired)
	}
	return nil
}

// CheckReply: consult first, then reply (DOMAIN.md rule 4); a promise lies
// ahead.
func CheckReply(sg domain.Suggestion, in domain.ReplyInput, now time.Time) error {
	if err := InStatus(Reply, sg.Status); err != nil {
		return err
	}
	if !sg.Consulted {
		return refusal.New(refusal.Conflict, refusal.ConsultationRequired)
	}
	if err := CheckReplyInput(in); err != nil {
		return err
	}
	if promises(in.ResultClass) && !in.PromisedAt.After(now) {
		return refusal.OnField("promised_at", refusal.PromisedDatePast)
	}
	return nil
}

// Promises says whether the case's reply promises a later completion.
func Promises(r *domain.Reply) bool { return r != nil && promises(r.ResultClass) }

// CheckRatingInput: an unsatisfied rating gives its reasons.
func CheckRatingInput(in domain.RatingInput) error {
	if (in.Result == domain.Unsatisfied || in.Attitude == domain.Unsatisfied) && in.Reasons == "" {
		return refusal.OnField("reasons", refusal.ReasonsRequired)
	}
	return nil
}

// CheckRate: a signer rates each reply once.
func CheckRate(sg domain.Suggestion, in domain.RatingInput, now time.Time) error {
	if !slices.Contains(Signers(sg), in.DeputyID) {
		return refusal.OnField("deputy_id", refusal.NotASigner)
	}
	if err := CheckRatingInput(in); err != nil {
		return err
	}
	return RatingRefusal(sg, in.DeputyID, now)
}

// HasRated says whether a deputy rated a round's reply.
func HasRated(sg domain.Suggestion, deputy string, round int) bool {
	return slices.ContainsFunc(sg.Ratings, func(r domain.Rating) bool { return r.DeputyID == deputy && r.Round == round })
}

// RatingRefusal says why a signer may not rate the current reply now: the
// lead deputy rates while the case awaits it, a co-signer until the rating
// window closes.
func RatingRefusal(sg domain.Suggestion, deputy string, now time.Time) error {
	if sg.Reply == nil {
		return refusal.New(refusal.Conflict, refusal.NoReplyToRate)
	}
	if HasRated(sg, deputy, sg.Reply.Round) {
		return refusal.New(refusal.Conflict, refusal.AlreadyRated)
	}
	if deputy == sg.LeadDeputyID {
		if sg.Status != domain.StatusReplied {
			return refusal.New(refusal.Conflict, refusal.WrongStatus, "action", string(Rate), "status", string(sg.Status))
		}
		return nil
	}
	if sg.RatingDueAt != nil && now.After(*sg.RatingDueAt) && sg.Status != domain.StatusReplied {
		return refusal.New(refusal.Conflict, refusal.RatingClosed)
	}
	return nil
}

// CheckComplete: a promise followed up; one not kept is signed for.
func CheckComplete(sg domain.Suggestion, in domain.CompletionInput) error {
	if err := InStatus(Complete, sg.Status); err != nil {
		return err
	}
	if in.Kept != nil && !*in.Kept && in.SignedBy == "" {
		return refusal.OnField("signed_by", refusal.StatementRequired)
	}
	return nil
}

// CheckCallMeeting: a meeting far enough ahead for its notice.
func CheckCallMeeting(sg domain.Suggestion, in domain.CallMeetingInput, now time.Time, pol policy.Policy) error {
	if err := InStatus(CallMeeting, sg.Status); err != nil {
		return err
	}
	earliestAt := pol.After(now, pol.MeetingNoticeAhead)
	if in.ScheduledAt.Before(earliestAt) {
		return refusal.OnField("scheduled_at", refusal.MeetingTooSoon, "ahead", pol.MeetingNoticeAhead.String(), "earliest_at", domain.Stamp(earliestAt))
	}
	return nil
}

// CheckMinutes: a meeting's minutes are recorded once.
func CheckMinutes(m domain.Meeting) error {
	if m.Status == domain.MeetingHeld {
		return refusal.New(refusal.Conflict, refusal.MinutesRecorded)
	}
	return nil
}

// CheckEndingReview: only a case that ended with an unsatisfied final
// result or without feedback is judged for a valid reason (DOMAIN.md
// section 5). A later judgement replaces an earlier one.
func CheckEndingReview(sg domain.Suggestion) error {
	if err := InStatus(ReviewEnding, sg.Status); err != nil {
		return err
	}
	if sg.UnsatisfiedEnding() == "" {
		return refusal.New(refusal.Conflict, refusal.EndingSatisfied)
	}
	return nil
}

// CheckRefer: a case the presidium still holds (not yet assigned) is
// referred upward, on a date between its submission and now.
func CheckRefer(sg domain.Suggestion, in domain.ReferralInput, now time.Time) error {
	if err := InStatus(Refer, sg.Status); err != nil {
		return err
	}
	if in.SentAt.After(now.Add(10 * time.Minute)) {
		return refusal.OnField("sent_at", refusal.ReferralInFuture)
	}
	// A date is sent as its day's start or end in the township's zone:
	// a day's slack either way.
	if in.SentAt.Before(sg.SubmittedAt.Add(-24 * time.Hour)) {
		return refusal.OnField("sent_at", refusal.ReferralBeforeSubmitted)
	}
	return nil
}

// CheckReferralAnswer: one answer to a referral, received after it was
// sent.
func CheckReferralAnswer(sg domain.Suggestion, in domain.ReferralAnswerInput, now time.Time) error {
	if err := InStatus(AnswerReferral, sg.Status); err != nil {
		return err
	}
	if sg.Referral == nil || sg.Referral.Answer != nil {
		return refusal.New(refusal.Conflict, refusal.ReferralAnswered)
	}
	if in.ReceivedAt.After(now.Add(10 * time.Minute)) {
		return refusal.OnField("received_at", refusal.AnswerInFuture)
	}
	if in.ReceivedAt.Before(sg.Referral.SentAt.Add(-24 * time.Hour)) {
		return refusal.OnField("received_at", refusal.AnswerBeforeReferral, "sent_at", domain.Stamp(sg.Referral.SentAt))
	}
	return nil
}

// CheckMergeInput: a suggestion is not merged into itself.
func CheckMergeInput(id string, in domain.MergeInput) error {
	if in.Into == id {
		return refusal.OnField("into", refusal.MergeIntoSelf)
	}
	return nil
}

// CheckMerge: the merged case is not assigned yet (its handling has not
// begun) and is not merged into itself. The kept case is
// CheckMergeTarget's: the merged deputies take part in it from its
// assignment on.
func CheckMerge(sg domain.Suggestion, in domain.MergeInput) error {
	if err := InStatus(Merge, sg.Status); err != nil {
		return err
	}
	return CheckMergeInput(sg.ID, in)
}

// CheckMergeTarget: the kept case is another suggestion not yet assigned.
func CheckMergeTarget(sg, into domain.Suggestion) error {
	if into.ID == sg.ID {
		return refusal.OnField("into", refusal.MergeIntoSelf)
	}
	if !slices.Contains(beforeAssignment, into.Status) {
		return refusal.New(refusal.Conflict, refusal.MergeTargetStatus, "number", into.Number, "status", string(into.Status))
	}
	return nil
}
