package store

import "time"

// Each model is a table. Ids are strings made by the application, so a
// retried write finds its row instead of adding a second one.

type deputyRow struct {
	ID        string `gorm:"primaryKey;size:64"`
	Name      string `gorm:"size:100;not null"`
	Level     string `gorm:"size:20;not null"`
	Group     string `gorm:"column:group_name;size:100"`
	Phone     string `gorm:"size:40"`
	Email     string `gorm:"size:200"`
	RetiredAt *time.Time
	CreatedAt time.Time
}

func (deputyRow) TableName() string { return "deputies" }

type unitRow struct {
	ID    string `gorm:"primaryKey;size:64"`
	Name  string `gorm:"size:200;not null;uniqueIndex"`
	Head  string `gorm:"size:100"`
	Phone string `gorm:"size:40"`
	Email string `gorm:"size:200"`
	// The leader in charge and the named handler, with their contacts.
	Leader       string `gorm:"size:100"`
	LeaderPhone  string `gorm:"size:40"`
	LeaderEmail  string `gorm:"size:200"`
	Handler      string `gorm:"size:100"`
	HandlerPhone string `gorm:"size:40"`
	HandlerEmail string `gorm:"size:200"`
	RetiredAt    *time.Time
	CreatedAt    time.Time
}

func (unitRow) TableName() string { return "units" }

type suggestionRow struct {
	ID               string `gorm:"primaryKey;size:64"`
	Number           string `gorm:"size:32;uniqueIndex"`
	Title            string `gorm:"size:400;not null"`
	Kind             string `gorm:"size:20"`
	Category         string `gorm:"size:100"`
	LeadDeputyID     string `gorm:"size:64;index"`
	SubmittedIn      string `gorm:"size:20"`
	Status           string `gorm:"size:20;index;index:idx_suggestions_status_submitted,priority:1"`
	Overdue          bool   `gorm:"index;index:idx_suggestions_overdue_submitted,priority:1"`
	Escalated        bool
	ExtensionPending bool
	LeadUnitID       string `gorm:"size:64;index"`
	Round            int
	DueAt            *time.Time `gorm:"index"`
	SubmittedAt      time.Time  `gorm:"index;index:idx_suggestions_status_submitted,priority:2;index:idx_suggestions_overdue_submitted,priority:2"`
	ClosedAt         *time.Time
	ClosedAs         string `gorm:"size:20"`
	// Seq is the workflow's event counter when this row was written; an
	// older write never replaces a newer one.
	Seq       int
	State     string `gorm:"type:mediumtext"`
	UpdatedAt time.Time
}

func (suggestionRow) TableName() string { return "suggestions" }

// partyRow links a suggestion to the deputies and units on it, for lists.
//
// It carries the case's submission time and status (rewritten with every
// step of the case anyway) so that a unit's or a deputy's list, with or
// without a status, walks one index in order and stops at the page, instead
// of reading and sorting every case of the party.
type partyRow struct {
	SuggestionID string    `gorm:"primaryKey;size:64;index:idx_parties_party_time,priority:3;index:idx_parties_party_status_time,priority:4"`
	PartyID      string    `gorm:"primaryKey;size:64;index;index:idx_parties_party_role,priority:1;index:idx_parties_party_time,priority:1;index:idx_parties_party_status_time,priority:1"`
	Role         string    `gorm:"primaryKey;size:20;index:idx_parties_party_role,priority:2;index:idx_parties_party_time,priority:4;index:idx_parties_party_status_time,priority:5"`
	SubmittedAt  time.Time `gorm:"index:idx_parties_party_time,priority:2;index:idx_parties_party_status_time,priority:3"`
	Status       string    `gorm:"size:20;index:idx_parties_party_status_time,priority:2"`
}

func (partyRow) TableName() string { return "suggestion_parties" }

// opinionRow is a constituent's opinion: submitted with a suggestion, or
// collected on a deputy's visit and later linked to a suggestion.
type opinionRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	DeputyID     string `gorm:"size:64;index"`
	VisitID      string `gorm:"size:40;index"`
	RecordID     string `gorm:"size:40;index;not null;default:''"` // the inspection or group meeting it was raised at (records.go)
	Constituent  string `gorm:"size:100"`
	Content      string `gorm:"type:text"`
	CreatedAt    time.Time
}

