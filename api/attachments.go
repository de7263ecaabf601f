package api

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/attachments"
	"suggestflow/domain"
	"suggestflow/store"
)

// attachRoute is the upload route, which reads its body within the
// policy's attachment limit rather than the server's.
const attachRoute = "/api/v1/suggestions/:id/attachments"

// addAttachment keeps a file with the case (multipart: file, step).
func (s *Server) addAttachment(c echo.Context) error {
	ctx := c.Request().Context()
	sg, _ := c.Get("suggestion").(domain.Suggestion)
	l, err := s.attachments.Limits(ctx)
	if err != nil {
		return err
	}
	up, err := attachments.Read(c.Response(), c.Request(), l)
	if err != nil {
		return err
	}
	a, err := s.attachments.Add(ctx, principalOf(c), sg, up)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

func (s *Server) listAttachments(c echo.Context) error {
	sg, _ := c.Get("suggestion").(domain.Suggestion)
	list, err := s.attachments.List(c.Request().Context(), sg.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, attachmentList{Items: list})
}

// attachmentList is a case's files, oldest first.
type attachmentList struct {
	Items []store.Attachment `json:"items"`
}

// getAttachment sends a file's bytes with the type judged at upload, and
// nosniff so that a browser never takes them for anything else.
func (s *Server) getAttachment(c echo.Context) error {
	a, _ := c.Get("attachment").(store.Attachment)
	// Opened before the status is sent, so that bytes that cannot be read
	// (an object store that is down) are an error status, not a short body.
	body, err := s.store.OpenAttachment(c.Request().Context(), a.ID)
	if err != nil {
		return store.Refused(err, "attachment")
	}
	defer body.Close()
	attachments.Headers(c.Response().Header(), a)
	c.Response().WriteHeader(http.StatusOK)
	if _, err := io.Copy(c.Response(), body); err != nil {
		// The status is sent: the client sees a short body (its length
		// was promised), the log sees why.
		s.log.ErrorContext(c.Request().Context(), "send attachment", "attachment", a.ID, "error", err)
	}
	return nil
}
