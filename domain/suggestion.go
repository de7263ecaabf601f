package domain

import (
	"strings"
	"time"
)

// Assignment names the units and the accountable people (三落实).
type Assignment struct {
	LeadUnitID string    `json:"lead_unit_id"`
	CoUnitIDs  []string  `json:"co_unit_ids"`
	Leader     string    `json:"leader"`
	Handler    string    `json:"handler"`
	Complex    bool      `json:"complex"`
	AssignedAt time.Time `json:"assigned_at"`
}

// Reply is the lead unit's answer in one round.
type Reply struct {
	ID          string     `json:"id"`
	Round       int        `json:"round"`
	ResultClass string     `json:"result_class"`
	Content     string     `json:"content"`
	PromisedAt  *time.Time `json:"promised_at,omitempty"`
	RepliedAt   time.Time  `json:"replied_at"`
	DueAt       time.Time  `json:"due_at"`
	OnTime      bool       `json:"on_time"`
	Consulted   bool       `json:"consulted"`
}

// Rating is one deputy's rating of one round's reply.
type Rating struct {
	ID       string    `json:"id"`
	Round    int       `json:"round"`
	DeputyID string    `json:"deputy_id"`
	Lead     bool      `json:"lead"`
	Attitude string    `json:"attitude"`
	Result   string    `json:"result"`
	Reasons  string    `json:"reasons,omitempty"`
	At       time.Time `json:"at"`
}

// Consultation is a recorded 面商.
type Consultation struct {
	ID           string    `json:"id"`
	Round        int       `json:"round"`
	HeldAt       time.Time `json:"held_at"`
	Method       string    `json:"method"`
	Participants []string  `json:"participants"`
	Notes        string    `json:"notes"`
	RecordedAt   time.Time `json:"recorded_at"`
}

// ProgressReport is a unit's interim report.
type ProgressReport struct {
	ID      string    `json:"id"`
	Round   int       `json:"round"`
	Content string    `json:"content"`
	At      time.Time `json:"at"`
}

