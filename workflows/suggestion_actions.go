package workflows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/rules"
)

// action registers an update whose validator and handler share one check,
// so a refused action writes nothing to history, and one accepted runs
// under the lock and returns the stored state.
func action[T any](ctx workflow.Context, w *suggestion, name string, check func(workflow.Context, T) error,
	apply func(workflow.Context, T, *domain.Step) error) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (domain.Suggestion, error) {
			if err := w.mu.Lock(ctx); err != nil {
				return w.st, err
			}
			defer w.mu.Unlock()
			// The state may have moved while this update waited for the lock.
			if err := check(ctx, in); err != nil {
				return w.st, err
			}
			step := &domain.Step{}
			if err := apply(activityOptions(ctx), in, step); err != nil {
				return w.st, err
			}
			if err := w.persist(ctx, step); err != nil {
				return w.st, err
			}
			return w.st, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error { return check(ctx, in) }},
	)
}

func (w *suggestion) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, contract.QueryState, func() (domain.Suggestion, error) { return w.st, nil }); err != nil {
		return err
	}
	if err := w.registerSubmit(ctx); err != nil {
		return err
	}
	regs := []func(workflow.Context) error{
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateReview, w.checkReview, w.applyReview)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateAssign, w.checkAssign, w.applyAssign)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateReturnAssignment, w.checkReturnAssignment, w.applyReturnAssignment)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateCoOpinion, w.checkCoOpinion, w.applyCoOpinion)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateConsult, w.checkConsult, w.applyConsult)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateProgressReport, w.checkProgress, w.applyProgress)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateRequestExtension, w.checkExtension, w.applyExtension)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateDecideExtension, w.checkDecision, w.applyDecision)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateReply, w.checkReply, w.applyReply)
		},
		func(ctx workflow.Context) error { return action(ctx, w, contract.UpdateRate, w.checkRate, w.applyRate) },
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateComplete, w.checkComplete, w.applyComplete)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateCallMeeting, w.checkCallMeeting, w.applyCallMeeting)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateRefer, w.checkRefer, w.applyRefer)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateReferralAnswer, w.checkReferralAnswer, w.applyReferralAnswer)
		},
		func(ctx workflow.Context) error {
			return action(ctx, w, contract.UpdateMerge, w.checkMerge, w.applyMerge)
		},
	}
	for _, reg := range regs {
		if err := reg(ctx); err != nil {
			return err
		}
	}
	if err := workflow.SetUpdateHandler(ctx, contract.UpdateStartMeeting, w.startMeeting); err != nil {
		return err
	}
	w.listenSignals(ctx)
	return nil
}

// startMeeting starts a waiting meeting's workflow at once and answers
// when it runs; a meeting not waiting (started already, or not this
// case's) answers at once.
func (w *suggestion) startMeeting(ctx workflow.Context, id string) error {
	w.startNow(id)
	return workflow.Await(ctx, func() bool {
		return !slices.ContainsFunc(w.waiting, func(wm *waitingMeeting) bool { return wm.id == id })
	})
}

// registerSubmit handles intake. The same request again (same
// Idempotency-Key, same body) returns the stored suggestion; the key with
// another body is refused.
func (w *suggestion) registerSubmit(ctx workflow.Context) error {
	check := func(ctx workflow.Context, in domain.SubmitInput) error {
		if w.submitted && in.RequestHash != w.st.RequestHash {
			return refused(refusal.New(refusal.Conflict, refusal.IdempotencyKeyReused))
		}
		return nil
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateSubmit,
		func(ctx workflow.Context, in domain.SubmitInput) (domain.Suggestion, error) {
			if err := w.mu.Lock(ctx); err != nil {
				return w.st, err
			}
			defer w.mu.Unlock()
			if err := check(ctx, in); err != nil {
				return w.st, err
			}
			if w.submitted {
				return w.st, nil
			}
			ctx = activityOptions(ctx)
			t := now(ctx)
			IntakeState(&w.st, in, t, w.pol)
			var number string
			if err := workflow.ExecuteLocalActivity(persistOptions(ctx), contract.ActivityCreateSuggestion, w.st).Get(ctx, &number); err != nil {
				return w.st, fmt.Errorf("create suggestion %s: %w", w.st.ID, err)
			}
			w.st.Number = number
			step := IntakeStep(&w.st, in.Actor, t)
			if err := w.persist(ctx, &step); err != nil {
				return w.st, err
			}
			w.submitted = true
			return w.st, nil
		},
		workflow.UpdateHandlerOptions{Validator: check},
	)
}

