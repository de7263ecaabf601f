// Package access is the one authorization policy of the service: which
// role may call which route, and on which objects. Every API handler is
// behind it; a route without a rule here is refused to everyone.
//
// The rule for refusals is the same everywhere: a route a role may never
// call answers 403; an object that is not the caller's answers 404, so that
// even its existence is not revealed.
package access

import (
	"slices"

	"suggestflow/domain"
)

// Roles of accounts.
const (
	RoleAdmin  = "admin"
	RoleStaff  = "staff"
	RoleUnit   = "unit"
	RoleDeputy = "deputy"
)

// Roles lists the account roles.
var Roles = []string{RoleAdmin, RoleStaff, RoleUnit, RoleDeputy}

// Principal is who is calling.
type Principal struct {
	AccountID string
	Role      string
	UnitID    string
	DeputyID  string
}

// Presidium is the chair and office staff: they may do everything on
// cases; only admins manage accounts.
func (p Principal) Presidium() bool { return p.Role == RoleAdmin || p.Role == RoleStaff }

// Object is what a route acts on, reduced to the facts the rules need.
type Object struct {
	LeadUnitID   string
	CoUnitIDs    []string
	LeadDeputyID string
	CoSignerIDs  []string
	// For a deputy record: its id; for a unit record: its id.
	DeputyID string
	UnitID   string
	// For a meeting: the deputies summoned.
	MeetingDeputyIDs []string
	// DeputyOnUnitCase: the deputy record is on a case of the caller's unit.
	DeputyOnUnitCase bool
}

// Decision is the outcome of a check.
type Decision int

const (
	Allow     Decision = iota
	Forbidden          // 403: the role may not call this route
	Hidden             // 404: the object is not the caller's
)

// Kinds of object a route loads from its :id.
const (
	NoObject         = ""
	SuggestionObject = "suggestion"
	MeetingObject    = "meeting"
	DeputyObject     = "deputy"
	UnitObject       = "unit"
	OpinionObject    = "opinion"
	// AttachmentObject is a file kept with a case: its rule is applied to
	// the facts of its case, so whoever may not see the case may not see
	// the file either.
	AttachmentObject = "attachment"
)

// Rule is the policy of one route.
type Rule struct {
	// Object is the kind of object the route's :id names, if any.
	Object string
	// Roles may call the route at all.
	Roles []string
	// Owns says whether a non-presidium caller may act on the object; nil
	// means any object (or none).
	Owns func(p Principal, o Object) bool
}

var (
	presidium = []string{RoleAdmin, RoleStaff}
	everyone  = []string{RoleAdmin, RoleStaff, RoleUnit, RoleDeputy}
	admin     = []string{RoleAdmin}
)

// onCase: the caller's unit handles the case (lead or co-handling), or the
// caller's deputy leads or co-signs it.
func onCase(p Principal, o Object) bool {
	switch p.Role {
	case RoleUnit:
		return p.UnitID != "" && (o.LeadUnitID == p.UnitID || slices.Contains(o.CoUnitIDs, p.UnitID))
	case RoleDeputy:
		return p.DeputyID != "" && (o.LeadDeputyID == p.DeputyID || slices.Contains(o.CoSignerIDs, p.DeputyID))
	}
	return false
}

// leadUnit: the caller's unit is the lead unit. A co-handling unit sees
// the case but may not act for the lead unit (it is told 403 elsewhere,
// here it gets 404 only when the case is not its at all).
func leadUnit(p Principal, o Object) bool {
	return p.Role == RoleUnit && p.UnitID != "" && o.LeadUnitID == p.UnitID
}

func coUnit(p Principal, o Object) bool {
	return p.Role == RoleUnit && p.UnitID != "" && slices.Contains(o.CoUnitIDs, p.UnitID)
}

func signer(p Principal, o Object) bool {
	return p.Role == RoleDeputy && onCase(p, o)
}

// Public routes need no account: they show the five publics and nothing
// personal.
var Public = map[string]bool{
	"GET /api/v1/public/board": true,
	"POST /api/v1/sessions":    true,
	// A rating link's token is its credential (package ratelink).
	"GET /api/v1/public/rating-links/:token":         true,
	"POST /api/v1/public/rating-links/:token/rating": true,
	"GET /r/:token":  true,
	"POST /r/:token": true,
	"GET /board":     true,
	"GET /board.pdf": true,
}

