package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
	"suggestflow/evaluation"
)

// The statistics of a period (the rates and the cases by status) are sums
// over the facts in it. Summed over every reply, rating and case they take
// a second at 100,000 cases, and a supervisor's page asks for them on every
// visit; so each step also adds what it changes to counters by UTC day and
// lead unit, in its own transaction, and a period is read as the counters
// of its whole days plus the rows of the hours at either end.
//
// A fact counts for its case's current lead unit, as the rows do: when a
// case changes unit its counts move with it. Each count is also kept under
// allUnits, so that the whole township's year is a few hundred rows; the
// unit comes first in the keys, so that one unit's are as few.

// statFactDayRow holds one day's reply and rating counts of one unit.
type statFactDayRow struct {
	UnitID string     `gorm:"primaryKey;size:64"`
	Day    string     `gorm:"primaryKey;size:10"` // 2006-01-02, UTC
	Counts factCounts `gorm:"embedded"`
}

func (statFactDayRow) TableName() string { return "stat_fact_days" }

// statStatusDayRow counts the cases of one unit submitted on one day that
// are now in one status.
type statStatusDayRow struct {
	UnitID string `gorm:"primaryKey;size:64"`
	Day    string `gorm:"primaryKey;size:10"`
	Status string `gorm:"primaryKey;size:20"`
	N      int64
}

func (statStatusDayRow) TableName() string { return "stat_status_days" }

// factCounts are the sums the rates are made of. Latest counts the replies
// that are their case's latest (the highest round, then the latest time,
// then the highest id), Solved those of them of class A: over a period
// that reaches past every reply, they are the resolution rate's
// denominator and numerator.
type factCounts struct {
	Replies   int64
	Consulted int64
	OnTime    int64
	Latest    int64
	Solved    int64
	Rated     int64
	Good      int64
}

func (c factCounts) plus(o factCounts) factCounts {
	return factCounts{c.Replies + o.Replies, c.Consulted + o.Consulted, c.OnTime + o.OnTime,
		c.Latest + o.Latest, c.Solved + o.Solved, c.Rated + o.Rated, c.Good + o.Good}
}

func (c factCounts) neg() factCounts {
	return factCounts{}.minus(c)
}

func (c factCounts) minus(o factCounts) factCounts {
	return factCounts{c.Replies - o.Replies, c.Consulted - o.Consulted, c.OnTime - o.OnTime,
		c.Latest - o.Latest, c.Solved - o.Solved, c.Rated - o.Rated, c.Good - o.Good}
}

func (c factCounts) rates() evaluation.Rates {
	n := int(c.Replies)
	return evaluation.Rates{
		Consultation: evaluation.NewRate(int(c.Consulted), n),
		Resolution:   evaluation.NewRate(int(c.Solved), int(c.Latest)),
		Satisfaction: evaluation.NewRate(int(c.Good), int(c.Rated)),
		OnTime:       evaluation.NewRate(int(c.OnTime), n),
	}
}

func dayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// replyFact is what the counters need of a reply.
type replyFact struct {
	ID           string
	SuggestionID string
	Round        int
	ResultClass  string
	RepliedAt    time.Time
	OnTime       bool
	Consulted    bool
}

// after reports whether r is later in its case than o.
func (r replyFact) after(o replyFact) bool {
	if r.Round != o.Round {
		return r.Round > o.Round
	}
	if !r.RepliedAt.Equal(o.RepliedAt) {
		return r.RepliedAt.After(o.RepliedAt)
	}
	return r.ID > o.ID
}

// counts is the reply's own part; latest adds the resolution's.
func (r replyFact) counts(latest bool) factCounts {
	c := factCounts{Replies: 1}
	if r.Consulted {
		c.Consulted = 1
	}
	if r.OnTime {
		c.OnTime = 1
	}
	if latest {
		c.Latest = 1
		if r.ResultClass == evaluation.ClassSolved {
			c.Solved = 1
		}
	}
	return c
}