func (w *suggestion) checkReview(_ workflow.Context, in domain.ReviewInput) error {
	return refused(rules.CheckReview(w.st, in))
}

func (w *suggestion) applyReview(ctx workflow.Context, in domain.ReviewInput, step *domain.Step) error {
	if in.Decision == "accept" {
		w.st.Status = domain.StatusAccepted
		w.event(ctx, step, in.Actor, "accepted", nil)
		w.notice(ctx, step, "accepted", nil, domain.RecipientDeputy(w.st.LeadDeputyID))
		return nil
	}
	w.st.Status = domain.StatusReturned
	w.st.ReturnReason = in.Reason
	w.event(ctx, step, in.Actor, "returned", params{"return_category": in.ReturnCategory, "reason": in.Reason})
	w.notice(ctx, step, "returned", map[string]string{"reason": in.Reason}, domain.RecipientDeputy(w.st.LeadDeputyID))
	return nil
}

func (w *suggestion) checkAssign(_ workflow.Context, in domain.AssignInput) error {
	return refused(rules.CheckAssign(w.st, in))
}

func (w *suggestion) applyAssign(ctx workflow.Context, in domain.AssignInput, step *domain.Step) error {
	co := in.CoUnitIDs
	if co == nil {
		co = []string{}
	}
	w.st.Assignment = &domain.Assignment{LeadUnitID: in.LeadUnitID, CoUnitIDs: co, Leader: in.Leader,
		Handler: in.Handler, Complex: in.Complex, AssignedAt: now(ctx)}
	w.st.Status = domain.StatusHandling
	w.decideReminders(ctx)
	within := w.pol.ReplyWithin
	if in.Complex {
		within = w.pol.ReplyWithinComplex
	}
	w.startRound(ctx, step, within)
	w.event(ctx, step, in.Actor, "assigned", params{"lead_unit": in.LeadUnitID, "co_unit_ids": strings.Join(co, ", "),
		"leader": in.Leader, "handler": in.Handler, "due_at": rfc(*w.st.DueAt)})
	to := w.unitRecipients(true)
	for _, u := range co {
		to = append(to, domain.RecipientUnit(u))
	}
	w.notice(ctx, step, "assigned", nil, to...)
	w.notice(ctx, step, "assigned_deputy", nil, w.deputyRecipients()...)
	return nil
}

func (w *suggestion) checkReturnAssignment(ctx workflow.Context, _ domain.AssignmentReturnInput) error {
	return refused(rules.CheckReturnAssignment(w.st, now(ctx), w.pol))
}

func (w *suggestion) applyReturnAssignment(ctx workflow.Context, in domain.AssignmentReturnInput, step *domain.Step) error {
	unit := w.st.LeadUnitID()
	w.st.Status = domain.StatusAccepted
	w.st.Assignment = nil
	w.st.DueAt, w.st.FirstDueAt, w.st.ProgressDueAt = nil, nil, nil
	w.st.DueExplanation, w.st.DueBasis = "", nil
	w.st.Round = 0
	w.st.Consulted = false
	w.event(ctx, step, in.Actor, "assignment_returned", params{"unit": unit, "reason": in.Reason})
	w.notice(ctx, step, "assignment_returned", map[string]string{"reason": in.Reason, "unit": unit}, domain.RecipientPresidium)
	return nil
}

func (w *suggestion) checkCoOpinion(_ workflow.Context, in domain.CoOpinionInput) error {
	return refused(rules.CheckCoOpinion(w.st, in))
}

func (w *suggestion) applyCoOpinion(ctx workflow.Context, in domain.CoOpinionInput, step *domain.Step) error {
	step.CoOpinion = &domain.CoOpinion{ID: w.nextID("o"), UnitID: in.UnitID, Content: in.Content, At: now(ctx)}
	if !slices.Contains(w.st.CoOpinionUnits, in.UnitID) {
		w.st.CoOpinionUnits = append(w.st.CoOpinionUnits, in.UnitID)
	}
	w.event(ctx, step, in.Actor, "co_opinion", params{"unit": in.UnitID})
	w.notice(ctx, step, "co_opinion_filed", map[string]string{"unit": in.UnitID}, w.unitRecipients(false)...)
	return nil
}

func (w *suggestion) checkConsult(ctx workflow.Context, in domain.ConsultationInput) error {
	return refused(rules.CheckConsult(w.st, in, now(ctx)))
}

