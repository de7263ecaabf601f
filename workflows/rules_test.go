package workflows

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/refusal"
)

// refuseCode sends an update that must be refused with the refusal code
// and must write nothing.
func (h *harness) refuseCode(name string, arg any, code string) {
	h.then(func() {
		before := h.stepCount()
		check := func(err error) {
			var app *temporal.ApplicationError
			var r refusal.Error
			if !errors.As(err, &app) || !app.HasDetails() || app.Details(&r) != nil || !hasCode(r, code) {
				h.t.Errorf("%s: expected the refusal %s, got %v", name, code, err)
			}
			if h.stepCount() != before {
				h.t.Errorf("%s: a refused action wrote %d steps", name, h.stepCount()-before)
			}
		}
		h.env.UpdateWorkflow(name, h.updateID(), &testsuite.TestUpdateCallback{
			OnReject: check,
			OnAccept: func() {},
			OnComplete: func(_ interface{}, err error) {
				if err == nil {
					h.t.Errorf("%s: expected the refusal %s, got success", name, code)
					return
				}
				check(err)
			},
		}, arg)
	})
}

// hasCode says whether a refusal, or one of its fields, has the code.
func hasCode(r refusal.Error, code string) bool {
	return r.Code == code || slices.ContainsFunc(r.Fields, func(f refusal.Field) bool { return f.Code == code })
}

func recipients(n domain.Notice) []domain.Recipient {
	return slices.Sorted(slices.Values(n.Recipients))
}

var signers = []domain.Recipient{"deputy:dp_co1", "deputy:dp_co2", "deputy:dp_lead"}

// TestReferralIsChasedAndItsAnswerReachesTheDeputies: a suggestion outside
// the township's competence is referred upward (DOMAIN.md rule 2): the
// deputies are told where it went, the presidium is reminded when no
// answer came within referral_answer_within, and the answer is sent to
// the deputies, which ends the case.
func TestReferralIsChasedAndItsAnswerReachesTheDeputies(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.refuseCode(contract.UpdateRefer, domain.ReferralInput{To: "县交通运输局", Reason: "县道", SentAt: start.Add(10 * day)}, refusal.ReferralInFuture)
	h.refuseCode(contract.UpdateReferralAnswer, domain.ReferralAnswerInput{ReceivedAt: start, Content: "x"}, refusal.WrongStatus)
	sent := start.Add(time.Hour)
	h.act(contract.UpdateRefer, domain.ReferralInput{To: "县交通运输局", Reason: "县道改造属县级事权", SentAt: sent}, func(s domain.Suggestion) {
		if s.Status != domain.StatusReferred || s.Referral == nil || s.Referral.To != "县交通运输局" || s.Referral.Answer != nil {
			t.Errorf("after referral: %s %+v", s.Status, s.Referral)
		}
	})
	h.refuseCode(contract.UpdateRefer, domain.ReferralInput{To: "x", Reason: "y", SentAt: sent}, refusal.WrongStatus)
	h.refuseCode(contract.UpdateMerge, domain.MergeInput{Into: "sg_other", Reason: "同一事项"}, refusal.WrongStatus)
	h.refuseCode(contract.UpdateReferralAnswer, domain.ReferralAnswerInput{ReceivedAt: sent.Add(-3 * day), Content: "x"}, refusal.AnswerBeforeReferral)
	// Three months after 10 March, at the end of 10 June, the presidium
	// is reminded; the answer comes a week later.
	h.at(99 * day)
	received := start.Add(98 * day)
	h.act(contract.UpdateReferralAnswer, domain.ReferralAnswerInput{ReceivedAt: received, Content: "已列入明年县道改造计划"}, func(s domain.Suggestion) {
		if s.Referral.Answer == nil || s.Referral.Answer.Content != "已列入明年县道改造计划" || s.ClosedAt == nil {
			t.Errorf("after the answer: %+v", s.Referral)
		}
	})
	final, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != domain.StatusReferred || final.Referral.Answer == nil {
		t.Fatalf("final: %s %+v", final.Status, final.Referral)
	}
	// The case ended with the answer.
	eq(t, "workflow end", h.env.Now(), start.Add(99*day))

	told := h.notices("referred")
	if len(told) != 1 || !slices.Equal(recipients(told[0]), signers) || told[0].Data["to"] != "县交通运输局" {
		t.Errorf("referral notices: %+v", told)
	}
	chase := h.events("referral_unanswered")
	if len(chase) != 1 {
		t.Fatalf("referral reminders: %d", len(chase))
	}
	eq(t, "referral reminder", chase[0].At, endOfDay(2026, 6, 10))
	if n := h.notices("referral_unanswered"); len(n) != 1 || !slices.Equal(n[0].Recipients, []domain.Recipient{domain.RecipientPresidium}) {
		t.Errorf("referral reminder notices: %+v", n)
	}
	answer := h.notices("referral_answered")
	if len(answer) != 1 || !slices.Equal(recipients(answer[0]), signers) || answer[0].Data["content"] != "已列入明年县道改造计划" {
		t.Errorf("the answer did not reach the deputies: %+v", answer)
	}
	if len(h.events("referred")) != 1 || len(h.events("referral_answered")) != 1 {
		t.Error("the referral's steps are not in the timeline")
	}
}

