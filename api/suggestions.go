package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/store"
)

func (s *Server) submit(c echo.Context) error {
	var in domain.SubmitInput
	if err := decode(c, &in); err != nil {
		return err
	}
	sg, replayed, err := s.cases.Submit(c.Request().Context(), principalOf(c), in, c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	if replayed {
		c.Response().Header().Set("Idempotent-Replayed", "true")
		return s.respond(c, http.StatusOK, sg)
	}
	return s.respond(c, http.StatusCreated, sg)
}

// command is a case action as the commands hold it.
type command[T any] func(*cases.Service, context.Context, access.Principal, string, T) (domain.Suggestion, error)

// caseAction adapts a command to a route: decode the body into its input,
// run it for the caller on the case the path names, answer with the case
// as stored.
func caseAction[T any](s *Server, run command[T]) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in T
		if err := decode(c, &in); err != nil {
			return err
		}
		sg, err := run(s.cases, c.Request().Context(), principalOf(c), c.Param("id"), in)
		if err != nil {
			return err
		}
		return s.respond(c, http.StatusOK, sg)
	}
}

// suggestionView is a suggestion as the API shows it.
type suggestionView struct {
	ID               string                   `json:"id"`
	Number           string                   `json:"number"`
	Title            string                   `json:"title"`
	Content          string                   `json:"content"`
	Kind             string                   `json:"kind"`
	Category         string                   `json:"category"`
	LeadDeputyID     string                   `json:"lead_deputy_id"`
	CoSignerIDs      []string                 `json:"co_signer_ids"`
	SubmittedIn      string                   `json:"submitted_in"`
	Status           domain.Status            `json:"status"`
	Flags            []string                 `json:"flags"`
	SubmittedAt      time.Time                `json:"submitted_at"`
	ReviewDueAt      time.Time                `json:"review_due_at"`
	ReturnReason     string                   `json:"return_reason,omitempty"`
	LeadUnitID       string                   `json:"lead_unit_id,omitempty"`
	Assignment       *domain.Assignment       `json:"assignment,omitempty"`
	Round            int                      `json:"round"`
	DueAt            *time.Time               `json:"due_at,omitempty"`
	DueExplanation   string                   `json:"due_explanation,omitempty"`
	PendingExtension *domain.ExtensionRequest `json:"pending_extension,omitempty"`
	Consulted        bool                     `json:"consulted"`
	Consultations    int                      `json:"consultations"`
	ProgressDueAt    *time.Time               `json:"progress_due_at,omitempty"`
	ProgressMissed   int                      `json:"progress_missed"`
	Reply            *domain.Reply            `json:"reply"`
	RatingDueAt      *time.Time               `json:"rating_due_at,omitempty"`
	Ratings          []domain.Rating          `json:"ratings"`
	Unsatisfied      int                      `json:"unsatisfied"`
	Completion       *domain.Completion       `json:"completion,omitempty"`
	ClosedAt         *time.Time               `json:"closed_at,omitempty"`
	ClosedAs         string                   `json:"closed_as,omitempty"`
	Referral         *domain.Referral         `json:"referral,omitempty"`
	MergedInto       string                   `json:"merged_into,omitempty"`
	MergeReason      string                   `json:"merge_reason,omitempty"`
	MergedFrom       []domain.MergedCase      `json:"merged_from,omitempty"`
	EndingReview     *domain.EndingReview     `json:"ending_review,omitempty"`
	Timeline         []domain.Event           `json:"timeline,omitempty"`
	Meetings         []domain.MeetingView     `json:"meetings"`
}

