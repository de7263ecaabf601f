package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/refusal"
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
		return refusal.OnField("status", refusal.OneOf, "values", "queued, sent, failed")
	}
	items, total, err := s.store.MessageList(c.Request().Context(), f, p)
	if err != nil {
		return store.Refused(err, "message")
	}
	return c.JSON(http.StatusOK, list[domain.Message]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

// inbox is the in-app inbox: the messages addressed to the caller.
func (s *Server) inbox(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	var recipients []string
	for _, r := range access.InboxOf(principalOf(c)) {
		recipients = append(recipients, string(r))
	}
	items, total, err := s.store.MessageList(c.Request().Context(), store.MessageFilter{Recipients: recipients}, p)
	if err != nil {
		return store.Refused(err, "message")
	}
	return c.JSON(http.StatusOK, list[domain.Message]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

type preferenceInput struct {
	Recipient string   `json:"recipient" validate:"required,max=100"`
	Channels  []string `json:"channels" validate:"max=5,dive,oneof=email sms"`
}

// getPreference shows which personal channels a recipient chose.
func (s *Server) getPreference(c echo.Context) error {
	r := c.QueryParam("recipient")
	if r == "" || len(r) > 100 {
		return refusal.OnField("recipient", refusal.RecipientNeeded)
	}
	if !access.OwnRecipient(principalOf(c), domain.Recipient(r)) {
		return refusal.New(refusal.Forbidden, refusal.OwnPreferences)
	}
	p, err := s.store.PreferenceOf(c.Request().Context(), r)
	if err != nil {
		return store.Refused(err, "preference")
	}
	return c.JSON(http.StatusOK, p)
}

// setPreference chooses a recipient's personal channels (email, sms); an
// empty list means the inbox only.
func (s *Server) setPreference(c echo.Context) error {
	var in preferenceInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if !access.OwnRecipient(principalOf(c), domain.Recipient(in.Recipient)) {
		return refusal.New(refusal.Forbidden, refusal.OwnPreferences)
	}
	channels := []string{}
	for _, ch := range in.Channels {
		if !slices.Contains(channels, ch) {
			channels = append(channels, ch)
		}
	}
	if err := s.store.SetPreference(c.Request().Context(), in.Recipient, channels); err != nil {
		return store.Refused(err, "preference")
	}
	return c.JSON(http.StatusOK, store.Preference{Recipient: in.Recipient, Channels: channels, Set: true})
}