// resolution is the reply's part as its case's latest.
func (r replyFact) resolution() factCounts {
	return r.counts(true).minus(r.counts(false))
}

// ratingCounts is one rating's part: results other than the three are not
// result ratings and count for nothing.
func ratingCounts(result string) factCounts {
	switch result {
	case domain.Satisfied, domain.BasicallySatisfied:
		return factCounts{Rated: 1, Good: 1}
	case domain.Unsatisfied:
		return factCounts{Rated: 1}
	}
	return factCounts{}
}

// allUnits is the unit the township's totals are kept under; no unit's id
// is a star.
const allUnits = "*"

// countedUnit is the key of the counts of unitID, allUnits for all.
func countedUnit(unitID string) string { return cmp.Or(unitID, allUnits) }

func addFacts(tx *gorm.DB, day, unit string, c factCounts) error {
	if c == (factCounts{}) {
		return nil
	}
	if err := upsertFacts(tx, day, allUnits, c); err != nil {
		return err
	}
	if unit == "" {
		// Not assigned yet: in the totals only, as the rows are.
		return nil
	}
	return upsertFacts(tx, day, unit, c)
}

func upsertFacts(tx *gorm.DB, day, unit string, c factCounts) error {
	set := map[string]any{}
	for col, v := range map[string]int64{"replies": c.Replies, "consulted": c.Consulted, "on_time": c.OnTime,
		"latest": c.Latest, "solved": c.Solved, "rated": c.Rated, "good": c.Good} {
		set[col] = gorm.Expr("stat_fact_days."+col+" + ?", v)
	}
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_id"}, {Name: "day"}}, DoUpdates: clause.Assignments(set)}).
		Create(&statFactDayRow{Day: day, UnitID: unit, Counts: c}).Error
	if err != nil {
		return fmt.Errorf("count facts of %s: %w", day, err)
	}
	return nil
}

func addStatus(tx *gorm.DB, submitted time.Time, unit, status string, n int64) error {
	if err := upsertStatus(tx, submitted, allUnits, status, n); err != nil {
		return err
	}
	if unit == "" {
		return nil
	}
	return upsertStatus(tx, submitted, unit, status, n)
}

func upsertStatus(tx *gorm.DB, submitted time.Time, unit, status string, n int64) error {
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_id"}, {Name: "day"}, {Name: "status"}},
		DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("stat_status_days.n + ?", n)})}).
		Create(&statStatusDayRow{Day: dayOf(submitted), UnitID: unit, Status: status, N: n}).Error
	if err != nil {
		return fmt.Errorf("count cases by status: %w", err)
	}
	return nil
}

// caseKey is what a case is counted by.
type caseKey struct {
	Status      string
	LeadUnitID  string
	SubmittedAt time.Time
}

func storedCaseKey(tx *gorm.DB, id string) (caseKey, bool, error) {
	var k caseKey
	err := tx.Model(&suggestionRow{}).Select("status", "lead_unit_id", "submitted_at").Where("id = ?", id).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return k, false, nil
	}
	if err != nil {
		return k, false, fmt.Errorf("read the counted state of %s: %w", id, err)
	}
	return k, true, nil
}

// recount moves a case's counts from what it was counted by to what it is
// now, after its row was written. Rows are changed in the order of their
// keys, so that two steps changing the same counters in one database
// (MySQL locks each row it changes) never wait for each other in a cycle.
func recount(tx *gorm.DB, id string, was, now caseKey) error {
	if was.Status != now.Status || was.LeadUnitID != now.LeadUnitID || dayOf(was.SubmittedAt) != dayOf(now.SubmittedAt) {
		type delta struct {
			k caseKey
			n int64
		}
		ds := []delta{{was, -1}, {now, 1}}
		slices.SortFunc(ds, func(a, b delta) int {
			return cmp.Or(cmp.Compare(dayOf(a.k.SubmittedAt), dayOf(b.k.SubmittedAt)), cmp.Compare(a.k.Status, b.k.Status))
		})
		for _, d := range ds {
			if err := addStatus(tx, d.k.SubmittedAt, d.k.LeadUnitID, d.k.Status, d.n); err != nil {
				return err
			}
		}
	}
	if was.LeadUnitID == now.LeadUnitID {
		return nil
	}
	byCase, err := factsByDay(tx, []string{id})
	if err != nil {
		return err
	}
	days := slices.Sorted(maps.Keys(byCase[id]))
	for _, day := range days {
		c := byCase[id][day]
		if err := addFacts(tx, day, was.LeadUnitID, c.neg()); err != nil {
			return err
		}
		if err := addFacts(tx, day, now.LeadUnitID, c); err != nil {
			return err
		}
	}
	return nil
}

