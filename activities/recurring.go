package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"suggestflow/board"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/duties"
	"suggestflow/evaluation"
	"suggestflow/notices"
	"suggestflow/period"
	"suggestflow/rules"
	"suggestflow/store"
	"suggestflow/supervision"
)

// unitHearing is one unit's part of a progress hearing.
type unitHearing struct {
	UnitID   string   `json:"unit_id"`
	Unit     string   `json:"unit"`
	Open     []string `json:"open"`
	Overdue  []string `json:"overdue"`
	Reported []string `json:"reported"`
	Missing  []string `json:"missing"`
}

// RunCadence does one round of the presidium's recurring work at the time
// its schedule fired. Its report id is kind and period, so a retry or a
// second run replaces the report and queues no notice twice.
func (a *Activities) RunCadence(ctx context.Context, kind string, at time.Time) (contract.CadenceResult, error) {
	loc := a.Policy.Location()
	var (
		p    period.Range
		body any
		msgs []noticeSpec
		err  error
	)
	switch kind {
	case contract.CadenceProgressHearing:
		p = period.Range{Label: period.Month(at, loc).Label, From: at.AddDate(0, -2, 0), To: at}
		body, msgs, err = a.progressHearing(ctx, p, at)
	case contract.CadenceSiteInspection:
		p = period.Previous(period.Quarter, at, loc)
		body, msgs, err = a.siteInspection(ctx, p, at)
	case contract.CadenceGroupMeetings:
		// The period the groups meet in (group_meeting_every), a quarter
		// by default; a policy that passed Validate always has one.
		of := period.OfMonths(a.Policy.GroupMeetingMonths())
		if of == nil {
			of = period.Quarter
		}
		p = of(at, loc)
		body, msgs, err = a.groupMeetings(ctx, p, at)
	case contract.CadenceUnitEvaluation:
		p = period.Previous(period.Quarter, at, loc)
		body, msgs, err = a.unitEvaluation(ctx, p, at)
	case contract.CadencePublicBoard:
		p = period.Previous(period.Half, at, loc)
		body, msgs, err = a.publicBoard(ctx, p)
	case contract.CadenceYearlyRanking:
		p = period.Previous(period.Year, at, loc)
		body, msgs, err = a.yearlyRanking(ctx, p)
	case contract.CadenceVisitCheck:
		p = period.Previous(period.Month, at, loc)
		body, msgs, err = a.visitCheck(ctx, p)
	case contract.CadenceCommendation:
		p = period.Previous(period.Year, at, loc)
		body, msgs, err = a.commendation(ctx, p)
	default:
		return contract.CadenceResult{}, fmt.Errorf("unknown cadence %q", kind)
	}
	if err != nil {
		return contract.CadenceResult{}, fmt.Errorf("%s %s: %w", kind, p.Label, err)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return contract.CadenceResult{}, fmt.Errorf("%s report: %w", kind, err)
	}
	id := kind + "-" + p.Label
	var messages []domain.Message
	township := a.township(ctx)
	for i, n := range msgs {
		subject, text, err := notices.Render(n.kind, n.data, loc, township)
		if err != nil {
			return contract.CadenceResult{}, err
		}
		messages = append(messages, domain.Message{ID: fmt.Sprintf("%s-n%d:%s", id, i+1, n.to), NoticeID: fmt.Sprintf("%s-n%d", id, i+1),
			Kind: n.kind, Recipient: n.to, Channel: "inbox", Subject: subject, Body: text, Status: domain.MessageQueued, CreatedAt: at,
			HoldUntil: a.Policy.QuietUntil(at)})
	}
	if err := a.Store.SaveReport(ctx, store.Report{ID: id, Kind: kind, Period: p.Label, Body: raw, CreatedAt: at}, messages); err != nil {
		return contract.CadenceResult{}, err
	}
	return contract.CadenceResult{Kind: kind, Period: p.Label, ReportID: id, Notices: len(messages)}, nil
}

type noticeSpec struct {
	kind string
	to   domain.Recipient
	data map[string]string
}

// meetingTime is when a cadence meeting is held: a week after the run, at
// nine in the morning.
func (a *Activities) meetingTime(at time.Time) string {
	loc := a.Policy.Location()
	d := at.In(loc).AddDate(0, 0, 7)
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc).UTC().Format(time.RFC3339)
}

