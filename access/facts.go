package access

import "suggestflow/domain"

// SuggestionFacts are what the rules need of a suggestion. Its co-signers
// include the deputies of the suggestions merged into it: they see it,
// and rate it, as any co-signer does.
func SuggestionFacts(sg domain.Suggestion) Object {
	o := Object{LeadDeputyID: sg.LeadDeputyID, CoSignerIDs: sg.CoSignerIDs}
	if a := sg.Assignment; a != nil {
		o.LeadUnitID, o.CoUnitIDs = a.LeadUnitID, a.CoUnitIDs
	}
	return o
}

// MeetingFacts are what the rules need of a meeting.
func MeetingFacts(m domain.Meeting) Object {
	return Object{UnitID: m.UnitID, MeetingDeputyIDs: m.DeputyIDs}
}
