package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"

	"suggestflow/evaluation"
	"suggestflow/holiday"
	"suggestflow/period"
	"suggestflow/policy"
	"suggestflow/store"
	"suggestflow/supervision"
	"suggestflow/workflows"
)

// currentPolicy is the policy a new case starts under: the configured one
// with the township's calendar overrides as they stand.
func (s *Server) currentPolicy(ctx context.Context) (policy.Policy, error) {
	p := s.policy
	overrides, err := s.store.CalendarOverrides(ctx)
	if err != nil {
		return p, storeError(err, "calendar")
	}
	p.CalendarOverrides = overrides
	return p, nil
}

func (s *Server) parsePeriod(field, label string) (period.Range, error) {
	r, err := period.Parse(label, s.policy.Location())
	if err != nil {
		return r, invalidFields(FieldError{Field: field, Message: err.Error()})
	}
	return r, nil
}

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
	var fields []FieldError
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := c.QueryParam(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fields = append(fields, FieldError{Field: name, Message: "must be an RFC 3339 time"})
				continue
			}
			*dst = t
		}
	}
	if len(fields) == 0 && !from.Before(to) {
		fields = append(fields, FieldError{Field: "to", Message: "must be after from"})
	}
	if len(fields) > 0 {
		return invalidFields(fields...)
	}
	unit := c.QueryParam("unit_id")
	p := store.Period{From: from, To: to}
	replies, ratings, err := s.store.RateFacts(ctx, p, unit)
	if err != nil {
		return storeError(err, "statistics")
	}
	byStatus, err := s.store.CountByStatus(ctx, p, unit)
	if err != nil {
		return storeError(err, "statistics")
	}
	return c.JSON(http.StatusOK, statsView{From: from, To: to, UnitID: unit, Rates: evaluation.ComputeRates(replies, ratings), ByStatus: byStatus})
}

// --- public board ---

type boardView struct {
	Period string             `json:"period"`
	From   time.Time          `json:"from"`
	To     time.Time          `json:"to"`
	Items  []store.BoardEntry `json:"items"`
}

func (s *Server) boardData(c echo.Context) (boardView, error) {
	label := c.QueryParam("period")
	if label == "" {
		label = period.Half(s.now(), s.policy.Location()).Label
	}
	p, err := s.parsePeriod("period", label)
	if err != nil {
		return boardView{}, err
	}
	items, err := s.store.Board(c.Request().Context(), p)
	if err != nil {
		return boardView{}, storeError(err, "board")
	}
	return boardView{Period: p.Label, From: p.From, To: p.To, Items: items}, nil
}

func (s *Server) publicBoard(c echo.Context) error {
	b, err := s.boardData(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

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
		return invalidFields(FieldError{Field: "unit_id", Message: "no unit with this id"})
	}
	at := s.now().UTC()
	if in.ReceivedAt != nil {
		at = in.ReceivedAt.UTC()
	}
	cp := store.Complaint{ID: newID("cp_"), UnitID: in.UnitID, Content: in.Content, Finding: in.Finding, ReceivedAt: at, CreatedBy: principalOf(c).AccountID}
	if err := s.store.CreateComplaint(ctx, cp); err != nil {
		return storeError(err, "complaint")
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
		return storeError(err, "complaint")
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
	if _, err := s.quarter("quarter", in.Quarter); err != nil {
		return err
	}
	if _, err := s.store.Unit(ctx, in.UnitID); err != nil {
		return invalidFields(FieldError{Field: "unit_id", Message: "no unit with this id"})
	}
	if err := s.store.SetQuestionnaire(ctx, in.UnitID, in.Quarter, *in.Score); err != nil {
		return storeError(err, "questionnaire")
	}
	return c.JSON(http.StatusOK, in)
}

// year reads the year query parameter, this year when absent.
func (s *Server) year(c echo.Context) (period.Range, error) {
	label := c.QueryParam("year")
	if label == "" {
		label = strconv.Itoa(s.now().In(s.policy.Location()).Year())
	}
	y, err := s.parsePeriod("year", label)
	if err == nil && len(label) != 4 {
		return y, invalidFields(FieldError{Field: "year", Message: "must be a year such as 2026"})
	}
	return y, err
}

func (s *Server) quarter(field, label string) (period.Range, error) {
	p, err := s.parsePeriod(field, label)
	if err == nil && (len(label) != 7 || label[5] != 'Q') {
		return p, invalidFields(FieldError{Field: field, Message: "must be a quarter such as 2026-Q1"})
	}
	return p, err
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
	q, err := s.quarter("quarter", label)
	if err != nil {
		return err
	}
	scores, _, err := s.store.Scores(c.Request().Context(), []string{q.Label})
	if err != nil {
		return storeError(err, "evaluation")
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
	q, err := s.quarter("quarter", in.Quarter)
	if err != nil {
		return err
	}
	scores, err := supervision.EvaluateQuarter(c.Request().Context(), s.store, s.policy.Evaluation, q, s.now().UTC())
	if err != nil {
		return storeError(err, "evaluation")
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
		return storeError(err, "ranking")
	}
	return c.JSON(http.StatusOK, map[string]any{"year": y.Label, "units": r.Units, "best": r.Best, "worst": r.Worst})
}

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
		return invalidFields(FieldError{Field: "visited_at", Message: "a visit is recorded after it happened"})
	}
	id := c.Param("id")
	if _, err := s.store.Deputy(ctx, id); err != nil {
		return storeError(err, "deputy")
	}
	v := store.Visit{ID: newID("vi_"), DeputyID: id, VisitedAt: in.VisitedAt.UTC(), Place: in.Place, Note: in.Note, Opinions: []store.Opinion{}}
	for _, o := range in.Opinions {
		v.Opinions = append(v.Opinions, store.Opinion{ID: newID("op_"), Constituent: o.Constituent, Content: o.Content})
	}
	if err := s.store.CreateVisit(ctx, v); err != nil {
		return storeError(err, "visit")
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
		return invalidFields(FieldError{Field: "suggestion_id", Message: "no suggestion with this id"})
	}
	o, err := s.store.LinkOpinion(ctx, c.Param("id"), in.SuggestionID)
	if err != nil {
		return storeError(err, "opinion")
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
		return storeError(err, "deputy")
	}
	year, _ := strconv.Atoi(y.Label)
	r, err := s.store.DeputyYear(ctx, c.Param("id"), year, y)
	if err != nil {
		return storeError(err, "deputy")
	}
	return c.JSON(http.StatusOK, r)
}