func (w *suggestion) applyConsult(ctx workflow.Context, in domain.ConsultationInput, step *domain.Step) error {
	parts := in.Participants
	if parts == nil {
		parts = []string{}
	}
	step.Consultation = &domain.Consultation{ID: w.nextID("c"), Round: w.st.Round, HeldAt: in.HeldAt.UTC(),
		Method: in.Method, Participants: parts, Notes: in.Notes, RecordedAt: now(ctx)}
	w.st.Consulted = true
	w.st.Consultations++
	w.event(ctx, step, in.Actor, "consultation", params{"method": in.Method, "held_at": rfc(in.HeldAt)})
	return nil
}

func (w *suggestion) checkProgress(_ workflow.Context, _ domain.ProgressReportInput) error {
	return refused(rules.CheckProgressReport(w.st))
}

func (w *suggestion) applyProgress(ctx workflow.Context, in domain.ProgressReportInput, step *domain.Step) error {
	t := now(ctx)
	step.ProgressReport = &domain.ProgressReport{ID: w.nextID("p"), Round: w.st.Round, Content: in.Content, At: t}
	next := w.pol.Due(t, w.pol.ProgressReportEvery).At
	w.st.ProgressDueAt = &next
	w.event(ctx, step, in.Actor, "progress_report", params{"next_at": rfc(next)})
	return nil
}

func (w *suggestion) checkExtension(ctx workflow.Context, in domain.ExtensionRequestInput) error {
	return refused(rules.CheckExtension(w.st, in, now(ctx), w.pol))
}

func (w *suggestion) applyExtension(ctx workflow.Context, in domain.ExtensionRequestInput, step *domain.Step) error {
	req := &domain.ExtensionRequest{ID: w.nextID("x"), Round: w.st.Round, Reason: in.Reason, Measures: in.Measures,
		OldDueAt: *w.st.DueAt, NewDueAt: in.NewDueAt.UTC(), At: now(ctx)}
	w.st.PendingExtension = req
	step.Extension = req
	w.event(ctx, step, in.Actor, "extension_requested", params{"new_due_at": rfc(in.NewDueAt)})
	w.notice(ctx, step, "extension_requested", map[string]string{"new_due_at": rfc(in.NewDueAt)}, domain.RecipientPresidium)
	return nil
}

func (w *suggestion) checkDecision(_ workflow.Context, _ domain.ExtensionDecisionInput) error {
	return refused(rules.CheckDecision(w.st))
}

func (w *suggestion) applyDecision(ctx workflow.Context, in domain.ExtensionDecisionInput, step *domain.Step) error {
	req := *w.st.PendingExtension
	t := now(ctx)
	req.DecidedAt = &t
	req.Comment = in.Comment
	w.st.PendingExtension = nil
	if *in.Approve {
		req.Decision = "approved"
		due := req.NewDueAt
		w.st.Extended += due.Sub(req.OldDueAt)
		w.st.DueAt = &due
		w.st.DueExplanation = fmt.Sprintf("extended from %s to %s by the presidium's approval", rfc(req.OldDueAt), rfc(due))
		w.st.DueBasis = &domain.DueBasis{Rule: domain.DueExtended, From: req.OldDueAt}
		w.event(ctx, step, in.Actor, "extension_approved", params{"due_at": rfc(due)})
		w.notice(ctx, step, "extension_decided", map[string]string{"decision": "approved", "comment": in.Comment},
			append(w.unitRecipients(false), domain.RecipientDeputy(w.st.LeadDeputyID))...)
	} else {
		req.Decision = "rejected"
		w.event(ctx, step, in.Actor, "extension_rejected", params{"comment": in.Comment})
		w.notice(ctx, step, "extension_decided", map[string]string{"decision": "rejected", "comment": in.Comment}, w.unitRecipients(false)...)
	}
	step.Extension = &req
	return nil
}

func (w *suggestion) checkReply(ctx workflow.Context, in domain.ReplyInput) error {
	return refused(rules.CheckReply(w.st, in, now(ctx)))
}

func (w *suggestion) applyReply(ctx workflow.Context, in domain.ReplyInput, step *domain.Step) error {
	t := now(ctx)
	r := &domain.Reply{ID: w.nextID("y"), Round: w.st.Round, ResultClass: in.ResultClass, Content: in.Content,
		RepliedAt: t, DueAt: *w.st.DueAt, OnTime: !t.After(*w.st.DueAt), Consulted: w.st.Consulted}
	if rules.Promises(r) {
		p := in.PromisedAt.UTC()
		r.PromisedAt = &p
	}
	w.st.Reply = r
	w.st.PendingExtension = nil
	w.st.Status = domain.StatusReplied
	ratingDue := w.pol.Due(t, w.pol.EvaluationWithin).At
	w.st.RatingDueAt = &ratingDue
	step.Reply = r
	step.Round = &domain.Round{Number: w.st.Round, RepliedAt: &t}
	w.event(ctx, step, in.Actor, "replied", params{"class": in.ResultClass, "round": strconv.Itoa(w.st.Round), "on_time": strconv.FormatBool(r.OnTime)})
	w.notice(ctx, step, "rating_request", map[string]string{"class": in.ResultClass, "due_at": rfc(ratingDue)}, w.deputyRecipients()...)
	return nil
}

