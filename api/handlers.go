package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/store"
	"suggestflow/workflows"
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// newID makes an opaque id: nothing personal ever goes into Temporal ids.
func newID(prefix string) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return prefix + idEncoding.EncodeToString(b)
}

func errorsIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

func unavailable(err error) *Problem {
	p := problem(http.StatusServiceUnavailable, "a dependency is not available; try again shortly")
	p.Type = "about:blank"
	_ = err
	return p
}

// storeError maps a store error to a problem.
func storeError(err error, what string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return problem(http.StatusNotFound, "no "+what+" with this id")
	case errors.Is(err, store.ErrDuplicate):
		return problem(http.StatusConflict, "a "+what+" with this name already exists")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), store.Unavailable(err):
		return unavailable(err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// --- deputies and units ---

type deputyInput struct {
	Name  string `json:"name" validate:"required,max=100"`
	Level string `json:"level" validate:"required,oneof=township county"`
	Group string `json:"group" validate:"max=100"`
	Phone string `json:"phone" validate:"max=40"`
	Email string `json:"email" validate:"omitempty,email,max=200"`
}

func (s *Server) createDeputy(c echo.Context) error {
	var in deputyInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	d := domain.Deputy{ID: newID("dp_"), Name: in.Name, Level: in.Level, Group: in.Group, Phone: in.Phone, Email: in.Email}
	if err := s.store.CreateDeputy(c.Request().Context(), d); err != nil {
		return storeError(err, "deputy")
	}
	return c.JSON(http.StatusCreated, d)
}

func (s *Server) listDeputies(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Deputies(c.Request().Context(), p)
	if err != nil {
		return storeError(err, "deputy")
	}
	return c.JSON(http.StatusOK, list[domain.Deputy]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getDeputy(c echo.Context) error {
	d, err := s.store.Deputy(c.Request().Context(), c.Param("id"))
	if err != nil {
		return storeError(err, "deputy")
	}
	return c.JSON(http.StatusOK, d)
}

type unitInput struct {
	Name  string `json:"name" validate:"required,max=200"`
	Head  string `json:"head" validate:"required,max=100"`
	Phone string `json:"phone" validate:"max=40"`
	Email string `json:"email" validate:"omitempty,email,max=200"`
}

func (s *Server) createUnit(c echo.Context) error {
	var in unitInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	u := domain.Unit{ID: newID("un_"), Name: in.Name, Head: in.Head, Phone: in.Phone, Email: in.Email}
	if err := s.store.CreateUnit(c.Request().Context(), u); err != nil {
		return storeError(err, "unit")
	}
	return c.JSON(http.StatusCreated, u)
}

func (s *Server) listUnits(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Units(c.Request().Context(), p)
	if err != nil {
		return storeError(err, "unit")
	}
	return c.JSON(http.StatusOK, list[domain.Unit]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getUnit(c echo.Context) error {
	u, err := s.store.Unit(c.Request().Context(), c.Param("id"))
	if err != nil {
		return storeError(err, "unit")
	}
	return c.JSON(http.StatusOK, u)
}

// --- suggestions ---

func (s *Server) submit(c echo.Context) error {
	var in domain.SubmitInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	key := c.Request().Header.Get("Idempotency-Key")
	if len(key) > 200 {
		return invalidFields(FieldError{Field: "Idempotency-Key", Message: "must be at most 200 characters"})
	}
	sg, replayed, err := s.startSuggestion(c.Request().Context(), principalOf(c), in, key)
	if err != nil {
		return err
	}
	if replayed {
		c.Response().Header().Set("Idempotent-Replayed", "true")
		return s.respond(c, http.StatusOK, sg)
	}
	return s.respond(c, http.StatusCreated, sg)
}

// startSuggestion starts a case for a validated submission, for the API
// and the pages alike. The same key with the same body returns the stored
// case (replayed); without a key an open case with the same title from the
// same deputy is refused.
func (s *Server) startSuggestion(ctx context.Context, p access.Principal, in domain.SubmitInput, key string) (domain.Suggestion, bool, error) {
	var none domain.Suggestion
	if !access.SubmitAs(p, in.LeadDeputyID) {
		return none, false, problem(http.StatusForbidden, "a deputy submits suggestions only as their lead deputy")
	}
	if err := s.checkSigners(ctx, in); err != nil {
		return none, false, err
	}
	in.Actor = domain.Actor{ID: p.AccountID, Role: p.Role}
	in.RequestHash = ""
	canonical, _ := json.Marshal(struct {
		domain.SubmitInput
		Actor domain.Actor `json:"actor"`
	}{SubmitInput: in})
	sum := sha256.Sum256(canonical)
	in.RequestHash = idEncoding.EncodeToString(sum[:])

	var id string
	if key != "" {
		k := sha256.Sum256([]byte(key))
		id = "sg_" + idEncoding.EncodeToString(k[:])[:20]
		if existing, err := s.store.Suggestion(ctx, id); err == nil && existing.Number != "" {
			if existing.RequestHash != in.RequestHash {
				return none, false, problem(http.StatusConflict, "this Idempotency-Key was already used for a different request")
			}
			return existing, true, nil
		}
	} else {
		dup, err := s.store.OpenDuplicate(ctx, in.LeadDeputyID, in.Title)
		if err != nil {
			return none, false, storeError(err, "suggestion")
		}
		if dup != "" {
			return none, false, problem(http.StatusConflict, fmt.Sprintf("an open suggestion with this title from this deputy already exists: %s", dup))
		}
		id = newID("sg_")
	}
	// Constituents' opinions are personal data: they go to the database
	// only, never into a workflow's history.
	if err := s.store.SaveOpinions(ctx, id, in.Opinions); err != nil {
		return none, false, storeError(err, "suggestion")
	}
	in.Opinions = nil
	pol, err := s.currentPolicy(ctx)
	if err != nil {
		return none, false, err
	}
	// Identical requests arriving together share one start: the server
	// takes only a few updates at once on one workflow.
	ran := false
	v, err, _ := s.starts.Do(id, func() (any, error) {
		ran = true
		return s.submitToWorkflow(ctx, id, pol, in)
	})
	if err != nil {
		return none, false, err
	}
	return v.(domain.Suggestion), !ran, nil
}

// submitToWorkflow starts the case's workflow with its intake.
func (s *Server) submitToWorkflow(ctx context.Context, id string, pol policy.Policy, in domain.SubmitInput) (domain.Suggestion, error) {
	var none domain.Suggestion
	uctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	op := s.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.SuggestionWorkflowName, workflows.SuggestionInput{ID: id, Policy: pol})
	handle, err := s.temporal.UpdateWithStartWorkflow(uctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: workflows.UpdateSubmit, Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return none, s.temporalError(err)
	}
	var sg domain.Suggestion
	if err := handle.Get(uctx, &sg); err != nil {
		return none, s.temporalError(err)
	}
	return sg, nil
}

func (s *Server) checkSigners(ctx context.Context, in domain.SubmitInput) error {
	seen := map[string]bool{in.LeadDeputyID: true}
	for _, id := range in.CoSignerIDs {
		if seen[id] {
			return invalidFields(FieldError{Field: "co_signer_ids", Message: "a deputy appears twice, or is also the lead deputy"})
		}
		seen[id] = true
	}
	missing, err := s.store.MissingDeputies(ctx, append([]string{in.LeadDeputyID}, in.CoSignerIDs...))
	if err != nil {
		return storeError(err, "deputy")
	}
	if len(missing) > 0 {
		field := "co_signer_ids"
		if missing[0] == in.LeadDeputyID {
			field = "lead_deputy_id"
		}
		return invalidFields(FieldError{Field: field, Message: "no deputy with id " + strings.Join(missing, ", ")})
	}
	return nil
}

// suggestionView is a suggestion as the API shows it.
type suggestionView struct {
	ID               string                   `json:"id"`
	Number           string                   `json:"number"`
	Title            string                   `json:"title"`
	Content          string                   `json:"content"`
	Kind             string                   `json:"kind"`
	Category         string                   `json:"category"`
	LeadDeputyID     string                   `json:"lead_deputy_id"`
	CoSignerIDs      []string                 `json:"co_signer_ids"`
	SubmittedIn      string                   `json:"submitted_in"`
	Status           domain.Status            `json:"status"`
	Flags            []string                 `json:"flags"`
	SubmittedAt      time.Time                `json:"submitted_at"`
	ReviewDueAt      time.Time                `json:"review_due_at"`
	ReturnReason     string                   `json:"return_reason,omitempty"`
	LeadUnitID       string                   `json:"lead_unit_id,omitempty"`
	Assignment       *domain.Assignment       `json:"assignment,omitempty"`
	Round            int                      `json:"round"`
	DueAt            *time.Time               `json:"due_at,omitempty"`
	DueExplanation   string                   `json:"due_explanation,omitempty"`
	PendingExtension *domain.ExtensionRequest `json:"pending_extension,omitempty"`
	Consulted        bool                     `json:"consulted"`
	Consultations    int                      `json:"consultations"`
	ProgressDueAt    *time.Time               `json:"progress_due_at,omitempty"`
	ProgressMissed   int                      `json:"progress_missed"`
	Reply            *domain.Reply            `json:"reply"`
	RatingDueAt      *time.Time               `json:"rating_due_at,omitempty"`
	Ratings          []domain.Rating          `json:"ratings"`
	Unsatisfied      int                      `json:"unsatisfied"`
	Completion       *domain.Completion       `json:"completion,omitempty"`
	ClosedAt         *time.Time               `json:"closed_at,omitempty"`
	ClosedAs         string                   `json:"closed_as,omitempty"`
	Timeline         []domain.Event           `json:"timeline,omitempty"`
	Meetings         []domain.MeetingView     `json:"meetings"`
}

func view(sg domain.Suggestion) suggestionView {
	v := suggestionView{
		ID: sg.ID, Number: sg.Number, Title: sg.Title, Content: sg.Content, Kind: sg.Kind, Category: sg.Category,
		LeadDeputyID: sg.LeadDeputyID, CoSignerIDs: sg.CoSignerIDs, SubmittedIn: sg.SubmittedIn, Status: sg.Status,
		Flags: sg.Flags(), SubmittedAt: sg.SubmittedAt, ReviewDueAt: sg.ReviewDueAt, ReturnReason: sg.ReturnReason,
		LeadUnitID: sg.LeadUnitID(), Assignment: sg.Assignment, Round: sg.Round, DueAt: sg.DueAt,
		DueExplanation: sg.DueExplanation, PendingExtension: sg.PendingExtension, Consulted: sg.Consulted,
		Consultations: sg.Consultations, ProgressDueAt: sg.ProgressDueAt, ProgressMissed: sg.ProgressMissed,
		Reply: sg.Reply, RatingDueAt: sg.RatingDueAt, Ratings: sg.Ratings, Unsatisfied: sg.Unsatisfied,
		Completion: sg.Completion, ClosedAt: sg.ClosedAt, ClosedAs: sg.ClosedAs,
	}
	if v.Ratings == nil {
		v.Ratings = []domain.Rating{}
	}
	if v.CoSignerIDs == nil {
		v.CoSignerIDs = []string{}
	}
	return v
}

// respond answers with the suggestion, its timeline and its meetings.
func (s *Server) respond(c echo.Context, status int, sg domain.Suggestion) error {
	ctx := c.Request().Context()
	v := view(sg)
	timeline, err := s.store.Timeline(ctx, sg.ID)
	if err != nil {
		return storeError(err, "suggestion")
	}
	meetings, _, err := s.store.Meetings(ctx, store.MeetingFilter{SuggestionID: sg.ID}, store.Page{Number: 1, Size: maxPageSize})
	if err != nil {
		return storeError(err, "meeting")
	}
	v.Timeline, v.Meetings = timeline, meetingViews(meetings)
	return c.JSON(status, v)
}

func (s *Server) listSuggestions(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	scope := access.ListScope(principalOf(c))
	f := store.SuggestionFilter{Status: c.QueryParam("status"), UnitID: c.QueryParam("unit_id"),
		DeputyID: c.QueryParam("deputy_id"), Query: c.QueryParam("q"), ScopeUnitID: scope.UnitID, ScopeDeputyID: scope.DeputyID}
	if f.Status != "" && !validStatus(f.Status) {
		return invalidFields(FieldError{Field: "status", Message: "unknown status"})
	}
	if v := c.QueryParam("overdue"); v != "" {
		if v != "true" && v != "false" {
			return invalidFields(FieldError{Field: "overdue", Message: "must be true or false"})
		}
		b := v == "true"
		f.Overdue = &b
	}
	if len(f.Query) > 200 {
		return invalidFields(FieldError{Field: "q", Message: "must be at most 200 characters"})
	}
	items, total, err := s.store.Suggestions(c.Request().Context(), f, p)
	if err != nil {
		return storeError(err, "suggestion")
	}
	out := make([]suggestionView, 0, len(items))
	for _, sg := range items {
		out = append(out, view(sg))
	}
	return c.JSON(http.StatusOK, list[suggestionView]{Items: out, Total: total, Page: p.Number, PageSize: p.Size})
}

func validStatus(s string) bool {
	for _, st := range domain.Statuses {
		if string(st) == s {
			return true
		}
	}
	return false
}

func (s *Server) getSuggestion(c echo.Context) error {
	sg, err := s.loaded(c)
	if err != nil {
		return err
	}
	return s.respond(c, http.StatusOK, sg)
}

// loaded is the suggestion the access check read for this request.
func (s *Server) loaded(c echo.Context) (domain.Suggestion, error) {
	if sg, ok := c.Get("suggestion").(domain.Suggestion); ok {
		return sg, nil
	}
	sg, err := s.store.Suggestion(c.Request().Context(), c.Param("id"))
	if err != nil {
		return sg, storeError(err, "suggestion")
	}
	return sg, nil
}

// update runs an action on a suggestion's workflow and answers with the
// state it stored.
func (s *Server) update(c echo.Context, name string, arg any) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	if _, err := s.loaded(c); err != nil {
		return err
	}
	sg, err := s.runUpdate(ctx, id, name, arg)
	if err != nil {
		return err
	}
	return s.respond(c, http.StatusOK, sg)
}

func (s *Server) runUpdate(ctx context.Context, workflowID, name string, arg any) (domain.Suggestion, error) {
	var sg domain.Suggestion
	err := s.updateInto(ctx, workflowID, name, arg, &sg)
	return sg, err
}

func (s *Server) updateInto(ctx context.Context, workflowID, name string, arg, out any) error {
	uctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	handle, err := s.temporal.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return s.temporalError(err)
	}
	if err := handle.Get(uctx, out); err != nil {
		return s.temporalError(err)
	}
	return nil
}

// temporalError maps what Temporal answers to a problem.
func (s *Server) temporalError(err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		switch app.Type() {
		case workflows.ErrTypeConflict:
			return problem(http.StatusConflict, app.Message())
		case workflows.ErrTypeInvalid:
			var fe workflows.FieldError
			if app.HasDetails() && app.Details(&fe) == nil {
				return invalidFields(FieldError{Field: fe.Field, Message: fe.Message})
			}
			return invalidFields(FieldError{Field: "body", Message: app.Message()})
		}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) || strings.Contains(err.Error(), "workflow execution already completed") {
		return problem(http.StatusConflict, "this case is no longer open for actions (it is closed or returned)")
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return problem(http.StatusConflict, "this Idempotency-Key belongs to a suggestion that is already closed")
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return unavailable(err)
	}
	var unav *serviceerror.Unavailable
	var dead *serviceerror.DeadlineExceeded
	if errors.As(err, &unav) || errors.As(err, &dead) {
		return unavailable(err)
	}
	s.log.Error("temporal call failed", "error", err)
	return unavailable(err)
}

func (s *Server) review(c echo.Context) error {
	var in domain.ReviewInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateReview, in)
}

