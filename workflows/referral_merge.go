package workflows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/rules"
)

// --- referral upward (转交) ---

func (w *suggestion) checkRefer(ctx workflow.Context, in domain.ReferralInput) error {
	return refused(rules.CheckRefer(w.st, in, now(ctx)))
}

// applyRefer records the referral to the higher body; the case waits for
// its answer from then on, and the deputies are told where it went.
func (w *suggestion) applyRefer(ctx workflow.Context, in domain.ReferralInput, step *domain.Step) error {
	sent := in.SentAt.UTC()
	w.st.Status = domain.StatusReferred
	w.st.Referral = &domain.Referral{To: in.To, Reason: in.Reason, SentAt: sent, ReferredAt: now(ctx)}
	w.event(ctx, step, in.Actor, "referred", params{"to": in.To, "sent_at": rfc(sent), "reason": in.Reason})
	w.notice(ctx, step, "referred", map[string]string{"to": in.To, "sent_at": rfc(sent), "reason": in.Reason}, w.deputyRecipients()...)
	return nil
}

func (w *suggestion) checkReferralAnswer(ctx workflow.Context, in domain.ReferralAnswerInput) error {
	return refused(rules.CheckReferralAnswer(w.st, in, now(ctx)))
}

// applyReferralAnswer records the higher body's answer, which ends the
// case: the deputies are sent the answer itself.
func (w *suggestion) applyReferralAnswer(ctx workflow.Context, in domain.ReferralAnswerInput, step *domain.Step) error {
	t := now(ctx)
	ref := *w.st.Referral
	ref.Answer = &domain.ReferralAnswer{ReceivedAt: in.ReceivedAt.UTC(), Content: in.Content, RecordedAt: t}
	w.st.Referral = &ref
	w.st.ClosedAt = &t
	w.event(ctx, step, in.Actor, "referral_answered", params{"to": ref.To, "received_at": rfc(in.ReceivedAt)})
	w.notice(ctx, step, "referral_answered", map[string]string{"to": ref.To, "received_at": rfc(in.ReceivedAt), "content": in.Content},
		w.deputyRecipients()...)
	return nil
}

// referralAlarms: a referral unanswered after referral_answer_within
// reminds the presidium to chase the higher body, once.
func (w *suggestion) referralAlarms(add func(string, time.Time, func(workflow.Context, *domain.Step))) {
	ref := w.st.Referral
	if ref == nil || ref.Answer != nil {
		return
	}
	within := w.pol.ReferralAnswerTime()
	at := w.pol.Due(ref.SentAt, within).At
	add(fmt.Sprintf("referral-unanswered-%d", ref.SentAt.Unix()), at, func(ctx workflow.Context, step *domain.Step) {
		w.event(ctx, step, domain.System, "referral_unanswered", params{"to": ref.To, "sent_at": rfc(ref.SentAt), "within": within.String()})
		w.notice(ctx, step, "referral_unanswered", map[string]string{"to": ref.To, "sent_at": rfc(ref.SentAt), "within": within.String()},
			domain.RecipientPresidium)
	})
}

// --- merging (并案) ---

func (w *suggestion) checkMerge(_ workflow.Context, in domain.MergeInput) error {
	return refused(rules.CheckMerge(w.st, in))
}

// applyMerge merges this case into another. The kept case is told first,
// by a signal that Temporal delivers once it is accepted: if that case's
// workflow has ended, nothing here changes and the merge is refused. The
// command checked that the kept case is not assigned yet; one assigned in
// the instant between takes the deputies all the same, as co-signers.
func (w *suggestion) applyMerge(ctx workflow.Context, in domain.MergeInput, step *domain.Step) error {
	t := now(ctx)
	signers := w.signers()
	msg := contract.MergedIn{From: w.st.ID, Number: w.st.Number, Title: w.st.Title, DeputyIDs: signers, Reason: in.Reason, At: t}
	if err := workflow.SignalExternalWorkflow(ctx, in.Into, "", contract.SignalMergedIn, msg).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("merge target did not take the signal", "suggestion", w.st.ID, "into", in.Into, "error", err)
		return refused(refusal.New(refusal.Conflict, refusal.MergeTargetEnded, "number", in.IntoNumber))
	}
	w.st.Status = domain.StatusMerged
	w.st.MergedInto = in.Into
	w.st.MergeReason = in.Reason
	w.st.ClosedAt = &t
	w.event(ctx, step, in.Actor, "merged", params{"into": in.Into, "into_number": in.IntoNumber, "reason": in.Reason})
	w.notice(ctx, step, "merged", map[string]string{"into": in.Into, "into_number": in.IntoNumber, "into_title": in.IntoTitle,
		"reason": in.Reason}, w.deputyRecipients()...)
	return nil
}

// mergedIn takes a suggestion merged into this one: its signers who are
// not signers here already become co-signers, so they are told of every
// step from now on, see the case and rate its reply. A case that was
// itself merged meanwhile passes them on to the case it went into.
func (w *suggestion) mergedIn(ctx workflow.Context, in contract.MergedIn) {
	step := &domain.Step{}
	if w.st.Status == domain.StatusMerged && w.st.MergedInto != "" {
		err := workflow.SignalExternalWorkflow(ctx, w.st.MergedInto, "", contract.SignalMergedIn, in).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Error("merged deputies could not be passed on", "suggestion", w.st.ID, "from", in.From,
				"into", w.st.MergedInto, "error", err)
			w.event(ctx, step, domain.System, "error", params{"error": fmt.Sprintf("merge of %s not passed on to %s: %v", in.From, w.st.MergedInto, err)})
			w.persistOrLog(ctx, step)
		}
		return
	}
	var added []string
	for _, id := range in.DeputyIDs {
		if !slices.Contains(w.signers(), id) {
			w.st.CoSignerIDs = append(w.st.CoSignerIDs, id)
			added = append(added, id)
		}
	}
	if added == nil {
		added = []string{}
	}
	w.st.MergedFrom = append(w.st.MergedFrom, domain.MergedCase{ID: in.From, Number: in.Number, Title: in.Title,
		DeputyIDs: added, Reason: in.Reason, At: in.At})
	w.event(ctx, step, domain.System, "merged_in", params{"from": in.From, "from_number": in.Number,
		"deputy_ids": strings.Join(added, ", "), "count": strconv.Itoa(len(added)), "reason": in.Reason})
	w.notice(ctx, step, "merged_in", map[string]string{"from_number": in.Number, "from_title": in.Title, "count": strconv.Itoa(len(added))},
		domain.RecipientDeputy(w.st.LeadDeputyID))
	w.persistOrLog(ctx, step)
}
