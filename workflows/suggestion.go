package workflows

import (
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/rules"
)

// suggestion is the running state of one case's workflow.
type suggestion struct {
	deadlines
	st        domain.Suggestion
	pol       policy.Policy
	submitted bool
	// The signal channels, and how many signals are being handled: a case
	// continues as new only with none pending.
	meetingCh, calendarCh, mergeCh workflow.ReceiveChannel
	busy                           int
	// merging counts the merged-in signals being handled, which a case
	// finishes before it ends.
	merging int
	// starting are meetings called in the step being taken, whose start
	// is confirmed once the step is stored.
	starting []workflow.ChildWorkflowFuture
	// waiting are meetings called by this run whose workflows start
	// later (startLater).
	waiting []*waitingMeeting
	// shape is what versionRemindInWorkHours recorded for this run: 0
	// until the run decides it (decideReminders), then DefaultVersion, 1
	// or 2.
	shape workflow.Version
}

// versionNoticeInStep: from version 1 on, a meeting's notice is stored with
// the step that calls the meeting, and that step is stored before the
// meeting's workflow is confirmed started. An escalation is then on record
// within the workflow task its deadline fired in, instead of two more
// round trips through the server later.
const versionNoticeInStep = "meeting-notice-in-calling-step"

// waitingMeeting is a called meeting whose workflow has not started.
type waitingMeeting struct {
	id string
	// now asks for the start at once (an action on the meeting, or the
	// run about to end or continue as new).
	now bool
}

// versionRemindInWorkHours: from version 1 on, a reply reminder counted
// in days falls at remind_at on a working day (policy.ReminderAt) instead
// of exactly the offset before the due time's 23:59:59, which the quiet
// hours then held until the next morning; the rating reminder falls on
// the morning of the rating's last day. A run decides when reminders
// are first needed (the assignment, or its start when it continues an
// assigned case), not at intake, whose first workflow task stays free of
// the marker and its search attribute: a running case keeps its
// reminders until it continues as new.
//
// Version 2 also says how the run calls meetings: with their notice in
// the calling step (versionNoticeInStep's version 1, without asking it
// again), and with the meeting's workflow started a minute or two after
// the step (startLater). A burst of deadlines then stores every
// escalation first and starts the meetings after, instead of making the
// later escalations queue behind the earlier ones' meeting starts on the
// embedded server's one database connection (BENCHMARKS.md, "Meetings
// started after their escalation").
const versionRemindInWorkHours = "reminder-in-work-hours"

const (
	shapeRemindInWorkHours workflow.Version = 1
	shapeMeetingsLater     workflow.Version = 2
)

// decideReminders reads (or, the first time, records) how this run times
// its reminders and calls its meetings; a second call in a run answers the
// same.
func (w *suggestion) decideReminders(ctx workflow.Context) {
	w.shape = workflow.GetVersion(ctx, versionRemindInWorkHours, workflow.DefaultVersion, shapeMeetingsLater)
}

// remindInWorkHours: reminders counted in days fall at the policy's
// remind_at on a working day.
func (w *suggestion) remindInWorkHours() bool { return w.shape >= shapeRemindInWorkHours }

// noticeInStep tells whether a meeting's notice goes with the step that
// calls it: known from the run's shape, or else asked of
// versionNoticeInStep (a run decided on older code, or a meeting called
// before the assignment decided the shape).
func (w *suggestion) noticeInStep(ctx workflow.Context) bool {
	if w.shape >= shapeMeetingsLater {
		return true
	}
	return workflow.GetVersion(ctx, versionNoticeInStep, workflow.DefaultVersion, 1) == 1
}