func (s *Server) assign(c echo.Context) error {
	var in domain.AssignInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if err := s.checkUnits(c.Request().Context(), in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateAssign, in)
}

// checkUnits refuses an assignment to units that do not exist.
func (s *Server) checkUnits(ctx context.Context, in domain.AssignInput) error {
	missing, err := s.store.MissingUnits(ctx, append([]string{in.LeadUnitID}, in.CoUnitIDs...))
	if err != nil {
		return storeError(err, "unit")
	}
	if len(missing) > 0 {
		field := "co_unit_ids"
		if missing[0] == in.LeadUnitID {
			field = "lead_unit_id"
		}
		return invalidFields(FieldError{Field: field, Message: "no unit with id " + strings.Join(missing, ", ")})
	}
	return nil
}

func (s *Server) returnAssignment(c echo.Context) error {
	var in domain.AssignmentReturnInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateReturnAssignment, in)
}

func (s *Server) coOpinion(c echo.Context) error {
	var in domain.CoOpinionInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if !access.CoOpinionAs(principalOf(c), in.UnitID) {
		return problem(http.StatusForbidden, "a unit files co-handling opinions only for itself")
	}
	if missing, err := s.store.MissingUnits(c.Request().Context(), []string{in.UnitID}); err != nil {
		return storeError(err, "unit")
	} else if len(missing) > 0 {
		return invalidFields(FieldError{Field: "unit_id", Message: "no unit with this id"})
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateCoOpinion, in)
}

