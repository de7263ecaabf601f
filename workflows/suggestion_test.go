package workflows

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
)

const day = 24 * time.Hour

func TestLifecycleToSatisfiedClose(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(func(s domain.Suggestion) {
		if s.Status != domain.StatusSubmitted || s.Number != "2026-001" {
			t.Errorf("after submit: %s %q", s.Status, s.Number)
		}
		// 7 working days from Tuesday 10 March: Thursday 19 March.
		eq(t, "review due", s.ReviewDueAt, endOfDay(2026, 3, 19))
	})
	h.at(time.Hour)
	h.acceptAndAssign(false, func(s domain.Suggestion) {
		if s.Status != domain.StatusHandling || s.Round != 1 {
			t.Errorf("after assign: %s round %d", s.Status, s.Round)
		}
		eq(t, "reply due", *s.DueAt, endOfDay(2026, 6, 10))
		eq(t, "progress due", *s.ProgressDueAt, endOfDay(2026, 5, 10))
	})
	h.at(40 * day)
	h.act(contract.UpdateProgressReport, domain.ProgressReportInput{Content: "已完成勘察"}, func(s domain.Suggestion) {
		eq(t, "next progress due", *s.ProgressDueAt, endOfDay(2026, 6, 19))
	})
	h.at(86 * day)
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "已完成增容"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusReplied || !s.Reply.OnTime || !s.Reply.Consulted {
			t.Errorf("after reply: %s %+v", s.Status, s.Reply)
		}
		// 20 working days from Thursday 4 June, skipping the Dragon Boat
		// Festival on Friday 19 June.
		eq(t, "rating due", *s.RatingDueAt, endOfDay(2026, 7, 3))
	})
	h.at(87 * day)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "satisfied", Result: "satisfied"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusClosed || s.ClosedAs != domain.ClosedSatisfied {
			t.Errorf("after lead rating: %s %s", s.Status, s.ClosedAs)
		}
	})
	h.at(88 * day)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_co1", Attitude: "satisfied", Result: "basically_satisfied"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusClosed {
			t.Errorf("a co-signer's rating changed the status to %s", s.Status)
		}
	})
	h.refuse(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_co1", Attitude: "satisfied", Result: "satisfied"}, contract.ErrTypeConflict)
	final, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != domain.StatusClosed || len(final.Ratings) != 2 || final.Overdue {
		t.Fatalf("final: %s ratings %d overdue %t", final.Status, len(final.Ratings), final.Overdue)
	}
	// The workflow waited for the last co-signer until the rating window closed.
	eq(t, "workflow end", h.env.Now(), endOfDay(2026, 7, 3))

	reminders := h.events("reminder")
	// 30 and 7 days before 10 June, at 09:00 (remind_at), not at the due
	// time's 23:59:59.
	want := []time.Time{nineAM(2026, 5, 11), nineAM(2026, 6, 3)}
	if len(reminders) != len(want) {
		t.Fatalf("reminders: got %d, want %d (the 1-day one falls after the reply)", len(reminders), len(want))
	}
	for i, w := range want {
		eq(t, "reminder", reminders[i].At, w)
	}
	if n := h.notices("reminder_due"); len(n) != 2 || n[0].Recipients[0] != "unit:un_power" {
		t.Errorf("reminder notices: %+v", n)
	}
	co := h.events("co_opinion_overdue")
	if len(co) != 1 {
		t.Fatalf("co-opinion reminders: %d", len(co))
	}
	eq(t, "co-opinion due", co[0].At, endOfDay(2026, 4, 10))
	if len(h.events("overdue")) != 0 || len(h.events("progress_missed")) != 0 {
		t.Error("an on-time case was flagged")
	}
	if len(h.notices("assigned")) != 1 || len(h.notices("rating_request")) != 1 {
		t.Error("assignment and rating request notices missing")
	}
}

