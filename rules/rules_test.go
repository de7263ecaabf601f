package rules

import (
	"testing"
	"time"

	"suggestflow/domain"
	"suggestflow/refusal"
)

func code(err error) string {
	r, ok := refusal.As(err)
	if !ok {
		return ""
	}
	if len(r.Fields) > 0 {
		return r.Fields[0].Code
	}
	return r.Code
}

// TestEndingReviewOnlyForUnsatisfiedEndings: a case is judged for a valid
// reason only when it ended with an unsatisfied final result or without
// feedback; one re-handled until the deputy was satisfied is not.
func TestEndingReviewOnlyForUnsatisfiedEndings(t *testing.T) {
	unsat := domain.Rating{Round: 1, Lead: true, Result: domain.Unsatisfied}
	sat := domain.Rating{Round: 2, Lead: true, Result: domain.Satisfied}
	for _, c := range []struct {
		name   string
		sg     domain.Suggestion
		ending string
		code   string
	}{
		{"open", domain.Suggestion{Status: domain.StatusRehandling, Ratings: []domain.Rating{unsat}}, "", refusal.WrongStatus},
		{"re-handled to satisfied", domain.Suggestion{Status: domain.StatusClosed, ClosedAs: domain.ClosedSatisfied,
			Ratings: []domain.Rating{unsat, sat}}, "", refusal.EndingSatisfied},
		{"unsatisfied, then no feedback", domain.Suggestion{Status: domain.StatusClosed, ClosedAs: domain.ClosedNoFeedback,
			Ratings: []domain.Rating{unsat}}, domain.EndingUnsatisfied, ""},
		{"no feedback", domain.Suggestion{Status: domain.StatusClosed, ClosedAs: domain.ClosedNoFeedback}, domain.EndingNoFeedback, ""},
		{"a co-signer unsatisfied", domain.Suggestion{Status: domain.StatusClosed, ClosedAs: domain.ClosedSatisfied,
			Ratings: []domain.Rating{{Round: 1, Result: domain.Unsatisfied}, {Round: 1, Lead: true, Result: domain.Satisfied}}}, "", refusal.EndingSatisfied},
	} {
		if got := c.sg.UnsatisfiedEnding(); got != c.ending {
			t.Errorf("%s: ending %q, want %q", c.name, got, c.ending)
		}
		if got := code(CheckEndingReview(c.sg)); got != c.code {
			t.Errorf("%s: refusal %q, want %q", c.name, got, c.code)
		}
	}
}

// TestReferAndMergeBeforeAssignment: only a case the presidium still
// holds is referred upward or merged, and only into another such case.
func TestReferAndMergeBeforeAssignment(t *testing.T) {
	now := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	sub := domain.Suggestion{ID: "a", Status: domain.StatusSubmitted, SubmittedAt: now.Add(-time.Hour)}
	handling := domain.Suggestion{ID: "b", Number: "2026-002", Status: domain.StatusHandling}
	if err := CheckRefer(sub, domain.ReferralInput{SentAt: now}, now); err != nil {
		t.Errorf("refer a submitted case: %v", err)
	}
	if got := code(CheckRefer(handling, domain.ReferralInput{SentAt: now}, now)); got != refusal.WrongStatus {
		t.Errorf("refer an assigned case: %q", got)
	}
	if got := code(CheckRefer(sub, domain.ReferralInput{SentAt: now.Add(-72 * time.Hour)}, now)); got != refusal.ReferralBeforeSubmitted {
		t.Errorf("referral before the submission: %q", got)
	}
	if got := code(CheckMerge(sub, domain.MergeInput{Into: "a"})); got != refusal.MergeIntoSelf {
		t.Errorf("merge into itself: %q", got)
	}
	if got := code(CheckMergeTarget(sub, handling)); got != refusal.MergeTargetStatus {
		t.Errorf("merge into an assigned case: %q", got)
	}
	closed := domain.Suggestion{ID: "c", Status: domain.StatusClosed}
	if got := code(CheckMergeTarget(sub, closed)); got != refusal.MergeTargetStatus {
		t.Errorf("merge into a closed case: %q", got)
	}
	accepted := domain.Suggestion{ID: "d", Status: domain.StatusAccepted}
	if err := CheckMergeTarget(sub, accepted); err != nil {
		t.Errorf("merge into an accepted case: %v", err)
	}
}
