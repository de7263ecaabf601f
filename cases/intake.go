package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
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

// start starts the case's workflow with its intake (Update-With-Start).
func (s *Service) start(ctx context.Context, id string, pol policy.Policy, in domain.SubmitInput) (domain.Suggestion, error) {
	var sg domain.Suggestion
	uctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	updateID := domain.NewID("up_")
	err := whileAborted(uctx, s.log, func() error {
		// An operation is used once; each attempt has its own, with the
		// same update id.
		op := s.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID:                       id,
			TaskQueue:                contract.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		}, contract.SuggestionWorkflowName, contract.SuggestionInput{ID: id, Policy: pol, Rules: contract.RulesVersion})
		handle, err := s.temporal.UpdateWithStartWorkflow(uctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: op,
			UpdateOptions: client.UpdateWorkflowOptions{
				UpdateID:   updateID,
				UpdateName: contract.UpdateSubmit, Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted,
			},
		})
		if err != nil {
			return err
		}
		return handle.Get(uctx, &sg)
	})
	if err != nil {
		return sg, s.temporalError(err)
	}
	return sg, nil
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