// --- calendar ---

func (s *Server) calendarDays(c echo.Context) error {
	ctx := c.Request().Context()
	loc := s.policy.Location()
	from := time.Now().In(loc)
	if v := c.QueryParam("from"); v != "" {
		t, err := time.ParseInLocation(holiday.DateLayout, v, loc)
		if err != nil {
			return invalidFields(FieldError{Field: "from", Message: "must be a date YYYY-MM-DD"})
		}
		from = t
	}
	to := from.AddDate(0, 1, 0)
	if v := c.QueryParam("to"); v != "" {
		t, err := time.ParseInLocation(holiday.DateLayout, v, loc)
		if err != nil {
			return invalidFields(FieldError{Field: "to", Message: "must be a date YYYY-MM-DD"})
		}
		to = t
	}
	pol, err := s.currentPolicy(ctx)
	if err != nil {
		return err
	}
	cal, err := holiday.New(pol.CalendarOverrides)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	days, err := cal.Days(from, to)
	if err != nil {
		return invalidFields(FieldError{Field: "to", Message: err.Error()})
	}
	return c.JSON(http.StatusOK, map[string]any{"days": days, "overrides": pol.CalendarOverrides})
}

type dayInput struct {
	Working *bool  `json:"working" validate:"required"`
	Note    string `json:"note" validate:"max=200"`
}

// setCalendarDay records a local working or rest day, then tells every
// open case to recompute its working-day deadlines.
func (s *Server) setCalendarDay(c echo.Context) error {
	ctx := c.Request().Context()
	var in dayInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	o := holiday.Override{Date: c.Param("date"), Working: *in.Working, Note: in.Note}
	if _, err := holiday.New([]holiday.Override{o}); err != nil {
		return invalidFields(FieldError{Field: "date", Message: "must be a real date YYYY-MM-DD"})
	}
	if err := s.store.SetCalendarOverride(ctx, o); err != nil {
		return storeError(err, "calendar")
	}
	pol, err := s.currentPolicy(ctx)
	if err != nil {
		return err
	}
	_, err = s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: newID("calendar-"), TaskQueue: workflows.TaskQueue},
		workflows.RecomputeWorkflowName, workflows.RecomputeInput{Overrides: pol.CalendarOverrides})
	if err != nil {
		return s.temporalError(err)
	}
	cal, _ := holiday.New(pol.CalendarOverrides)
	day, _ := time.ParseInLocation(holiday.DateLayout, o.Date, s.policy.Location())
	return c.JSON(http.StatusOK, holiday.Day{Date: o.Date, Working: cal.IsWorkingDay(day), Reason: cal.Explain(day)})
}

// --- reports ---

func (s *Server) listReports(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	kind := c.QueryParam("kind")
	if kind != "" && !contains(workflows.CadenceKinds, kind) {
		return invalidFields(FieldError{Field: "kind", Message: "unknown report kind"})
	}
	items, total, err := s.store.Reports(c.Request().Context(), kind, p)
	if err != nil {
		return storeError(err, "report")
	}
	return c.JSON(http.StatusOK, list[store.Report]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getReport(c echo.Context) error {
	r, err := s.store.ReportByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return storeError(err, "report")
	}
	return c.JSON(http.StatusOK, r)
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
