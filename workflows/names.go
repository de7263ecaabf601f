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

	"suggestflow/domain"
	"suggestflow/policy"
)

// TaskQueue is where the workers listen.
const TaskQueue = "suggestflow"

// Workflow, update, signal and query names: part of the durable contract.
const (
	SuggestionWorkflowName = "Suggestion"
	MeetingWorkflowName    = "Meeting"

	UpdateSubmit           = "submit"
	UpdateReview           = "review"
	UpdateAssign           = "assign"
	UpdateReturnAssignment = "return-assignment"
	UpdateCoOpinion        = "co-opinion"
	UpdateConsult          = "consult"
	UpdateProgressReport   = "progress-report"
	UpdateRequestExtension = "request-extension"
	UpdateDecideExtension  = "decide-extension"
	UpdateReply            = "reply"
	UpdateRate             = "rate"
	UpdateComplete         = "complete"
	UpdateCallMeeting      = "call-meeting"
	UpdateMinutes          = "minutes"

	SignalMeetingHeld = "meeting-held"
	QueryState        = "state"
)

// Activity names, registered by the worker from the activities package.
const (
	ActivityCreateSuggestion = "CreateSuggestion"
	ActivityRecord           = "Record"
)

// Error types carried by ApplicationErrors out of updates; the API maps
// them to HTTP status codes.
const (
	ErrTypeConflict = "conflict"
	ErrTypeInvalid  = "invalid"
)

// FieldError names the field an invalid input failed on.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func conflict(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, ErrTypeConflict, temporal.ApplicationErrorOptions{NonRetryable: true})
}

func invalid(field, msg string) error {
	return temporal.NewApplicationErrorWithOptions(field+": "+msg, ErrTypeInvalid,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []interface{}{FieldError{Field: field, Message: msg}}})
}

// SuggestionInput starts (or continues) a suggestion's workflow.
type SuggestionInput struct {
	ID     string             `json:"id"`
	Policy policy.Policy      `json:"policy"`
	State  *domain.Suggestion `json:"state,omitempty"`
	// HistoryLimit continues as new past this many events; zero means the
	// default. Tests lower it to exercise continue-as-new.
	HistoryLimit int `json:"history_limit,omitempty"`
}

// MeetingInput starts a meeting's workflow.
type MeetingInput struct {
	Meeting domain.Meeting `json:"meeting"`
	Policy  policy.Policy  `json:"policy"`
}

// MeetingHeld is what a meeting tells its suggestion when it is over.
type MeetingHeld struct {
	MeetingID string    `json:"meeting_id"`
	HeldAt    time.Time `json:"held_at"`
	Outcome   string    `json:"outcome"`
}

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

// alarm is one timed step a workflow waits for.
type alarm struct {
	key string
	at  time.Time
	run func(ctx workflow.Context, step *domain.Step)
}

func earliest(alarms []alarm, done []string) (alarm, bool) {
	var best alarm
	found := false
	for _, a := range alarms {
		if contains(done, a.key) {
			continue
		}
		if !found || a.at.Before(best.at) || (a.at.Equal(best.at) && a.key < best.key) {
			best, found = a, true
		}
	}
	return best, found
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func now(ctx workflow.Context) time.Time { return workflow.Now(ctx).UTC() }

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }
