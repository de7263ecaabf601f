package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/domain"
	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/supervision"
)

// --- complaints and questionnaires ---

type complaintInput struct {
	UnitID     string     `json:"unit_id" validate:"required,max=64"`
	Content    string     `json:"content" validate:"required,max=5000"`
	Finding    string     `json:"finding" validate:"required,oneof=substantiated unsubstantiated pending"`
	ReceivedAt *time.Time `json:"received_at"`
}

func (s *Server) createComplaint(c echo.Context) error {
	ctx := c.Request().Context()
	var in complaintInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if _, err := s.store.Unit(ctx, in.UnitID); err != nil {
		return refusal.OnField("unit_id", refusal.NoSuchObject, "object", "unit")
	}
	at := s.now().UTC()
	if in.ReceivedAt != nil {
		at = in.ReceivedAt.UTC()
	}
	cp := store.Complaint{ID: domain.NewID("cp_"), UnitID: in.UnitID, Content: in.Content, Finding: in.Finding, ReceivedAt: at, CreatedBy: principalOf(c).AccountID}
	if err := s.store.CreateComplaint(ctx, cp); err != nil {
		return store.Refused(err, "complaint")
	}
	return c.JSON(http.StatusCreated, cp)
}

func (s *Server) listComplaints(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, total, err := s.store.Complaints(c.Request().Context(), c.QueryParam("unit_id"), p)
	if err != nil {
		return store.Refused(err, "complaint")
	}
	return c.JSON(http.StatusOK, list[store.Complaint]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

type questionnaireInput struct {
	UnitID  string   `json:"unit_id" validate:"required,max=64"`
	Quarter string   `json:"quarter" validate:"required,max=7"`
	Score   *float64 `json:"score" validate:"required,min=0,max=100"`
}

func (s *Server) setQuestionnaire(c echo.Context) error {
	ctx := c.Request().Context()
	var in questionnaireInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	if _, err := period.QuarterField("quarter", in.Quarter, s.policy.Location()); err != nil {
		return err
	}
	if _, err := s.store.Unit(ctx, in.UnitID); err != nil {
		return refusal.OnField("unit_id", refusal.NoSuchObject, "object", "unit")
	}
	if err := s.store.SetQuestionnaire(ctx, in.UnitID, in.Quarter, *in.Score); err != nil {
		return store.Refused(err, "questionnaire")
	}
	return c.JSON(http.StatusOK, in)
}

// year reads the year query parameter, this year when absent.
func (s *Server) year(c echo.Context) (period.Range, error) {
	label := c.QueryParam("year")
	if label == "" {
		label = strconv.Itoa(s.now().In(s.policy.Location()).Year())
	}
	return period.YearField("year", label, s.policy.Location())
}

// --- evaluations and rankings ---

type evaluationsView struct {
	Quarter string             `json:"quarter"`
	Scores  []evaluation.Score `json:"scores"`
}

func (s *Server) listEvaluations(c echo.Context) error {
	label := c.QueryParam("quarter")
	if label == "" {
		label = period.Previous(period.Quarter, s.now(), s.policy.Location()).Label
	}
	q, err := period.QuarterField("quarter", label, s.policy.Location())
	if err != nil {
		return err
	}
	scores, _, err := s.store.Scores(c.Request().Context(), []string{q.Label})
	if err != nil {
		return store.Refused(err, "evaluation")
	}
	if scores == nil {
		scores = []evaluation.Score{}
	}
	return c.JSON(http.StatusOK, evaluationsView{Quarter: q.Label, Scores: scores})
}

type evaluateInput struct {
	Quarter string `json:"quarter" validate:"required,max=7"`
}

func (s *Server) evaluate(c echo.Context) error {
	var in evaluateInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	q, err := period.QuarterField("quarter", in.Quarter, s.policy.Location())
	if err != nil {
		return err
	}
	scores, err := supervision.EvaluateQuarter(c.Request().Context(), s.store, s.policy.Evaluation, q, s.now().UTC())
	if err != nil {
		return store.Refused(err, "evaluation")
	}
	return c.JSON(http.StatusOK, evaluationsView{Quarter: q.Label, Scores: scores})
}

func (s *Server) ranking(c echo.Context) error {
	y, err := s.year(c)
	if err != nil {
		return err
	}
	r, err := supervision.RankYear(c.Request().Context(), s.store, s.policy.Evaluation, y)
	if err != nil {
		return store.Refused(err, "ranking")
	}
	return c.JSON(http.StatusOK, map[string]any{"year": y.Label, "units": r.Units, "best": r.Best, "worst": r.Worst})
}
