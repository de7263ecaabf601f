// Package cases is the one command layer for what people do to a case:
// intake and every action on a suggestion or a meeting, each written once
// with its input checks, the actor, the Temporal call and the mapping of
// what Temporal and the store answer into refusals. The JSON API and the
// pages are thin adapters over it: they read a request into a domain
// input, call a command, and render what it returns.
//
// A request flows one way: HTTP (api/, web/) → command (here) → Temporal
// update → workflow (workflows/, whose validators apply rules/) → local
// activity (activities/) → store (store/). Intake alone writes first:
// it stores the case and its first step (computed by workflows/, written
// by activities/), then starts the workflow with that state (intake.go).
package cases

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/sync/singleflight"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/holiday"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// updateTimeout bounds how long a command waits for its workflow to take
// an action and store it.
const updateTimeout = 20 * time.Second

// Deps are what the commands need.
type Deps struct {
	Store    *store.Store
	Temporal client.Client
	Policy   policy.Policy
	Logger   *slog.Logger
	Now      func() time.Time
	// PublicURL is the pages' address, for the rating links issued here.
	PublicURL string
	// Intake writes a new case and its first step as its workflow would
	// (activities.Activities).
	Intake Recorder
}

// Recorder stores what intake writes before the case's workflow runs.
type Recorder interface {
	// CreateIntake stores a new case, numbered and marked as waiting for
	// its workflow, and says whether it was new.
	CreateIntake(ctx context.Context, s domain.Suggestion, actor domain.Actor) (string, bool, error)
	// Record writes a step with its notices, as a workflow does.
	Record(ctx context.Context, step domain.Step) error
}

// Service runs the commands.
type Service struct {
	store    *store.Store
	temporal client.Client
	policy   policy.Policy
	log      *slog.Logger
	now      func() time.Time
	// publicURL is the pages' address (Deps.PublicURL).
	publicURL string
	// letterSecret is the reply letters' link secret once read: it never
	// changes, and reading it is a write (it is made on first use).
	letterSecret atomic.Pointer[[]byte]
	// starts lets identical submissions arriving together share one
	// workflow start.
	starts singleflight.Group
	intake Recorder
}

// New builds the commands.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Service{store: d.Store, temporal: d.Temporal, policy: d.Policy, log: d.Logger, now: d.Now, publicURL: d.PublicURL, intake: d.Intake}
}

// CurrentPolicy is the policy a new case starts under, and the one the
// deadline calculator computes with: the configured one on the one
// calendar of the township (see Calendar), with the official schedules
// loaded for years the built-in data lacks, and the built-in data version
// of this binary.
func (s *Service) CurrentPolicy(ctx context.Context) (policy.Policy, error) {
	values, err := s.store.PolicyValues(ctx)
	if err != nil {
		return s.policy, store.Refused(err, "policy")
	}
	p, err := policy.Apply(s.policy, values)
	if err != nil {
		// Each value was checked when it was set; a release that refuses
		// an old one keeps the file's policy rather than stopping intake.
		s.log.Error("a stored policy value is refused; using the policy file's", "error", err)
		p = s.policy
	}
	overrides, err := s.store.CalendarOverrides(ctx)
	if err != nil {
		return p, store.Refused(err, "calendar")
	}
	p.CalendarOverrides = Calendar(s.policy.CalendarOverrides, overrides)
	years, err := s.store.CalendarYears(ctx)
	if err != nil {
		return p, store.Refused(err, "calendar")
	}
	p.CalendarYears = make([]holiday.Schedule, 0, len(years))
	for _, y := range years {
		p.CalendarYears = append(p.CalendarYears, y.Schedule)
	}
	// New cases pin the built-in holiday data of this binary.
	p.HolidayData = holiday.DataVersion
	return p, nil
}

