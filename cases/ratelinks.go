package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/ratelink"
	"suggestflow/refusal"
	"suggestflow/rules"
	"suggestflow/store"
)

// RatingLinkView is what a rating link's page shows: the case, its reply
// and the deputy the link is for.
type RatingLinkView struct {
	Link       domain.RatingLink
	Suggestion domain.Suggestion
	Deputy     domain.Deputy
}

// OpenRatingLink is the case a token opens, while the link still lets its
// deputy rate: not used, revoked or expired, and the case still waiting
// for that deputy's rating of that round's reply.
func (s *Service) OpenRatingLink(ctx context.Context, token string) (RatingLinkView, error) {
	l, err := s.store.RatingLinkByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return RatingLinkView{}, refusal.New(refusal.NotFound, refusal.RatingLinkUnknown)
	}
	if err != nil {
		return RatingLinkView{}, store.Refused(err, "rating link")
	}
	if err := ratelink.Check(l, s.now(), s.policy.Location()); err != nil {
		return RatingLinkView{Link: l}, err
	}
	v, err := s.ratingLinkCase(ctx, l)
	if err != nil {
		return v, err
	}
	if sg := v.Suggestion; sg.Reply == nil || sg.Reply.Round != l.Round || rules.RatingRefusal(sg, l.DeputyID, s.now()) != nil {
		return v, refusal.New(refusal.Gone, refusal.RatingLinkStale)
	}
	return v, nil
}

func (s *Service) ratingLinkCase(ctx context.Context, l domain.RatingLink) (RatingLinkView, error) {
	v := RatingLinkView{Link: l}
	sg, err := s.store.Suggestion(ctx, l.SuggestionID)
	if err != nil {
		return v, store.Refused(err, "suggestion")
	}
	d, err := s.store.Deputy(ctx, l.DeputyID)
	if err != nil {
		return v, store.Refused(err, "deputy")
	}
	v.Suggestion, v.Deputy = sg, d
	return v, nil
}

// RateByLink rates the reply in the name of the link's deputy, without an
// account. The link is claimed first, so two requests with one link rate
// once; a rating the case refuses gives the link back for a second try.
func (s *Service) RateByLink(ctx context.Context, token string, in domain.RatingInput) (domain.Suggestion, error) {
	v, err := s.OpenRatingLink(ctx, token)
	if err != nil {
		return domain.Suggestion{}, err
	}
	in.DeputyID = v.Link.DeputyID
	if err := rules.CheckRatingInput(in); err != nil {
		return domain.Suggestion{}, err
	}
	claimed, err := s.store.ClaimRatingLink(ctx, v.Link.ID, s.now())
	if err != nil {
		return domain.Suggestion{}, store.Refused(err, "rating link")
	}
	if !claimed {
		return domain.Suggestion{}, refusal.New(refusal.Gone, refusal.RatingLinkUsed)
	}
	p := access.Principal{AccountID: "rating-link:" + v.Link.ID, Role: access.RoleDeputy, DeputyID: v.Link.DeputyID}
	sg, err := s.Rate(ctx, p, v.Link.SuggestionID, in)
	if err != nil {
		// Released with a context of its own: the request's may be what
		// ended the rating.
		if rerr := s.store.ReleaseRatingLink(context.WithoutCancel(ctx), v.Link.ID); rerr != nil {
			s.log.Error("a refused rating's link stays used", "link", v.Link.ID, "error", rerr)
		}
		return sg, err
	}
	return sg, nil
}

