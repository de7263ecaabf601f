// Package workflows holds the durable processes: one workflow per
// suggestion that owns its deadlines, reminders and escalations, and one per
// escalation meeting. The code here is deterministic: time comes from
// workflow.Now, every map is read in sorted order and all I/O happens in
// activities.
package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/refusal"
)

// refused carries a rule's refusal out of an update as an ApplicationError
// whose message is the English text and whose details are the refusal.
func refused(err error) error {
	r, ok := refusal.As(err)
	if !ok {
		return err
	}
	typ := contract.ErrTypeConflict
	if r.Kind == refusal.Invalid {
		typ = contract.ErrTypeInvalid
	}
	return temporal.NewApplicationErrorWithOptions(r.Error(), typ,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []interface{}{*r}})
}

// params are an event's facts, by name.
type params = map[string]string

const defaultHistoryLimit = 10000

// retryUntilDone retries without a limit, backing off to every 10 s, so a
// case resumes soon after what it waits for comes back.
func retryUntilDone() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second}
}

func activityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: retryUntilDone()})
}

// persistOptions run the database writes of a case as local activities:
// they take milliseconds, so running them inside the workflow task saves a
// round trip through the task queue and three history events each. They
// retry until the database takes the write.
func persistOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: retryUntilDone()})
}

func now(ctx workflow.Context) time.Time { return workflow.Now(ctx).UTC() }

func rfc(t time.Time) string { return domain.Stamp(t) }

// newEvent is a timeline event with its English detail.
func newEvent(id, suggestionID string, at time.Time, actor domain.Actor, typ string, p params) domain.Event {
	return domain.Event{ID: id, SuggestionID: suggestionID, At: at, Actor: actor, Type: typ, Params: p,
		Detail: i18n.Event(i18n.Raw, typ, p)}
}
