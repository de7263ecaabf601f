package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
	"suggestflow/workflows"
)

// MaxKeyLength bounds an Idempotency-Key.
const MaxKeyLength = 200

// Submit starts a case for a submission. The same key with the same body
// returns the stored case (replayed); without a key an open case with the
// same title from the same deputy is refused.
func (s *Service) Submit(ctx context.Context, p access.Principal, in domain.SubmitInput, key string) (domain.Suggestion, bool, error) {
	var none domain.Suggestion
	if err := validation.Check(in); err != nil {
		return none, false, err
	}
	if len(key) > MaxKeyLength {
		return none, false, refusal.OnField("Idempotency-Key", refusal.TooLong, "max", fmt.Sprint(MaxKeyLength))
	}
	if !access.SubmitAs(p, in.LeadDeputyID) {
		return none, false, refusal.New(refusal.Forbidden, refusal.SubmitAsSelf)
	}
	if err := s.checkSigners(ctx, in); err != nil {
		return none, false, err
	}
	in.Actor = actor(p)
	in.RequestHash = ""
	// The fingerprint leaves out who sent it (the empty Actor shadows the
	// input's), so the same body resent by another session matches; stored
	// cases keep their fingerprints, so this form must not change.
	canonical, err := json.Marshal(struct {
		domain.SubmitInput
		Actor domain.Actor `json:"actor"`
	}{SubmitInput: in})
	if err != nil {
		return none, false, fmt.Errorf("fingerprint the submission: %w", err)
	}
	in.RequestHash = domain.Digest(canonical)

	var id string
	if key != "" {
		id = "sg_" + domain.Digest([]byte(key))[:20]
		if existing, err := s.store.Suggestion(ctx, id); err == nil && existing.Number != "" {
			if existing.RequestHash != in.RequestHash {
				return none, false, refusal.New(refusal.Conflict, refusal.IdempotencyKeyReused)
			}
			return existing, true, nil
		}
	} else {
		dup, err := s.store.OpenDuplicate(ctx, in.LeadDeputyID, in.Title)
		if err != nil {
			return none, false, store.Refused(err, "suggestion")
		}
		if dup != "" {
			return none, false, refusal.New(refusal.Conflict, refusal.DuplicateTitle, "number", dup)
		}
		id = domain.NewID("sg_")
	}
	// Constituents' opinions are personal data: they go to the database
	// only, never into a workflow's history.
	if err := s.store.SaveOpinions(ctx, id, in.Opinions); err != nil {
		return none, false, store.Refused(err, "suggestion")
	}
	in.Opinions = nil
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return none, false, err
	}
	// Identical requests arriving together share one start: the server
	// takes only a few updates at once on one workflow.
	ran := false
	v, err, _ := s.starts.Do(id, func() (any, error) {
		ran = true
		return s.start(ctx, id, pol, in)
	})
	if err != nil {
		return none, false, err
	}
	return v.(domain.Suggestion), !ran, nil
}

// start stores the case with its first step, then starts its workflow
// with that state. The workflow is started eagerly: in the all-in-one
// process its first task comes back with the start's answer and runs
// here, with no trip through the task queue, and nothing waits for it.
// A start that does not happen (a crash, Temporal unavailable) leaves the
// case marked, and RecoverIntakes starts it.
func (s *Service) start(ctx context.Context, id string, pol policy.Policy, in domain.SubmitInput) (domain.Suggestion, error) {
	st := workflows.NewCase(id, contract.RulesVersion)
	t := s.now().UTC()
	workflows.IntakeState(&st, in, t, pol)
	number, created, err := s.intake.CreateIntake(ctx, st, in.Actor)
	if err != nil {
		return st, store.Refused(err, "suggestion")
	}
	if !created {
		// The same key arrived through another process first.
		existing, err := s.store.Suggestion(ctx, id)
		if err != nil {
			return st, store.Refused(err, "suggestion")
		}
		return existing, nil
	}
	st.Number = number
	step := workflows.IntakeStep(&st, in.Actor, t)
	if err := s.intake.Record(ctx, step); err != nil {
		// The case is stored and marked: RecoverIntakes writes the step
		// and starts it. This request is answered as unavailable; sent
		// again with its key it finds the case.
		return st, store.Refused(err, "suggestion")
	}
	if err := s.startWorkflow(ctx, pol, st); err != nil {
		s.log.Warn("a stored case's workflow did not start; it is started again later", "suggestion", id, "error", err)
	}
	return st, nil
}

