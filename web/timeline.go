package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/policy"
	"suggestflow/store"
)

// timeline is a case's events with their details in the reader's
// language: ids shown as names, times in the township's zone. An event
// recorded before events carried their parameters keeps its English detail
// for English readers and shows its type alone to others.
func (w *web) timeline(ctx context.Context, lang, id string, units, deputies map[string]string) ([]domain.Event, error) {
	events, err := w.store.Timeline(ctx, id)
	if err != nil {
		return nil, store.Refused(err, "suggestion")
	}
	o := i18n.Options{Lang: lang, Loc: w.policy.Location(), Names: partyNames(lang, units, deputies)}
	for i := range events {
		e := &events[i]
		switch {
		case i18n.EventComplete(e.Type, e.Params):
			e.Detail = i18n.Event(o, e.Type, e.Params)
		case lang != i18n.EN:
			e.Detail = ""
		}
	}
	return events, nil
}

// partyNames name the ids and the notice recipients a timeline speaks of.
func partyNames(lang string, units, deputies map[string]string) map[string]string {
	names := map[string]string{string(domain.RecipientPresidium): tr(lang, "recipient.presidium")}
	for id, n := range units {
		names[id] = n
		names[string(domain.RecipientUnit(id))] = fmt.Sprintf(tr(lang, "recipient.unit"), n)
		names[string(domain.RecipientUnitLeader(id))] = fmt.Sprintf(tr(lang, "recipient.unit_leader"), n)
		names[string(domain.RecipientUnitHead(id))] = fmt.Sprintf(tr(lang, "recipient.unit_head"), n)
	}
	for id, n := range deputies {
		names[id] = n
		names[string(domain.RecipientDeputy(id))] = n
	}
	return names
}

// dueNote says how the reply due time was computed, in the reader's
// language; a case that knows only the English says nothing to others.
func (w *web) dueNote(lang string, sg domain.Suggestion) string {
	b := sg.DueBasis
	if b == nil || sg.DueAt == nil {
		if lang == i18n.EN {
			return sg.DueExplanation
		}
		return ""
	}
	params := map[string]string{"duration": b.Duration, "from_at": b.From.Format(time.RFC3339),
		"due_at": sg.DueAt.Format(time.RFC3339)}
	if b.Skipped != "" {
		days := strings.Split(b.Skipped, ", ")
		params["skipped_count"], params["skipped"] = strconv.Itoa(len(days)), strings.Join(days, tr(lang, "list.sep"))
	}
	o := i18n.For(lang, w.policy.Location())
	note := i18n.Format(o, tr(lang, "due."+b.Rule), params)
	if b.NoData != "" {
		// Counted Monday to Friday in a year without official data: say so
		// where the deadline is read.
		for _, y := range strings.Split(b.NoData, ", ") {
			note += tr(lang, "list.clause_sep") + i18n.Warning(o, policy.WarnNoHolidayData, map[string]string{"year": y})
		}
	}
	return note
}
