package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/domain"
	"suggestflow/store"
)

type deputyInput struct {
	Name  string `json:"name" validate:"required,max=100"`
	Level string `json:"level" validate:"required,oneof=township county"`
	Group string `json:"group" validate:"max=100"`
	Phone string `json:"phone" validate:"max=40"`
	Email string `json:"email" validate:"omitempty,email,max=200"`
}

func (s *Server) createDeputy(c echo.Context) error {
	var in deputyInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	d := domain.Deputy{ID: domain.NewID("dp_"), Name: in.Name, Level: in.Level, Group: in.Group, Phone: in.Phone, Email: in.Email}
	if err := s.store.CreateDeputy(c.Request().Context(), d); err != nil {
		return store.Refused(err, "deputy")
	}
	return c.JSON(http.StatusCreated, d)
}

func (s *Server) listDeputies(c echo.Context) error {
	return listed(c, "deputy", s.store.Deputies)
}

func (s *Server) getDeputy(c echo.Context) error {
	d, err := s.store.Deputy(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "deputy")
	}
	return c.JSON(http.StatusOK, d)
}

type unitInput struct {
	Name  string `json:"name" validate:"required,max=200"`
	Head  string `json:"head" validate:"required,max=100"`
	Phone string `json:"phone" validate:"max=40"`
	Email string `json:"email" validate:"omitempty,email,max=200"`
}

func (s *Server) createUnit(c echo.Context) error {
	var in unitInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	u := domain.Unit{ID: domain.NewID("un_"), Name: in.Name, Head: in.Head, Phone: in.Phone, Email: in.Email}
	if err := s.store.CreateUnit(c.Request().Context(), u); err != nil {
		return store.Refused(err, "unit")
	}
	return c.JSON(http.StatusCreated, u)
}

func (s *Server) listUnits(c echo.Context) error {
	return listed(c, "unit", s.store.Units)
}

func (s *Server) getUnit(c echo.Context) error {
	u, err := s.store.Unit(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "unit")
	}
	return c.JSON(http.StatusOK, u)
}