// Calendar is the township's one calendar of local days: the statutory
// data (in package holiday) under the policy file's overrides, under the
// days set in the database (PUT /calendar/days), each later one winning
// for its date. Sorted by date.
func Calendar(file, database []holiday.Override) []holiday.Override {
	byDate := map[string]holiday.Override{}
	for _, o := range file {
		byDate[o.Date] = o
	}
	for _, o := range database {
		byDate[o.Date] = o
	}
	out := make([]holiday.Override, 0, len(byDate))
	for _, d := range slices.Sorted(maps.Keys(byDate)) {
		out = append(out, byDate[d])
	}
	return out
}

func actor(p access.Principal) domain.Actor { return domain.Actor{ID: p.AccountID, Role: p.Role} }

// act validates an input, runs the pre-checks, and runs the action on the
// case's workflow, answering with the state it stored.
func (s *Service) act(ctx context.Context, id, update string, in any, checks ...func() error) (domain.Suggestion, error) {
	var sg domain.Suggestion
	if err := validation.Check(in); err != nil {
		return sg, err
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return sg, err
		}
	}
	err := s.update(ctx, id, update, in, &sg)
	return sg, err
}

// update runs a workflow update and waits for its stored result.
func (s *Service) update(ctx context.Context, workflowID, name string, arg, out any) error {
	uctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	// One id for every attempt: the workflow takes an update id once, so a
	// second attempt of an update that did run answers with its result.
	opts := client.UpdateWorkflowOptions{
		UpdateID:   domain.NewID("up_"),
		WorkflowID: workflowID, UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	err := whileAborted(uctx, s.log, func() error {
		handle, err := s.temporal.UpdateWorkflow(uctx, opts)
		if err != nil {
			return err
		}
		return handle.Get(uctx, out)
	})
	if err != nil {
		return s.temporalError(err)
	}
	return nil
}

// abortRetries bounds the attempts of one update that the server aborts.
// The server aborts the updates in flight on a case when it drops the case
// from its cache (a busy moment with many open cases) or when one of the
// case's workflow tasks fails; the next attempt finds the case again. An
// unreachable server answers Unavailable too, so the attempts stay few and
// short: that answer still reaches the client soon.
var abortRetries = []time.Duration{20 * time.Millisecond, 100 * time.Millisecond, 300 * time.Millisecond, time.Second}

// whileAborted runs call, and again after a pause while it answers
// Unavailable, at most len(abortRetries) more times within ctx. Each new
// attempt is logged, so that a busy server shows in the log even when the
// person never sees it.
func whileAborted(ctx context.Context, log *slog.Logger, call func() error) error {
	err := call()
	for _, pause := range abortRetries {
		var unav *serviceerror.Unavailable
		if err == nil || !errors.As(err, &unav) {
			return err
		}
		log.Warn("temporal refused an update as unavailable; trying again", "error", err, "pause", pause)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		err = call()
	}
	return err
}

// temporalError maps what Temporal answers to a refusal: the workflow's own
// refusal carried in the error's details, a case whose workflow has ended,
// or a Temporal that is not there.
func (s *Service) temporalError(err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && (app.Type() == contract.ErrTypeConflict || app.Type() == contract.ErrTypeInvalid) {
		var r refusal.Error
		if app.HasDetails() && app.Details(&r) == nil && r.Code != "" {
			return &r
		}
		if app.Type() == contract.ErrTypeConflict {
			return refusal.New(refusal.Conflict, refusal.HTTPError, "message", app.Message())
		}
		// A worker of the release before refusals had codes names the
		// field and says why in English.
		var old struct{ Field, Message string }
		if app.HasDetails() && app.Details(&old) == nil && old.Field != "" {
			return refusal.OnField(old.Field, refusal.Unreadable, "error", old.Message)
		}
		return refusal.OnField("body", refusal.Unreadable, "error", app.Message())
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) || strings.Contains(err.Error(), "workflow execution already completed") {
		return refusal.New(refusal.Conflict, refusal.CaseClosed)
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return refusal.New(refusal.Conflict, refusal.IdempotencyKeyClosed)
	}
	var unav *serviceerror.Unavailable
	var dead *serviceerror.DeadlineExceeded
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) &&
		!errors.As(err, &unav) && !errors.As(err, &dead) {
		s.log.Error("temporal call failed", "error", err)
	}
	return refusal.DependencyDown(err)
}
