package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/rules"
)

// meeting is the running state of one escalation meeting: scheduled,
// notified, reminded, held and minuted.
type meeting struct {
	deadlines
	m   domain.Meeting
	pol policy.Policy
}

// MeetingWorkflow runs one escalation meeting (约见) and reports its outcome
// to the suggestion it belongs to.
func MeetingWorkflow(ctx workflow.Context, in contract.MeetingInput) (domain.Meeting, error) {
	w := &meeting{m: in.Meeting, pol: in.Policy}
	w.deadlines = deadlines{mu: workflow.NewMutex(ctx), alarms: w.alarms, done: func() *[]string { return &w.m.Done }, persist: w.persist}
	if err := workflow.SetQueryHandler(ctx, contract.QueryState, func() (domain.Meeting, error) { return w.m, nil }); err != nil {
		return w.m, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateMinutes, w.minutes,
		workflow.UpdateHandlerOptions{Validator: w.checkMinutes}); err != nil {
		return w.m, err
	}
	ctx = activityOptions(ctx)
	if err := w.mu.Lock(ctx); err != nil {
		return w.m, err
	}
	// The notice goes out at once, unless the suggestion already sent it
	// with the step that called the meeting.
	if w.m.NoticeSentAt == nil {
		step := &domain.Step{}
		w.noticeNow(ctx, step)
		if err := w.persist(ctx, step); err != nil {
			w.mu.Unlock()
			return w.m, err
		}
	}
	w.mu.Unlock()
	for w.m.Status != domain.MeetingHeld {
		if err := w.wait(ctx); err != nil {
			return w.m, err
		}
		if err := w.fireDue(ctx); err != nil {
			return w.m, err
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return w.m, err
	}
	held := contract.MeetingHeld{MeetingID: w.m.ID, Outcome: w.m.Outcome}
	if w.m.HeldAt != nil {
		held.HeldAt = *w.m.HeldAt
	}
	// The suggestion may have closed meanwhile; the meeting's own record
	// already holds the outcome, so a failed signal loses nothing.
	if err := workflow.SignalExternalWorkflow(ctx, w.m.SuggestionID, "", contract.SignalMeetingHeld, held).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Info("the suggestion did not take the meeting's outcome", "meeting", w.m.ID, "error", err)
	}
	return w.m, nil
}

// noticeNow sends the meeting's notice: the meeting is set at least
// meeting_notice_ahead away, so everyone has that much warning.
func (w *meeting) noticeNow(ctx workflow.Context, step *domain.Step) {
	t := now(ctx)
	w.m.NoticeSentAt = &t
	w.event(ctx, step, "meeting_notice", params{"scheduled_at": rfc(w.m.ScheduledAt), "place": w.m.Place})
	w.notice(ctx, step, "meeting_notice")
}

func (w *meeting) alarms() []alarm {
	if w.m.Status == domain.MeetingHeld {
		return nil
	}
	var out []alarm
	remindAt := w.pol.Before(w.m.ScheduledAt, w.pol.MeetingRemindBefore)
	if w.m.NoticeSentAt != nil && remindAt.After(*w.m.NoticeSentAt) {
		out = append(out, alarm{key: "remind", at: remindAt, run: func(ctx workflow.Context, step *domain.Step) {
			w.event(ctx, step, "meeting_reminder", nil)
			w.notice(ctx, step, "meeting_reminder")
		}})
	}
	minutesDue := w.pol.After(w.m.ScheduledAt, w.pol.MeetingRemindBefore)
	out = append(out, alarm{key: "minutes-due", at: minutesDue, run: func(ctx workflow.Context, step *domain.Step) {
		w.event(ctx, step, "minutes_due", nil)
		step.Notices = append(step.Notices, domain.Notice{ID: w.nextID("n"), Kind: "minutes_due", SuggestionID: w.m.SuggestionID,
			MeetingID: w.m.ID, Recipients: []domain.Recipient{domain.RecipientPresidium}, Data: w.data(), At: now(ctx)})
	}})
	return out
}

func (w *meeting) checkMinutes(_ workflow.Context, _ domain.MinutesInput) error {
	return refused(rules.CheckMinutes(w.m))
}

func (w *meeting) minutes(ctx workflow.Context, in domain.MinutesInput) (domain.Meeting, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return w.m, err
	}
	defer w.mu.Unlock()
	if err := w.checkMinutes(ctx, in); err != nil {
		return w.m, err
	}
	ctx = activityOptions(ctx)
	t := now(ctx)
	w.m.Status = domain.MeetingHeld
	w.m.HeldAt = &t
	w.m.Minutes = in.Content
	w.m.Outcome = in.Outcome
	step := &domain.Step{}
	w.eventBy(ctx, step, in.Actor, "minutes", params{"outcome": in.Outcome})
	w.notice(ctx, step, "minutes_recorded")
	if err := w.persist(ctx, step); err != nil {
		return w.m, err
	}
	return w.m, nil
}

func (w *meeting) nextID(prefix string) string {
	w.m.Seq++
	return fmt.Sprintf("%s-%s%d", w.m.ID, prefix, w.m.Seq)
}

func (w *meeting) event(ctx workflow.Context, step *domain.Step, typ string, p params) {
	w.eventBy(ctx, step, domain.System, typ, p)
}

func (w *meeting) eventBy(ctx workflow.Context, step *domain.Step, actor domain.Actor, typ string, p params) {
	e := newEvent(w.nextID("e"), w.m.SuggestionID, now(ctx), actor, typ, p)
	e.MeetingID = w.m.ID
	step.Events = append(step.Events, e)
}

func (w *meeting) data() map[string]string {
	return map[string]string{"number": w.m.Number, "title": w.m.Title, "scheduled_at": rfc(w.m.ScheduledAt),
		"place": w.m.Place, "agenda": w.m.Agenda, "reason": w.m.Reason, "outcome": w.m.Outcome}
}

func (w *meeting) notice(ctx workflow.Context, step *domain.Step, kind string) {
	step.Notices = append(step.Notices, domain.Notice{ID: w.nextID("n"), Kind: kind, SuggestionID: w.m.SuggestionID,
		MeetingID: w.m.ID, Recipients: w.m.Attendees, Data: w.data(), At: now(ctx)})
}

func (w *meeting) persist(ctx workflow.Context, step *domain.Step) error {
	w.version++
	m := w.m
	step.Meeting = &m
	if err := workflow.ExecuteLocalActivity(persistOptions(ctx), contract.ActivityRecord, *step).Get(ctx, nil); err != nil {
		return fmt.Errorf("record step of meeting %s: %w", w.m.ID, err)
	}
	return nil
}
