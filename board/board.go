// Package board is the public board (五公开): the suggestions handled in a
// half year, with the five facts the public may see and nothing personal.
// The API serves it as JSON, the pages as a printable page and a PDF.
package board

import (
	"context"
	"time"

	"suggestflow/domain"
	"suggestflow/period"
	"suggestflow/store"
)

// Statuses are the cases the board lists: accepted by the presidium, at any
// later step, and those referred to a higher body (转交), which the board
// shows as such with the body's name. A case waiting for review (待审查) is
// not yet a suggestion of the township and one returned at review (不予立案)
// never was; a merged one (并案) is shown as the case it joined. A status
// added to the process is public only once it is named here.
var Statuses = []domain.Status{
	domain.StatusAccepted, domain.StatusHandling, domain.StatusReplied,
	domain.StatusRehandling, domain.StatusFollowingUp, domain.StatusClosed,
	domain.StatusReferred,
}

// Entries are the board's rows of a period, in number order.
func Entries(ctx context.Context, st *store.Store, p store.Period) ([]store.BoardEntry, error) {
	statuses := make([]string, len(Statuses))
	for i, s := range Statuses {
		statuses[i] = string(s)
	}
	return st.Board(ctx, p, statuses)
}

// View is the board of one period.
type View struct {
	Period string             `json:"period"`
	From   time.Time          `json:"from"`
	To     time.Time          `json:"to"`
	Items  []store.BoardEntry `json:"items"`
}

// Load reads the board of a period label (2026-H1); an empty label is the
// current half year.
func Load(ctx context.Context, st *store.Store, label string, now time.Time, loc *time.Location) (View, error) {
	if label == "" {
		label = period.Half(now, loc).Label
	}
	p, err := period.ParseField("period", label, loc)
	if err != nil {
		return View{}, err
	}
	items, err := Entries(ctx, st, p)
	if err != nil {
		return View{}, store.Refused(err, "board")
	}
	return View{Period: p.Label, From: p.From, To: p.To, Items: items}, nil
}
