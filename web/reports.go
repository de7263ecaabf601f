package web

import (
	"net/http"
	"net/url"

	"suggestflow/contract"
	"suggestflow/store"
)

// The reports page: what the presidium's cadence produced (hearings,
// inspections, group meetings, evaluations, the board, the ranking, the
// visit check, the commendation), newest first, each with where to read it.

type reportRow struct {
	store.Report
	// Link is where the report is read in full, or "".
	Link string
}

// reportLink is where a report of a kind is read.
func reportLink(r store.Report) string {
	switch r.Kind {
	case contract.CadenceProgressHearing:
		return "/ui/hearing.xlsx?report=" + url.QueryEscape(r.ID)
	case contract.CadencePublicBoard:
		return "/board?period=" + url.QueryEscape(r.Period)
	case contract.CadenceUnitEvaluation:
		return "/ui/evaluations?quarter=" + url.QueryEscape(r.Period)
	case contract.CadenceYearlyRanking:
		return "/ui/evaluations"
	}
	return ""
}

func (w *web) reportList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, &recordKind{Route: routeReports}) {
		return
	}
	kind := r.URL.Query().Get("kind")
	items, total, err := w.store.Reports(r.Context(), kind, store.Page{Number: pageOf(r), Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "report"))
		return
	}
	rows := make([]reportRow, 0, len(items))
	for _, it := range items {
		rows = append(rows, reportRow{Report: it, Link: reportLink(it)})
	}
	pages := max(int((total+webPageSize-1)/webPageSize), 1)
	prev, next := pageURLs(r.URL, pageOf(r), pages)
	w.render(rw, r, wc, http.StatusOK, "reports", "reports.title", map[string]any{"Items": rows, "Total": total,
		"Kind": kind, "Kinds": []string{contract.CadenceProgressHearing, contract.CadenceSiteInspection, contract.CadenceGroupMeetings,
			contract.CadenceUnitEvaluation, contract.CadencePublicBoard, contract.CadenceYearlyRanking, contract.CadenceVisitCheck,
			contract.CadenceCommendation},
		"Page": pageOf(r), "Pages": pages, "PrevURL": prev, "NextURL": next})
}