const replyFactColumns = "replies.id, replies.suggestion_id, replies.round, replies.result_class, replies.replied_at, replies.on_time, replies.consulted"

// latestReplies reads every reply of the cases, and says which is each
// case's latest by its id.
func latestReplies(tx *gorm.DB, ids []string) ([]replyFact, map[string]bool, error) {
	var replies []replyFact
	if err := tx.Model(&replyRow{}).Select(replyFactColumns).Where("suggestion_id IN ?", ids).Find(&replies).Error; err != nil {
		return nil, nil, fmt.Errorf("read the replies of %d cases: %w", len(ids), err)
	}
	latest := map[string]replyFact{}
	for _, r := range replies {
		if cur, ok := latest[r.SuggestionID]; !ok || r.after(cur) {
			latest[r.SuggestionID] = r
		}
	}
	is := make(map[string]bool, len(latest))
	for _, r := range latest {
		is[r.ID] = true
	}
	return replies, is, nil
}

// factsByDay is everything the cases add to the fact counters, by case
// and day.
func factsByDay(tx *gorm.DB, ids []string) (map[string]map[string]factCounts, error) {
	out := map[string]map[string]factCounts{}
	add := func(id, day string, c factCounts) {
		if out[id] == nil {
			out[id] = map[string]factCounts{}
		}
		out[id][day] = out[id][day].plus(c)
	}
	replies, latest, err := latestReplies(tx, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range replies {
		add(r.SuggestionID, dayOf(r.RepliedAt), r.counts(latest[r.ID]))
	}
	var ratings []struct {
		SuggestionID string
		At           time.Time
		Result       string
	}
	if err := tx.Model(&ratingRow{}).Select("suggestion_id", "at", "result").Where("suggestion_id IN ?", ids).Find(&ratings).Error; err != nil {
		return nil, fmt.Errorf("read the ratings of %d cases: %w", len(ids), err)
	}
	for _, g := range ratings {
		add(g.SuggestionID, dayOf(g.At), ratingCounts(g.Result))
	}
	return out, nil
}

// countReply adds a newly stored reply; the reply it follows in its case
// stops counting as the latest.
func countReply(tx *gorm.DB, r replyFact) error {
	k, found, err := storedCaseKey(tx, r.SuggestionID)
	if err != nil || !found {
		// A reply of no stored case is in no period's statistics.
		return err
	}
	var prev []replyFact
	if err := tx.Model(&replyRow{}).Select(replyFactColumns).
		Where("suggestion_id = ? AND id <> ?", r.SuggestionID, r.ID).Find(&prev).Error; err != nil {
		return fmt.Errorf("read the replies of %s: %w", r.SuggestionID, err)
	}
	latest := true
	var was *replyFact
	for i := range prev {
		if prev[i].after(r) {
			latest = false
		}
		if was == nil || prev[i].after(*was) {
			was = &prev[i]
		}
	}
	if latest && was != nil {
		if err := addFacts(tx, dayOf(was.RepliedAt), k.LeadUnitID, was.resolution().neg()); err != nil {
			return err
		}
	}
	return addFacts(tx, dayOf(r.RepliedAt), k.LeadUnitID, r.counts(latest))
}

// countRating adds a newly stored rating.
func countRating(tx *gorm.DB, suggestionID, result string, at time.Time) error {
	k, found, err := storedCaseKey(tx, suggestionID)
	if err != nil || !found {
		return err
	}
	return addFacts(tx, dayOf(at), k.LeadUnitID, ratingCounts(result))
}

// splitDays splits a period into its whole UTC days and the hours before
// and after them; whole is false when it holds no whole day, and the one
// edge is then the period itself.
func splitDays(p Period) (days Period, whole bool, edges []Period) {
	first := p.From.UTC().Truncate(24 * time.Hour)
	if first.Before(p.From) {
		first = first.Add(24 * time.Hour)
	}
	last := p.To.UTC().Truncate(24 * time.Hour)
	if !first.Before(last) {
		return Period{}, false, []Period{p}
	}
	return Period{From: first, To: last}, true, []Period{{From: p.From, To: first}, {From: last, To: p.To}}
}

// Rates computes the published rates of a period, of one lead unit when
// unitID is set, as evaluation.ComputeRates does over RateFacts. A period
// that reaches past the latest reply is read from the counters; an earlier
// one gathers its facts.
func (s *Store) Rates(ctx context.Context, p Period, unitID string) (evaluation.Rates, error) {
	db := s.db.WithContext(ctx)
	var last []time.Time
	if err := db.Model(&replyRow{}).Order("replied_at DESC").Limit(1).Pluck("replied_at", &last).Error; err != nil {
		return evaluation.Rates{}, fmt.Errorf("rates: latest reply: %w", err)
	}
	if len(last) > 0 && !p.To.After(last[0]) {
		// A reply after the period ends may have taken the latest place
		// from one inside it, which the counters no longer tell.
		replies, ratings, err := s.RateFacts(ctx, p, unitID)
		if err != nil {
			return evaluation.Rates{}, err
		}
		return evaluation.ComputeRates(replies, ratings), nil
	}
	var c factCounts
	days, whole, edges := splitDays(p)
	if whole {
		q := db.Model(&statFactDayRow{}).Select("COALESCE(SUM(replies), 0) AS replies, COALESCE(SUM(consulted), 0) AS consulted, "+
			"COALESCE(SUM(on_time), 0) AS on_time, COALESCE(SUM(latest), 0) AS latest, COALESCE(SUM(solved), 0) AS solved, "+
			"COALESCE(SUM(rated), 0) AS rated, COALESCE(SUM(good), 0) AS good").
			Where("unit_id = ? AND day >= ? AND day < ?", countedUnit(unitID), dayOf(days.From), dayOf(days.To))
		if err := q.Scan(&c).Error; err != nil {
			return evaluation.Rates{}, fmt.Errorf("rates: counters: %w", err)
		}
	}
	for _, e := range edges {
		ec, err := s.edgeFacts(ctx, e, unitID)
		if err != nil {
			return evaluation.Rates{}, err
		}
		c = c.plus(ec)
	}
	return c.rates(), nil
}

// edgeFacts sums the rows of a few hours, as the counters would.
func (s *Store) edgeFacts(ctx context.Context, p Period, unitID string) (factCounts, error) {
	var c factCounts
	if !p.From.Before(p.To) {
		return c, nil
	}
	var edge []replyFact
	if err := s.withLeadUnit(ctx, "replies", "replied_at", p, unitID).Select(replyFactColumns).Find(&edge).Error; err != nil {
		return c, fmt.Errorf("rates: replies: %w", err)
	}
	if len(edge) > 0 {
		ids := make([]string, 0, len(edge))
		for _, r := range edge {
			ids = append(ids, r.SuggestionID)
		}
		_, latest, err := latestReplies(s.db.WithContext(ctx), ids)
		if err != nil {
			return c, fmt.Errorf("rates: %w", err)
		}
		for _, r := range edge {
			c = c.plus(r.counts(latest[r.ID]))
		}
	}
	var results []struct{ Result string }
	if err := s.withLeadUnit(ctx, "ratings", "at", p, unitID).Select("ratings.result").Find(&results).Error; err != nil {
		return c, fmt.Errorf("rates: ratings: %w", err)
	}
	for _, g := range results {
		c = c.plus(ratingCounts(g.Result))
	}
	return c, nil
}

// CountByStatus counts the suggestions submitted in a period by status,
// of one lead unit when unitID is set.
func (s *Store) CountByStatus(ctx context.Context, p Period, unitID string) (map[string]int64, error) {
	db := s.db.WithContext(ctx)
	out := zeroStatuses()
	days, whole, edges := splitDays(p)
	if whole {
		q := db.Model(&statStatusDayRow{}).Select("status AS k, SUM(n) AS n").
			Where("unit_id = ? AND day >= ? AND day < ?", countedUnit(unitID), dayOf(days.From), dayOf(days.To))
		counted, err := countsBy[int64](q.Group("status"))
		if err != nil {
			return nil, fmt.Errorf("count by status: %w", err)
		}
		for st, n := range counted {
			out[st] += n
		}
	}
	for _, e := range edges {
		if !e.From.Before(e.To) {
			continue
		}
		q := db.Model(&suggestionRow{}).Where("submitted_at >= ? AND submitted_at < ?", e.From, e.To)
		counted, err := statusCounts(whereSet(q, "lead_unit_id = ?", unitID))
		if err != nil {
			return nil, fmt.Errorf("count by status: %w", err)
		}
		for st, n := range counted {
			out[st] += n
		}
	}
	return out, nil
}

// statsCountedMark is the counter row that says the statistics counters
// hold every row: written with the backfill, in its transaction, so two
// processes upgrading one database together count the rows once.
const statsCountedMark = "stats-counted"

// backfillStats fills the counters from the rows, once: a database written
// before they were kept has rows they do not hold yet.
func (s *Store) backfillStats(ctx context.Context) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&counterRow{Name: statsCountedMark, Value: 1})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		type row struct {
			ID          string
			Status      string
			LeadUnitID  string
			SubmittedAt time.Time
		}
		// Everything is summed first and written after, in the order of
		// the rows' keys, as recount does.
		status := map[caseKey]int64{}
		total := map[[2]string]factCounts{}
		for after := ""; ; {
			var cases []row
			if err := tx.Model(&suggestionRow{}).Select("id", "status", "lead_unit_id", "submitted_at").
				Where("id > ?", after).Order("id").Limit(5000).Find(&cases).Error; err != nil {
				return err
			}
			if len(cases) == 0 {
				break
			}
			after = cases[len(cases)-1].ID
			ids := make([]string, 0, len(cases))
			units := make(map[string]string, len(cases))
			for _, c := range cases {
				status[caseKey{Status: c.Status, LeadUnitID: c.LeadUnitID, SubmittedAt: c.SubmittedAt.UTC().Truncate(24 * time.Hour)}]++
				ids = append(ids, c.ID)
				units[c.ID] = c.LeadUnitID
			}
			byCase, err := factsByDay(tx, ids)
			if err != nil {
				return err
			}
			for id, days := range byCase {
				for day, c := range days {
					k := [2]string{day, units[id]}
					total[k] = total[k].plus(c)
				}
			}
		}
		for _, k := range slices.SortedFunc(maps.Keys(status), func(a, b caseKey) int {
			return cmp.Or(cmp.Compare(dayOf(a.SubmittedAt), dayOf(b.SubmittedAt)), cmp.Compare(a.Status, b.Status), cmp.Compare(a.LeadUnitID, b.LeadUnitID))
		}) {
			if err := addStatus(tx, k.SubmittedAt, k.LeadUnitID, k.Status, status[k]); err != nil {
				return err
			}
		}
		for _, k := range slices.SortedFunc(maps.Keys(total), func(a, b [2]string) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
		}) {
			if err := addFacts(tx, k[0], k[1], total[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate: count the statistics: %w", err)
	}
	return nil
}