func view(sg domain.Suggestion) suggestionView {
	v := suggestionView{
		ID: sg.ID, Number: sg.Number, Title: sg.Title, Content: sg.Content, Kind: sg.Kind, Category: sg.Category,
		LeadDeputyID: sg.LeadDeputyID, CoSignerIDs: sg.CoSignerIDs, SubmittedIn: sg.SubmittedIn, Status: sg.Status,
		Flags: sg.Flags(), SubmittedAt: sg.SubmittedAt, ReviewDueAt: sg.ReviewDueAt, ReturnReason: sg.ReturnReason,
		LeadUnitID: sg.LeadUnitID(), Assignment: sg.Assignment, Round: sg.Round, DueAt: sg.DueAt,
		DueExplanation: sg.DueExplanation, PendingExtension: sg.PendingExtension, Consulted: sg.Consulted,
		Consultations: sg.Consultations, ProgressDueAt: sg.ProgressDueAt, ProgressMissed: sg.ProgressMissed,
		Reply: sg.Reply, RatingDueAt: sg.RatingDueAt, Ratings: sg.Ratings, Unsatisfied: sg.Unsatisfied,
		Completion: sg.Completion, ClosedAt: sg.ClosedAt, ClosedAs: sg.ClosedAs,
		Referral: sg.Referral, MergedInto: sg.MergedInto, MergeReason: sg.MergeReason, MergedFrom: sg.MergedFrom,
	}
	if v.Ratings == nil {
		v.Ratings = []domain.Rating{}
	}
	if v.CoSignerIDs == nil {
		v.CoSignerIDs = []string{}
	}
	return v
}

// respond answers with the suggestion, its timeline and its meetings.
func (s *Server) respond(c echo.Context, status int, sg domain.Suggestion) error {
	ctx := c.Request().Context()
	v := view(sg)
	timeline, err := s.store.Timeline(ctx, sg.ID)
	if err != nil {
		return store.Refused(err, "suggestion")
	}
	meetings, _, err := s.store.Meetings(ctx, store.MeetingFilter{SuggestionID: sg.ID}, store.Page{Number: 1, Size: maxPageSize})
	if err != nil {
		return store.Refused(err, "meeting")
	}
	v.Timeline, v.Meetings = timeline, meetingViews(meetings)
	if sg.Status == domain.StatusClosed {
		if v.EndingReview, err = s.store.EndingReview(ctx, sg.ID); err != nil {
			return store.Refused(err, "suggestion")
		}
	}
	return c.JSON(status, v)
}

// similar lists the open suggestions that may be the same matter as this
// one and could take it in by a merge.
func (s *Server) similar(c echo.Context) error {
	items, err := s.cases.Similar(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (s *Server) listSuggestions(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f, err := cases.ListFilter(principalOf(c), cases.ListQuery{Status: c.QueryParam("status"), Overdue: c.QueryParam("overdue"),
		Query: c.QueryParam("q"), UnitID: c.QueryParam("unit_id"), DeputyID: c.QueryParam("deputy_id")})
	if err != nil {
		return err
	}
	items, total, err := s.store.Suggestions(c.Request().Context(), f, p)
	if err != nil {
		return store.Refused(err, "suggestion")
	}
	out := make([]suggestionView, 0, len(items))
	for _, sg := range items {
		out = append(out, view(sg))
	}
	return c.JSON(http.StatusOK, list[suggestionView]{Items: out, Total: total, Page: p.Number, PageSize: p.Size})
}

func (s *Server) getSuggestion(c echo.Context) error {
	// The access check read the suggestion for this request.
	if sg, ok := c.Get("suggestion").(domain.Suggestion); ok {
		return s.respond(c, http.StatusOK, sg)
	}
	sg, err := s.store.Suggestion(c.Request().Context(), c.Param("id"))
	if err != nil {
		return store.Refused(err, "suggestion")
	}
	return s.respond(c, http.StatusOK, sg)
}

func (s *Server) messages(c echo.Context) error {
	msgs, _, err := s.store.MessageList(c.Request().Context(), store.MessageFilter{SuggestionID: c.Param("id")}, store.Page{Number: 1, Size: 1000})
	if err != nil {
		return store.Refused(err, "message")
	}
	return c.JSON(http.StatusOK, map[string]any{"items": msgs})
}