// IssueRatingLink makes a new link for a signer of a replied case, for
// the office to hand over (a lost notice, a deputy without a phone). It
// answers the link and its URL; the token is in the URL only.
func (s *Service) IssueRatingLink(ctx context.Context, p access.Principal, id, deputyID string) (domain.RatingLink, string, error) {
	sg, err := s.store.Suggestion(ctx, id)
	if err != nil {
		return domain.RatingLink{}, "", store.Refused(err, "suggestion")
	}
	if sg.Reply == nil {
		return domain.RatingLink{}, "", refusal.New(refusal.Conflict, refusal.RatingLinkNoReply)
	}
	if !slices.Contains(rules.Signers(sg), deputyID) {
		return domain.RatingLink{}, "", refusal.OnField("deputy_id", refusal.RatingLinkNotSigner)
	}
	token, err := ratelink.Mint()
	if err != nil {
		return domain.RatingLink{}, "", err
	}
	now := s.now().UTC()
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return domain.RatingLink{}, "", err
	}
	l := domain.RatingLink{ID: domain.NewID("rl_"), SuggestionID: id, DeputyID: deputyID, Round: sg.Reply.Round,
		TokenHash: store.HashToken(token), CreatedAt: now, CreatedBy: p.AccountID, ExpiresAt: pol.After(now, pol.RatingLinkTime())}
	if err := s.store.CreateRatingLink(ctx, l); err != nil {
		return domain.RatingLink{}, "", store.Refused(err, "rating link")
	}
	return l, ratelink.URL(s.publicURL, token), nil
}

// RatingLinks lists a case's links, newest first.
func (s *Service) RatingLinks(ctx context.Context, id string) ([]domain.RatingLink, error) {
	links, err := s.store.RatingLinks(ctx, id)
	return links, store.Refused(err, "rating link")
}

// RevokeRatingLink ends a link: it opens nothing afterwards.
func (s *Service) RevokeRatingLink(ctx context.Context, linkID string) (domain.RatingLink, error) {
	l, err := s.store.RevokeRatingLink(ctx, linkID, s.now().UTC())
	return l, store.Refused(err, "rating link")
}

// letterIssuer marks the links printed on reply letters.
const letterIssuer = "reply-letter"

// LetterRatingURL is the rating link on a round's reply letter, for its
// QR code: the same link at every print (its token is derived from its id
// with the service's secret), and a new one once the office revoked it or
// it expired, so that a letter printed again still opens the form.
func (s *Service) LetterRatingURL(ctx context.Context, suggestionID, deputyID string, round int) (string, error) {
	secret, err := s.letterLinkSecret(ctx)
	if err != nil {
		return "", err
	}
	links, err := s.store.RatingLinks(ctx, suggestionID)
	if err != nil {
		return "", store.Refused(err, "rating link")
	}
	now := s.now()
	printed := 0
	for _, l := range links { // newest first
		if l.CreatedBy != letterIssuer || l.DeputyID != deputyID || l.Round != round {
			continue
		}
		if printed == 0 && l.RevokedAt == nil && now.Before(l.ExpiresAt) {
			return ratelink.URL(s.publicURL, ratelink.LetterToken(secret, l.ID)), nil
		}
		printed++
	}
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("rl_letter_%s_%s_r%d_%d", suggestionID, deputyID, round, printed+1)
	token := ratelink.LetterToken(secret, id)
	l := domain.RatingLink{ID: id, SuggestionID: suggestionID, DeputyID: deputyID, Round: round, TokenHash: store.HashToken(token),
		CreatedAt: now.UTC(), CreatedBy: letterIssuer, ExpiresAt: pol.After(now.UTC(), pol.RatingLinkTime())}
	if err := s.store.EnsureRatingLink(ctx, l); err != nil {
		return "", store.Refused(err, "rating link")
	}
	return ratelink.URL(s.publicURL, token), nil
}

// letterLinkSecret is the secret the reply letters' link tokens are
// derived with, read from the database once.
func (s *Service) letterLinkSecret(ctx context.Context) ([]byte, error) {
	if p := s.letterSecret.Load(); p != nil {
		return *p, nil
	}
	secret, err := s.store.Secret(ctx, "rating-letter")
	if err != nil {
		return nil, store.Refused(err, "rating link")
	}
	s.letterSecret.Store(&secret)
	return secret, nil
}