// SuggestionWorkflow owns one suggestion from submission to closing.
func SuggestionWorkflow(ctx workflow.Context, in contract.SuggestionInput) (domain.Suggestion, error) {
	w := &suggestion{pol: in.Policy}
	w.deadlines = deadlines{mu: workflow.NewMutex(ctx), alarms: w.alarms, done: func() *[]string { return &w.st.Done }, persist: w.persist}
	if in.State != nil {
		w.st = *in.State
		w.submitted = true
	} else {
		w.st = NewCase(in.ID, in.Rules)
	}
	if err := w.register(ctx); err != nil {
		return w.st, err
	}
	if w.st.Assignment != nil {
		// A run continued as new after the assignment.
		w.decideReminders(ctx)
	}
	// A case stored by intake starts with its state (cases.Submit); one
	// started before that received its intake with the start
	// (Update-With-Start), and a bare start that never received it ends
	// quietly.
	if ok, err := workflow.AwaitWithTimeout(ctx, time.Hour, func() bool { return w.submitted }); err != nil || !ok {
		return w.st, err
	}
	limit := in.HistoryLimit
	if limit == 0 {
		limit = defaultHistoryLimit
	}
	ctx = activityOptions(ctx)
	for !w.finished(now(ctx)) {
		if err := w.wait(ctx); err != nil {
			return w.st, err
		}
		if err := w.fireDue(ctx); err != nil {
			return w.st, err
		}
		info := workflow.GetInfo(ctx)
		if info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > limit {
			// A waiting meeting is this run's to start.
			w.startNow("")
			if err := workflow.Await(ctx, func() bool {
				return workflow.AllHandlersFinished(ctx) && w.quiet()
			}); err != nil {
				return w.st, err
			}
			st := w.st
			return w.st, workflow.NewContinueAsNewError(ctx, contract.SuggestionWorkflowName, contract.SuggestionInput{ID: w.st.ID, Policy: w.pol, State: &st, HistoryLimit: in.HistoryLimit})
		}
	}
	// A merged-in signal that arrived meanwhile is taken (and passed on,
	// from a merged case) before the case ends: its deputies must not be
	// lost. The other signals have nothing left to change. A meeting
	// called and not started yet starts now: it outlives the case.
	w.startNow("")
	if err := workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && w.merging == 0 && w.mergeCh.Len() == 0 && w.meetingsStarted()
	}); err != nil {
		return w.st, err
	}
	return w.st, nil
}

// quiet: no signal waits to be taken and none is being handled, so the
// case may continue as new.
func (w *suggestion) quiet() bool {
	return w.busy == 0 && w.meetingCh.Len() == 0 && w.calendarCh.Len() == 0 && w.mergeCh.Len() == 0 && w.meetingsStarted()
}

// finished: returned and merged cases end at once, referred ones with
// the higher body's answer; closed ones once no co-signer can still rate
// the last reply.
func (w *suggestion) finished(t time.Time) bool {
	switch w.st.Status {
	case domain.StatusReturned, domain.StatusMerged:
		return true
	case domain.StatusReferred:
		return w.st.Referral != nil && w.st.Referral.Answer != nil
	case domain.StatusClosed:
		if w.st.RatingDueAt == nil || !t.Before(*w.st.RatingDueAt) {
			return true
		}
		return len(w.pendingRaters()) == 0
	}
	return false
}

// pendingRaters are the signers who have not rated the current reply.
func (w *suggestion) pendingRaters() []string {
	if w.st.Reply == nil {
		return nil
	}
	var out []string
	for _, id := range w.signers() {
		if !rules.HasRated(w.st, id, w.st.Reply.Round) {
			out = append(out, id)
		}
	}
	return out
}

func (w *suggestion) signers() []string { return rules.Signers(w.st) }

func (w *suggestion) nextID(prefix string) string { return nextID(&w.st, prefix) }

// nextID is the id of a case's next event or notice: ids follow the
// case's sequence, so a step written twice writes the same rows.
func nextID(st *domain.Suggestion, prefix string) string {
	st.Seq++
	return fmt.Sprintf("%s-%s%d", st.ID, prefix, st.Seq)
}

func (w *suggestion) event(ctx workflow.Context, step *domain.Step, actor domain.Actor, typ string, p params) {
	addEvent(&w.st, step, now(ctx), actor, typ, p)
}

func addEvent(st *domain.Suggestion, step *domain.Step, at time.Time, actor domain.Actor, typ string, p params) {
	step.Events = append(step.Events, newEvent(nextID(st, "e"), st.ID, at, actor, typ, p))
}

