package workflows

import (
	"testing"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
)

// TestStartedWithItsIntake runs a case as intake starts it now: stored
// with its first step by the API, then started with that state. The run
// must keep the case's review deadline, go on with the ids after the
// stored step, and take its actions as a case started the old way.
func TestStartedWithItsIntake(t *testing.T) {
	pol := policy.Default()
	h := newHarness(t, pol)
	st := NewCase(h.id, contract.RulesVersion)
	at := start.UTC()
	IntakeState(&st, domain.SubmitInput{Title: "农村电网增容", Content: "建议对三个村的电网增容", Kind: "suggestion",
		LeadDeputyID: "dp_lead", CoSignerIDs: []string{"dp_co1"}, SubmittedIn: "session"}, at, pol)
	st.Number = "2026-001"
	first := IntakeStep(&st, domain.Actor{ID: "admin", Role: "admin"}, at)
	if len(first.Events) != 1 || first.Events[0].Type != "submitted" || len(first.Notices) != 1 || first.Notices[0].Kind != "submitted" {
		t.Fatalf("first step: %+v", first)
	}
	if !st.CapAllRounds || st.Seq != 2 || first.Suggestion.Seq != 2 {
		t.Fatalf("state after the first step: cap %v, seq %d", st.CapAllRounds, st.Seq)
	}

	h.at(20 * day)
	h.act(contract.UpdateReview, domain.ReviewInput{Decision: "return", Reason: "属个人事务", ReturnCategory: "personal_affair"}, nil)
	final, err := h.runWith(contract.SuggestionInput{ID: h.id, Policy: pol, State: &st, Rules: contract.RulesVersion})
	if err != nil || final.Status != domain.StatusReturned || final.Number != "2026-001" {
		t.Fatalf("final %s %s %v", final.Status, final.Number, err)
	}
	if ev := h.events("submitted"); len(ev) != 0 {
		t.Errorf("the stored first step was written again: %+v", ev)
	}
	ev := h.events("review_overdue")
	if len(ev) != 1 {
		t.Fatalf("review reminders: %d", len(ev))
	}
	eq(t, "review reminder", ev[0].At, endOfDay(2026, 3, 19))
	if ev[0].ID != h.id+"-e3" {
		t.Errorf("the first event of the run is %s, want %s-e3 after the stored step", ev[0].ID, h.id)
	}
	if len(h.notices("returned")) != 1 {
		t.Error("the deputy was not told of the return")
	}
}
