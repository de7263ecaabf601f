package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/cases"
	"suggestflow/delivery"
)

// settingsView is the settings page's data: the policy keys, the
// delivery channels and the calendar's years.
type settingsView struct {
	Township string               `json:"township"`
	Timezone string               `json:"timezone"`
	Policy   []cases.Setting      `json:"policy"`
	Channels []string             `json:"channels"`
	Years    []cases.CalendarYear `json:"calendar_years"`
}

func (s *Server) getSettings(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.cases.Settings(ctx)
	if err != nil {
		return err
	}
	pol, err := s.cases.CurrentPolicy(ctx)
	if err != nil {
		return err
	}
	years, err := s.cases.CalendarYears(ctx)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settingsView{Township: pol.Township, Timezone: pol.Timezone, Policy: list,
		Channels: delivery.Names(s.delivery), Years: years})
}

type settingInput struct {
	Value string `json:"value" validate:"max=4000"`
}

func (s *Server) setSetting(c echo.Context) error {
	var in settingInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	st, err := s.cases.SetPolicyValue(c.Request().Context(), principalOf(c), c.Param("key"), in.Value)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

type channelTestInput struct {
	Email string `json:"email" validate:"omitempty,email,max=200"`
	Phone string `json:"phone" validate:"max=40"`
}

func (s *Server) testChannel(c echo.Context) error {
	var in channelTestInput
	if c.Request().ContentLength != 0 {
		if err := s.bind(c, &in); err != nil {
			return err
		}
	}
	if err := s.cases.TestChannel(c.Request().Context(), s.delivery, c.Param("channel"), delivery.Address{Email: in.Email, Phone: in.Phone}); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
