package cases

import (
	"context"
	"errors"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/rules"
	"suggestflow/store"
	"suggestflow/validation"
)

// Each action sets the actor, checks what can be checked before the case's
// workflow is asked, and runs the workflow's update. The rules that depend
// on the case's state are the workflow's validators (package rules).

// Review accepts or returns a submitted suggestion.
func (s *Service) Review(ctx context.Context, p access.Principal, id string, in domain.ReviewInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateReview, &in)
}

// Assign hands an accepted suggestion to units that exist.
func (s *Service) Assign(ctx context.Context, p access.Principal, id string, in domain.AssignInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateAssign, &in, func() error { return s.checkUnits(ctx, in) })
}

// ReturnAssignment is the lead unit sending back a wrong assignment.
func (s *Service) ReturnAssignment(ctx context.Context, p access.Principal, id string, in domain.AssignmentReturnInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateReturnAssignment, &in)
}

// CoOpinion is a co-handling unit's opinion, filed by that unit (or staff).
func (s *Service) CoOpinion(ctx context.Context, p access.Principal, id string, in domain.CoOpinionInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateCoOpinion, &in, func() error {
		if !access.CoOpinionAs(p, in.UnitID) {
			return refusal.New(refusal.Forbidden, refusal.CoOpinionAsSelf)
		}
		missing, err := s.store.MissingUnits(ctx, []string{in.UnitID})
		if err != nil {
			return store.Refused(err, "unit")
		}
		if len(missing) > 0 {
			return refusal.OnField("unit_id", refusal.NoSuchObject, "object", "unit")
		}
		return nil
	})
}

// Consult records a consultation with the deputy.
func (s *Service) Consult(ctx context.Context, p access.Principal, id string, in domain.ConsultationInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateConsult, &in)
}

// ProgressReport files a unit's interim report.
func (s *Service) ProgressReport(ctx context.Context, p access.Principal, id string, in domain.ProgressReportInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateProgressReport, &in)
}

// RequestExtension files a written extension request.
func (s *Service) RequestExtension(ctx context.Context, p access.Principal, id string, in domain.ExtensionRequestInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateRequestExtension, &in)
}

// DecideExtension is the presidium's decision on a pending request.
func (s *Service) DecideExtension(ctx context.Context, p access.Principal, id string, in domain.ExtensionDecisionInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateDecideExtension, &in)
}

// Reply is the lead unit's answer.
func (s *Service) Reply(ctx context.Context, p access.Principal, id string, in domain.ReplyInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateReply, &in, func() error { return rules.CheckReplyInput(in) })
}

// Rate is a signer's rating of the reply, in their own name.
func (s *Service) Rate(ctx context.Context, p access.Principal, id string, in domain.RatingInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateRate, &in, func() error {
		if !access.RateAs(p, in.DeputyID) {
			return refusal.New(refusal.Forbidden, refusal.RateAsSelf)
		}
		return nil
	})
}

// Complete reports a promise kept, or one that cannot be.
func (s *Service) Complete(ctx context.Context, p access.Principal, id string, in domain.CompletionInput) (domain.Suggestion, error) {
	in.Actor = actor(p)
	return s.act(ctx, id, contract.UpdateComplete, &in)
}

// CallMeeting is staff calling an escalation meeting on a case; it answers
// with the meeting.
func (s *Service) CallMeeting(ctx context.Context, p access.Principal, in domain.CallMeetingInput) (domain.MeetingView, error) {
	var none domain.MeetingView
	in.Actor = actor(p)
	sg, err := s.act(ctx, in.SuggestionID, contract.UpdateCallMeeting, &in, func() error {
		_, err := s.store.Suggestion(ctx, in.SuggestionID)
		if errors.Is(err, store.ErrNotFound) {
			return refusal.OnField("suggestion_id", refusal.NoSuchObject, "object", "suggestion")
		}
		return store.Refused(err, "suggestion")
	})
	if err != nil {
		return none, err
	}
	last := sg.Meetings[len(sg.Meetings)-1]
	m, err := s.store.Meeting(ctx, last.ID)
	if err != nil {
		return none, store.Refused(err, "meeting")
	}
	return m.View(), nil
}

// Minutes records what a meeting decided, once.
func (s *Service) Minutes(ctx context.Context, p access.Principal, id string, in domain.MinutesInput) (domain.MeetingView, error) {
	var m domain.Meeting
	in.Actor = actor(p)
	if err := validation.Check(&in); err != nil {
		return m.View(), err
	}
	row, err := s.store.Meeting(ctx, id)
	if err != nil {
		return m.View(), store.Refused(err, "meeting")
	}
	err = s.update(ctx, id, contract.UpdateMinutes, &in, &m)
	if r, ok := refusal.As(err); ok && r.Code == refusal.CaseClosed && row.Status == domain.MeetingScheduled {
		// No workflow answers for a meeting still to be held: the case
		// that called it starts it a minute or two after the call. Ask
		// the case to start it now, then take the minutes.
		if err = s.update(ctx, row.SuggestionID, contract.UpdateStartMeeting, id, nil); err == nil {
			err = s.update(ctx, id, contract.UpdateMinutes, &in, &m)
		}
	}
	if err != nil {
		// A held meeting's workflow has ended: its minutes are recorded.
		if r, ok := refusal.As(err); ok && r.Code == refusal.CaseClosed {
			return m.View(), refusal.New(refusal.Conflict, refusal.MinutesRecorded)
		}
		return m.View(), err
	}
	return m.View(), nil
}
