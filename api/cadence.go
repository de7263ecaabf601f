package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/board"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/evaluation"
	"suggestflow/holiday"
	"suggestflow/period"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/supervision"
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
	replies, ratings, err := s.store.RateFacts(ctx, p, unit)
	if err != nil {
		return store.Refused(err, "statistics")
	}
	byStatus, err := s.store.CountByStatus(ctx, p, unit)
	if err != nil {
		return store.Refused(err, "statistics")
	}
	return c.JSON(http.StatusOK, statsView{From: from, To: to, UnitID: unit, Rates: evaluation.ComputeRates(replies, ratings), ByStatus: byStatus})
}

// --- public board ---

func (s *Server) publicBoard(c echo.Context) error {
	b, err := board.Load(c.Request().Context(), s.store, c.QueryParam("period"), s.now(), s.policy.Location())
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

// --- calendar ---

func (s *Server) calendarDays(c echo.Context) error {
	ctx := c.Request().Context()
	loc := s.policy.Location()
	from := s.now().In(loc)
	if v := c.QueryParam("from"); v != "" {
		t, err := time.ParseInLocation(holiday.DateLayout, v, loc)
		if err != nil {
			return refusal.OnField("from", refusal.DayFormat)
		}
		from = t
	}
	to := from.AddDate(0, 1, 0)
	if v := c.QueryParam("to"); v != "" {
		t, err := time.ParseInLocation(holiday.DateLayout, v, loc)
		if err != nil {
			return refusal.OnField("to", refusal.DayFormat)
		}
		to = t
	}
	pol, err := s.cases.CurrentPolicy(ctx)
	if err != nil {
		return err
	}
	cal, err := holiday.New(pol.CalendarOverrides)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	days, err := cal.Days(from, to)
	if err != nil {
		return refusal.OnField("to", refusal.Unreadable, "error", err.Error())
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
	var in dayInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	day, err := s.cases.SetCalendarDay(c.Request().Context(), holiday.Override{Date: c.Param("date"), Working: *in.Working, Note: in.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, day)
}

// calendarDue is the deadline calculator.
func (s *Server) calendarDue(c echo.Context) error {
	var fields []refusal.Field
	from := s.now()
	if v := c.QueryParam("from"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fields = append(fields, refusal.FieldOf("from", refusal.RFC3339))
		}
		from = t
	}
	d, err := policy.ParseDuration(c.QueryParam("duration"))
	if err != nil {
		fields = append(fields, refusal.FieldOf("duration", refusal.DurationFormat))
	}
	if len(fields) > 0 {
		return refusal.Fields(fields...)
	}
	return c.JSON(http.StatusOK, s.policy.Due(from, d))
}

// --- reports ---

func (s *Server) listReports(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	kind := c.QueryParam("kind")
	if kind != "" && !contains(contract.CadenceKinds, kind) {
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

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
