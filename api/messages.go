package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/store"
)

// listMessages is the outbox with each message's deliveries.
func (s *Server) listMessages(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := store.MessageFilter{SuggestionID: c.QueryParam("suggestion_id"), Status: c.QueryParam("status")}
	if f.Status != "" && f.Status != domain.MessageQueued && f.Status != domain.MessageSent && f.Status != domain.MessageFailed {
		return invalidFields(FieldError{Field: "status", Message: "must be one of: queued, sent, failed"})
	}
	items, total, err := s.store.MessageList(c.Request().Context(), f, p)
	if err != nil {
		return storeError(err, "message")
	}
	return c.JSON(http.StatusOK, list[domain.Message]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

// inbox is the in-app inbox: the messages addressed to the caller.
func (s *Server) inbox(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	pr := principalOf(c)
	var recipients []string
	switch pr.Role {
	case access.RoleUnit:
		recipients = []string{domain.RecipientUnit(pr.UnitID), domain.RecipientUnitLeader(pr.UnitID), domain.RecipientUnitHead(pr.UnitID)}
	case access.RoleDeputy:
		recipients = []string{domain.RecipientDeputy(pr.DeputyID)}
	default:
		recipients = []string{domain.RecipientPresidium}
	}
	items, total, err := s.store.MessageList(c.Request().Context(), store.MessageFilter{Recipients: recipients}, p)
	if err != nil {
		return storeError(err, "message")
	}
	return c.JSON(http.StatusOK, list[domain.Message]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}
