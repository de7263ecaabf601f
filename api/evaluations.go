package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/store"
	"suggestflow/supervision"
)

// --- complaints and questionnaires ---

func (s *Server) createComplaint(c echo.Context) error {
	var in supervision.ComplaintInput
	if err := decode(c, &in); err != nil {
		return err
	}
	cp, err := supervision.RecordComplaint(c.Request().Context(), s.store, principalOf(c).AccountID, in, s.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cp)
}

func (s *Server) patchComplaint(c echo.Context) error {
	var in supervision.FindingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	cp, err := supervision.SetFinding(c.Request().Context(), s.store, c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cp)
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

func (s *Server) setQuestionnaire(c echo.Context) error {
	var in supervision.QuestionnaireInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := supervision.SetQuestionnaire(c.Request().Context(), s.store, in, s.policy.Location()); err != nil {
		return err
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