func TestReplyNeedsConsultation(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(2 * day)
	h.refuse(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "x"}, contract.ErrTypeConflict)
	h.then(func() {
		if s := h.query(); s.Status != domain.StatusHandling || s.Reply != nil {
			t.Errorf("refused reply changed the state: %s", s.Status)
		}
	})
	// A consultation from before the round, or from the future, does not count.
	h.refuse(contract.UpdateConsult, domain.ConsultationInput{HeldAt: start.Add(-10 * day), Method: "phone"}, contract.ErrTypeInvalid)
	h.refuse(contract.UpdateConsult, domain.ConsultationInput{HeldAt: start.Add(10 * day), Method: "phone"}, contract.ErrTypeInvalid)
	h.consult()
	h.refuse(contract.UpdateReply, domain.ReplyInput{ResultClass: "B", Content: "x"}, contract.ErrTypeInvalid)
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "x"}, nil)
	h.refuse(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_stranger", Attitude: "satisfied", Result: "satisfied"}, contract.ErrTypeInvalid)
	h.refuse(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "satisfied", Result: "unsatisfied"}, contract.ErrTypeInvalid)
	h.refuse(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "again"}, contract.ErrTypeConflict)
	h.then(h.env.CancelWorkflow)
	h.run()
}

// An escalation is stored at its deadline, meeting and notice included;
// the meeting's workflow starts a minute or two later, so that a burst of
// deadlines does not queue each escalation behind the meetings of the
// earlier ones.
func TestEscalationStartsItsMeetingAfterItIsStored(t *testing.T) {
	h := newHarness(t, policy.Default())
	var startedAt time.Time
	h.env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.WorkflowType.Name == contract.MeetingWorkflowName {
			startedAt = h.env.Now()
		}
	})
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	due := endOfDay(2026, 6, 10)
	h.at(due.Sub(start) + time.Second)
	h.then(func() {
		if s := h.query(); !s.Escalated || len(s.Meetings) != 1 {
			t.Fatalf("at due: escalated %t meetings %+v", s.Escalated, s.Meetings)
		}
		if len(h.notices("meeting_notice")) != 1 {
			t.Error("the escalation's step does not carry the meeting's notice")
		}
		if !startedAt.IsZero() {
			t.Errorf("the meeting's workflow started with the escalation, at %s", startedAt)
		}
	})
	h.at(due.Sub(start) + 2*meetingStartSpread + time.Second)
	h.then(func() {
		if startedAt.IsZero() {
			t.Fatal("the meeting's workflow did not start within two minutes")
		}
		if d := startedAt.Sub(due); d < meetingStartSpread || d > 2*meetingStartSpread {
			t.Errorf("the meeting's workflow started %s after the due time, want one to two minutes", d)
		}
	})
	h.then(h.env.CancelWorkflow)
	h.run()
}

func TestOverdueCallsMeetingThatReportsBack(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	due := endOfDay(2026, 6, 10)
	meetingID := h.id + "-m1"
	h.at(due.Sub(start) + time.Second)
	h.then(func() {
		s := h.query()
		if !s.Overdue || !s.Escalated || len(s.Meetings) != 1 || s.Meetings[0].Reason != "overdue" {
			t.Fatalf("at due: overdue %t escalated %t meetings %+v", s.Overdue, s.Escalated, s.Meetings)
		}
		// Held at 09:00 on the last day of meeting_within (P7D).
		eq(t, "meeting time", s.Meetings[0].ScheduledAt, time.Date(2026, 6, 17, 9, 0, 0, 0, shanghai))
	})
	h.at(due.Sub(start) + 7*day)
	h.then(func() {
		err := h.env.UpdateWorkflowByID(meetingID, contract.UpdateMinutes, "m1", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("minutes rejected: %v", err) },
			OnAccept: func() {}, OnComplete: func(interface{}, error) {},
		}, domain.MinutesInput{Content: "所长当面说明并承诺两周内答复", Outcome: "限期两周答复"})
		if err != nil {
			t.Errorf("minutes: %v", err)
		}
	})
	h.at(due.Sub(start) + 8*day)
	h.then(func() {
		if s := h.query(); s.Meetings[0].Status != domain.MeetingHeld {
			t.Errorf("meeting outcome did not reach the suggestion: %+v", s.Meetings[0])
		}
	})
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "late"}, func(s domain.Suggestion) {
		if s.Reply.OnTime || !s.Overdue {
			t.Errorf("late reply: on time %t overdue %t", s.Reply.OnTime, s.Overdue)
		}
	})
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "basically_satisfied", Result: "satisfied"}, nil)
	h.then(h.env.CancelWorkflow)
	h.run()
	over := h.events("overdue")
	if len(over) != 1 {
		t.Fatalf("overdue events: %d", len(over))
	}
	eq(t, "overdue at", over[0].At, due)
	if n := h.notices("overdue"); len(n) != 1 || n[0].Recipients[0] != domain.RecipientPresidium {
		t.Errorf("overdue notice: %+v", n)
	}
	notice := h.notices("meeting_notice")
	if len(notice) != 1 {
		t.Fatalf("meeting notices: %d", len(notice))
	}
	eq(t, "meeting notice at", notice[0].At, due)
	// The escalation is one write: the overdue flag, the meeting and its
	// notice are stored together, in the workflow task the deadline fired in.
	var escalation *domain.Step
	for i := range h.steps {
		for _, e := range h.steps[i].Events {
			if e.Type == "overdue" {
				escalation = &h.steps[i]
			}
		}
	}
	if escalation == nil || escalation.Meeting == nil || escalation.Meeting.NoticeSentAt == nil ||
		!escalation.Suggestion.Overdue || len(escalation.Notices) == 0 || escalation.Notices[len(escalation.Notices)-1].Kind != "meeting_notice" {
		t.Errorf("the overdue step does not carry the meeting and its notice: %+v", escalation)
	}
	rem := h.notices("meeting_reminder")
	if len(rem) != 1 {
		t.Fatalf("meeting reminders: %d", len(rem))
	}
	eq(t, "meeting reminder at", rem[0].At, time.Date(2026, 6, 16, 9, 0, 0, 0, shanghai))
	if m := h.meetings()[meetingID]; m.Status != domain.MeetingHeld || m.Outcome == "" {
		t.Errorf("meeting record: %+v", m)
	}
	if len(h.events("meeting_held")) != 1 {
		t.Error("no meeting_held event on the suggestion")
	}
}

