package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/domain"
	"suggestflow/duties"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/supervision"
)

// --- deputies' duties ---

func (s *Server) createVisit(c echo.Context) error {
	var in supervision.VisitInput
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := supervision.RecordVisit(c.Request().Context(), s.store, c.Param("id"), in, s.now())
	if err != nil {
		return err
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

// --- inspections and group meetings ---

type recordOpinionInput struct {
	Content      string `json:"content" validate:"required,max=5000"`
	DeputyID     string `json:"deputy_id" validate:"max=64"`
	SuggestionID string `json:"suggestion_id" validate:"max=64"`
}

// recordInput is an inspection (视察) or a group meeting (代表小组会议) as it
// is recorded after it was held.
type recordInput struct {
	HeldAt        time.Time            `json:"held_at" validate:"required"`
	Place         string               `json:"place" validate:"required,max=200"`
	Group         string               `json:"group" validate:"max=100"`
	AttendeeIDs   []string             `json:"attendee_ids" validate:"max=500,dive,required,max=64"`
	Others        []string             `json:"others" validate:"max=100,dive,required,max=100"`
	Findings      string               `json:"findings" validate:"max=20000"`
	SuggestionIDs []string             `json:"suggestion_ids" validate:"max=200,dive,required,max=64"`
	Opinions      []recordOpinionInput `json:"opinions" validate:"max=200,dive"`
}

func (s *Server) createInspection(c echo.Context) error {
	return s.createRecord(c, store.RecordInspection)
}

func (s *Server) createGroupMeeting(c echo.Context) error {
	return s.createRecord(c, store.RecordGroupMeeting)
}

// createRecord checks a record against the roster and the cases before
// storing it: every deputy and suggestion named must exist, a group
// meeting names a deputy group, and what is recorded has happened.
func (s *Server) createRecord(c echo.Context, kind string) error {
	ctx := c.Request().Context()
	var in recordInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	var fields []refusal.Field
	if in.HeldAt.After(s.now().Add(10 * time.Minute)) {
		fields = append(fields, refusal.FieldOf("held_at", refusal.HeldInFuture))
	}
	switch {
	case kind == store.RecordGroupMeeting && in.Group == "":
		fields = append(fields, refusal.FieldOf("group", refusal.Required))
	case kind == store.RecordGroupMeeting:
		groups, err := s.store.DeputyGroups(ctx)
		if err != nil {
			return store.Refused(err, "deputy")
		}
		if !slices.Contains(groups, in.Group) {
			fields = append(fields, refusal.FieldOf("group", refusal.UnknownGroup))
		}
	case in.Group != "":
		// An inspection is the presidium's, not one group's.
		fields = append(fields, refusal.FieldOf("group", refusal.UnknownField))
	}
	deputies := slices.Clone(in.AttendeeIDs)
	suggestions := slices.Clone(in.SuggestionIDs)
	for _, o := range in.Opinions {
		if o.DeputyID != "" {
			deputies = append(deputies, o.DeputyID)
		}
		if o.SuggestionID != "" {
			suggestions = append(suggestions, o.SuggestionID)
		}
	}
	missing, err := s.store.MissingDeputies(ctx, deputies)
	if err != nil {
		return store.Refused(err, "deputy")
	}
	if len(missing) > 0 {
		fields = append(fields, refusal.FieldOf("attendee_ids", refusal.NoSuchID, "object", "deputy", "ids", strings.Join(missing, ", ")))
	}
	if missing, err = s.store.MissingSuggestions(ctx, suggestions); err != nil {
		return store.Refused(err, "suggestion")
	}
	if len(missing) > 0 {
		fields = append(fields, refusal.FieldOf("suggestion_ids", refusal.NoSuchID, "object", "suggestion", "ids", strings.Join(missing, ", ")))
	}
	if len(fields) > 0 {
		return refusal.Fields(fields...)
	}
	r := store.DutyRecord{ID: domain.NewID("dr_"), Kind: kind, HeldAt: in.HeldAt.UTC(), Place: in.Place, Group: in.Group,
		AttendeeIDs: dedupe(in.AttendeeIDs), Others: nonNil(in.Others), Findings: in.Findings, SuggestionIDs: dedupe(in.SuggestionIDs),
		Opinions: []store.RecordOpinion{}, CreatedBy: principalOf(c).AccountID, CreatedAt: s.now().UTC()}
	for _, o := range in.Opinions {
		r.Opinions = append(r.Opinions, store.RecordOpinion{ID: domain.NewID("op_"), Content: o.Content, DeputyID: o.DeputyID, SuggestionID: o.SuggestionID})
	}
	if err := s.store.CreateDutyRecord(ctx, r); err != nil {
		return store.Refused(err, strings.ReplaceAll(kind, "_", " "))
	}
	return c.JSON(http.StatusCreated, r)
}

func (s *Server) listInspections(c echo.Context) error {
	return s.listRecords(c, store.RecordInspection)
}

func (s *Server) listGroupMeetings(c echo.Context) error {
	return s.listRecords(c, store.RecordGroupMeeting)
}

// listRecords lists a year's records of a kind, the latest first; a
// deputy_id keeps those the deputy attended, a group a group's meetings.
func (s *Server) listRecords(c echo.Context, kind string) error {
	y, err := s.year(c)
	if err != nil {
		return err
	}
	f := store.DutyRecordFilter{Kind: kind, From: y.From, To: y.To, DeputyID: c.QueryParam("deputy_id")}
	if kind == store.RecordGroupMeeting {
		f.Group = c.QueryParam("group")
	}
	return listed(c, strings.ReplaceAll(kind, "_", " "), func(ctx context.Context, p store.Page) ([]store.DutyRecord, int64, error) {
		return s.store.DutyRecords(ctx, f, p)
	})
}

// commendations scores a year's duties and lists the deputies and groups
// commended (DOMAIN.md §6, rule in package duties).
func (s *Server) commendations(c echo.Context) error {
	y, err := s.year(c)
	if err != nil {
		return err
	}
	cm, err := supervision.Commend(c.Request().Context(), s.store, s.policy, y)
	if err != nil {
		return store.Refused(err, "commendation")
	}
	return c.JSON(http.StatusOK, commendationView{Year: y.Label, Rule: s.policy.Commendation, VisitsPerMonth: s.policy.VisitsPerMonth,
		GroupMeetingEvery: s.policy.GroupMeetingEvery.String(), Deputies: cm.Deputies, Groups: cm.Groups,
		CommendedDeputies: cm.CommendedDeputies, CommendedGroups: cm.CommendedGroups})
}

// commendationView is a year's commendation with the rule it was scored by.
type commendationView struct {
	Year              string          `json:"year"`
	Rule              duties.Rules    `json:"rule"`
	VisitsPerMonth    int             `json:"visits_per_month"`
	GroupMeetingEvery string          `json:"group_meeting_every"`
	Deputies          []duties.Scored `json:"deputies"`
	Groups            []duties.Scored `json:"groups"`
	CommendedDeputies []duties.Scored `json:"commended_deputies"`
	CommendedGroups   []duties.Scored `json:"commended_groups"`
}

// dedupe keeps the first of each id, in order: a name ticked twice on a
// sign-in sheet is one attendee.
func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