// ExtensionRequest is a written extension request and its decision.
type ExtensionRequest struct {
	ID        string     `json:"id"`
	Round     int        `json:"round"`
	Reason    string     `json:"reason"`
	Measures  string     `json:"measures"`
	OldDueAt  time.Time  `json:"old_due_at"`
	NewDueAt  time.Time  `json:"new_due_at"`
	At        time.Time  `json:"at"`
	Decision  string     `json:"decision,omitempty"` // approved, rejected; empty while pending
	Comment   string     `json:"comment,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// CoOpinion is a co-handling unit's opinion.
type CoOpinion struct {
	ID      string    `json:"id"`
	UnitID  string    `json:"unit_id"`
	Content string    `json:"content"`
	At      time.Time `json:"at"`
}

// Completion reports the end of a B or C promise.
type Completion struct {
	ID       string    `json:"id"`
	Content  string    `json:"content"`
	Evidence string    `json:"evidence"`
	Kept     bool      `json:"kept"`
	SignedBy string    `json:"signed_by,omitempty"`
	At       time.Time `json:"at"`
}

// Round is one handling round: the first, and one per re-handling.
type Round struct {
	ID        string     `json:"id"`
	Number    int        `json:"number"`
	StartedAt time.Time  `json:"started_at"`
	DueAt     time.Time  `json:"due_at"`
	Overdue   bool       `json:"overdue"`
	RepliedAt *time.Time `json:"replied_at,omitempty"`
}

// MeetingRef is what a suggestion knows of one of its meetings.
type MeetingRef struct {
	ID          string    `json:"id"`
	Reason      string    `json:"reason"`
	ScheduledAt time.Time `json:"scheduled_at"`
	Status      string    `json:"status"`
}

// Referral is a suggestion referred to a higher body (转交) and that body's
// answer.
type Referral struct {
	To         string          `json:"to"`
	Reason     string          `json:"reason"`
	SentAt     time.Time       `json:"sent_at"`
	ReferredAt time.Time       `json:"referred_at"`
	Answer     *ReferralAnswer `json:"answer,omitempty"`
}

// ReferralAnswer is what the higher body answered.
type ReferralAnswer struct {
	ReceivedAt time.Time `json:"received_at"`
	Content    string    `json:"content"`
	RecordedAt time.Time `json:"recorded_at"`
}

// MergedCase is a suggestion merged into this one: its deputies became
// co-signers here.
type MergedCase struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
	// DeputyIDs are the merged case's signers who were not signers here
	// already: those added as co-signers.
	DeputyIDs []string  `json:"deputy_ids"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// EndingReview is the presidium's judgement on an unsatisfied ending
// (EndingReviewInput): the latest one stands.
type EndingReview struct {
	ValidReason bool      `json:"valid_reason"`
	Reason      string    `json:"reason"`
	JudgedBy    Actor     `json:"judged_by"`
	JudgedAt    time.Time `json:"judged_at"`
}

// How a case ended without the deputy's satisfaction (UnsatisfiedEnding).
const (
	// EndingUnsatisfied: the lead deputy's last word on the result was
	// "unsatisfied" (the re-handled reply then went unrated).
	EndingUnsatisfied = "unsatisfied"
	// EndingNoFeedback: closed without the lead deputy's rating, and no
	// unsatisfied rating before.
	EndingNoFeedback = "no_feedback"
)

// Suggestion is the state of one case as its workflow holds it. The
// workflow returns it from every action and the store keeps it as the read
// model.
type Suggestion struct {
	ID             string      `json:"id"`
	Number         string      `json:"number"`
	Title          string      `json:"title"`
	Content        string      `json:"content"`
	Kind           string      `json:"kind"`
	Category       string      `json:"category"`
	LeadDeputyID   string      `json:"lead_deputy_id"`
	CoSignerIDs    []string    `json:"co_signer_ids"`
	SubmittedIn    string      `json:"submitted_in"`
	Status         Status      `json:"status"`
	Overdue        bool        `json:"overdue"`
	Escalated      bool        `json:"escalated"`
	SubmittedAt    time.Time   `json:"submitted_at"`
	ReviewDueAt    time.Time   `json:"review_due_at"`
	ReturnReason   string      `json:"return_reason,omitempty"`
	Assignment     *Assignment `json:"assignment,omitempty"`
	Round          int         `json:"round"`
	RoundStartedAt time.Time   `json:"round_started_at"`
	// DueAt is the reply due time of the current round; FirstDueAt is the
	// round's due time before any extension, from which the cap counts.
	DueAt            *time.Time        `json:"due_at,omitempty"`
	DueExplanation   string            `json:"due_explanation,omitempty"`
	DueBasis         *DueBasis         `json:"due_basis,omitempty"`
	FirstDueAt       *time.Time        `json:"first_due_at,omitempty"`
	PendingExtension *ExtensionRequest `json:"pending_extension,omitempty"`
	// Extended is how far approved extensions have moved due times, in
	// every round. CapAllRounds says the extension cap counts them all
	// (DOMAIN.md rule 7); cases started before that rule (contract
	// RulesVersion 1) count the current round only.
	Extended       time.Duration `json:"extended,omitempty"`
	CapAllRounds   bool          `json:"cap_all_rounds,omitempty"`
	Consulted      bool          `json:"consulted"`
	Consultations  int           `json:"consultations"`
	CoOpinionUnits []string      `json:"co_opinion_units,omitempty"`
	ProgressDueAt  *time.Time    `json:"progress_due_at,omitempty"`
	ProgressMissed int           `json:"progress_missed"`
	Reply          *Reply        `json:"reply,omitempty"`
	RatingDueAt    *time.Time    `json:"rating_due_at,omitempty"`
	Ratings        []Rating      `json:"ratings,omitempty"`
	Unsatisfied    int           `json:"unsatisfied"`
	Meetings       []MeetingRef  `json:"meetings,omitempty"`
	Completion     *Completion   `json:"completion,omitempty"`
	ClosedAt       *time.Time    `json:"closed_at,omitempty"`
	ClosedAs       string        `json:"closed_as,omitempty"`
	// Referral is set once the case is referred to a higher body.
	Referral *Referral `json:"referral,omitempty"`
	// MergedInto is the suggestion this one was merged into; MergedFrom
	// the suggestions merged into this one.
	MergedInto  string       `json:"merged_into,omitempty"`
	MergeReason string       `json:"merge_reason,omitempty"`
	MergedFrom  []MergedCase `json:"merged_from,omitempty"`
	RequestHash string       `json:"request_hash,omitempty"`
	// Seq numbers the events the workflow has written, so that every record
	// has a deterministic id and a retried activity writes nothing twice.
	Seq int `json:"seq"`
	// Done holds the keys of the timed steps already taken, so that a
	// reminder is sent once even across continue-as-new.
	Done []string `json:"done,omitempty"`
}

// Flags returns the flags beside the state, in a stable order.
func (s *Suggestion) Flags() []string {
	flags := []string{}
	if s.Overdue {
		flags = append(flags, FlagOverdue)
	}
	if s.Escalated {
		flags = append(flags, FlagEscalated)
	}
	if s.PendingExtension != nil {
		flags = append(flags, FlagExtensionPending)
	}
	return flags
}

// FinalResult is the lead deputy's latest result rating, or empty.
func (s *Suggestion) FinalResult() string {
	result := ""
	for _, r := range s.Ratings {
		if r.Lead {
			result = r.Result
		}
	}
	return result
}

// UnsatisfiedEnding says how a closed case ended without its deputy's
// satisfaction (EndingUnsatisfied, EndingNoFeedback), or "" when it did
// not. Every lead rating other than "unsatisfied" ends the handling (or
// moves it to follow-up), so a closed case whose final result is
// unsatisfied was closed as no feedback: only such cases can end
// unsatisfied.
func (s *Suggestion) UnsatisfiedEnding() string {
	if s.Status != StatusClosed {
		return ""
	}
	if s.FinalResult() == Unsatisfied {
		return EndingUnsatisfied
	}
	if s.ClosedAs == ClosedNoFeedback {
		return EndingNoFeedback
	}
	return ""
}

// LeadUnitID is the lead unit, or empty before assignment.
func (s *Suggestion) LeadUnitID() string {
	if s.Assignment == nil {
		return ""
	}
	return s.Assignment.LeadUnitID
}

// DueBasis is how a due time was computed, for people to read in their
// language (DueExplanation says it in English): by working days, by the
// calendar, exactly, or moved by an approved extension.
type DueBasis struct {
	Rule     string    `json:"rule"`
	Duration string    `json:"duration,omitempty"`
	From     time.Time `json:"from"`
	// Skipped are the rest days a working-day count passed over, as
	// "MM-DD, MM-DD".
	Skipped string `json:"skipped,omitempty"`
	// NoData are the years a working-day count went through without
	// official holiday data (Monday to Friday counted), as "2028, 2029".
	NoData string `json:"no_data,omitempty"`
}

// How a due time was computed.
const (
	DueByWorkingDays = "working_days"
	DueByCalendar    = "calendar"
	DueExactly       = "exact"
	DueExtended      = "extended"
)

// Event is one line of a case's timeline.
type Event struct {
	ID           string    `json:"id"`
	SuggestionID string    `json:"suggestion_id"`
	MeetingID    string    `json:"meeting_id,omitempty"`
	At           time.Time `json:"at"`
	Actor        Actor     `json:"actor"`
	Type         string    `json:"type"`
	// Params are the event's facts by name (ids, times in RFC 3339,
	// codes); pages render them in the reader's language (package i18n).
	Params map[string]string `json:"params,omitempty"`
	// Detail is the event in English, as the API shows it.
	Detail string `json:"detail"`
}

// Notice is a message the rules call for. The workflow says what and to
// whom; the activity renders the Chinese text and writes it to the outbox.
type Notice struct {
	ID           string            `json:"id"`
	Kind         string            `json:"kind"`
	SuggestionID string            `json:"suggestion_id"`
	MeetingID    string            `json:"meeting_id,omitempty"`
	Recipients   []Recipient       `json:"recipients"`
	Data         map[string]string `json:"data,omitempty"`
	At           time.Time         `json:"at"`
}

// Recipient names who a notice is for, as "kind:id" (or "presidium"): the
// workflows say whom, and the activities resolve it to people and
// addresses. It is plain text in histories and the outbox.
type Recipient string

// The kinds of recipient.
const (
	KindPresidium  = "presidium"
	KindUnit       = "unit"        // the unit's named handler
	KindUnitLeader = "unit_leader" // its leader in charge
	KindUnitHead   = "unit_head"   // its head
	KindDeputy     = "deputy"

	RecipientPresidium = Recipient(KindPresidium)
)

// RecipientUnit is a unit's handler; RecipientUnitLeader its leader in
// charge; RecipientUnitHead its head; RecipientDeputy a deputy.
func RecipientUnit(id string) Recipient       { return Recipient(KindUnit + ":" + id) }
func RecipientUnitLeader(id string) Recipient { return Recipient(KindUnitLeader + ":" + id) }
func RecipientUnitHead(id string) Recipient   { return Recipient(KindUnitHead + ":" + id) }
func RecipientDeputy(id string) Recipient     { return Recipient(KindDeputy + ":" + id) }

// Kind is what the recipient is (one of the Kind constants).
func (r Recipient) Kind() string {
	kind, _, _ := strings.Cut(string(r), ":")
	return kind
}

// ID is the unit's or deputy's id; empty for the presidium.
func (r Recipient) ID() string {
	_, id, _ := strings.Cut(string(r), ":")
	return id
}

// OfUnit says whether the recipient is one of a unit's people.
func (r Recipient) OfUnit() bool {
	k := r.Kind()
	return k == KindUnit || k == KindUnitLeader || k == KindUnitHead
}

// Meeting is an escalation meeting (约见): what people see of it, and the
// workflow's bookkeeping.
type Meeting struct {
	MeetingView
	// Seq and Done are the workflow's bookkeeping, as on Suggestion.
	Seq  int      `json:"seq"`
	Done []string `json:"done,omitempty"`
}

// MeetingView is a meeting as people see it.
type MeetingView struct {
	ID           string      `json:"id"`
	SuggestionID string      `json:"suggestion_id"`
	Number       string      `json:"number"`
	Title        string      `json:"title"`
	Reason       string      `json:"reason"`
	CalledAt     time.Time   `json:"called_at"`
	ScheduledAt  time.Time   `json:"scheduled_at"`
	Place        string      `json:"place"`
	Agenda       string      `json:"agenda"`
	UnitID       string      `json:"unit_id"`
	DeputyIDs    []string    `json:"deputy_ids"`
	Attendees    []Recipient `json:"attendees"`
	Status       string      `json:"status"`
	NoticeSentAt *time.Time  `json:"notice_sent_at,omitempty"`
	Minutes      string      `json:"minutes,omitempty"`
	Outcome      string      `json:"outcome,omitempty"`
	HeldAt       *time.Time  `json:"held_at,omitempty"`
}

// View drops the bookkeeping.
func (m Meeting) View() MeetingView { return m.MeetingView }

// Step is what one action or timed step of a workflow writes, in one
// transaction: the new state, its timeline events, the records it created
// and the notices it queued. Every id in it is deterministic.
type Step struct {
	Suggestion     *Suggestion       `json:"suggestion,omitempty"`
	Meeting        *Meeting          `json:"meeting,omitempty"`
	Events         []Event           `json:"events,omitempty"`
	Notices        []Notice          `json:"notices,omitempty"`
	Round          *Round            `json:"round,omitempty"`
	Consultation   *Consultation     `json:"consultation,omitempty"`
	ProgressReport *ProgressReport   `json:"progress_report,omitempty"`
	Extension      *ExtensionRequest `json:"extension,omitempty"`
	Reply          *Reply            `json:"reply,omitempty"`
	Rating         *Rating           `json:"rating,omitempty"`
	CoOpinion      *CoOpinion        `json:"co_opinion,omitempty"`
	Completion     *Completion       `json:"completion,omitempty"`
}

// Message is one rendered notice to one recipient, in the outbox.
type Message struct {
	ID           string    `json:"id"`
	NoticeID     string    `json:"notice_id"`
	SuggestionID string    `json:"suggestion_id"`
	MeetingID    string    `json:"meeting_id,omitempty"`
	Kind         string    `json:"kind"`
	Recipient    Recipient `json:"recipient"`
	Channel      string    `json:"channel"`
	Subject      string    `json:"subject"`
	Body         string    `json:"body"`
	// Link is where the message points: the deputy's rating link on a
	// reply notice, else the case's short link. A text message carries it
	// in place of the body.
	Link      string    `json:"link,omitempty"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	// HoldUntil is when the message may go out (after the quiet hours).
	HoldUntil  time.Time  `json:"hold_until"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error,omitempty"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
	Deliveries []Delivery `json:"deliveries,omitempty"`
	// RatingLink, on a reply notice to a deputy, is the link its body
	// carries: stored with the message, in the same transaction, only when
	// the message itself is new (a retried step mints no second link).
	RatingLink *RatingLink `json:"-"`
}

// RatingLink lets one deputy rate one round's reply once without signing
// in. Only the token's hash is kept; the token is in the link itself.
type RatingLink struct {
	ID           string     `json:"id"`
	SuggestionID string     `json:"suggestion_id"`
	DeputyID     string     `json:"deputy_id"`
	Round        int        `json:"round"`
	TokenHash    string     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	CreatedBy    string     `json:"created_by"`
	ExpiresAt    time.Time  `json:"expires_at"`
	UsedAt       *time.Time `json:"used_at,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
}

// Delivery is one channel's delivery of a message.
type Delivery struct {
	Channel   string     `json:"channel"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

// Message statuses in the outbox.
const (
	MessageQueued = "queued"
	MessageSent   = "sent"
	MessageFailed = "failed"
)
