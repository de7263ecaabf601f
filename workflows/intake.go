package workflows

import (
	"strconv"
	"time"

	"suggestflow/domain"
	"suggestflow/policy"
)

// Intake is written here once for both ways a case begins: the submit
// update of a case started with Update-With-Start (the shape of every
// case before eager intake, which running cases and their replays keep),
// and the intake command that stores the case itself and then starts its
// workflow eagerly with the state (cases.Submit). Both are pure, so a
// workflow and the API compute the same case and the same first step.

// NewCase is a case before its submission, under the case rules of
// version rules (contract.RulesVersion).
func NewCase(id string, rules int) domain.Suggestion {
	return domain.Suggestion{ID: id, CapAllRounds: rules >= 1}
}

// IntakeState fills a new case st (its ID set) with a submission made at t.
func IntakeState(st *domain.Suggestion, in domain.SubmitInput, t time.Time, pol policy.Policy) {
	st.Title, st.Content, st.Kind, st.Category = in.Title, in.Content, in.Kind, in.Category
	st.LeadDeputyID, st.CoSignerIDs, st.SubmittedIn = in.LeadDeputyID, in.CoSignerIDs, in.SubmittedIn
	st.RequestHash = in.RequestHash
	st.Status = domain.StatusSubmitted
	st.SubmittedAt = t
	st.ReviewDueAt = pol.Due(t, pol.ReviewWithin).At
	if st.CoSignerIDs == nil {
		st.CoSignerIDs = []string{}
	}
}

// IntakeStep is the first step of a case numbered already: the
// "submitted" event and the presidium's notice, with st after them.
func IntakeStep(st *domain.Suggestion, actor domain.Actor, t time.Time) domain.Step {
	var step domain.Step
	addEvent(st, &step, t, actor, "submitted", params{"deputy": st.LeadDeputyID, "co_signers": strconv.Itoa(len(st.CoSignerIDs))})
	addNotice(st, &step, t, "submitted", map[string]string{"due_at": rfc(st.ReviewDueAt)}, domain.RecipientPresidium)
	cur := *st
	step.Suggestion = &cur
	return step
}