func (w *suggestion) notice(ctx workflow.Context, step *domain.Step, kind string, data map[string]string, recipients ...domain.Recipient) {
	addNotice(&w.st, step, now(ctx), kind, data, recipients...)
}

func addNotice(st *domain.Suggestion, step *domain.Step, at time.Time, kind string, data map[string]string, recipients ...domain.Recipient) {
	if data == nil {
		data = map[string]string{}
	}
	data["number"] = st.Number
	data["title"] = st.Title
	if st.DueAt != nil {
		if _, ok := data["due_at"]; !ok {
			data["due_at"] = rfc(*st.DueAt)
		}
	}
	step.Notices = append(step.Notices, domain.Notice{
		ID: nextID(st, "n"), Kind: kind, SuggestionID: st.ID, Recipients: recipients, Data: data, At: at,
	})
}

// persistOrLog persists a step taken on a signal, which has nobody to
// answer: persist retries until the database takes the write, so an error
// here is the workflow being cancelled, and the log says so.
func (w *suggestion) persistOrLog(ctx workflow.Context, step *domain.Step) {
	if err := w.persist(ctx, step); err != nil {
		workflow.GetLogger(ctx).Warn("a signalled step was not stored", "suggestion", w.st.ID, "error", err)
	}
}

// persist writes a step with the state after it; it retries until the
// database takes it, so nothing accepted is lost.
func (w *suggestion) persist(ctx workflow.Context, step *domain.Step) error {
	w.version++
	st := w.st
	step.Suggestion = &st
	if err := workflow.ExecuteLocalActivity(persistOptions(ctx), contract.ActivityRecord, *step).Get(ctx, nil); err != nil {
		return fmt.Errorf("record step of %s: %w", w.st.ID, err)
	}
	starting := w.starting
	w.starting = nil
	for _, child := range starting {
		if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return fmt.Errorf("start a meeting of %s: %w", w.st.ID, err)
		}
	}
	return nil
}

func (w *suggestion) unitRecipients(withLeader bool) []domain.Recipient {
	if w.st.Assignment == nil {
		return nil
	}
	out := []domain.Recipient{domain.RecipientUnit(w.st.Assignment.LeadUnitID)}
	if withLeader {
		out = append(out, domain.RecipientUnitLeader(w.st.Assignment.LeadUnitID))
	}
	return out
}

func (w *suggestion) deputyRecipients() []domain.Recipient {
	var out []domain.Recipient
	for _, id := range w.signers() {
		out = append(out, domain.RecipientDeputy(id))
	}
	return out
}

// startRound opens a handling round with its due time.
func (w *suggestion) startRound(ctx workflow.Context, step *domain.Step, within policy.Duration) {
	t := now(ctx)
	w.st.Round++
	w.st.RoundStartedAt = t
	due := w.pol.Due(t, within)
	w.st.DueAt = &due.At
	first := due.At
	w.st.FirstDueAt = &first
	w.st.DueExplanation, w.st.DueBasis = due.Explanation, &due.Basis
	w.st.Consulted = false
	w.st.PendingExtension = nil
	progress := w.pol.Due(t, w.pol.ProgressReportEvery).At
	w.st.ProgressDueAt = &progress
	step.Round = &domain.Round{ID: w.nextID("r"), Number: w.st.Round, StartedAt: t, DueAt: due.At}
}

