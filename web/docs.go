package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"suggestflow/access"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/notices"
	"suggestflow/refusal"
	"suggestflow/store"
)

// The documents the presidium's office prints or files: the ledger of
// suggestions (台账) and the latest progress hearing as spreadsheets, and
// each meeting's notice as a printable A4 page and as iCalendar.
//
// The board is not offered as PDF: a PDF with Chinese text needs a CJK
// font embedded in the binary (tens of megabytes) or a headless browser
// on the server; the printable /board page prints to PDF from any browser.

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// ledgerMaxRows bounds one download.
const ledgerMaxRows = 100_000

func (w *web) ledgerXLSX(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeList, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "list_suggestions"))
		return
	}
	body, err := w.ledger(r.Context(), langOf(r), wc.p)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.sendXLSX(rw, r, "ledger", tr(langOf(r), "sheet.ledger"), body)
}

// ledger is every suggestion the caller may list, one row each.
func (w *web) ledger(ctx context.Context, lang string, p access.Principal) ([]byte, error) {
	scope := access.ListScope(p)
	f := store.SuggestionFilter{ScopeUnitID: scope.UnitID, ScopeDeputyID: scope.DeputyID}
	var all []domain.Suggestion
	for n := 1; len(all) < ledgerMaxRows; n++ {
		items, total, err := w.store.Suggestions(ctx, f, store.Page{Number: n, Size: maxPageSize})
		if err != nil {
			return nil, store.Refused(err, "suggestion")
		}
		all = append(all, items...)
		if len(items) == 0 || int64(len(all)) >= total {
			break
		}
	}
	units, _, err := w.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	var leads []string
	for _, sg := range all {
		leads = append(leads, sg.LeadDeputyID)
	}
	names, err := w.deputyNames(ctx, lang, p, true, leads)
	if err != nil {
		return nil, err
	}
	loc := w.policy.Location()
	header := []any{}
	for _, k := range []string{"f.number", "f.title", "f.lead_deputy", "f.unit", "f.status", "xl.assigned_date", "f.due_at",
		"f.result_class", "xl.satisfaction", "xl.overdue"} {
		header = append(header, tr(lang, k))
	}
	rows := [][]any{header}
	// Oldest first, as a ledger is kept.
	for i := len(all) - 1; i >= 0; i-- {
		sg := all[i]
		assigned, due, class, rating := "", "", "", ""
		if sg.Assignment != nil {
			assigned = sg.Assignment.AssignedAt.In(loc).Format("2006-01-02")
		}
		if sg.DueAt != nil {
			due = sg.DueAt.In(loc).Format("2006-01-02 15:04")
		}
		if sg.Reply != nil {
			class = sg.Reply.ResultClass
		}
		for _, g := range sg.Ratings {
			if g.Lead {
				rating = tr(lang, "rating."+g.Result)
			}
		}
		overdue := tr(lang, "list.no")
		if sg.Overdue {
			overdue = tr(lang, "list.yes")
		}
		rows = append(rows, []any{sg.Number, sg.Title, names[sg.LeadDeputyID], units[sg.LeadUnitID()],
			tr(lang, "status."+string(sg.Status)), assigned, due, class, rating, overdue})
	}
	return buildXLSX(tr(lang, "sheet.ledger"), rows, []float64{14, 40, 12, 18, 10, 12, 17, 10, 10, 9})
}

// hearingBody is the stored progress hearing report.
type hearingBody struct {
	ScheduledAt string `json:"scheduled_at"`
	Units       []struct {
		Unit     string   `json:"unit"`
		Open     []string `json:"open"`
		Overdue  []string `json:"overdue"`
		Reported []string `json:"reported"`
		Missing  []string `json:"missing"`
	} `json:"units"`
}

