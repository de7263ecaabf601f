package web

import (
	"context"
	"fmt"

	"suggestflow/domain"
	"suggestflow/i18n"
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
	names := map[string]string{domain.RecipientPresidium: tr(lang, "recipient.presidium")}
	for id, n := range units {
		names[id] = n
		names[domain.RecipientUnit(id)] = fmt.Sprintf(tr(lang, "recipient.unit"), n)
		names[domain.RecipientUnitLeader(id)] = fmt.Sprintf(tr(lang, "recipient.unit_leader"), n)
		names[domain.RecipientUnitHead(id)] = fmt.Sprintf(tr(lang, "recipient.unit_head"), n)
	}
	for id, n := range deputies {
		names[id] = n
		names[domain.RecipientDeputy(id)] = n
	}
	return names
}
