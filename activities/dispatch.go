package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"suggestflow/contract"
	"suggestflow/delivery"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/notices"
)

const (
	dispatchBatch    = 50
	dispatchPoll     = 500 * time.Millisecond
	maxAttempts      = 8
	maxBackoff       = 10 * time.Minute
	robotChannelsKey = "notice"
)

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// RunDispatcher delivers the outbox for a while: it polls for messages
// that are due, sends each on the configured channels, and heartbeats, so
// that another worker takes over if this one dies.
func (a *Activities) RunDispatcher(ctx context.Context, d time.Duration) (contract.DispatchResult, error) {
	var total contract.DispatchResult
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		res, err := a.DispatchOnce(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return total, nil
			}
			return total, err
		}
		total.Sent += res.Sent
		total.Failed += res.Failed
		total.Retrying += res.Retrying
		activity.RecordHeartbeat(ctx, total)
		if res.Sent+res.Failed+res.Retrying >= dispatchBatch {
			continue
		}
		select {
		case <-ctx.Done():
			return total, nil
		case <-time.After(dispatchPoll):
		}
	}
	return total, nil
}

// DispatchOnce delivers the messages due now. A message already sent on a
// channel is never sent there again: the delivery record is checked first
// and written right after the send.
func (a *Activities) DispatchOnce(ctx context.Context) (contract.DispatchResult, error) {
	var res contract.DispatchResult
	now := a.now().UTC()
	msgs, err := a.Store.DueMessages(ctx, now, dispatchBatch)
	if err != nil {
		return res, err
	}
	for _, m := range msgs {
		switch status, err := a.deliver(ctx, m, now); {
		case err != nil:
			return res, err
		case status == domain.MessageSent:
			res.Sent++
		case status == domain.MessageFailed:
			res.Failed++
		default:
			res.Retrying++
		}
	}
	return res, nil
}

func isRobot(channel string) bool {
	return channel == "webhook" || channel == "wecom" || channel == "dingtalk"
}

func (a *Activities) deliver(ctx context.Context, m domain.Message, now time.Time) (string, error) {
	addr, err := a.address(ctx, m.Recipient)
	if err != nil {
		return "", err
	}
	env := delivery.Envelope{Message: m, To: addr, Link: m.Link}
	if env.Link == "" {
		// Written before messages kept their link.
		env.Link = a.link(m.SuggestionID)
	}
	if m.MeetingID != "" && (m.Kind == "meeting_notice" || m.Kind == "meeting_reminder") {
		if mt, err := a.Store.Meeting(ctx, m.MeetingID); err == nil {
			env.ICS = notices.MeetingICS(mt)
		}
	}
	pref, err := a.Store.PreferenceOf(ctx, string(m.Recipient))
	if err != nil {
		return "", err
	}
	attempt := m.Attempts + 1
	var transient, permanent []string
	for _, ch := range a.Channels {
		name := ch.Name()
		// A recipient who chose personal channels gets only those; the
		// group robots post every notice whatever anyone chose.
		if pref.Set && !isRobot(name) && !slices.Contains(pref.Channels, name) {
			continue
		}
		// A group robot hears each notice once, not once per recipient;
		// an address that gets one notice twice (a unit as handler and
		// as leader) gets one email.
		key := m.ID
		switch {
		case isRobot(name):
			key = robotChannelsKey + ":" + m.NoticeID
		case name == "email" && addr.Email != "":
			key = m.NoticeID + "|" + strings.ToLower(addr.Email)
		case name == "sms" && addr.Phone != "":
			key = m.NoticeID + "|" + addr.Phone
		}
		done, err := a.Store.Delivered(ctx, key, name)
		if err != nil {
			return "", err
		}
		if done {
			continue
		}
		sendErr := ch.Send(ctx, env)
		if errors.Is(sendErr, delivery.ErrNoAddress) {
			continue
		}
		status := domain.MessageSent
		switch {
		case sendErr == nil:
		case delivery.IsPermanent(sendErr):
			status = domain.MessageFailed
			permanent = append(permanent, name)
		default:
			status = "retrying"
			transient = append(transient, name+": "+sendErr.Error())
		}
		var ev *domain.Event
		if m.SuggestionID != "" {
			params := map[string]string{"as": status, "notice_kind": m.Kind, "channel": name, "recipient": string(m.Recipient),
				"attempt": strconv.Itoa(attempt), "error": errText(sendErr)}
			ev = &domain.Event{ID: fmt.Sprintf("%s-d-%s-%d", m.ID, name, attempt), SuggestionID: m.SuggestionID, MeetingID: m.MeetingID,
				At: now, Actor: domain.System, Type: "delivery", Params: params, Detail: i18n.Event(i18n.Raw, "delivery", params)}
		}
		if err := a.Store.RecordDelivery(ctx, key, m.ID, name, status, errText(sendErr), now, ev); err != nil {
			return "", err
		}
	}
	switch {
	case len(transient) > 0 && attempt < maxAttempts:
		backoff := time.Duration(1<<min(attempt, 20)) * time.Second
		backoff = min(backoff, maxBackoff)
		return "retrying", a.Store.FinishMessage(ctx, m.ID, domain.MessageQueued, strings.Join(transient, "; "), now.Add(backoff), now)
	case len(transient) > 0:
		return domain.MessageFailed, a.Store.FinishMessage(ctx, m.ID, domain.MessageFailed, "gave up: "+strings.Join(transient, "; "), now, now)
	case len(permanent) > 0:
		return domain.MessageFailed, a.Store.FinishMessage(ctx, m.ID, domain.MessageFailed, "failed on "+strings.Join(permanent, ", "), now, now)
	}
	return domain.MessageSent, a.Store.FinishMessage(ctx, m.ID, domain.MessageSent, "", now, now)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// address resolves a recipient key to a name and contact details.
func (a *Activities) address(ctx context.Context, recipient domain.Recipient) (delivery.Address, error) {
	kind, id := recipient.Kind(), recipient.ID()
	switch kind {
	case domain.KindPresidium:
		return delivery.Address{Name: notices.Presidium(a.township(ctx)), Email: a.PresidiumEmail}, nil
	case domain.KindUnit, domain.KindUnitLeader, domain.KindUnitHead:
		units, _, err := a.Store.Names(ctx, []string{id}, nil)
		if err != nil {
			return delivery.Address{}, err
		}
		return unitAddress(kind, units[id]), nil
	case domain.KindDeputy:
		_, deputies, err := a.Store.Names(ctx, nil, []string{id})
		if err != nil {
			return delivery.Address{}, err
		}
		d := deputies[id]
		return delivery.Address{Name: d.Name, Email: d.Email, Phone: d.Phone}, nil
	}
	return delivery.Address{Name: string(recipient)}, nil
}

// unitAddress is whom of a unit a notice goes to: its named handler or its
// leader in charge at their own contacts when the roster has them, else
// the unit's (which are its head's).
func unitAddress(kind string, u domain.Unit) delivery.Address {
	a := delivery.Address{Name: u.Name, Email: u.Email, Phone: u.Phone}
	person, phone, email := "", "", ""
	switch kind {
	case domain.KindUnitHead:
		person = u.Head
	case domain.KindUnitLeader:
		person, phone, email = u.Leader, u.LeaderPhone, u.LeaderEmail
	case domain.KindUnit:
		person, phone, email = u.Handler, u.HandlerPhone, u.HandlerEmail
	}
	if person != "" {
		a.Name = u.Name + " " + person
	}
	if phone != "" || email != "" {
		a.Phone, a.Email = phone, email
	}
	return a
}