// Rules maps "METHOD /path" as the router holds it to its rule.
var Rules = map[string]Rule{
	"POST /api/v1/deputies":                {Roles: presidium},
	"GET /api/v1/deputies":                 {Roles: presidium},
	"GET /api/v1/deputies/:id":             {Object: DeputyObject, Roles: everyone, Owns: ownDeputyRecord},
	"PATCH /api/v1/deputies/:id":           {Roles: presidium},
	"POST /api/v1/units":                   {Roles: presidium},
	"PATCH /api/v1/units/:id":              {Roles: presidium},
	"GET /api/v1/units":                    {Roles: everyone},
	"GET /api/v1/units/:id":                {Object: UnitObject, Roles: everyone},
	"POST /api/v1/suggestions":             {Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}},
	"GET /api/v1/suggestions":              {Roles: everyone},
	"GET /api/v1/suggestions/:id":          {Object: SuggestionObject, Roles: everyone, Owns: onCase},
	"GET /api/v1/suggestions/:id/messages": {Object: SuggestionObject, Roles: everyone, Owns: onCase},
	// A case's documents are read by whoever may see the case.
	"GET /api/v1/suggestions/:id/documents/assignment.pdf": {Object: SuggestionObject, Roles: everyone, Owns: onCase},
	"GET /api/v1/suggestions/:id/documents/reply.pdf":      {Object: SuggestionObject, Roles: everyone, Owns: onCase},
	"GET /api/v1/suggestions/:id/documents/extension.pdf":  {Object: SuggestionObject, Roles: everyone, Owns: onCase},

	// Files kept with a case: whoever sees the case sees them; who may add
	// one to which step is package attachments' rule (403 otherwise).
	"GET /api/v1/suggestions/:id/attachments":  {Object: SuggestionObject, Roles: everyone, Owns: onCase},
	"POST /api/v1/suggestions/:id/attachments": {Object: SuggestionObject, Roles: everyone, Owns: onCase},
	"GET /api/v1/attachments/:id":              {Object: AttachmentObject, Roles: everyone, Owns: onCase},

	// An import writes the roster, or submits and assigns cases: the
	// presidium's work, as each of those is.
	"POST /api/v1/imports/:kind":              {Roles: presidium},
	"GET /api/v1/imports/:kind/template.xlsx": {Roles: presidium},

	"POST /api/v1/suggestions/:id/review":             {Object: SuggestionObject, Roles: presidium},
	"POST /api/v1/suggestions/:id/assignment":         {Object: SuggestionObject, Roles: presidium},
	"POST /api/v1/suggestions/:id/extension-decision": {Object: SuggestionObject, Roles: presidium},
	"POST /api/v1/suggestions/:id/ending-review":      {Object: SuggestionObject, Roles: presidium},
	"POST /api/v1/suggestions/:id/referral":           {Object: SuggestionObject, Roles: presidium},
	"POST /api/v1/suggestions/:id/referral-answer":    {Object: SuggestionObject, Roles: presidium},
	"POST /api/v1/suggestions/:id/merge":              {Object: SuggestionObject, Roles: presidium},
	// Similar cases name other deputies' suggestions: the presidium's, who
	// decide merges.
	"GET /api/v1/suggestions/:id/similar": {Object: SuggestionObject, Roles: presidium},

	"POST /api/v1/suggestions/:id/assignment-return":  {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleUnit}, Owns: leadUnit},
	"POST /api/v1/suggestions/:id/consultations":      {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleUnit}, Owns: leadUnit},
	"POST /api/v1/suggestions/:id/progress-reports":   {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleUnit}, Owns: leadUnit},
	"POST /api/v1/suggestions/:id/extension-requests": {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleUnit}, Owns: leadUnit},
	"POST /api/v1/suggestions/:id/reply":              {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleUnit}, Owns: leadUnit},
	"POST /api/v1/suggestions/:id/completion":         {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleUnit}, Owns: leadUnit},
	"POST /api/v1/suggestions/:id/co-opinions":        {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleUnit}, Owns: coUnit},
	"POST /api/v1/suggestions/:id/rating-links":       {Object: SuggestionObject, Roles: presidium},
	"GET /api/v1/suggestions/:id/rating-links":        {Object: SuggestionObject, Roles: presidium},
	"DELETE /api/v1/rating-links/:id":                 {Roles: presidium},
	"POST /api/v1/suggestions/:id/ratings":            {Object: SuggestionObject, Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}, Owns: signer},

	"GET /api/v1/meetings":                {Roles: everyone},
	"POST /api/v1/meetings":               {Roles: presidium},
	"GET /api/v1/meetings/:id":            {Object: MeetingObject, Roles: everyone, Owns: onMeeting},
	"GET /api/v1/meetings/:id/notice.ics": {Object: MeetingObject, Roles: everyone, Owns: onMeeting},
	"GET /api/v1/meetings/:id/notice.pdf": {Object: MeetingObject, Roles: everyone, Owns: onMeeting},
	"POST /api/v1/meetings/:id/minutes":   {Object: MeetingObject, Roles: presidium},
	"GET /api/v1/calendar/due":            {Roles: everyone},
	"DELETE /api/v1/sessions/current":     {Roles: everyone},
	"GET /api/v1/me":                      {Roles: everyone},
	"PUT /api/v1/me/password":             {Roles: everyone},
	"POST /api/v1/accounts":               {Roles: admin},
	"GET /api/v1/accounts":                {Roles: admin},
	"GET /api/v1/accounts/:id":            {Roles: admin},
	"PATCH /api/v1/accounts/:id":          {Roles: admin},
	"POST /api/v1/accounts/:id/tokens":    {Roles: admin},
	"GET /api/v1/accounts/:id/tokens":     {Roles: admin},
	"DELETE /api/v1/tokens/:id":           {Roles: admin},
	"GET /api/v1/audit":                   {Roles: presidium},

	"GET /api/v1/settings":                         {Roles: presidium},
	"PUT /api/v1/settings/policy/:key":             {Roles: admin},
	"POST /api/v1/settings/channels/:channel/test": {Roles: presidium},
	"GET /api/v1/stats":                            {Roles: everyone},
	"POST /api/v1/complaints":                      {Roles: presidium},
	"GET /api/v1/complaints":                       {Roles: presidium},
	"PATCH /api/v1/complaints/:id":                 {Roles: presidium},
	"POST /api/v1/questionnaires":                  {Roles: presidium},
	"GET /api/v1/evaluations":                      {Roles: everyone},
	"POST /api/v1/evaluations":                     {Roles: presidium},
	"GET /api/v1/rankings":                         {Roles: everyone},
	"GET /api/v1/rankings/:year/bulletin.pdf":      {Roles: everyone},
	"POST /api/v1/deputies/:id/visits":             {Object: DeputyObject, Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}, Owns: selfDeputy},
	"GET /api/v1/deputies/:id/record":              {Object: DeputyObject, Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}, Owns: selfDeputy},
	"GET /api/v1/deputies/:id/record.pdf":          {Object: DeputyObject, Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}, Owns: selfDeputy},
	"PUT /api/v1/opinions/:id":                     {Object: OpinionObject, Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}, Owns: selfDeputy},
	"POST /api/v1/inspections":                     {Roles: presidium},
	"GET /api/v1/inspections":                      {Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}},
	"POST /api/v1/group-meetings":                  {Roles: presidium},
	"GET /api/v1/group-meetings":                   {Roles: []string{RoleAdmin, RoleStaff, RoleDeputy}},
	"GET /api/v1/commendations":                    {Roles: presidium},
	"GET /api/v1/calendar/days":                    {Roles: everyone},
	"PUT /api/v1/calendar/days/:date":              {Roles: presidium},
	"GET /api/v1/calendar/years":                   {Roles: everyone},
	"PUT /api/v1/calendar/years/:year":             {Roles: presidium},
	"GET /api/v1/reports":                          {Roles: presidium},
	"GET /api/v1/reports/:id":                      {Roles: presidium},
	"GET /api/v1/messages":                         {Roles: presidium},
	"GET /api/v1/inbox":                            {Roles: everyone},
	"GET /api/v1/preferences":                      {Roles: everyone},
	"PUT /api/v1/preferences":                      {Roles: everyone},
}