func TestExtensionMovesDueAndIsCapped(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	newDue := endOfDay(2026, 7, 10)
	h.at(60 * day)
	h.refuse(contract.UpdateDecideExtension, domain.ExtensionDecisionInput{Approve: ptr(true)}, contract.ErrTypeConflict)
	// The cap: P3M after the first due time (10 June) is 10 September.
	h.refuse(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "r", Measures: "m", NewDueAt: endOfDay(2026, 9, 11)}, contract.ErrTypeInvalid)
	h.refuse(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "r", Measures: "m", NewDueAt: endOfDay(2026, 6, 1)}, contract.ErrTypeInvalid)
	h.act(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "资金未到位", Measures: "争取专项资金", NewDueAt: newDue}, func(s domain.Suggestion) {
		if flags := s.Flags(); len(flags) != 1 || flags[0] != domain.FlagExtensionPending {
			t.Errorf("flags: %v", flags)
		}
	})
	h.refuse(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "r", Measures: "m", NewDueAt: newDue}, contract.ErrTypeConflict)
	h.act(contract.UpdateDecideExtension, domain.ExtensionDecisionInput{Approve: ptr(true), Comment: "同意"}, func(s domain.Suggestion) {
		eq(t, "extended due", *s.DueAt, newDue)
		if s.PendingExtension != nil {
			t.Error("still pending after the decision")
		}
	})
	h.at(newDue.Sub(start) + time.Second)
	h.then(func() {
		if !h.query().Overdue {
			t.Error("not overdue after the extended due time")
		}
	})
	h.refuse(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "r", Measures: "m", NewDueAt: endOfDay(2026, 8, 1)}, contract.ErrTypeConflict)
	h.then(h.env.CancelWorkflow)
	h.run()
	over := h.events("overdue")
	if len(over) != 1 {
		t.Fatalf("overdue events: %d", len(over))
	}
	eq(t, "overdue at the extended due time", over[0].At, newDue)
	var atNewDue bool
	for _, r := range h.events("reminder") {
		if r.At.Equal(nineAM(2026, 7, 9)) {
			atNewDue = true
		}
		if r.At.Equal(nineAM(2026, 6, 9)) {
			t.Error("a reminder fired for the old due time")
		}
	}
	if !atNewDue {
		t.Error("no reminder one day before the extended due time")
	}
	if n := h.notices("extension_decided"); len(n) != 1 {
		t.Errorf("extension decision notices: %d", len(n))
	}
}

