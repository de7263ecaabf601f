package store

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"suggestflow/domain"
	"suggestflow/evaluation"
)

// TestStatisticsCountersAgreeWithTheRows: cases assigned, moved between
// units, replied in several rounds and rated, in random order over ten
// days; the rates and the counts by status read from the counters equal
// those computed from every row, for whole and partial days, one unit or
// all, and again after the counters are rebuilt from the rows.
func TestStatisticsCountersAgreeWithTheRows(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(7, 18))
		base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		at := func() time.Time {
			return base.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour)))).Truncate(time.Second)
		}
		units := []string{"un_a", "un_b", "un_c"}
		type live struct {
			sg    domain.Suggestion
			round int
			last  time.Time
		}
		var cases []*live
		for i := range 40 {
			sg := suggestion(fmt.Sprintf("sg_s%02d", i), "dp_1", at())
			n, err := s.CreateSuggestion(ctx, sg, 2026)
			if err != nil {
				t.Fatal(err)
			}
			sg.Number = n
			cases = append(cases, &live{sg: sg, last: sg.SubmittedAt})
		}
		record := func(c *live, step domain.Step) {
			t.Helper()
			c.sg.Seq++
			step.Suggestion = &c.sg
			if err := s.Record(ctx, step, nil); err != nil {
				t.Fatal(err)
			}
		}
		later := func(c *live) time.Time {
			c.last = c.last.Add(time.Duration(1+r.IntN(40)) * time.Hour)
			return c.last
		}
		for range 300 {
			c := cases[r.IntN(len(cases))]
			switch op := r.IntN(10); {
			case c.sg.Assignment == nil || op == 0:
				c.sg.Assignment = &domain.Assignment{LeadUnitID: units[r.IntN(len(units))]}
				c.sg.Status = domain.StatusHandling
				if c.round == 0 {
					c.round = 1
				}
				record(c, domain.Step{})
			case op < 5:
				t := later(c)
				reply := domain.Reply{ID: fmt.Sprintf("%s-y%d", c.sg.ID, c.round), Round: c.round, ResultClass: []string{"A", "B", "C"}[r.IntN(3)],
					RepliedAt: t, DueAt: t.Add(time.Duration(r.IntN(3)-1) * time.Hour), OnTime: r.IntN(2) == 0, Consulted: r.IntN(3) > 0}
				c.sg.Reply, c.sg.Status = &reply, domain.StatusReplied
				record(c, domain.Step{Reply: &reply})
			case op < 8 && c.sg.Reply != nil:
				result := []string{domain.Satisfied, domain.BasicallySatisfied, domain.Unsatisfied, "no_result"}[r.IntN(4)]
				g := domain.Rating{ID: fmt.Sprintf("%s-g%d-%d", c.sg.ID, c.round, r.IntN(1000)), Round: c.round, DeputyID: "dp_1",
					Result: result, At: later(c)}
				c.sg.Status = domain.StatusClosed
				if result == domain.Unsatisfied {
					c.round++
					c.sg.Status = domain.StatusRehandling
				}
				record(c, domain.Step{Rating: &g})
			default:
				// A step replayed: nothing is counted twice.
				c.sg.Seq--
				step := domain.Step{}
				if c.sg.Reply != nil {
					step.Reply = c.sg.Reply
				}
				record(c, step)
			}
		}
		// Periods that reach past the latest reply are read from the
		// counters: whole days, partial days at either end, and less than
		// a day; one that ends before it is read from the rows.
		var latest time.Time
		for _, c := range cases {
			if c.sg.Reply != nil && c.sg.Reply.RepliedAt.After(latest) {
				latest = c.sg.Reply.RepliedAt
			}
		}
		end := latest.Add(5 * time.Hour)
		periods := []Period{
			{From: base, To: end},
			{From: base.Add(-40 * 24 * time.Hour), To: end.Add(30 * 24 * time.Hour)},
			{From: base.Add(61 * time.Hour), To: end},
			{From: base.Add(3*24*time.Hour + 7*time.Hour), To: end.Add(29 * time.Hour)},
			{From: latest.Add(-30 * time.Hour), To: end},
			{From: latest.Add(-9 * time.Hour), To: latest.Add(time.Second)},
			{From: base.Add(24 * time.Hour), To: base.Add(6 * 24 * time.Hour)},
		}
		// The edges of the periods hold replies and ratings of their own.
		var edgeReplies, edgeRatings int
		for _, p := range periods[2:6] {
			_, _, edges := splitDays(p)
			for _, e := range edges {
				replies, ratings, err := s.RateFacts(ctx, e, "")
				if err != nil {
					t.Fatal(err)
				}
				edgeReplies += len(replies)
				edgeRatings += len(ratings)
			}
		}
		if edgeReplies == 0 || edgeRatings == 0 {
			t.Fatalf("the period edges hold %d replies and %d ratings: nothing to tell", edgeReplies, edgeRatings)
		}
		check := func(when string) {
			t.Helper()
			for _, p := range periods {
				for _, unit := range append([]string{""}, units...) {
					replies, ratings, err := s.RateFacts(ctx, p, unit)
					if err != nil {
						t.Fatal(err)
					}
					want := evaluation.ComputeRates(replies, ratings)
					got, err := s.Rates(ctx, p, unit)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s: rates of %v–%v, unit %q:\n got %+v\nwant %+v", when, p.From, p.To, unit, got, want)
					}
					q := s.db.WithContext(ctx).Model(&suggestionRow{}).Where("submitted_at >= ? AND submitted_at < ?", p.From, p.To)
					wantStatus, err := statusCounts(whereSet(q, "lead_unit_id = ?", unit))
					if err != nil {
						t.Fatal(err)
					}
					gotStatus, err := s.CountByStatus(ctx, p, unit)
					if err != nil {
						t.Fatal(err)
					}
					if !maps.Equal(gotStatus, wantStatus) {
						t.Errorf("%s: by status of %v–%v, unit %q:\n got %v\nwant %v", when, p.From, p.To, unit, gotStatus, wantStatus)
					}
				}
			}
		}
		check("kept with each step")
		if all, err := s.Rates(ctx, periods[1], ""); err != nil || all.Resolution.Denominator == 0 || all.Satisfaction.Denominator == 0 {
			t.Fatalf("the steps made too few facts to tell: %+v %v", all, err)
		}

		// A database from before the counters: they are built from the
		// rows when it is opened, once.
		db := s.db.WithContext(ctx)
		for _, q := range []string{"DELETE FROM stat_fact_days", "DELETE FROM stat_status_days", "DELETE FROM counters WHERE name = '" + statsCountedMark + "'"} {
			if err := db.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if err := s.backfillStats(ctx); err != nil {
				t.Fatal(err)
			}
		}
		check("rebuilt from the rows")
	})
}
