// Package domain holds the words of the suggestion process: states, flags,
// enumerations, the inputs of every action and the records they leave. It is
// shared by the workflows, the activities, the store and the API, and it
// depends on none of them.
package domain

import "time"

// Status of a suggestion (DOMAIN.md section 3).
type Status string

const (
	StatusSubmitted   Status = "submitted"
	StatusReturned    Status = "returned"
	StatusAccepted    Status = "accepted"
	StatusHandling    Status = "handling"
	StatusReplied     Status = "replied"
	StatusRehandling  Status = "rehandling"
	StatusFollowingUp Status = "following_up"
	StatusClosed      Status = "closed"
	// StatusReferred: referred to a higher body outside the township's
	// competence (转交, DOMAIN.md rule 2); the case waits for that body's
	// answer and ends with it.
	StatusReferred Status = "referred"
	// StatusMerged: merged into another suggestion (并案), which its deputies
	// co-sign from then on; it ends there.
	StatusMerged Status = "merged"
)

// Statuses lists every status, for validation and documentation.
var Statuses = []Status{StatusSubmitted, StatusReturned, StatusAccepted, StatusHandling,
	StatusReplied, StatusRehandling, StatusFollowingUp, StatusClosed, StatusReferred, StatusMerged}

// EndedStatuses are the statuses of a case that is over, which the
// store's lists of open cases leave out. A referred case is over only
// once its answer is recorded, and stays in them until then.
var EndedStatuses = []string{string(StatusReturned), string(StatusClosed), string(StatusMerged)}

// Flags beside the state.
const (
	FlagOverdue          = "overdue"
	FlagEscalated        = "escalated"
	FlagExtensionPending = "extension_pending"
)

// Enumerations accepted by the API. Each list is the set of valid values.
var (
	Kinds            = []string{"suggestion", "motion", "criticism"}
	SubmittedIn      = []string{"session", "recess"}
	ReviewDecisions  = []string{"accept", "return"}
	ConsultMethods   = []string{"in_person", "phone", "on_site", "video"}
	ResultClasses    = []string{"A", "B", "C", "D"}
	RatingValues     = []string{"satisfied", "basically_satisfied", "unsatisfied"}
	DeputyLevels     = []string{"township", "county"}
	MeetingReasons   = []string{"overdue", "unsatisfied", "manual"}
	ReturnCategories = []string{"outside_competence", "personal_affair", "court_case", "forwarded_letter", "no_content", "other"}
)

// Rating values.
const (
	Satisfied          = "satisfied"
	BasicallySatisfied = "basically_satisfied"
	Unsatisfied        = "unsatisfied"
)

// How a closed suggestion ended.
const (
	ClosedSatisfied   = "satisfied"
	ClosedNoFeedback  = "no_feedback"
	ClosedCompleted   = "completed"
	ClosedUnfulfilled = "unfulfillable"
)

// Meeting statuses.
const (
	MeetingScheduled = "scheduled"
	MeetingHeld      = "held"
)

// Actor is who did something: an account, or the system itself.
type Actor struct {
	ID   string `json:"id"`
	Role string `json:"role"`
}

// System is the actor of everything the workflows do by themselves.
var System = Actor{ID: "system", Role: "system"}

// CaseLinkPath starts a case's short link under the pages' address
// (/s/<id>), short enough for a text message; it leads to the case's page.
const CaseLinkPath = "/s/"

// Deputy is a deputy of the congress.
type Deputy struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Level string `json:"level"`
	Group string `json:"group"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	// Active is false for a deputy retired from the roster: past cases
	// keep the name; new ones cannot name them.
	Active bool `json:"active"`
}

// Unit is a handling unit.
type Unit struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Head is the unit's head (summoned to meetings); Phone and Email are
	// the unit's, and the head's.
	Head  string `json:"head"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	// The leader in charge (分管领导) and the named handler (专办人员), each
	// with contacts that get the unit's notices meant for them.
	Leader       string `json:"leader,omitempty"`
	LeaderPhone  string `json:"leader_phone,omitempty"`
	LeaderEmail  string `json:"leader_email,omitempty"`
	Handler      string `json:"handler,omitempty"`
	HandlerPhone string `json:"handler_phone,omitempty"`
	HandlerEmail string `json:"handler_email,omitempty"`
	// Active is false for a retired unit: it cannot be assigned.
	Active bool `json:"active"`
}