func (s *Server) consult(c echo.Context) error {
	var in domain.ConsultationInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateConsult, in)
}

func (s *Server) progressReport(c echo.Context) error {
	var in domain.ProgressReportInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateProgressReport, in)
}

func (s *Server) requestExtension(c echo.Context) error {
	var in domain.ExtensionRequestInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateRequestExtension, in)
}

func (s *Server) decideExtension(c echo.Context) error {
	var in domain.ExtensionDecisionInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateDecideExtension, in)
}

func (s *Server) reply(c echo.Context) error {
	var in domain.ReplyInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if (in.ResultClass == "B" || in.ResultClass == "C") && in.PromisedAt == nil {
		return invalidFields(FieldError{Field: "promised_at", Message: "a B or C reply needs the promised date"})
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateReply, in)
}

func (s *Server) rate(c echo.Context) error {
	var in domain.RatingInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if !access.RateAs(principalOf(c), in.DeputyID) {
		return problem(http.StatusForbidden, "a deputy rates only in their own name")
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateRate, in)
}

func (s *Server) complete(c echo.Context) error {
	var in domain.CompletionInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	in.Actor = actorOf(c)
	return s.update(c, workflows.UpdateComplete, in)
}

func (s *Server) messages(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	msgs, _, err := s.store.MessageList(ctx, store.MessageFilter{SuggestionID: id}, store.Page{Number: 1, Size: 1000})
	if err != nil {
		return storeError(err, "message")
	}
	return c.JSON(http.StatusOK, map[string]any{"items": msgs})
}