func (w *suggestion) checkRate(ctx workflow.Context, in domain.RatingInput) error {
	return refused(rules.CheckRate(w.st, in, now(ctx)))
}

func (w *suggestion) applyRate(ctx workflow.Context, in domain.RatingInput, step *domain.Step) error {
	t := now(ctx)
	lead := in.DeputyID == w.st.LeadDeputyID
	r := domain.Rating{ID: w.nextID("g"), Round: w.st.Reply.Round, DeputyID: in.DeputyID, Lead: lead,
		Attitude: in.Attitude, Result: in.Result, Reasons: in.Reasons, At: t}
	w.st.Ratings = append(w.st.Ratings, r)
	step.Rating = &r
	w.event(ctx, step, in.Actor, "rated", params{"deputy": in.DeputyID, "attitude": in.Attitude, "result": in.Result})
	w.notice(ctx, step, "rated", map[string]string{"attitude": in.Attitude, "result": in.Result}, w.unitRecipients(false)...)
	if !lead {
		return nil
	}
	if in.Result != domain.Unsatisfied {
		if rules.Promises(w.st.Reply) {
			w.st.Status = domain.StatusFollowingUp
			next := w.pol.Due(t, w.pol.ProgressReportEvery).At
			w.st.ProgressDueAt = &next
			w.event(ctx, step, domain.System, "following_up", nil)
			return nil
		}
		w.st.Status = domain.StatusClosed
		w.st.ClosedAt = &t
		w.st.ClosedAs = domain.ClosedSatisfied
		w.st.ProgressDueAt = nil
		w.event(ctx, step, domain.System, "closed", params{"as": domain.ClosedSatisfied, "result": in.Result})
		return nil
	}
	w.st.Unsatisfied++
	w.st.Status = domain.StatusRehandling
	w.startRound(ctx, step, w.pol.RehandleWithin)
	w.event(ctx, step, domain.System, "rehandling", params{"count": strconv.Itoa(w.st.Unsatisfied), "round": strconv.Itoa(w.st.Round), "due_at": rfc(*w.st.DueAt)})
	w.notice(ctx, step, "rehandling", map[string]string{"reasons": in.Reasons}, w.unitRecipients(true)...)
	if w.st.Unsatisfied == w.pol.EscalateAfterUnsatisfied {
		return w.escalate(ctx, step, "unsatisfied")
	}
	return nil
}

func (w *suggestion) checkComplete(_ workflow.Context, in domain.CompletionInput) error {
	return refused(rules.CheckComplete(w.st, in))
}

func (w *suggestion) applyComplete(ctx workflow.Context, in domain.CompletionInput, step *domain.Step) error {
	t := now(ctx)
	kept := in.Kept == nil || *in.Kept
	step.Completion = &domain.Completion{ID: w.nextID("d"), Content: in.Content, Evidence: in.Evidence, Kept: kept, SignedBy: in.SignedBy, At: t}
	w.st.Completion = step.Completion
	w.st.Status = domain.StatusClosed
	w.st.ClosedAt = &t
	w.st.ProgressDueAt = nil
	if kept {
		w.st.ClosedAs = domain.ClosedCompleted
		w.event(ctx, step, in.Actor, "completed", nil)
	} else {
		w.st.ClosedAs = domain.ClosedUnfulfilled
		w.event(ctx, step, in.Actor, "unfulfillable", params{"signed_by": in.SignedBy})
	}
	w.notice(ctx, step, "completed", map[string]string{"kept": fmt.Sprint(kept)}, append(w.deputyRecipients(), domain.RecipientPresidium)...)
	return nil
}

func (w *suggestion) checkCallMeeting(ctx workflow.Context, in domain.CallMeetingInput) error {
	return refused(rules.CheckCallMeeting(w.st, in, now(ctx), w.pol))
}

func (w *suggestion) applyCallMeeting(ctx workflow.Context, in domain.CallMeetingInput, step *domain.Step) error {
	_, err := w.callMeeting(ctx, step, in.Actor, "manual", in.ScheduledAt.UTC(), in.Place, in.Agenda)
	return err
}