// SubmitInput is what a deputy, or staff on a deputy's behalf, submits.
type SubmitInput struct {
	Title        string   `json:"title" validate:"required,max=200"`
	Content      string   `json:"content" validate:"required,max=20000"`
	Kind         string   `json:"kind" validate:"required,oneof=suggestion motion criticism"`
	Category     string   `json:"category" validate:"max=100"`
	LeadDeputyID string   `json:"lead_deputy_id" validate:"required,max=64"`
	CoSignerIDs  []string `json:"co_signer_ids" validate:"max=100,dive,required,max=64"`
	SubmittedIn  string   `json:"submitted_in" validate:"required,oneof=session recess"`
	// Opinions are the constituents' opinions the suggestion grew from; they
	// are personal data and stay inside the database.
	Opinions []string `json:"opinions,omitempty" validate:"max=50,dive,max=5000"`
	// RequestHash identifies the request body, so that a reused
	// Idempotency-Key with a different body is refused.
	RequestHash string `json:"request_hash,omitempty"`
	Actor       Actor  `json:"actor"`
}

// ReviewInput accepts or returns a submitted suggestion.
type ReviewInput struct {
	Decision       string `json:"decision" validate:"required,oneof=accept return"`
	Reason         string `json:"reason" validate:"max=2000"`
	ReturnCategory string `json:"return_category,omitempty" validate:"omitempty,oneof=outside_competence personal_affair court_case forwarded_letter no_content other"`
	Actor          Actor  `json:"actor"`
}

// AssignInput hands an accepted suggestion to its units (三落实).
type AssignInput struct {
	LeadUnitID string   `json:"lead_unit_id" validate:"required,max=64"`
	CoUnitIDs  []string `json:"co_unit_ids" validate:"max=20,dive,required,max=64"`
	Leader     string   `json:"leader" validate:"required,max=100"`
	Handler    string   `json:"handler" validate:"required,max=100"`
	Complex    bool     `json:"complex"`
	Actor      Actor    `json:"actor"`
}

// AssignmentReturnInput is a unit's request to return a wrong assignment.
type AssignmentReturnInput struct {
	Reason string `json:"reason" validate:"required,max=2000"`
	Actor  Actor  `json:"actor"`
}

// CoOpinionInput is a co-handling unit's opinion to the lead unit.
type CoOpinionInput struct {
	UnitID  string `json:"unit_id" validate:"required,max=64"`
	Content string `json:"content" validate:"required,max=10000"`
	Actor   Actor  `json:"actor"`
}

// ConsultationInput records a consultation (面商) with the deputy.
type ConsultationInput struct {
	HeldAt       time.Time `json:"held_at" validate:"required"`
	Method       string    `json:"method" validate:"required,oneof=in_person phone on_site video"`
	Participants []string  `json:"participants" validate:"max=50,dive,required,max=100"`
	Notes        string    `json:"notes" validate:"max=10000"`
	Actor        Actor     `json:"actor"`
}

// ProgressReportInput is a unit's interim report.
type ProgressReportInput struct {
	Content string `json:"content" validate:"required,max=10000"`
	Actor   Actor  `json:"actor"`
}

// ExtensionRequestInput is a written extension request (延办反馈书).
type ExtensionRequestInput struct {
	Reason   string    `json:"reason" validate:"required,max=5000"`
	Measures string    `json:"measures" validate:"required,max=5000"`
	NewDueAt time.Time `json:"new_due_at" validate:"required"`
	Actor    Actor     `json:"actor"`
}