// TestMergeEndsTheMergedCaseAndTellsTheKeptOne: merged before assignment,
// a suggestion ends as merged, its signers are sent to the kept case and
// told.
func TestMergeEndsTheMergedCaseAndTellsTheKeptOne(t *testing.T) {
	h := newHarness(t, policy.Default())
	var mu sync.Mutex
	var sent []contract.MergedIn
	h.env.OnSignalExternalWorkflow(mock.Anything, "sg_kept", "", contract.SignalMergedIn, mock.Anything).Return(
		func(_, _, _, _ string, arg interface{}) error {
			mu.Lock()
			defer mu.Unlock()
			sent = append(sent, arg.(contract.MergedIn))
			return nil
		})
	h.submit(nil)
	h.at(time.Hour)
	h.act(contract.UpdateReview, domain.ReviewInput{Decision: "accept"}, nil)
	h.refuseCode(contract.UpdateMerge, domain.MergeInput{Into: h.id, Reason: "同一事项"}, refusal.MergeIntoSelf)
	h.act(contract.UpdateMerge, domain.MergeInput{Into: "sg_kept", Reason: "同一事项", IntoNumber: "2026-002", IntoTitle: "三村电网改造"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusMerged || s.MergedInto != "sg_kept" || s.ClosedAt == nil {
			t.Errorf("after merge: %s into %q", s.Status, s.MergedInto)
		}
	})
	final, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != domain.StatusMerged {
		t.Fatalf("final: %s", final.Status)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 1 || sent[0].From != h.id || !slices.Equal(sent[0].DeputyIDs, []string{"dp_lead", "dp_co1", "dp_co2"}) {
		t.Fatalf("the kept case was told: %+v", sent)
	}
	n := h.notices("merged")
	if len(n) != 1 || !slices.Equal(recipients(n[0]), signers) || n[0].Data["into_number"] != "2026-002" {
		t.Errorf("merge notices: %+v", n)
	}
}

// TestMergeIntoAnEndedCaseChangesNothing: when the kept case's workflow
// has ended, the merge is refused and the case stays as it was.
func TestMergeIntoAnEndedCaseChangesNothing(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.env.OnSignalExternalWorkflow(mock.Anything, "sg_gone", "", contract.SignalMergedIn, mock.Anything).Return(
		errors.New("workflow execution already completed"))
	h.submit(nil)
	h.at(time.Hour)
	h.refuseCode(contract.UpdateMerge, domain.MergeInput{Into: "sg_gone", Reason: "同一事项", IntoNumber: "2026-009"}, refusal.MergeTargetEnded)
	h.then(func() {
		if s := h.query(); s.Status != domain.StatusSubmitted || s.MergedInto != "" {
			t.Errorf("a refused merge changed the case: %s %q", s.Status, s.MergedInto)
		}
	})
	h.then(h.env.CancelWorkflow)
	h.run()
	if len(h.notices("merged")) != 0 {
		t.Error("the deputies were told of a merge that did not happen")
	}
}

// TestMergedDeputiesRateTheKeptCase: the deputies of a suggestion merged
// into this one become its co-signers: they are told of its steps and
// rate its reply; its own lead deputy still decides the next step.
func TestMergedDeputiesRateTheKeptCase(t *testing.T) {
	h := newHarness(t, policy.Default())
	h.submit(nil)
	h.at(time.Hour)
	h.then(func() {
		h.env.SignalWorkflow(contract.SignalMergedIn, contract.MergedIn{From: "sg_merged", Number: "2026-007", Title: "电网增容",
			DeputyIDs: []string{"dp_new", "dp_lead"}, Reason: "同一事项", At: h.env.Now()})
	})
	h.then(func() {
		s := h.query()
		if !slices.Equal(s.CoSignerIDs, []string{"dp_co1", "dp_co2", "dp_new"}) || len(s.MergedFrom) != 1 ||
			!slices.Equal(s.MergedFrom[0].DeputyIDs, []string{"dp_new"}) {
			t.Errorf("after the merge: co-signers %v, merged from %+v", s.CoSignerIDs, s.MergedFrom)
		}
	})
	h.acceptAndAssign(false, nil)
	h.refuseCode(contract.UpdateRefer, domain.ReferralInput{To: "县交通运输局", Reason: "r", SentAt: start}, refusal.WrongStatus)
	h.refuseCode(contract.UpdateMerge, domain.MergeInput{Into: "sg_other", Reason: "r"}, refusal.WrongStatus)
	h.at(3 * day)
	h.consult()
	h.act(contract.UpdateReply, domain.ReplyInput{ResultClass: "A", Content: "已完成增容"}, nil)
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_new", Attitude: "satisfied", Result: "basically_satisfied"}, func(s domain.Suggestion) {
		if s.Status != domain.StatusReplied || len(s.Ratings) != 1 || s.Ratings[0].DeputyID != "dp_new" || s.Ratings[0].Lead {
			t.Errorf("the merged deputy's rating: %s %+v", s.Status, s.Ratings)
		}
	})
	h.act(contract.UpdateRate, domain.RatingInput{DeputyID: "dp_lead", Attitude: "satisfied", Result: "satisfied"}, nil)
	final, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != domain.StatusClosed || len(final.Ratings) != 2 {
		t.Fatalf("final: %s, ratings %+v", final.Status, final.Ratings)
	}
	if ev := h.events("merged_in"); len(ev) != 1 || ev[0].Params["from_number"] != "2026-007" {
		t.Errorf("merged-in events: %+v", ev)
	}
	if n := h.notices("rating_request"); len(n) != 1 || !slices.Contains(n[0].Recipients, domain.RecipientDeputy("dp_new")) {
		t.Errorf("the merged deputy was not asked to rate: %+v", n)
	}
}