func (opinionRow) TableName() string { return "constituent_opinions" }

type roundRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	Number       int
	StartedAt    time.Time
	DueAt        time.Time
	Overdue      bool
	RepliedAt    *time.Time
}

func (roundRow) TableName() string { return "rounds" }

type consultationRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	Round        int
	HeldAt       time.Time
	Method       string `gorm:"size:20"`
	Participants string `gorm:"type:text"`
	Notes        string `gorm:"type:text"`
	RecordedAt   time.Time
}

func (consultationRow) TableName() string { return "consultations" }

type progressReportRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	Round        int
	Content      string `gorm:"type:text"`
	At           time.Time
}

func (progressReportRow) TableName() string { return "progress_reports" }

type extensionRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	Round        int
	Reason       string `gorm:"type:text"`
	Measures     string `gorm:"type:text"`
	OldDueAt     time.Time
	NewDueAt     time.Time
	At           time.Time
	Decision     string `gorm:"size:20"`
	Comment      string `gorm:"type:text"`
	DecidedAt    *time.Time
}

func (extensionRow) TableName() string { return "extension_requests" }

type replyRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	Round        int
	ResultClass  string `gorm:"size:2"`
	Content      string `gorm:"type:mediumtext"`
	PromisedAt   *time.Time
	RepliedAt    time.Time `gorm:"index"`
	DueAt        time.Time
	OnTime       bool
	Consulted    bool
}

func (replyRow) TableName() string { return "replies" }

type ratingRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	Round        int
	DeputyID     string `gorm:"size:64;index"`
	Lead         bool
	Attitude     string    `gorm:"size:20"`
	Result       string    `gorm:"size:20"`
	Reasons      string    `gorm:"type:text"`
	At           time.Time `gorm:"index"`
}

func (ratingRow) TableName() string { return "ratings" }

type coOpinionRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	UnitID       string `gorm:"size:64"`
	Content      string `gorm:"type:text"`
	At           time.Time
}

func (coOpinionRow) TableName() string { return "co_opinions" }

type completionRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	Content      string `gorm:"type:text"`
	Evidence     string `gorm:"type:text"`
	Kept         bool
	SignedBy     string `gorm:"size:100"`
	At           time.Time
}

func (completionRow) TableName() string { return "completions" }

type meetingRow struct {
	ID           string `gorm:"primaryKey;size:80"`
	SuggestionID string `gorm:"size:64;index"`
	UnitID       string `gorm:"size:64;index"`
	Reason       string `gorm:"size:20"`
	Status       string `gorm:"size:20;index"`
	ScheduledAt  time.Time
	Seq          int
	State        string `gorm:"type:mediumtext"`
	UpdatedAt    time.Time
}

func (meetingRow) TableName() string { return "meetings" }

type eventRow struct {
	ID           string    `gorm:"primaryKey;size:100"`
	SuggestionID string    `gorm:"size:64;index:idx_events_suggestion_at,priority:1"`
	MeetingID    string    `gorm:"size:80"`
	At           time.Time `gorm:"index:idx_events_suggestion_at,priority:2;index"`
	// Ord keeps the order of the events of one step, which share a time.
	Ord       int
	ActorID   string `gorm:"size:64;index"`
	ActorRole string `gorm:"size:20"`
	Type      string `gorm:"size:40"`
	// Params are the event's facts, from which the pages write it in the
	// reader's language; events recorded before they existed have none.
	Params map[string]string `gorm:"serializer:json;type:text"`
	Detail string            `gorm:"type:text"`
}

func (eventRow) TableName() string { return "timeline_events" }

