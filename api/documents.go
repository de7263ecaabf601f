package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/documents"
	"suggestflow/domain"
	"suggestflow/store"
)

// --- official documents (A4 PDF, package documents) ---

// caseDocument serves one of a case's documents; the access check has
// read the suggestion for this request.
func (s *Server) caseDocument(build func(*documents.Service, context.Context, domain.Suggestion) (documents.File, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		sg, ok := c.Get("suggestion").(domain.Suggestion)
		if !ok {
			var err error
			if sg, err = s.store.Suggestion(c.Request().Context(), c.Param("id")); err != nil {
				return store.Refused(err, "suggestion")
			}
		}
		f, err := build(s.docs, c.Request().Context(), sg)
		if err != nil {
			return err
		}
		return sendPDF(c, f)
	}
}

func sendPDF(c echo.Context, f documents.File) error {
	h := c.Response().Header()
	h.Set("Content-Disposition", `inline; filename="`+f.Name+`"`)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", f.PDF)
}

func (s *Server) meetingNoticePDF(c echo.Context) error {
	m, err := s.store.Meeting(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "meeting")
	}
	f, err := s.docs.MeetingNotice(c.Request().Context(), m)
	if err != nil {
		return err
	}
	return sendPDF(c, f)
}

func (s *Server) deputyRecordPDF(c echo.Context) error {
	ctx := c.Request().Context()
	y, err := s.docs.YearOf(ctx, "year", c.QueryParam("year"))
	if err != nil {
		return err
	}
	f, err := s.docs.DeputyRecord(ctx, c.Param("id"), y)
	if err != nil {
		return err
	}
	return sendPDF(c, f)
}

func (s *Server) bulletinPDF(c echo.Context) error {
	ctx := c.Request().Context()
	y, err := s.docs.YearOf(ctx, "year", c.Param("year"))
	if err != nil {
		return err
	}
	f, err := s.docs.Bulletin(ctx, y)
	if err != nil {
		return err
	}
	return sendPDF(c, f)
}