func TestUnsatisfiedRehandlesThenEscalates(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(10 * day)
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "D", Content: "留作参考"}, nil)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "satisfied", Result: "unsatisfied", Reasons: "未解决实际问题"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusRehandling || s.Round != 2 || s.Consulted || s.Escalated {
			t.Fatalf("after first unsatisfied: %s round %d consulted %t escalated %t", s.Status, s.Round, s.Consulted, s.Escalated)
		}
		// rehandle_within P1M from Friday 20 March.
		eq(t, "round 2 due", *s.DueAt, endOfDay(2026, 4, 20))
	})
	h.refuse(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "x"}, contract.ErrTypeConflict)
	h.at(20 * day)
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "D", Content: "仍留作参考"}, nil)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "unsatisfied", Result: "unsatisfied", Reasons: "仍未解决"}, func(s domain.Suggestion) {
		if s.Round != 3 || !s.Escalated || len(s.Meetings) != 1 || s.Meetings[0].Reason != "unsatisfied" {
			t.Fatalf("after second unsatisfied: round %d escalated %t meetings %+v", s.Round, s.Escalated, s.Meetings)
		}
	})
	h.at(30 * day)
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "已解决"}, nil)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "satisfied", Result: "satisfied"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusClosed || s.Unsatisfied != 2 {
			t.Errorf("final: %s unsatisfied %d", s.Status, s.Unsatisfied)
		}
	})
	h.then(h.env.CancelWorkflow)
	h.run()
	if n := h.notices("rehandling"); len(n) != 2 {
		t.Errorf("rehandling notices: %d", len(n))
	}
}

func TestFollowUpUntilCompletion(t *testing.T) {
	h := newHarness(t, policy.Default())
	promised := endOfDay(2026, 12, 31)
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(10 * day)
	h.consult()
	h.refuse(contract.UpdateReply, domain.ReplyInput{ResultClass: "B", Content: "x", PromisedAt: ptr(start.Add(-day))}, contract.ErrTypeInvalid)
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "B", Content: "年底前完成", PromisedAt: &promised}, nil)
	h.refuse(contract.UpdateComplete, domain.CompletionInput{Content: "x"}, contract.ErrTypeConflict)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "satisfied", Result: "basically_satisfied"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusFollowingUp {
			t.Fatalf("after a satisfied B rating: %s", s.Status)
		}
		eq(t, "progress due", *s.ProgressDueAt, endOfDay(2026, 5, 20))
	})
	h.at(100 * day)
	h.refuse(contract.UpdateComplete, domain.CompletionInput{Content: "x", Kept: ptr(false)}, contract.ErrTypeInvalid)
	h.act(contract.UpdateComplete, domain.CompletionInput{Content: "增容完成", Evidence: "验收单"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusClosed || s.ClosedAs != domain.ClosedCompleted {
			t.Errorf("after completion: %s %s", s.Status, s.ClosedAs)
		}
	})
	if _, err := h.run(); err != nil {
		t.Fatal(err)
	}
	rem := h.events("progress_reminder")
	missed := h.events("progress_missed")
	if len(rem) != 1 || len(missed) != 1 {
		t.Fatalf("progress reminders %d, missed %d", len(rem), len(missed))
	}
	eq(t, "progress reminder", rem[0].At, endOfDay(2026, 5, 20))
	eq(t, "progress missed", missed[0].At, endOfDay(2026, 5, 27))
	if len(h.notices("completed")) != 1 {
		t.Error("deputies not told of the completion")
	}
}

func TestNoFeedbackCloses(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(3 * day)
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "x"}, nil)
	final, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != domain.StatusClosed || final.ClosedAs != domain.ClosedNoFeedback {
		t.Fatalf("final: %s %s", final.Status, final.ClosedAs)
	}
	// Replied Friday 13 March; 20 working days, skipping Qingming on
	// Monday 6 April, end Monday 13 April; 5 more end Monday 20 April.
	rem := h.events("rating_reminder")
	if len(rem) != 1 {
		t.Fatalf("rating reminders: %d", len(rem))
	}
	// On the morning of that last day (remind_at), not at its 23:59:59.
	eq(t, "rating reminder", rem[0].At, nineAM(2026, 4, 13))
	eq(t, "closed", *final.ClosedAt, endOfDay(2026, 4, 20))
	if n := h.notices("rating_reminder"); len(n) != 1 || len(n[0].Recipients) != 3 {
		t.Errorf("rating reminder should go to all three signers: %+v", n)
	}
}

