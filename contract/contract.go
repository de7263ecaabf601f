// Package contract is the durable contract between the callers of
// Temporal (the case commands, the worker, the reconciliation, the
// benchmarks), the workflows and the activities: the names of workflows,
// updates, signals, queries, activities and the task queue, and the
// payloads they carry. A running case depends on every name and field
// here, so a change is a change to released workflows (see the README on
// safe upgrades). It holds no logic, so that activities need not import
// the workflows and callers need not import either.
package contract

import (
	"time"

	"suggestflow/domain"
	"suggestflow/holiday"
	"suggestflow/policy"
)

// TaskQueue is where the workers listen.
const TaskQueue = "suggestflow"

// Workflow, update, signal and query names.
const (
	SuggestionWorkflowName = "Suggestion"
	MeetingWorkflowName    = "Meeting"
	CadenceWorkflowName    = "Cadence"
	RecomputeWorkflowName  = "RecomputeDeadlines"
	OutboxWorkflowName     = "Outbox"

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
	UpdateRefer            = "refer"
	UpdateReferralAnswer   = "referral-answer"
	UpdateMerge            = "merge"
	// UpdateStartMeeting asks a case to start at once the workflow of a
	// meeting it called and has not started yet (its argument is the
	// meeting's id); it answers once that workflow runs.
	UpdateStartMeeting = "start-meeting"

	SignalMeetingHeld = "meeting-held"
	SignalCalendar    = "calendar"
	QueryState        = "state"
	// SignalMergedIn tells the kept case of a merge which deputies join it.
	SignalMergedIn = "merged-in"

	// OutboxWorkflowID is the one outbox dispatcher of a namespace.
	OutboxWorkflowID = "suggestflow-outbox"
)

// Activity names, registered by the worker from the activities package.
const (
	ActivityCreateSuggestion = "CreateSuggestion"
	ActivityRecord           = "Record"
	ActivityRunCadence       = "RunCadence"
	ActivitySignalOpenCases  = "SignalOpenCases"
	ActivityDispatcher       = "RunDispatcher"
)

// Error types carried by ApplicationErrors out of updates; their details
// hold the refusal (package refusal), which the commands turn back into it.
const (
	ErrTypeConflict = "conflict"
	ErrTypeInvalid  = "invalid"
)

// SuggestionInput starts (or continues) a suggestion's workflow.
type SuggestionInput struct {
	ID     string             `json:"id"`
	Policy policy.Policy      `json:"policy"`
	State  *domain.Suggestion `json:"state,omitempty"`
	// HistoryLimit continues as new past this many events; zero means the
	// default. Tests lower it to exercise continue-as-new.
	HistoryLimit int `json:"history_limit,omitempty"`
	// Rules is the version of the case rules the case started under (see
	// RulesVersion); a case keeps its rules for its whole life.
	Rules int `json:"rules,omitempty"`
}

// RulesVersion is the version of the case rules new cases start under.
// A rule that would refuse what a running case's history accepted (and so
// break its replay) applies from a version on, read from the case's own
// start input, instead of behind workflow.GetVersion, whose marker Temporal
// also writes as a plain-text search attribute.
//
// 1: one suggestion's extensions add up to at most extension_max over all
// its rounds (DOMAIN.md rule 7); before, the cap counted each round alone.
const RulesVersion = 1

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

// MergedIn is what a merged suggestion tells the one it was merged into:
// its signers become co-signers there.
type MergedIn struct {
	From      string    `json:"from"`
	Number    string    `json:"number"`
	Title     string    `json:"title"`
	DeputyIDs []string  `json:"deputy_ids"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// Cadence kinds: the presidium's recurring work, each run by a Temporal
// Schedule (DOMAIN.md section 4).
const (
	CadenceProgressHearing = "progress_hearing"
	CadenceSiteInspection  = "site_inspection"
	CadenceGroupMeetings   = "group_meetings"
	CadenceUnitEvaluation  = "unit_evaluation"
	CadencePublicBoard     = "public_board"
	CadenceYearlyRanking   = "yearly_ranking"
	CadenceVisitCheck      = "visit_check"
	// CadenceCommendation scores the deputies' and groups' last year of
	// duties and tells the presidium whom to commend.
	CadenceCommendation = "deputy_commendation"
)

// CadenceKinds lists every cadence.
var CadenceKinds = []string{CadenceProgressHearing, CadenceSiteInspection, CadenceGroupMeetings,
	CadenceUnitEvaluation, CadencePublicBoard, CadenceYearlyRanking, CadenceVisitCheck, CadenceCommendation}

// CadenceInput names the work a schedule starts.
type CadenceInput struct {
	Kind string `json:"kind"`
}

// CadenceResult says what a run produced.
type CadenceResult struct {
	Kind     string `json:"kind"`
	Period   string `json:"period"`
	ReportID string `json:"report_id"`
	Notices  int    `json:"notices"`
}

// RecomputeInput carries a changed working-day calendar to the open cases:
// the local overrides, and the loaded official schedules (absent from a
// signal sent before schedules could be loaded, and then a case keeps the
// ones it has). The built-in data version is not in it: a case keeps the
// one it started with.
type RecomputeInput struct {
	Overrides []holiday.Override `json:"overrides"`
	Years     []holiday.Schedule `json:"years,omitempty"`
}

// DispatchResult counts what a dispatcher run did.
type DispatchResult struct {
	Sent     int `json:"sent"`
	Failed   int `json:"failed"`
	Retrying int `json:"retrying"`
}