// callMeeting starts an escalation meeting as its own workflow. It outlives
// this one if need be, and reports back by signal.
func (w *suggestion) callMeeting(ctx workflow.Context, step *domain.Step, actor domain.Actor, reason string, at time.Time, place, agenda string) (domain.Meeting, error) {
	t := now(ctx)
	if place == "" {
		place = w.pol.MeetingPlace
	}
	if agenda == "" {
		agenda = defaultAgenda(reason)
	}
	m := domain.Meeting{MeetingView: domain.MeetingView{
		ID: fmt.Sprintf("%s-m%d", w.st.ID, len(w.st.Meetings)+1), SuggestionID: w.st.ID,
		Number: w.st.Number, Title: w.st.Title, Reason: reason, CalledAt: t, ScheduledAt: at,
		Place: place, Agenda: agenda, UnitID: w.st.LeadUnitID(), DeputyIDs: w.signers(), Status: domain.MeetingScheduled,
	}}
	m.Attendees = append([]domain.Recipient{domain.RecipientPresidium}, w.deputyRecipients()...)
	if m.UnitID != "" {
		m.Attendees = append(m.Attendees, domain.RecipientUnitHead(m.UnitID))
	}
	w.st.Escalated = true
	w.st.Meetings = append(w.st.Meetings, domain.MeetingRef{ID: m.ID, Reason: reason, ScheduledAt: at, Status: domain.MeetingScheduled})
	w.event(ctx, step, actor, "meeting_called", params{"meeting": m.ID, "meeting_reason": reason, "scheduled_at": rfc(at)})
	inStep := w.noticeInStep(ctx)
	if inStep {
		// The notice, with the ids the meeting's own workflow would give it;
		// that workflow sees NoticeSentAt and does not send it again.
		mw := &meeting{m: m, pol: w.pol}
		mw.noticeNow(ctx, step)
		m = mw.m
	}
	// The meeting's row is written with this step, so it exists as soon as
	// the action that called it answers; the meeting's own steps follow.
	step.Meeting = &m
	if w.shape >= shapeMeetingsLater {
		w.startLater(ctx, contract.MeetingInput{Meeting: m, Policy: w.pol})
		return m, nil
	}
	child := workflow.ExecuteChildWorkflow(meetingOptions(ctx, m.ID), contract.MeetingWorkflowName, contract.MeetingInput{Meeting: m, Policy: w.pol})
	if inStep {
		w.starting = append(w.starting, child)
		return m, nil
	}
	if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		return m, fmt.Errorf("start meeting %s: %w", m.ID, err)
	}
	return m, nil
}

func meetingOptions(ctx workflow.Context, id string) workflow.Context {
	return workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        id,
		TaskQueue:         workflow.GetInfo(ctx).TaskQueueName,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
}

// meetingStartSpread: a called meeting's workflow starts between one and
// two spreads after the call. The meeting is on record already (its row
// and notice go with the step); its workflow has nothing to do before its
// reminder, days later with the default policy, or an action on it, which
// starts it at once.
const meetingStartSpread = time.Minute

// startLater starts a called meeting's workflow a minute or two from now,
// spread by the meeting's id so that the meetings of one burst of
// deadlines do not start together either; at once when the meeting's
// reminder falls sooner, or when asked (startNow).
func (w *suggestion) startLater(ctx workflow.Context, in contract.MeetingInput) {
	wm := &waitingMeeting{id: in.Meeting.ID}
	w.waiting = append(w.waiting, wm)
	delay := meetingStartSpread + time.Duration(crc32.ChecksumIEEE([]byte(wm.id))%uint32(meetingStartSpread/time.Millisecond))*time.Millisecond
	if remind := w.pol.Before(in.Meeting.ScheduledAt, w.pol.MeetingRemindBefore).Sub(now(ctx)); remind < delay {
		delay = remind
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		if delay > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, delay, func() bool { return wm.now }); err != nil {
				return // the case's workflow is being cancelled
			}
		}
		if err := workflow.ExecuteChildWorkflow(meetingOptions(ctx, wm.id), contract.MeetingWorkflowName, in).GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("a meeting's workflow did not start", "meeting", wm.id, "error", err)
		}
		w.waiting = slices.DeleteFunc(w.waiting, func(x *waitingMeeting) bool { return x == wm })
	})
}

// startNow asks for a waiting meeting's start at once, or every one's
// for the id ""; meetingsStarted tells when none waits.
func (w *suggestion) startNow(id string) {
	for _, wm := range w.waiting {
		if id == "" || wm.id == id {
			wm.now = true
		}
	}
}

func (w *suggestion) meetingsStarted() bool { return len(w.waiting) == 0 }