type outboxRow struct {
	ID           string `gorm:"primaryKey;size:200"`
	NoticeID     string `gorm:"size:100;index"`
	SuggestionID string `gorm:"size:64;index"`
	MeetingID    string `gorm:"size:80"`
	Kind         string `gorm:"size:40"`
	Recipient    string `gorm:"size:100;index"`
	Channel      string `gorm:"size:20"`
	Subject      string `gorm:"size:400"`
	Body         string `gorm:"type:text"`
	Link         string `gorm:"size:400"`
	Status       string `gorm:"size:20;index"`
	CreatedAt    time.Time
	// HoldUntil keeps a non-urgent message out of the quiet hours;
	// NextAttemptAt backs off after a failed attempt.
	HoldUntil     time.Time `gorm:"index"`
	NextAttemptAt time.Time
	Attempts      int
	LastError     string `gorm:"size:400"`
	SentAt        *time.Time
}

func (outboxRow) TableName() string { return "outbox" }

// deliveryRow is one channel's delivery of a message (or, for group
// robots, of a notice): sent once, whatever retries follow.
type deliveryRow struct {
	Key       string `gorm:"primaryKey;size:200"`
	Channel   string `gorm:"primaryKey;size:20"`
	MessageID string `gorm:"size:200;index"`
	Status    string `gorm:"size:20"`
	Attempts  int
	LastError string `gorm:"size:400"`
	SentAt    *time.Time
}

func (deliveryRow) TableName() string { return "deliveries" }

type accountRow struct {
	ID       string `gorm:"primaryKey;size:64"`
	Role     string `gorm:"size:20"`
	Name     string `gorm:"size:100"`
	UnitID   string `gorm:"size:64"`
	DeputyID string `gorm:"size:64"`
	// Username is nil for an account that signs in with tokens only (those
	// made before passwords existed): many NULLs pass a unique index.
	Username           *string `gorm:"size:64;uniqueIndex"`
	PasswordHash       string  `gorm:"size:100"`
	MustChangePassword bool
	PasswordChangedAt  *time.Time
	RetiredAt          *time.Time
	CreatedAt          time.Time
}

func (accountRow) TableName() string { return "accounts" }

type tokenRow struct {
	ID        string `gorm:"primaryKey;size:64"`
	AccountID string `gorm:"size:64;index"`
	Hash      string `gorm:"size:64;uniqueIndex"`
	// Kind is "" for a token minted for a script, "session" for one a
	// sign-in with a password made; a session ends after IdleSeconds
	// without use (LastUsedAt), and when its password changes.
	Kind        string `gorm:"size:10"`
	IdleSeconds int64
	LastUsedAt  *time.Time
	ExpiresAt   *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
}

func (tokenRow) TableName() string { return "tokens" }

type counterRow struct {
	Name  string `gorm:"primaryKey;size:64"`
	Value int64
}

func (counterRow) TableName() string { return "counters" }

// allModels is every table for the migration, those declared beside their
// area's queries included (the file is named where it is not this one). The
// order is the one the tables were always created in.
func allModels() []any {
	return []any{
		&complaintRow{}, &questionnaireRow{}, &unitScoreRow{}, // evaluation.go
		&visitRow{},            // duties.go
		&calendarOverrideRow{}, // calendar.go
		&reportRow{},           // reports.go
		&deputyRow{}, &unitRow{}, &suggestionRow{}, &partyRow{}, &opinionRow{}, &roundRow{},
		&consultationRow{}, &progressReportRow{}, &extensionRow{}, &replyRow{}, &ratingRow{}, &coOpinionRow{},
		&completionRow{}, &meetingRow{}, &eventRow{}, &outboxRow{}, &accountRow{}, &tokenRow{}, &counterRow{},
		&auditRow{}, // accounts.go
		&deliveryRow{},
		&preferenceRow{},                       // outbox.go
		&webSessionRow{},                       // sessions.go
		&ratingLinkRow{},                       // ratelinks.go
		&secretRow{},                           // ratelinks.go
		&signInFailureRow{},                    // signin.go
		&policySettingRow{},                    // settings.go
		&endingReviewRow{},                     // endings.go
		&calendarYearRow{},                     // calendar.go
		&intakeStartRow{},                      // intake.go
		&dutyRecordRow{},                       // records.go
		&dutyAttendeeRow{},                     // records.go
		&searchDocRow{},                        // search.go
		&statFactDayRow{}, &statStatusDayRow{}, // statcounts.go

		// attachments.go
		&attachmentRow{}, &attachmentChunkRow{},
	}
}