// InboxOf are the recipients whose messages an account reads: a unit's
// people (handler, leader in charge, head), a deputy, or the presidium.
func InboxOf(p Principal) []domain.Recipient {
	switch p.Role {
	case RoleUnit:
		return []domain.Recipient{domain.RecipientUnit(p.UnitID), domain.RecipientUnitLeader(p.UnitID), domain.RecipientUnitHead(p.UnitID)}
	case RoleDeputy:
		return []domain.Recipient{domain.RecipientDeputy(p.DeputyID)}
	}
	return []domain.Recipient{domain.RecipientPresidium}
}

// OwnRecipient: the presidium manages everyone's notice preferences; a
// unit and a deputy their own.
func OwnRecipient(p Principal, recipient domain.Recipient) bool {
	switch p.Role {
	case RoleAdmin, RoleStaff:
		return true
	case RoleUnit:
		return p.UnitID != "" && slices.Contains(InboxOf(p), recipient)
	case RoleDeputy:
		return p.DeputyID != "" && slices.Contains(InboxOf(p), recipient)
	}
	return false
}

// selfDeputy: the deputy the record (or the opinion's collector) is.
func selfDeputy(p Principal, o Object) bool {
	return p.Role == RoleDeputy && p.DeputyID != "" && o.DeputyID == p.DeputyID
}