// listenSignals takes the signals a case receives, one at a time under
// the lock: meetings' outcomes, a changed working-day calendar, and
// suggestions merged into this one. One coroutine serves them all, so a
// cached case costs one goroutine for them.
func (w *suggestion) listenSignals(ctx workflow.Context) {
	w.meetingCh = workflow.GetSignalChannel(ctx, contract.SignalMeetingHeld)
	w.calendarCh = workflow.GetSignalChannel(ctx, contract.SignalCalendar)
	w.mergeCh = workflow.GetSignalChannel(ctx, contract.SignalMergedIn)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			sel := workflow.NewSelector(ctx)
			sel.AddReceive(w.meetingCh, func(c workflow.ReceiveChannel, _ bool) {
				var held contract.MeetingHeld
				c.Receive(ctx, &held)
				w.locked(ctx, func() { w.meetingHeld(ctx, held) })
			})
			sel.AddReceive(w.calendarCh, func(c workflow.ReceiveChannel, _ bool) {
				var in contract.RecomputeInput
				c.Receive(ctx, &in)
				w.locked(ctx, func() { w.calendarChanged(ctx, in) })
			})
			sel.AddReceive(w.mergeCh, func(c workflow.ReceiveChannel, _ bool) {
				var in contract.MergedIn
				c.Receive(ctx, &in)
				w.merging++
				w.locked(ctx, func() { w.mergedIn(ctx, in) })
				w.merging--
			})
			sel.Select(ctx)
		}
	})
}

// locked runs f under the state lock, marking the case busy meanwhile so
// that it does not continue as new in the middle.
func (w *suggestion) locked(ctx workflow.Context, f func()) {
	w.busy++
	defer func() { w.busy-- }()
	if err := w.mu.Lock(ctx); err != nil {
		return
	}
	defer w.mu.Unlock()
	f()
}

// meetingHeld records a meeting's outcome as it comes back.
func (w *suggestion) meetingHeld(ctx workflow.Context, held contract.MeetingHeld) {
	for i := range w.st.Meetings {
		if w.st.Meetings[i].ID == held.MeetingID {
			w.st.Meetings[i].Status = domain.MeetingHeld
		}
	}
	step := &domain.Step{}
	w.event(ctx, step, domain.System, "meeting_held", params{"meeting": held.MeetingID, "outcome": held.Outcome})
	w.persistOrLog(ctx, step)
}

// calendarChanged recomputes the working-day deadlines when the township's
// calendar changes: the review due time, the reply due time of a round not
// yet extended, and the rating due time. The signal carries the calendar
// itself (overrides and loaded schedules), so a replay computes the same;
// the built-in data version stays the one the case started with.
func (w *suggestion) calendarChanged(ctx workflow.Context, in contract.RecomputeInput) {
	w.pol.CalendarOverrides = in.Overrides
	if in.Years != nil {
		w.pol.CalendarYears = in.Years
	}
	changed := params{}
	s := &w.st
	if s.Status == domain.StatusSubmitted {
		if at := w.pol.Due(s.SubmittedAt, w.pol.ReviewWithin).At; !at.Equal(s.ReviewDueAt) {
			s.ReviewDueAt = at
			changed["review_due_at"] = rfc(at)
		}
	}
	if (s.Status == domain.StatusHandling || s.Status == domain.StatusRehandling) && s.DueAt != nil && s.FirstDueAt != nil &&
		s.DueAt.Equal(*s.FirstDueAt) {
		within := w.pol.RehandleWithin
		if s.Round == 1 && s.Assignment != nil {
			within = w.pol.ReplyWithin
			if s.Assignment.Complex {
				within = w.pol.ReplyWithinComplex
			}
		}
		if within.WorkingDays > 0 {
			due := w.pol.Due(s.RoundStartedAt, within)
			if !due.At.Equal(*s.DueAt) {
				s.DueAt, s.FirstDueAt, s.DueExplanation, s.DueBasis = &due.At, &due.At, due.Explanation, &due.Basis
				changed["reply_due_at"] = rfc(due.At)
			}
		}
	}
	if s.Status == domain.StatusReplied && s.Reply != nil && s.RatingDueAt != nil {
		if at := w.pol.Due(s.Reply.RepliedAt, w.pol.EvaluationWithin).At; !at.Equal(*s.RatingDueAt) {
			s.RatingDueAt = &at
			changed["rating_due_at"] = rfc(at)
		}
	}
	if len(changed) > 0 {
		step := &domain.Step{}
		w.event(ctx, step, domain.System, "deadlines_recomputed", changed)
		w.persistOrLog(ctx, step)
	} else {
		w.version++
	}
}