func (a *Activities) progressHearing(ctx context.Context, p period.Range, at time.Time) (any, []noticeSpec, error) {
	cases, err := a.Store.OpenCases(ctx)
	if err != nil {
		return nil, nil, err
	}
	reports, err := a.Store.ProgressReportCounts(ctx, store.Period(p))
	if err != nil {
		return nil, nil, err
	}
	units, err := a.Store.AllUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	byUnit := map[string]*unitHearing{}
	var order []string
	for _, u := range units {
		byUnit[u.ID] = &unitHearing{UnitID: u.ID, Unit: u.Name, Open: []string{}, Overdue: []string{}, Reported: []string{}, Missing: []string{}}
		order = append(order, u.ID)
	}
	for _, sg := range cases {
		h := byUnit[sg.LeadUnitID()]
		if h == nil {
			continue
		}
		h.Open = append(h.Open, sg.Number)
		if sg.Overdue {
			h.Overdue = append(h.Overdue, sg.Number)
		}
		if sg.Status == domain.StatusReplied {
			continue
		}
		if reports[sg.ID] > 0 {
			h.Reported = append(h.Reported, sg.Number)
		} else {
			h.Missing = append(h.Missing, sg.Number)
		}
	}
	var out []unitHearing
	var msgs []noticeSpec
	when := a.meetingTime(at)
	for _, id := range order {
		h := byUnit[id]
		if len(h.Open) == 0 {
			continue
		}
		out = append(out, *h)
		msgs = append(msgs, noticeSpec{kind: "progress_hearing", to: domain.RecipientUnitHead(id), data: map[string]string{
			"period": p.Label, "scheduled_at": when, "place": a.Policy.MeetingPlace,
			"open": strconv.Itoa(len(h.Open)), "overdue": strconv.Itoa(len(h.Overdue)), "missing": strconv.Itoa(len(h.Missing))}})
	}
	if out == nil {
		out = []unitHearing{}
	}
	return map[string]any{"scheduled_at": when, "units": out}, msgs, nil
}

func (a *Activities) siteInspection(ctx context.Context, p period.Range, at time.Time) (any, []noticeSpec, error) {
	cases, err := a.Store.OpenCases(ctx)
	if err != nil {
		return nil, nil, err
	}
	type pick struct {
		Number string `json:"number"`
		Title  string `json:"title"`
		UnitID string `json:"unit_id"`
		Why    string `json:"why"`
	}
	var picks []pick
	recipients := map[domain.Recipient]bool{domain.RecipientPresidium: true, "government": true}
	for _, sg := range cases {
		why := ""
		switch {
		case sg.Overdue:
			why = "overdue"
		case sg.Unsatisfied > 0:
			why = "unsatisfied"
		case sg.Status == domain.StatusFollowingUp:
			why = "promise"
		}
		if why == "" {
			continue
		}
		picks = append(picks, pick{Number: sg.Number, Title: sg.Title, UnitID: sg.LeadUnitID(), Why: why})
		recipients[domain.RecipientUnitHead(sg.LeadUnitID())] = true
		for _, d := range rules.Signers(sg) {
			recipients[domain.RecipientDeputy(d)] = true
		}
	}
	if len(picks) == 0 {
		return map[string]any{"cases": []pick{}}, nil, nil
	}
	var items []string
	for _, pk := range picks {
		items = append(items, pk.Number+"《"+pk.Title+"》")
	}
	when := a.meetingTime(at)
	var msgs []noticeSpec
	for _, to := range slices.Sorted(maps.Keys(recipients)) {
		msgs = append(msgs, noticeSpec{kind: "site_inspection", to: to, data: map[string]string{"period": p.Label,
			"scheduled_at": when, "cases": strconv.Itoa(len(picks)), "items": strings.Join(items, "、")}})
	}
	return map[string]any{"scheduled_at": when, "cases": picks}, msgs, nil
}

func (a *Activities) groupMeetings(ctx context.Context, p period.Range, at time.Time) (any, []noticeSpec, error) {
	_, deputies, err := a.Store.VisitCounts(ctx, store.Period(p))
	if err != nil {
		return nil, nil, err
	}
	groups := map[string][]string{}
	when := a.meetingTime(at)
	var msgs []noticeSpec
	for _, d := range deputies {
		groups[d.Group] = append(groups[d.Group], d.ID)
		msgs = append(msgs, noticeSpec{kind: "group_meeting", to: domain.RecipientDeputy(d.ID), data: map[string]string{"period": p.Label,
			"scheduled_at": when, "span": groupSpan[a.Policy.GroupMeetingMonths()]}})
	}
	return map[string]any{"scheduled_at": when, "groups": groups}, msgs, nil
}

