// Package board is the public board (五公开): the suggestions handled in a
// half year, with the five facts the public may see and nothing personal.
// The API serves it as JSON, the pages as a printable page and a PDF.
package board

import (
	"context"
	"time"

	"suggestflow/period"
	"suggestflow/store"
)

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
	items, err := st.Board(ctx, p)
	if err != nil {
		return View{}, store.Refused(err, "board")
	}
	return View{Period: p.Label, From: p.From, To: p.To, Items: items}, nil
}