// --- meetings ---

func (s *Server) listMeetings(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	scope := access.ListScope(principalOf(c))
	f := store.MeetingFilter{Status: c.QueryParam("status"), SuggestionID: c.QueryParam("suggestion_id"),
		UnitID: scope.UnitID, DeputyID: scope.DeputyID}
	if f.Status != "" && f.Status != domain.MeetingScheduled && f.Status != domain.MeetingHeld {
		return invalidFields(FieldError{Field: "status", Message: "must be one of: scheduled, held"})
	}
	items, total, err := s.store.Meetings(c.Request().Context(), f, p)
	if err != nil {
		return storeError(err, "meeting")
	}
	return c.JSON(http.StatusOK, list[domain.MeetingView]{Items: meetingViews(items), Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getMeeting(c echo.Context) error {
	m, err := s.store.Meeting(c.Request().Context(), c.Param("id"))
	if err != nil {
		return storeError(err, "meeting")
	}
	return c.JSON(http.StatusOK, m.View())
}

func meetingViews(ms []domain.Meeting) []domain.MeetingView {
	out := make([]domain.MeetingView, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.View())
	}
	return out
}

func (s *Server) callMeeting(c echo.Context) error {
	ctx := c.Request().Context()
	var in domain.CallMeetingInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if _, err := s.store.Suggestion(ctx, in.SuggestionID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return invalidFields(FieldError{Field: "suggestion_id", Message: "no suggestion with this id"})
		}
		return storeError(err, "suggestion")
	}
	in.Actor = actorOf(c)
	sg, err := s.runUpdate(ctx, in.SuggestionID, workflows.UpdateCallMeeting, in)
	if err != nil {
		return err
	}
	last := sg.Meetings[len(sg.Meetings)-1]
	m, err := s.store.Meeting(ctx, last.ID)
	if err != nil {
		return storeError(err, "meeting")
	}
	return c.JSON(http.StatusCreated, m.View())
}

func (s *Server) minutes(c echo.Context) error {
	ctx := c.Request().Context()
	var in domain.MinutesInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	id := c.Param("id")
	if _, err := s.store.Meeting(ctx, id); err != nil {
		return storeError(err, "meeting")
	}
	in.Actor = actorOf(c)
	var m domain.Meeting
	if err := s.updateInto(ctx, id, workflows.UpdateMinutes, in, &m); err != nil {
		var p *Problem
		if errors.As(err, &p) && p.Status == http.StatusConflict {
			return problem(http.StatusConflict, "the minutes of this meeting are already recorded")
		}
		return err
	}
	return c.JSON(http.StatusOK, m.View())
}

// --- calendar ---

func (s *Server) calendarDue(c echo.Context) error {
	var fields []FieldError
	from := s.now()
	if v := c.QueryParam("from"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fields = append(fields, FieldError{Field: "from", Message: "must be an RFC 3339 time"})
		}
		from = t
	}
	d, err := policy.ParseDuration(c.QueryParam("duration"))
	if err != nil {
		fields = append(fields, FieldError{Field: "duration", Message: "must be an ISO 8601 duration (P3M, P7D, PT30S) or working days (7wd)"})
	}
	if len(fields) > 0 {
		return invalidFields(fields...)
	}
	return c.JSON(http.StatusOK, s.policy.Due(from, d))
}