func defaultAgenda(reason string) string {
	switch reason {
	case "overdue":
		return "承办单位负责人当面说明建议逾期未答复的原因及办理计划，并接受代表询问。"
	case "unsatisfied":
		return "承办单位负责人就代表不满意的办理结果当面答复，并接受代表询问。"
	}
	return "承办单位负责人当面答复代表建议办理情况，并接受代表询问。"
}

// autoMeetingAt is when an automatically called meeting is held: within
// meeting_within of the trigger, but never before its notice can be out.
func (w *suggestion) autoMeetingAt(t time.Time) time.Time {
	at := w.pol.Due(t, w.pol.MeetingWithin).At
	if !w.pol.MeetingWithin.HasClock() {
		// A day-counted meeting is held at 09:00 on its last day.
		loc := w.pol.Location()
		d := at.In(loc)
		at = time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc).UTC()
	}
	floor := t.Add(time.Minute)
	if at.Before(floor) {
		at = floor
	}
	return at
}

func (w *suggestion) escalate(ctx workflow.Context, step *domain.Step, reason string) error {
	at := w.autoMeetingAt(now(ctx))
	_, err := w.callMeeting(ctx, step, domain.System, reason, at, "", "")
	return err
}

// alarms lists every timed step the current state waits for.
func (w *suggestion) alarms() []alarm {
	s := &w.st
	var out []alarm
	add := func(key string, at time.Time, run func(ctx workflow.Context, step *domain.Step)) {
		out = append(out, alarm{key: key, at: at, run: run})
	}
	switch s.Status {
	case domain.StatusSubmitted:
		add("review-due", s.ReviewDueAt, func(ctx workflow.Context, step *domain.Step) {
			w.event(ctx, step, domain.System, "review_overdue", nil)
			w.notice(ctx, step, "review_due", map[string]string{"due_at": rfc(s.ReviewDueAt)}, domain.RecipientPresidium)
		})
	case domain.StatusHandling, domain.StatusRehandling:
		due := *s.DueAt
		round := s.Round
		for _, off := range w.pol.RemindBeforeDue {
			at := w.pol.Before(due, off)
			if w.remindInWorkHours() {
				at = w.pol.ReminderAt(due, off)
			}
			if !at.After(s.RoundStartedAt) {
				continue
			}
			off := off
			add(fmt.Sprintf("remind-r%d-%s-%d", round, off, due.Unix()), at, func(ctx workflow.Context, step *domain.Step) {
				w.event(ctx, step, domain.System, "reminder", params{"due_at": rfc(due), "ahead": off.String()})
				w.notice(ctx, step, "reminder_due", map[string]string{"ahead": off.String()}, w.unitRecipients(true)...)
			})
		}
		overdueKey := fmt.Sprintf("overdue-r%d", round)
		if !slices.Contains(s.Done, overdueKey) {
			add(fmt.Sprintf("due-r%d-%d", round, due.Unix()), due, func(ctx workflow.Context, step *domain.Step) {
				s.Done = append(s.Done, overdueKey)
				s.Overdue = true
				w.event(ctx, step, domain.System, "overdue", params{"round": strconv.Itoa(round), "due_at": rfc(due)})
				w.notice(ctx, step, "overdue", nil, append([]domain.Recipient{domain.RecipientPresidium}, w.unitRecipients(true)...)...)
				step.Round = &domain.Round{Number: round, Overdue: true}
				if err := w.escalate(ctx, step, "overdue"); err != nil {
					w.event(ctx, step, domain.System, "error", params{"error": err.Error()})
				}
			})
		}
		if round == 1 && s.Assignment != nil {
			var missing []string
			for _, u := range s.Assignment.CoUnitIDs {
				if !slices.Contains(s.CoOpinionUnits, u) {
					missing = append(missing, u)
				}
			}
			if len(missing) > 0 {
				at := w.pol.Due(s.Assignment.AssignedAt, w.pol.CoOpinionWithin).At
				add("co-opinion-due", at, func(ctx workflow.Context, step *domain.Step) {
					w.event(ctx, step, domain.System, "co_opinion_overdue", params{"unit_ids": strings.Join(missing, ", ")})
					var to []domain.Recipient
					for _, u := range missing {
						to = append(to, domain.RecipientUnit(u))
					}
					w.notice(ctx, step, "co_opinion_due", map[string]string{"due_at": rfc(at)}, to...)
				})
			}
		}
		w.progressAlarms(add)
	case domain.StatusFollowingUp:
		w.progressAlarms(add)
		if s.Reply != nil && s.Reply.PromisedAt != nil {
			promised := *s.Reply.PromisedAt
			add(fmt.Sprintf("promise-%d", promised.Unix()), promised, func(ctx workflow.Context, step *domain.Step) {
				w.event(ctx, step, domain.System, "promise_due", nil)
				w.notice(ctx, step, "promise_due", map[string]string{"due_at": rfc(promised)},
					append([]domain.Recipient{domain.RecipientPresidium}, w.unitRecipients(true)...)...)
			})
		}
	case domain.StatusReplied:
		if s.RatingDueAt != nil {
			round := s.Reply.Round
			ratingDue := *s.RatingDueAt
			remindAt := ratingDue
			if w.remindInWorkHours() && !w.pol.EvaluationWithin.HasClock() {
				// On the last day's morning, not at its 23:59:59 (a
				// window in hours or minutes keeps its exact end).
				remindAt = w.pol.WorkingMorningOf(ratingDue)
			}
			add(fmt.Sprintf("rating-remind-r%d", round), remindAt, func(ctx workflow.Context, step *domain.Step) {
				w.event(ctx, step, domain.System, "rating_reminder", nil)
				var to []domain.Recipient
				for _, id := range w.pendingRaters() {
					to = append(to, domain.RecipientDeputy(id))
				}
				w.notice(ctx, step, "rating_reminder", map[string]string{"due_at": rfc(ratingDue)}, to...)
			})
			closeAt := w.pol.Due(ratingDue, w.pol.EvaluationGrace).At
			add(fmt.Sprintf("rating-close-r%d", round), closeAt, func(ctx workflow.Context, step *domain.Step) {
				t := now(ctx)
				s.Status = domain.StatusClosed
				s.ClosedAt = &t
				s.ClosedAs = domain.ClosedNoFeedback
				s.RatingDueAt = &t
				w.event(ctx, step, domain.System, "closed", params{"as": domain.ClosedNoFeedback})
				w.notice(ctx, step, "closed_no_feedback", nil, append([]domain.Recipient{domain.RecipientPresidium}, w.unitRecipients(false)...)...)
			})
		}
	case domain.StatusClosed:
		if s.RatingDueAt != nil {
			add("rating-window-closed", *s.RatingDueAt, func(ctx workflow.Context, step *domain.Step) {})
		}
	case domain.StatusReferred:
		w.referralAlarms(add)
	}
	return out
}

func (w *suggestion) progressAlarms(add func(string, time.Time, func(workflow.Context, *domain.Step))) {
	s := &w.st
	if s.ProgressDueAt == nil {
		return
	}
	due := *s.ProgressDueAt
	add(fmt.Sprintf("progress-remind-%d", due.Unix()), due, func(ctx workflow.Context, step *domain.Step) {
		w.event(ctx, step, domain.System, "progress_reminder", nil)
		w.notice(ctx, step, "progress_reminder", map[string]string{"due_at": rfc(due)}, w.unitRecipients(false)...)
	})
	missedAt := w.pol.Due(due, w.pol.ProgressReportGrace).At
	add(fmt.Sprintf("progress-missed-%d", due.Unix()), missedAt, func(ctx workflow.Context, step *domain.Step) {
		s.ProgressMissed++
		next := w.pol.Due(due, w.pol.ProgressReportEvery).At
		s.ProgressDueAt = &next
		w.event(ctx, step, domain.System, "progress_missed", params{"due_at": rfc(due)})
		w.notice(ctx, step, "progress_missed", map[string]string{"due_at": rfc(due)},
			append([]domain.Recipient{domain.RecipientPresidium}, w.unitRecipients(true)...)...)
	})
}
