package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"suggestflow/domain"
	"suggestflow/roster"
	"suggestflow/store"
)

// rosterFilter reads the list filters of deputies and units.
func rosterFilter(c echo.Context) store.RosterFilter {
	return store.RosterFilter{Query: c.QueryParam("q"), Group: c.QueryParam("group"), Level: c.QueryParam("level"),
		IncludeRetired: c.QueryParam("include_retired") == "true"}
}

func (s *Server) createDeputy(c echo.Context) error {
	var in roster.DeputyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := s.roster.CreateDeputy(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (s *Server) patchDeputy(c echo.Context) error {
	var in roster.DeputyPatch
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := s.roster.UpdateDeputy(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) listDeputies(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Deputies(c.Request().Context(), rosterFilter(c), p)
	if err != nil {
		return store.Refused(err, "deputy")
	}
	return c.JSON(http.StatusOK, list[domain.Deputy]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getDeputy(c echo.Context) error {
	d, err := s.store.Deputy(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "deputy")
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) createUnit(c echo.Context) error {
	var in roster.UnitInput
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.roster.CreateUnit(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

func (s *Server) patchUnit(c echo.Context) error {
	var in roster.UnitPatch
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.roster.UpdateUnit(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (s *Server) listUnits(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Units(c.Request().Context(), rosterFilter(c), p)
	if err != nil {
		return store.Refused(err, "unit")
	}
	return c.JSON(http.StatusOK, list[domain.Unit]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getUnit(c echo.Context) error {
	u, err := s.store.Unit(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "unit")
	}
	return c.JSON(http.StatusOK, u)
}
