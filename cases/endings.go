package cases

import (
	"context"
	"errors"
	"slices"
	"time"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/refusal"
	"suggestflow/rules"
	"suggestflow/store"
	"suggestflow/validation"
)

// Refer sends a suggestion outside the township's competence to a named
// higher body (转交).
func (s *Service) Refer(ctx context.Context, p access.Principal, id string, in domain.ReferralInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateRefer, &in)
}

// AnswerReferral records the higher body's answer, which the deputies are
// sent. A case answered already has ended: the store says so, where its
// workflow no longer can.
func (s *Service) AnswerReferral(ctx context.Context, p access.Principal, id string, in domain.ReferralAnswerInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateReferralAnswer, &in, func() error {
		sg, err := s.store.Suggestion(ctx, id)
		if err != nil {
			return store.Refused(err, "suggestion")
		}
		if sg.Referral != nil && sg.Referral.Answer != nil {
			return refusal.New(refusal.Conflict, refusal.ReferralAnswered)
		}
		return nil
	})
}

// mergeVisibleWithin bounds how long a merge waits for the kept case to
// have stored its new co-signers, so that the answer and a read of the
// kept case right after it agree.
const mergeVisibleWithin = 5 * time.Second

// Merge merges a suggestion into another one not yet assigned (并案).
// The kept case is checked here, from the store; the merged case's
// workflow checks its own state and tells the kept case, whose workflow
// adds the deputies.
func (s *Service) Merge(ctx context.Context, p access.Principal, id string, in domain.MergeInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	in.IntoNumber, in.IntoTitle = "", ""
	sg, err := s.act(ctx, id, contract.UpdateMerge, &in, func() error {
		if err := rules.CheckMergeInput(id, in); err != nil {
			return err
		}
		// A merged or returned case's workflow has ended: its stored
		// status answers for it.
		self, err := s.store.Suggestion(ctx, id)
		if err != nil {
			return store.Refused(err, "suggestion")
		}
		if slices.Contains(domain.EndedStatuses, string(self.Status)) {
			return rules.InStatus(rules.Merge, self.Status)
		}
		into, err := s.store.Suggestion(ctx, in.Into)
		if errors.Is(err, store.ErrNotFound) {
			return refusal.OnField("into", refusal.NoSuchObject, "object", "suggestion")
		}
		if err != nil {
			return store.Refused(err, "suggestion")
		}
		if err := rules.CheckMergeTarget(self, into); err != nil {
			return err
		}
		in.IntoNumber, in.IntoTitle = into.Number, into.Title
		return nil
	})
	if err != nil {
		return sg, err
	}
	s.awaitMergedIn(ctx, id, in.Into)
	return sg, nil
}

// awaitMergedIn waits, briefly, until the kept case has stored the merge.
// The merge is durable once the merged case took it: Temporal delivers the
// signal to the kept case's workflow, which stores the deputies a moment
// later.
func (s *Service) awaitMergedIn(ctx context.Context, from, into string) {
	deadline := time.Now().Add(mergeVisibleWithin)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		kept, err := s.store.Suggestion(ctx, into)
		if err == nil && slices.ContainsFunc(kept.MergedFrom, func(m domain.MergedCase) bool { return m.ID == from }) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.log.Warn("merged case not yet stored in the kept case", "from", from, "into", into)
}

// ReviewEnding records the presidium's judgement on a case that ended
// with an unsatisfied final result or without feedback: whether the unit
// had a valid reason, which keeps the ending out of the yearly ">2" rule.
// The case's workflow has ended by then, so the judgement is stored beside
// the case, with its timeline line, and the case is answered as stored.
func (s *Service) ReviewEnding(ctx context.Context, p access.Principal, id string, in domain.EndingReviewInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	if err := validation.Check(&in); err != nil {
		return domain.Suggestion{}, err
	}
	sg, err := s.store.Suggestion(ctx, id)
	if err != nil {
		return sg, store.Refused(err, "suggestion")
	}
	if err := rules.CheckEndingReview(sg); err != nil {
		return sg, err
	}
	r := domain.EndingReview{ValidReason: *in.ValidReason, Reason: in.Reason, JudgedBy: in.Actor, JudgedAt: s.now().UTC()}
	as := "not_valid"
	if r.ValidReason {
		as = "valid"
	}
	params := map[string]string{"as": as, "ending": sg.UnsatisfiedEnding(), "reason": in.Reason}
	ev := domain.Event{ID: sg.ID + "-" + domain.NewID("er"), SuggestionID: sg.ID, At: r.JudgedAt, Actor: in.Actor,
		Type: "ending_reviewed", Params: params, Detail: i18n.Event(i18n.Raw, "ending_reviewed", params)}
	if err := s.store.SaveEndingReview(ctx, sg.ID, r, ev); err != nil {
		return sg, store.Refused(err, "suggestion")
	}
	return sg, nil
}
