// Package activities is where the workflows touch the world: the database
// and the outbox. Every activity is idempotent: a retry after a success
// writes nothing twice.
package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"suggestflow/delivery"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/notices"
	"suggestflow/policy"
	"suggestflow/ratelink"
	"suggestflow/store"
)

// ratingRequest is the notice asking deputies to rate a reply: its body
// carries each deputy's own rating link.
const ratingRequest = "rating_request"

// Activities holds what the activities need.
type Activities struct {
	Store  *store.Store
	Policy policy.Policy
	// Client reaches other workflows (the calendar broadcast).
	Client client.Client
	// Channels deliver the outbox; none configured leaves messages in the
	// accounts' inboxes.
	Channels []delivery.Channel
	// PresidiumEmail is where the presidium's own notices are mailed.
	PresidiumEmail string
	// PublicURL is the pages' address, for the link in each notice.
	PublicURL string
	Now       func() time.Time
}

func isNotFound(err error) bool {
	var nf *serviceerror.NotFound
	return errors.As(err, &nf)
}

// CreateSuggestion inserts a submitted suggestion and returns its number.
func (a *Activities) CreateSuggestion(ctx context.Context, s domain.Suggestion) (string, error) {
	number, err := a.Store.CreateSuggestion(ctx, s, a.numberYear(s))
	if err != nil {
		return "", fmt.Errorf("create suggestion: %w", err)
	}
	return number, nil
}

// CreateIntake stores a case before its workflow starts (cases.Submit),
// numbered as CreateSuggestion numbers it and marked until the start is
// confirmed. It says whether the case was new.
func (a *Activities) CreateIntake(ctx context.Context, s domain.Suggestion, actor domain.Actor) (string, bool, error) {
	number, created, err := a.Store.CreateIntake(ctx, s, a.numberYear(s), actor)
	if err != nil {
		return "", false, fmt.Errorf("create suggestion: %w", err)
	}
	return number, created, nil
}

// numberYear is the year of a case's number: the local year of its
// submission.
func (a *Activities) numberYear(s domain.Suggestion) int {
	return s.SubmittedAt.In(a.Policy.Location()).Year()
}

// Record writes one workflow step: state, records, timeline and the
// rendered notices in the outbox, each notice also a line of the timeline.
func (a *Activities) Record(ctx context.Context, step domain.Step) error {
	messages, err := a.render(ctx, step)
	if err != nil {
		return err
	}
	for _, n := range step.Notices {
		to := make([]string, 0, len(n.Recipients))
		for _, r := range n.Recipients {
			to = append(to, string(r))
		}
		params := map[string]string{"notice_kind": n.Kind, "recipient_ids": strings.Join(to, ", ")}
		step.Events = append(step.Events, domain.Event{
			ID: n.ID + "-t", SuggestionID: n.SuggestionID, MeetingID: n.MeetingID, At: n.At, Actor: domain.System,
			Type: "notice", Params: params, Detail: i18n.Event(i18n.Raw, "notice", params),
		})
	}
	if err := a.Store.Record(ctx, step, messages); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

func (a *Activities) render(ctx context.Context, step domain.Step) ([]domain.Message, error) {
	list := step.Notices
	if len(list) == 0 {
		return nil, nil
	}
	var unitIDs, deputyIDs []string
	for _, n := range list {
		for _, r := range n.Recipients {
			switch {
			case r.OfUnit():
				unitIDs = append(unitIDs, r.ID())
			case r.Kind() == domain.KindDeputy:
				deputyIDs = append(deputyIDs, r.ID())
			}
		}
	}
	units, deputies, err := a.Store.Names(ctx, unitIDs, deputyIDs)
	if err != nil {
		return nil, err
	}
	loc := a.Policy.Location()
	pol := a.current(ctx)
	township := pol.Township
	var out []domain.Message
	for _, n := range list {
		recipients := slices.Sorted(slices.Values(n.Recipients))
		seen := map[domain.Recipient]bool{}
		for _, r := range recipients {
			if seen[r] {
				continue
			}
			seen[r] = true
			subject, body, err := notices.Render(n.Kind, n.Data, loc, township)
			if err != nil {
				return nil, err
			}
			hold := n.At
			if !notices.Urgent(n.Kind) {
				hold = a.Policy.QuietUntil(n.At)
			}
			m := domain.Message{
				ID: n.ID + ":" + string(r), NoticeID: n.ID, SuggestionID: n.SuggestionID, MeetingID: n.MeetingID, Kind: n.Kind,
				Recipient: r, Channel: "inbox", Subject: subject,
				Status: domain.MessageQueued, CreatedAt: n.At, HoldUntil: hold,
			}
			if n.Kind == ratingRequest && r.Kind() == domain.KindDeputy && step.Reply != nil && a.PublicURL != "" {
				token, err := ratelink.Mint()
				if err != nil {
					return nil, err
				}
				m.RatingLink = &domain.RatingLink{ID: domain.NewID("rl_"), SuggestionID: n.SuggestionID, DeputyID: r.ID(), Round: step.Reply.Round,
					TokenHash: store.HashToken(token), CreatedAt: n.At, CreatedBy: domain.System.ID,
					ExpiresAt: pol.After(n.At, pol.RatingLinkTime())}
				m.Link = ratelink.URL(a.PublicURL, token)
				body += "\n评价（无需登录，" + m.RatingLink.ExpiresAt.In(loc).Format("1月2日") + "前有效，仅限本人使用一次） / Rate: " + m.Link
			} else if link := a.link(n.SuggestionID); link != "" {
				m.Link = link
				body += "\n查看详情 / Details: " + link
			}
			m.Body = salutation(r, units, deputies, township) + body
			out = append(out, m)
		}
	}
	return out, nil
}

// salutation opens a notice with the recipient's name, as a letter would.
func salutation(r domain.Recipient, units map[string]domain.Unit, deputies map[string]domain.Deputy, township string) string {
	id := r.ID()
	switch r.Kind() {
	case domain.KindPresidium:
		return notices.Presidium(township) + "：\n"
	case domain.KindUnit:
		if u, ok := units[id]; ok && u.Handler != "" {
			return u.Name + " " + u.Handler + "同志：\n"
		} else if ok {
			return u.Name + "：\n"
		}
	case domain.KindUnitLeader:
		if u, ok := units[id]; ok && u.Leader != "" {
			return u.Name + "分管领导 " + u.Leader + "同志：\n"
		} else if ok {
			return u.Name + "分管领导：\n"
		}
	case domain.KindUnitHead:
		if u, ok := units[id]; ok && u.Head != "" {
			return u.Name + " " + u.Head + "同志：\n"
		}
	case domain.KindDeputy:
		if d, ok := deputies[id]; ok {
			return d.Name + "代表：\n"
		}
	}
	return ""
}

// link is the address of a case's page, or empty.
func (a *Activities) link(suggestionID string) string {
	if suggestionID == "" || a.PublicURL == "" {
		return ""
	}
	return a.PublicURL + domain.CaseLinkPath + suggestionID
}

// current is the policy as the settings have it now (the policy file's
// when they cannot be read): notices are signed with its township's name
// and rating links last as long as it says.
func (a *Activities) current(ctx context.Context) policy.Policy {
	values, err := a.Store.PolicyValues(ctx)
	if err != nil {
		slog.Default().Warn("reading the settings failed; using the policy file's", "error", err)
		return a.Policy
	}
	p, err := policy.Apply(a.Policy, values)
	if err != nil {
		return a.Policy
	}
	return p
}

// township is the township's name as the settings have it now.
func (a *Activities) township(ctx context.Context) string { return a.current(ctx).Township }
