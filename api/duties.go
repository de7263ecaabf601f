package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
)

// --- deputies' duties ---

type opinionInput struct {
	Constituent string `json:"constituent" validate:"max=100"`
	Content     string `json:"content" validate:"required,max=5000"`
}

type visitInput struct {
	VisitedAt time.Time      `json:"visited_at" validate:"required"`
	Place     string         `json:"place" validate:"max=200"`
	Note      string         `json:"note" validate:"max=5000"`
	Opinions  []opinionInput `json:"opinions" validate:"max=100,dive"`
}

func (s *Server) createVisit(c echo.Context) error {
	ctx := c.Request().Context()
	var in visitInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if in.VisitedAt.After(s.now().Add(10 * time.Minute)) {
		return refusal.OnField("visited_at", refusal.VisitInFuture)
	}
	id := c.Param("id")
	if _, err := s.store.Deputy(ctx, id); err != nil {
		return store.Refused(err, "deputy")
	}
	v := store.Visit{ID: domain.NewID("vi_"), DeputyID: id, VisitedAt: in.VisitedAt.UTC(), Place: in.Place, Note: in.Note, Opinions: []store.Opinion{}}
	for _, o := range in.Opinions {
		v.Opinions = append(v.Opinions, store.Opinion{ID: domain.NewID("op_"), Constituent: o.Constituent, Content: o.Content})
	}
	if err := s.store.CreateVisit(ctx, v); err != nil {
		return store.Refused(err, "visit")
	}
	return c.JSON(http.StatusCreated, v)
}

type linkInput struct {
	SuggestionID string `json:"suggestion_id" validate:"required,max=64"`
}

func (s *Server) linkOpinion(c echo.Context) error {
	ctx := c.Request().Context()
	var in linkInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if _, err := s.store.Suggestion(ctx, in.SuggestionID); err != nil {
		return refusal.OnField("suggestion_id", refusal.NoSuchObject, "object", "suggestion")
	}
	o, err := s.store.LinkOpinion(ctx, c.Param("id"), in.SuggestionID)
	if err != nil {
		return store.Refused(err, "opinion")
	}
	return c.JSON(http.StatusOK, o)
}

func (s *Server) deputyRecord(c echo.Context) error {
	ctx := c.Request().Context()
	y, err := s.year(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Deputy(ctx, c.Param("id")); err != nil {
		return store.Refused(err, "deputy")
	}
	year, _ := strconv.Atoi(y.Label)
	r, err := s.store.DeputyYear(ctx, c.Param("id"), year, y)
	if err != nil {
		return store.Refused(err, "deputy")
	}
	return c.JSON(http.StatusOK, r)
}