// startWorkflow starts a stored case's workflow with its state and clears
// its intake mark. A workflow already started (by another process, or an
// earlier attempt whose answer was lost) counts as started.
func (s *Service) startWorkflow(ctx context.Context, pol policy.Policy, st domain.Suggestion) error {
	// Bounded as every command's call to Temporal is: an unreachable
	// server must not hold the deputy's request until it gives up.
	sctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	_, err := s.temporal.ExecuteWorkflow(sctx, client.StartWorkflowOptions{
		ID:                       st.ID,
		TaskQueue:                contract.TaskQueue,
		EnableEagerStart:         true,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		// An existing workflow is an error, so that a start is never
		// mistaken for another run.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, contract.SuggestionWorkflowName, contract.SuggestionInput{ID: st.ID, Policy: pol, State: &st, Rules: contract.RulesVersion})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start the workflow of %s: %w", st.ID, err)
	}
	return s.store.IntakeStarted(ctx, st.ID)
}

// intakeGrace is how old an intake mark must be before RecoverIntakes
// takes it: younger ones may belong to a request still running.
const intakeGrace = 10 * time.Second

// RecoverIntakes starts the workflows of stored cases whose start was cut
// off, writing their first step where it is missing; all marked cases
// when all is set (at start, when no request of this process runs), else
// those marked more than intakeGrace ago. It says how many it started.
func (s *Service) RecoverIntakes(ctx context.Context, all bool) (int, error) {
	before := s.now().Add(-intakeGrace)
	if all {
		before = s.now().Add(time.Second)
	}
	pending, err := s.store.PendingIntakes(ctx, before, 500)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return 0, err
	}
	// One case that fails does not hold up the others; each is tried
	// again at the next round.
	started := 0
	var errs []error
	for _, p := range pending {
		if err := s.recoverIntake(ctx, pol, p); err != nil {
			errs = append(errs, fmt.Errorf("recover the intake of %s: %w", p.SuggestionID, err))
			continue
		}
		s.log.Info("started the workflow of a case whose start was cut off", "suggestion", p.SuggestionID, "stored_at", p.Since)
		started++
	}
	return started, errors.Join(errs...)
}

// recoverIntake writes a marked case's first step where it is missing and
// starts its workflow.
func (s *Service) recoverIntake(ctx context.Context, pol policy.Policy, p store.PendingIntake) error {
	st, err := s.store.Suggestion(ctx, p.SuggestionID)
	if err != nil {
		return err
	}
	if st.Seq == 0 {
		// Cut off before its first step was stored.
		if err := s.intake.Record(ctx, workflows.IntakeStep(&st, p.Actor, st.SubmittedAt)); err != nil {
			return err
		}
	}
	return s.startWorkflow(ctx, pol, st)
}

// checkSigners refuses a deputy named twice or one that does not exist.
func (s *Service) checkSigners(ctx context.Context, in domain.SubmitInput) error {
	seen := map[string]bool{in.LeadDeputyID: true}
	for _, id := range in.CoSignerIDs {
		if seen[id] {
			return refusal.OnField("co_signer_ids", refusal.DuplicateDeputy)
		}
		seen[id] = true
	}
	ids := append([]string{in.LeadDeputyID}, in.CoSignerIDs...)
	missing, err := s.store.MissingDeputies(ctx, ids)
	if err != nil {
		return store.Refused(err, "deputy")
	}
	if err := unknown("deputy", missing, in.LeadDeputyID, "lead_deputy_id", "co_signer_ids"); err != nil {
		return err
	}
	gone, err := s.store.RetiredDeputies(ctx, ids)
	if err != nil {
		return store.Refused(err, "deputy")
	}
	return retired("deputy", gone, in.LeadDeputyID, "lead_deputy_id", "co_signer_ids")
}

// checkUnits refuses an assignment to units that do not exist.
func (s *Service) checkUnits(ctx context.Context, in domain.AssignInput) error {
	ids := append([]string{in.LeadUnitID}, in.CoUnitIDs...)
	missing, err := s.store.MissingUnits(ctx, ids)
	if err != nil {
		return store.Refused(err, "unit")
	}
	if err := unknown("unit", missing, in.LeadUnitID, "lead_unit_id", "co_unit_ids"); err != nil {
		return err
	}
	gone, err := s.store.RetiredUnits(ctx, ids)
	if err != nil {
		return store.Refused(err, "unit")
	}
	return retired("unit", gone, in.LeadUnitID, "lead_unit_id", "co_unit_ids")
}

// retired refuses ids of a roster's retired members, on the lead's field
// when the lead is among them.
func retired(object string, gone []string, lead, leadField, listField string) error {
	if len(gone) == 0 {
		return nil
	}
	field := listField
	if slices.Contains(gone, lead) {
		field = leadField
	}
	return refusal.OnField(field, refusal.Retired, "object", object, "ids", strings.Join(gone, ", "))
}

// unknown refuses the ids that name nothing: on the lead's field when the
// lead is among them, else on the list's.
func unknown(object string, missing []string, lead, leadField, listField string) error {
	if len(missing) == 0 {
		return nil
	}
	field := listField
	if missing[0] == lead {
		field = leadField
	}
	return refusal.OnField(field, refusal.NoSuchID, "object", object, "ids", strings.Join(missing, ", "))
}
