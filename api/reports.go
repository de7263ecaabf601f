package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"suggestflow/contract"
	"suggestflow/refusal"
	"suggestflow/store"
)

// --- reports ---

func (s *Server) listReports(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	kind := c.QueryParam("kind")
	if kind != "" && !slices.Contains(contract.CadenceKinds, kind) {
		return refusal.OnField("kind", refusal.UnknownKind)
	}
	items, total, err := s.store.Reports(c.Request().Context(), kind, p)
	if err != nil {
		return store.Refused(err, "report")
	}
	return c.JSON(http.StatusOK, list[store.Report]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getReport(c echo.Context) error {
	r, err := s.store.ReportByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "report")
	}
	return c.JSON(http.StatusOK, r)
}
