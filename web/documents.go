package web

import (
	"fmt"
	"net/http"
	"strconv"

	"suggestflow/access"
	"suggestflow/documents"
	"suggestflow/refusal"
)

// The official documents, as the API serves them, for a browser session:
// package documents builds them, under the same access rules.
const (
	routeAssignmentPDF = "GET /api/v1/suggestions/:id/documents/assignment.pdf"
	routeReplyPDF      = "GET /api/v1/suggestions/:id/documents/reply.pdf"
	routeExtensionPDF  = "GET /api/v1/suggestions/:id/documents/extension.pdf"
	routeNoticePDF     = "GET /api/v1/meetings/:id/notice.pdf"
	routeRecordPDF     = "GET /api/v1/deputies/:id/record.pdf"
	routeBulletinPDF   = "GET /api/v1/rankings/:year/bulletin.pdf"
)

// docLink is a link to one document, as a page shows it.
type docLink struct {
	ID, Label, URL string
}

// caseDocLinks are the links to the documents of the steps the case has
// taken, for whoever may read them.
func caseDocLinks(lang string, p access.Principal, sgID string, ready documents.Ready, facts access.Object) []docLink {
	var out []docLink
	for _, d := range []struct {
		ok             bool
		id, key, route string
		file           string
	}{
		{ready.Assignment, "doc-assignment", "doc.assignment", routeAssignmentPDF, "assignment.pdf"},
		{ready.Extension, "doc-extension", "doc.extension", routeExtensionPDF, "extension.pdf"},
		{ready.Reply, "doc-reply", "doc.reply", routeReplyPDF, "reply.pdf"},
	} {
		if d.ok && may(p, d.route, &facts) == access.Allow {
			out = append(out, docLink{ID: d.id, Label: tr(lang, d.key), URL: "/ui/suggestions/" + sgID + "/documents/" + d.file})
		}
	}
	return out
}

func (w *web) sendPDF(rw http.ResponseWriter, r *http.Request, f documents.File) {
	rw.Header().Set("Content-Disposition", `inline; filename="`+f.Name+`"`)
	rw.Header().Set("Cache-Control", "no-store")
	w.send(rw, r, "application/pdf", f.PDF)
}

// caseDocument is /ui/suggestions/{id}/documents/{file}.
func (w *web) caseDocument(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	sg, err := w.loadSuggestion(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	var f documents.File
	switch r.PathValue("file") {
	case "assignment.pdf":
		f, err = w.docs.Assignment(r.Context(), sg)
	case "reply.pdf":
		f, err = w.docs.Reply(r.Context(), sg)
	case "extension.pdf":
		f, err = w.docs.Extension(r.Context(), sg)
	default:
		err = refusal.New(refusal.NotFound, refusal.NoPage)
	}
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.sendPDF(rw, r, f)
}

// meetingNoticePDF is the meeting notice as a PDF, from the same data as
// the printable page.
func (w *web) meetingNoticePDF(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	m, err := w.loadMeeting(r, wc, routeNoticePDF)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	f, err := w.docs.MeetingNotice(r.Context(), m)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.sendPDF(rw, r, f)
}

// deputyRecordPDF is a deputy's record of the year: the presidium's and
// the deputy's own.
func (w *web) deputyRecordPDF(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	id := r.PathValue("id")
	obj := access.Object{DeputyID: id}
	switch may(wc.p, routeRecordPDF, &obj) {
	case access.Forbidden:
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "do_this"))
		return
	case access.Hidden:
		w.webError(rw, r, wc, refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", "deputy"))
		return
	}
	y, err := w.docs.YearOf(r.Context(), "year", r.URL.Query().Get("year"))
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	f, err := w.docs.DeputyRecord(r.Context(), id, y)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.sendPDF(rw, r, f)
}

// bulletinPDF is the bulletin of a year's ranking.
func (w *web) bulletinPDF(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if may(wc.p, routeBulletinPDF, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "do_this"))
		return
	}
	y, err := w.docs.YearOf(r.Context(), "year", r.PathValue("year"))
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	f, err := w.docs.Bulletin(r.Context(), y)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.sendPDF(rw, r, f)
}

// recordDocLinks is the deputy page's link to this year's record.
func (w *web) recordDocLinks(r *http.Request, wc *webCtx, deputyID string) []docLink {
	obj := access.Object{DeputyID: deputyID}
	if may(wc.p, routeRecordPDF, &obj) != access.Allow {
		return nil
	}
	year := w.now().In(w.policy.Location()).Year()
	return []docLink{{ID: "doc-record", Label: fmt.Sprintf(tr(langOf(r), "doc.record"), year),
		URL: "/ui/deputies/" + deputyID + "/record.pdf?year=" + strconv.Itoa(year)}}
}