func TestReturnedEnds(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.refuse(contract.UpdateAssign, domain.AssignInput{LeadUnitID: "u", Leader: "l", Handler: "h"}, contract.ErrTypeConflict)
	h.refuse(contract.UpdateReview, domain.ReviewInput{Decision: "return"}, contract.ErrTypeInvalid)
	h.act(contract.UpdateReview, domain.ReviewInput{Decision: "return", Reason: "属个人事务", ReturnCategory: "personal_affair"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusReturned {
			t.Errorf("status %s", s.Status)
		}
	})
	final, err := h.run()
	if err != nil || final.Status != domain.StatusReturned || final.ReturnReason == "" {
		t.Fatalf("final %s %v", final.Status, err)
	}
	if len(h.notices("returned")) != 1 {
		t.Error("the deputy was not told")
	}
}

func TestReviewReminder(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(20 * day)
	h.then(h.env.CancelWorkflow)
	h.run()
	ev := h.events("review_overdue")
	if len(ev) != 1 {
		t.Fatalf("review reminders: %d", len(ev))
	}
	eq(t, "review reminder", ev[0].At, endOfDay(2026, 3, 19))
}

func TestAssignmentReturnWindow(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(2 * day)
	h.act(contract.UpdateReturnAssignment, domain.AssignmentReturnInput{Reason: "不属本单位职责"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusAccepted || s.Assignment != nil || s.DueAt != nil {
			t.Fatalf("after return: %s", s.Status)
		}
	})
	h.act(contract.UpdateAssign, domain.AssignInput{LeadUnitID: "un_road", Leader: "l", Handler: "h", Complex: true}, func(s domain.Suggestion) {
		// Complex: P6M from Thursday 12 March.
		eq(t, "complex due", *s.DueAt, endOfDay(2026, 9, 12))
	})
	h.at(20 * day)
	h.refuse(contract.UpdateReturnAssignment, domain.AssignmentReturnInput{Reason: "late"}, contract.ErrTypeConflict)
	h.refuse(contract.UpdateCoOpinion, domain.CoOpinionInput{UnitID: "un_power", Content: "x"}, contract.ErrTypeInvalid)
	h.then(h.env.CancelWorkflow)
	h.run()
	if n := h.notices("assignment_returned"); len(n) != 1 {
		t.Errorf("assignment return notices: %d", len(n))
	}
}

func TestCoOpinion(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(5 * day)
	h.act(contract.UpdateCoOpinion, domain.CoOpinionInput{UnitID: "un_water", Content: "同意增容方案"}, func(s domain.Suggestion) {
		if len(s.CoOpinionUnits) != 1 {
			t.Errorf("co-opinion units: %v", s.CoOpinionUnits)
		}
	})
	h.at(40 * day)
	h.then(h.env.CancelWorkflow)
	h.run()
	if len(h.events("co_opinion_overdue")) != 0 {
		t.Error("a co-opinion reminder went out although the opinion was filed")
	}
	if n := h.notices("co_opinion_filed"); len(n) != 1 || n[0].Recipients[0] != "unit:un_power" {
		t.Errorf("lead unit not told: %+v", n)
	}
}

func TestIdempotentSubmit(t *testing.T) {
	h := newHarness(t, policy.Default())
	var first domain.Suggestion
	h.submit(func(s domain.Suggestion) { first = s })
	h.submit(func(s domain.Suggestion) {
		if s.Number != first.Number || s.Seq != first.Seq {
			t.Errorf("a repeated submission changed the case: %d -> %d", first.Seq, s.Seq)
		}
	})
	h.refuse(contract.UpdateSubmit, domain.SubmitInput{Title: "other", RequestHash: "h2"}, contract.ErrTypeConflict)
	h.then(h.env.CancelWorkflow)
	h.run()
	if n := len(h.events("submitted")); n != 1 {
		t.Errorf("submitted events: %d", n)
	}
}

func TestManualMeeting(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.refuse(contract.UpdateCallMeeting, domain.CallMeetingInput{ScheduledAt: start.Add(10 * day)}, contract.ErrTypeConflict)
	h.acceptAndAssign(false, nil)
	h.refuse(contract.UpdateCallMeeting, domain.CallMeetingInput{ScheduledAt: start.Add(day)}, contract.ErrTypeInvalid)
	h.act(contract.UpdateCallMeeting, domain.CallMeetingInput{ScheduledAt: start.Add(5 * day), Place: "村委会", Agenda: "听取答复"}, func(s domain.Suggestion) {
		if len(s.Meetings) != 1 || s.Meetings[0].Reason != "manual" || !s.Escalated {
			t.Fatalf("meetings %+v", s.Meetings)
		}
	})
	h.at(3 * day)
	h.then(h.env.CancelWorkflow)
	h.run()
	m := h.meetings()[h.id+"-m1"]
	if m.Place != "村委会" || len(m.Attendees) != 5 {
		t.Errorf("meeting %+v", m)
	}
}