// onMeeting: the caller's unit is summoned, or the caller's deputy is.
func onMeeting(p Principal, o Object) bool {
	switch p.Role {
	case RoleUnit:
		return p.UnitID != "" && o.UnitID == p.UnitID
	case RoleDeputy:
		return p.DeputyID != "" && slices.Contains(o.MeetingDeputyIDs, p.DeputyID)
	}
	return false
}

// ownDeputyRecord: a deputy reads their own record; a unit reads the
// record of a deputy on one of its cases, to consult them.
func ownDeputyRecord(p Principal, o Object) bool {
	switch p.Role {
	case RoleDeputy:
		return p.DeputyID != "" && o.DeputyID == p.DeputyID
	case RoleUnit:
		return o.DeputyOnUnitCase
	}
	return false
}

// Route decides whether the principal may call the route at all.
func Route(p Principal, route string) (Rule, Decision) {
	r, ok := Rules[route]
	if !ok || !slices.Contains(r.Roles, p.Role) {
		return r, Forbidden
	}
	return r, Allow
}

// On decides whether the principal may act on the object of a route. A
// caller who may see the object but not do this to it (a co-handling unit
// replying for the lead unit) is refused with 403; one who may not even
// see it gets 404.
func On(p Principal, r Rule, o Object) Decision {
	if p.Presidium() || r.Owns == nil {
		return Allow
	}
	if r.Owns(p, o) {
		return Allow
	}
	if r.Object == SuggestionObject && onCase(p, o) {
		return Forbidden
	}
	return Hidden
}

// SubmitAs: deputies submit only as the lead deputy.
func SubmitAs(p Principal, leadDeputyID string) bool {
	return p.Presidium() || (p.Role == RoleDeputy && p.DeputyID == leadDeputyID)
}

// RateAs: deputies rate only for themselves.
func RateAs(p Principal, deputyID string) bool {
	return p.Presidium() || (p.Role == RoleDeputy && p.DeputyID == deputyID)
}

// CoOpinionAs: a unit files a co-handling opinion only for itself.
func CoOpinionAs(p Principal, unitID string) bool {
	return p.Presidium() || (p.Role == RoleUnit && p.UnitID == unitID)
}

// Scope is the forced filter of list routes for non-presidium callers:
// a unit sees its cases, a deputy theirs.
type Scope struct {
	UnitID   string
	DeputyID string
}

// ListScope returns the scope of lists for a principal.
func ListScope(p Principal) Scope {
	// An account bound to nothing sees nothing, never everything.
	orNone := func(id string) string {
		if id == "" {
			return "-"
		}
		return id
	}
	switch p.Role {
	case RoleUnit:
		return Scope{UnitID: orNone(p.UnitID)}
	case RoleDeputy:
		return Scope{DeputyID: orNone(p.DeputyID)}
	}
	return Scope{}
}
