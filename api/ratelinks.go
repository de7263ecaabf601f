package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"suggestflow/domain"
	"suggestflow/refusal"
)

// ratingLinkIssued is a link the office made: the URL carries the token,
// shown this once.
type ratingLinkIssued struct {
	ID        string    `json:"id"`
	DeputyID  string    `json:"deputy_id"`
	Round     int       `json:"round"`
	ExpiresAt time.Time `json:"expires_at"`
	URL       string    `json:"url"`
}

type ratingLinkList struct {
	Items []domain.RatingLink `json:"items"`
}

type issueRatingLinkInput struct {
	DeputyID string `json:"deputy_id" validate:"required,max=64"`
}

func (s *Server) issueRatingLink(c echo.Context) error {
	var in issueRatingLinkInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	l, url, err := s.cases.IssueRatingLink(c.Request().Context(), principalOf(c), c.Param("id"), in.DeputyID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ratingLinkIssued{ID: l.ID, DeputyID: l.DeputyID, Round: l.Round, ExpiresAt: l.ExpiresAt, URL: url})
}

func (s *Server) listRatingLinks(c echo.Context) error {
	links, err := s.cases.RatingLinks(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ratingLinkList{Items: links})
}

func (s *Server) revokeRatingLink(c echo.Context) error {
	l, err := s.cases.RevokeRatingLink(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

// publicRatingLink is what a link's holder may read without an account:
// the case they signed and its reply, nothing of anyone else.
type publicRatingLink struct {
	SuggestionID string     `json:"suggestion_id"`
	Number       string     `json:"number"`
	Title        string     `json:"title"`
	Deputy       string     `json:"deputy"`
	Round        int        `json:"round"`
	ResultClass  string     `json:"result_class"`
	Reply        string     `json:"reply"`
	RepliedAt    time.Time  `json:"replied_at"`
	ExpiresAt    time.Time  `json:"expires_at"`
	RatingDueAt  *time.Time `json:"rating_due_at,omitempty"`
}

func (s *Server) openRatingLink(c echo.Context) error {
	v, err := s.cases.OpenRatingLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	sg := v.Suggestion
	return c.JSON(http.StatusOK, publicRatingLink{SuggestionID: sg.ID, Number: sg.Number, Title: sg.Title, Deputy: v.Deputy.Name,
		Round: v.Link.Round, ResultClass: sg.Reply.ResultClass, Reply: sg.Reply.Content, RepliedAt: sg.Reply.RepliedAt,
		ExpiresAt: v.Link.ExpiresAt, RatingDueAt: sg.RatingDueAt})
}

// linkRatingInput is a rating sent with a link: the deputy is the link's.
type linkRatingInput struct {
	Attitude string `json:"attitude" validate:"required,oneof=satisfied basically_satisfied unsatisfied"`
	Result   string `json:"result" validate:"required,oneof=satisfied basically_satisfied unsatisfied"`
	Reasons  string `json:"reasons" validate:"max=5000"`
}

// linkRated is the answer to a rating by link.
type linkRated struct {
	SuggestionID string        `json:"suggestion_id"`
	Number       string        `json:"number"`
	Status       domain.Status `json:"status"`
}

func (s *Server) rateByLink(c echo.Context) error {
	// No account, so the write limit is the client address's.
	if !s.writes.Allow("client:" + c.RealIP()) {
		c.Response().Header().Set("Retry-After", "1")
		return refusal.New(refusal.TooMany, refusal.RateLimited)
	}
	var in linkRatingInput
	if err := s.bind(c, &in); err != nil {
		return err
	}
	sg, err := s.cases.RateByLink(c.Request().Context(), c.Param("token"),
		domain.RatingInput{Attitude: in.Attitude, Result: in.Result, Reasons: in.Reasons})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, linkRated{SuggestionID: sg.ID, Number: sg.Number, Status: sg.Status})
}