func TestContinueAsNewKeepsState(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(2 * day)
	h.act(contract.UpdateProgressReport, domain.ProgressReportInput{Content: "进展"}, nil)
	h.then(func() { h.env.SetContinueAsNewSuggested(true) })
	h.act(contract.UpdateProgressReport, domain.ProgressReportInput{Content: "进展"}, nil)
	h.env.ExecuteWorkflow(contract.SuggestionWorkflowName, contract.SuggestionInput{ID: h.id, Policy: h.pol, HistoryLimit: 40})
	err := h.env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("expected continue-as-new, got %v", err)
	}
	var next contract.SuggestionInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.State == nil || next.State.Status != domain.StatusHandling || next.State.Number != "2026-001" || next.HistoryLimit != 40 {
		t.Fatalf("state carried over: %+v", next.State)
	}
}

// A run continued as new from an assigned case records the reminder
// version at its start and times its reminders at remind_at too.
func TestContinuedRunRemindsAtNine(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	h.at(2 * day)
	h.then(func() { h.env.SetContinueAsNewSuggested(true) })
	h.act(contract.UpdateProgressReport, domain.ProgressReportInput{Content: "进展"}, nil)
	h.env.ExecuteWorkflow(contract.SuggestionWorkflowName, contract.SuggestionInput{ID: h.id, Policy: h.pol, HistoryLimit: 40})
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("expected continue-as-new, got %v", err)
	}
	var next contract.SuggestionInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	// The next run, from the state carried over; the due time is 10 June.
	h2 := newHarness(t, policy.Default())
	// 11 May, an hour after its 09:00 reminder: at 62 days exactly the
	// cancel and the reminder's timer would fall at one instant, in
	// either order.
	h2.at(62*day + time.Hour)
	h2.then(h2.env.CancelWorkflow)
	h2.env.ExecuteWorkflow(contract.SuggestionWorkflowName, next)
	reminders := h2.events("reminder")
	if len(reminders) != 1 {
		t.Fatalf("reminders in the continued run: %d, want the one 30 days before 10 June", len(reminders))
	}
	eq(t, "reminder in the continued run", reminders[0].At, nineAM(2026, 5, 11))
}

func ptr[T any](v T) *T { return &v }

// TestExtensionCapCountsEveryRound: one suggestion's extensions add up to
// at most extension_max across its rounds (DOMAIN.md rule 7), not
// extension_max in each.
func TestExtensionCapCountsEveryRound(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.acceptAndAssign(false, nil)
	// Round 1 is due 10 June; two months of the three are taken.
	h.at(10 * day)
	h.act(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "资金未到位", Measures: "争取专项资金", NewDueAt: endOfDay(2026, 8, 10)}, nil)
	h.act(contract.UpdateDecideExtension, domain.ExtensionDecisionInput{Approve: ptr(true)}, nil)
	h.at(20 * day)
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "D", Content: "留作参考"}, nil)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "satisfied", Result: "unsatisfied", Reasons: "未解决"}, func(s domain.Suggestion) {
		// Round 2 from Monday 30 March: due 30 April, with about a month
		// of extension left (three months less the two taken).
		eq(t, "round 2 due", *s.DueAt, endOfDay(2026, 4, 30))
	})
	h.refuse(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "r", Measures: "m", NewDueAt: endOfDay(2026, 6, 15)}, contract.ErrTypeInvalid)
	h.act(contract.UpdateRequestExtension, domain.ExtensionRequestInput{Reason: "r", Measures: "m", NewDueAt: endOfDay(2026, 5, 20)}, nil)
	h.act(contract.UpdateDecideExtension, domain.ExtensionDecisionInput{Approve: ptr(true)}, func(s domain.Suggestion) {
		eq(t, "round 2 extended", *s.DueAt, endOfDay(2026, 5, 20))
	})
	h.then(h.env.CancelWorkflow)
	h.run()
}
