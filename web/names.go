package web

import (
	"context"
	"time"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/store"
)

// API routes the pages stand for: each page is shown only to whom the API
// would answer the same question.
const (
	routeList       = "GET /api/v1/suggestions"
	routeGet        = "GET /api/v1/suggestions/:id"
	routeSubmit     = "POST /api/v1/suggestions"
	routeMeetings   = "GET /api/v1/meetings"
	routeMeeting    = "GET /api/v1/meetings/:id"
	routeMeetingICS = "GET /api/v1/meetings/:id/notice.ics"
	routeMinutes    = "POST /api/v1/meetings/:id/minutes"
	routeRankings   = "GET /api/v1/rankings"
	routeEvals      = "GET /api/v1/evaluations"
	routeEvaluate   = "POST /api/v1/evaluations"
	routeStats      = "GET /api/v1/stats"
	routeReports    = "GET /api/v1/reports"
	routeDeputy     = "GET /api/v1/deputies/:id"
	routeDeputies   = "GET /api/v1/deputies"
	routeSimilar    = "GET /api/v1/suggestions/:id/similar"

	routeIssueRatingLink  = "POST /api/v1/suggestions/:id/rating-links"
	routeRevokeRatingLink = "DELETE /api/v1/rating-links/:id"
)

// listRow is a suggestion in a table.
type listRow struct {
	ID, Number, Title, Status, Unit string
	Flags                           []string
	DueAt                           *time.Time
}

func rowOf(sg domain.Suggestion, units map[string]string) listRow {
	return listRow{ID: sg.ID, Number: sg.Number, Title: sg.Title, Status: string(sg.Status), Unit: units[sg.LeadUnitID()],
		Flags: sg.Flags(), DueAt: sg.DueAt}
}

// unitNames maps every unit's id to its name; units are few, and every
// role may list them (GET /api/v1/units is open to all).
func (w *web) unitNames(ctx context.Context) (map[string]string, []domain.Unit, error) {
	units, err := w.store.AllUnits(ctx)
	if err != nil {
		return nil, nil, store.Refused(err, "unit")
	}
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.ID] = u.Name
	}
	return names, units, nil
}

// deputyNames resolves deputy ids to what the caller may see: the name
// when the API would show the caller that deputy's record, or when the
// caller is a deputy who signed the same case (co-signers know each other;
// they see each other's names, never the records); else a placeholder.
// party says whether the caller is a party to the case these deputies are on.
func (w *web) deputyNames(ctx context.Context, lang string, p access.Principal, party bool, ids []string) (map[string]string, error) {
	_, deputies, err := w.store.Names(ctx, nil, ids)
	if err != nil {
		return nil, store.Refused(err, "deputy")
	}
	out := map[string]string{}
	for _, id := range ids {
		obj := access.Object{DeputyID: id}
		// A unit sees the deputies on its own cases.
		obj.DeputyOnUnitCase = party && p.Role == access.RoleUnit
		fellow := party && p.Role == access.RoleDeputy
		if d, ok := deputies[id]; ok && (fellow || may(p, routeDeputy, &obj) == access.Allow) {
			out[id] = d.Name
			continue
		}
		out[id] = tr(lang, "sg.deputy_hidden")
	}
	return out, nil
}
