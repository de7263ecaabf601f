package cases

import (
	"slices"
	"unicode/utf8"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
)

// maxQuery bounds a search.
const maxQuery = 200

// ListQuery is what a reader asks of the list of suggestions.
type ListQuery struct {
	Status, Overdue, Query, UnitID, DeputyID string
}

// ListFilter is the store's filter for a query, scoped to what the reader
// may see. A part of the query that is not valid is left out of the filter
// and named in the refusal, so the API can refuse the request and a page
// can show the rest with why.
func ListFilter(p access.Principal, q ListQuery) (store.SuggestionFilter, error) {
	scope := access.ListScope(p)
	f := store.SuggestionFilter{Status: q.Status, UnitID: q.UnitID, DeputyID: q.DeputyID, Query: q.Query,
		ScopeUnitID: scope.UnitID, ScopeDeputyID: scope.DeputyID}
	var bad []refusal.Field
	if f.Status != "" && !slices.Contains(domain.Statuses, domain.Status(f.Status)) {
		bad = append(bad, refusal.FieldOf("status", refusal.UnknownStatus))
		f.Status = ""
	}
	switch q.Overdue {
	case "":
	case "true", "false":
		b := q.Overdue == "true"
		f.Overdue = &b
	default:
		bad = append(bad, refusal.FieldOf("overdue", refusal.BoolValue))
	}
	if utf8.RuneCountInString(f.Query) > maxQuery {
		bad = append(bad, refusal.FieldOf("q", refusal.TooLong, "max", "200"))
		f.Query = ""
	}
	if len(bad) > 0 {
		return f, refusal.Fields(bad...)
	}
	return f, nil
}