// hearingXLSX is the latest bi-monthly progress hearing (GET /api/v1/reports
// is the presidium's).
func (w *web) hearingXLSX(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeReports, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "read_reports"))
		return
	}
	lang := langOf(r)
	// The latest hearing's, or the one the reports page names.
	var rep store.Report
	if id := r.URL.Query().Get("report"); id != "" {
		var err error
		if rep, err = w.store.ReportByID(r.Context(), id); err != nil || rep.Kind != contract.CadenceProgressHearing {
			w.webError(rw, r, wc, refusal.New(refusal.NotFound, refusal.NoHearingReport))
			return
		}
	} else {
		reports, _, err := w.store.Reports(r.Context(), contract.CadenceProgressHearing, store.Page{Number: 1, Size: 1})
		if err != nil {
			w.webError(rw, r, wc, store.Refused(err, "report"))
			return
		}
		if len(reports) == 0 {
			w.webError(rw, r, wc, refusal.New(refusal.NotFound, refusal.NoHearingReport))
			return
		}
		rep = reports[0]
	}
	var b hearingBody
	if err := json.Unmarshal(rep.Body, &b); err != nil {
		w.webError(rw, r, wc, fmt.Errorf("decode hearing report %s: %w", rep.ID, err))
		return
	}
	when := b.ScheduledAt
	if t, err := time.Parse(time.RFC3339, b.ScheduledAt); err == nil {
		when = t.In(w.policy.Location()).Format("2006-01-02 15:04")
	}
	rows := [][]any{{fmt.Sprintf(tr(lang, "xl.hearing_title"), rep.Period, when)}, {}}
	header := []any{}
	for _, k := range []string{"f.unit", "xl.open", "xl.overdue_n", "xl.reported", "xl.missing", "xl.open_numbers", "xl.overdue_numbers", "xl.missing_numbers"} {
		header = append(header, tr(lang, k))
	}
	rows = append(rows, header)
	for _, u := range b.Units {
		rows = append(rows, []any{u.Unit, len(u.Open), len(u.Overdue), len(u.Reported), len(u.Missing),
			strings.Join(u.Open, "、"), strings.Join(u.Overdue, "、"), strings.Join(u.Missing, "、")})
	}
	body, err := buildXLSX(tr(lang, "sheet.hearing"), rows, []float64{18, 9, 9, 11, 11, 30, 30, 30})
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.sendXLSX(rw, r, "hearing-"+rep.Period, tr(lang, "sheet.hearing")+"-"+rep.Period, body)
}

// buildXLSX writes one sheet: the first row with a header style, the
// given column widths.
func buildXLSX(sheet string, rows [][]any, widths []float64) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx sheet: %w", err)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return nil, fmt.Errorf("xlsx row %d: %w", i+1, err)
		}
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, wd); err != nil {
			return nil, fmt.Errorf("xlsx width: %w", err)
		}
	}
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"#EEEEEE"}, Pattern: 1}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	// The header is the first row with more than one cell.
	for i, row := range rows {
		if len(row) > 1 {
			last, _ := excelize.CoordinatesToCellName(len(row), i+1)
			first, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetCellStyle(sheet, first, last, style); err != nil {
				return nil, fmt.Errorf("xlsx header: %w", err)
			}
			break
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

func (w *web) sendXLSX(rw http.ResponseWriter, r *http.Request, asciiName, name string, body []byte) {
	date := w.now().In(w.policy.Location()).Format("20060102")
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.xlsx"; filename*=UTF-8''%s`,
		asciiName, date, url.PathEscape(name+"-"+date+".xlsx")))
	rw.Header().Set("Cache-Control", "no-store")
	w.send(rw, r, xlsxType, body)
}

// send answers with a document.
func (w *web) send(rw http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	rw.Header().Set("Content-Type", contentType)
	http.ServeContent(rw, r, "", time.Time{}, bytes.NewReader(body))
}

// --- meeting notices ---

// meetingNotice is the notice as an official A4 page, in Chinese: the same
// words as the notice the workflow sent, and the same data as its PDF.
func (w *web) meetingNotice(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	m, err := w.loadMeeting(r, wc, routeMeeting)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	nt, err := w.docs.NoticeOf(r.Context(), m)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.renderPage(rw, http.StatusOK, "print_notice", i18n.ZH, webPage{Lang: i18n.ZH, Data: map[string]any{"M": m.View(), "N": nt}})
}

// meetingNoticeICS is GET /api/v1/meetings/:id/notice.ics for a browser
// session, under the same rule.
func (w *web) meetingNoticeICS(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	m, err := w.loadMeeting(r, wc, routeMeetingICS)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	rw.Header().Set("Content-Disposition", `attachment; filename="`+m.ID+`.ics"`)
	w.send(rw, r, "text/calendar; charset=utf-8", notices.MeetingICS(m))
}