// ExtensionDecisionInput is the presidium's decision on a pending request.
type ExtensionDecisionInput struct {
	Approve *bool  `json:"approve" validate:"required"`
	Comment string `json:"comment" validate:"max=2000"`
	Actor   Actor  `json:"actor"`
}

// ReplyInput is the lead unit's reply.
type ReplyInput struct {
	ResultClass string     `json:"result_class" validate:"required,oneof=A B C D"`
	Content     string     `json:"content" validate:"required,max=20000"`
	PromisedAt  *time.Time `json:"promised_at"`
	Actor       Actor      `json:"actor"`
}

// RatingInput is a deputy's rating of the reply.
type RatingInput struct {
	DeputyID string `json:"deputy_id" validate:"required,max=64"`
	Attitude string `json:"attitude" validate:"required,oneof=satisfied basically_satisfied unsatisfied"`
	Result   string `json:"result" validate:"required,oneof=satisfied basically_satisfied unsatisfied"`
	Reasons  string `json:"reasons" validate:"max=5000"`
	Actor    Actor  `json:"actor"`
}

// CompletionInput reports a B or C promise completed, or, with Kept false,
// that it can no longer be kept (a statement signed by the unit head).
type CompletionInput struct {
	Content  string `json:"content" validate:"required,max=10000"`
	Evidence string `json:"evidence" validate:"max=10000"`
	Kept     *bool  `json:"kept"`
	SignedBy string `json:"signed_by" validate:"max=100"`
	Actor    Actor  `json:"actor"`
}

// CallMeetingInput is staff calling an escalation meeting.
type CallMeetingInput struct {
	SuggestionID string    `json:"suggestion_id" validate:"required,max=64"`
	ScheduledAt  time.Time `json:"scheduled_at" validate:"required"`
	Place        string    `json:"place" validate:"max=200"`
	Agenda       string    `json:"agenda" validate:"max=5000"`
	Actor        Actor     `json:"actor"`
}

// EndingReviewInput is the presidium's judgement on a case that ended with
// an unsatisfied final result or without feedback: whether the unit had a
// valid reason (正当理由) for not satisfying the deputy. Without one, the
// ending counts in the yearly ">2" rule (DOMAIN.md section 5).
type EndingReviewInput struct {
	ValidReason *bool  `json:"valid_reason" validate:"required"`
	Reason      string `json:"reason" validate:"required,max=5000"`
	Actor       Actor  `json:"actor"`
}

// ReferralInput refers a suggestion outside the township's competence to a
// named higher body (转交), on the date it was sent.
type ReferralInput struct {
	To     string    `json:"to" validate:"required,max=200"`
	Reason string    `json:"reason" validate:"required,max=5000"`
	SentAt time.Time `json:"sent_at" validate:"required"`
	Actor  Actor     `json:"actor"`
}

// ReferralAnswerInput records the higher body's answer to a referral.
type ReferralAnswerInput struct {
	ReceivedAt time.Time `json:"received_at" validate:"required"`
	Content    string    `json:"content" validate:"required,max=20000"`
	Actor      Actor     `json:"actor"`
}

// MergeInput merges a suggestion into another open one (并案) before
// either is assigned. IntoNumber and IntoTitle are the kept case's, filled
// in by the server for the notices.
type MergeInput struct {
	Into       string `json:"into" validate:"required,max=64"`
	Reason     string `json:"reason" validate:"required,max=2000"`
	IntoNumber string `json:"into_number,omitempty"`
	IntoTitle  string `json:"into_title,omitempty"`
	Actor      Actor  `json:"actor"`
}

// MinutesInput records what an escalation meeting decided.
type MinutesInput struct {
	Content string `json:"content" validate:"required,max=20000"`
	Outcome string `json:"outcome" validate:"required,max=2000"`
	Actor   Actor  `json:"actor"`
}