func (a *Activities) unitEvaluation(ctx context.Context, p period.Range, at time.Time) (any, []noticeSpec, error) {
	scores, err := supervision.EvaluateQuarter(ctx, a.Store, a.Policy.Evaluation, p, at)
	if err != nil {
		return nil, nil, err
	}
	if len(scores) == 0 {
		return map[string]any{"scores": []evaluation.Score{}}, nil, nil
	}
	best, worst := scores[0].Total, scores[0].Total
	for _, s := range scores {
		best, worst = max(best, s.Total), min(worst, s.Total)
	}
	return map[string]any{"scores": scores}, []noticeSpec{{kind: "evaluation_published", to: domain.RecipientPresidium, data: map[string]string{
		"period": p.Label, "units": strconv.Itoa(len(scores)), "best": fmt.Sprint(best), "worst": fmt.Sprint(worst)}}}, nil
}

func (a *Activities) publicBoard(ctx context.Context, p period.Range) (any, []noticeSpec, error) {
	entries, err := board.Entries(ctx, a.Store, store.Period(p))
	if err != nil {
		return nil, nil, err
	}
	return map[string]any{"period": p.Label, "items": entries}, []noticeSpec{{kind: "board_published", to: domain.RecipientPresidium,
		data: map[string]string{"period": p.Label, "items": strconv.Itoa(len(entries)), "link": "/board?period=" + p.Label}}}, nil
}

func (a *Activities) yearlyRanking(ctx context.Context, y period.Range) (any, []noticeSpec, error) {
	ranking, err := supervision.RankYear(ctx, a.Store, a.Policy.Evaluation, y)
	if err != nil {
		return nil, nil, err
	}
	names := func(list []evaluation.Ranked) string {
		var out []string
		for _, r := range list {
			out = append(out, r.Head)
		}
		return strings.Join(out, "、")
	}
	units, err := a.Store.AllUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	var msgs []noticeSpec
	data := map[string]string{"period": y.Label, "best": names(ranking.Best), "worst": names(ranking.Worst)}
	msgs = append(msgs, noticeSpec{kind: "ranking_published", to: domain.RecipientPresidium, data: data})
	for _, u := range units {
		msgs = append(msgs, noticeSpec{kind: "ranking_published", to: domain.RecipientUnitHead(u.ID), data: data})
	}
	return ranking, msgs, nil
}

func (a *Activities) visitCheck(ctx context.Context, m period.Range) (any, []noticeSpec, error) {
	counts, deputies, err := a.Store.VisitCounts(ctx, store.Period(m))
	if err != nil {
		return nil, nil, err
	}
	type below struct {
		DeputyID string `json:"deputy_id"`
		Visits   int    `json:"visits"`
	}
	out := []below{}
	var msgs []noticeSpec
	for _, d := range deputies {
		if n := counts[d.ID]; n < a.Policy.VisitsPerMonth {
			out = append(out, below{DeputyID: d.ID, Visits: n})
			msgs = append(msgs, noticeSpec{kind: "visit_reminder", to: domain.RecipientDeputy(d.ID), data: map[string]string{
				"period": m.Label, "visits": strconv.Itoa(n), "minimum": strconv.Itoa(a.Policy.VisitsPerMonth)}})
		}
	}
	return map[string]any{"below_minimum": out}, msgs, nil
}

// groupSpan names the period the deputy groups meet in, as the notice
// says it.
var groupSpan = map[int]string{1: "本月", 3: "本季度", 6: "本半年", 12: "本年度"}

// commendation scores last year's duties and tells the presidium whom the
// rule picks for commendation; the report holds every score with its parts.
func (a *Activities) commendation(ctx context.Context, y period.Range) (any, []noticeSpec, error) {
	c, err := supervision.Commend(ctx, a.Store, a.Policy, y)
	if err != nil {
		return nil, nil, err
	}
	names := func(list []duties.Scored) string {
		if len(list) == 0 {
			return "无"
		}
		out := make([]string, 0, len(list))
		for _, s := range list {
			out = append(out, s.Name)
		}
		return strings.Join(out, "、")
	}
	return c, []noticeSpec{{kind: "deputies_commended", to: domain.RecipientPresidium, data: map[string]string{
		"period": y.Label, "deputies": names(c.CommendedDeputies), "groups": names(c.CommendedGroups)}}}, nil
}
