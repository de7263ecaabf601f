package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/board"
	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/refusal"
	"suggestflow/store"
)

// --- statistics ---

type statsView struct {
	From     time.Time        `json:"from"`
	To       time.Time        `json:"to"`
	UnitID   string           `json:"unit_id,omitempty"`
	Rates    evaluation.Rates `json:"rates"`
	ByStatus map[string]int64 `json:"by_status"`
}

func (s *Server) stats(c echo.Context) error {
	ctx := c.Request().Context()
	loc := s.policy.Location()
	to := s.now().UTC()
	from := period.Year(to, loc).From
	var fields []refusal.Field
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := c.QueryParam(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fields = append(fields, refusal.FieldOf(name, refusal.RFC3339))
				continue
			}
			*dst = t
		}
	}
	if len(fields) == 0 && !from.Before(to) {
		fields = append(fields, refusal.FieldOf("to", refusal.AfterFrom))
	}
	if len(fields) > 0 {
		return refusal.Fields(fields...)
	}
	unit := c.QueryParam("unit_id")
	p := store.Period{From: from, To: to}
	rates, err := s.store.Rates(ctx, p, unit)
	if err != nil {
		return store.Refused(err, "statistics")
	}
	byStatus, err := s.store.CountByStatus(ctx, p, unit)
	if err != nil {
		return store.Refused(err, "statistics")
	}
	return c.JSON(http.StatusOK, statsView{From: from, To: to, UnitID: unit, Rates: rates, ByStatus: byStatus})
}

// --- public board ---

func (s *Server) publicBoard(c echo.Context) error {
	b, err := board.Load(c.Request().Context(), s.store, c.QueryParam("period"), s.now(), s.policy.Location())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}
