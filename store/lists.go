package store

import (
	"fmt"

	"gorm.io/gorm"
)

// Page is a page of a list, counted from 1.
type Page struct {
	Number int
	Size   int
}

func (p Page) offset() int { return (p.Number - 1) * p.Size }

// paged counts the rows q selects, then reads page p of them in the given
// order and turns each into what the package hands out: every list of the
// API answers with one page and the total, and this is the one place that
// knows how. what names the list in errors ("count units: …", "list
// units: …").
func paged[R, T any](q *gorm.DB, what, order string, p Page, to func(R) (T, error)) ([]T, int64, error) {
	return pagedCounted(q, q, what, order, p, to)
}

// pagedCounted is paged for a list whose total another query counts more
// cheaply than the one that reads the rows (see Suggestions). count runs
// first; list may be the very same chain, since GORM's Count puts back
// what it changes on it.
func pagedCounted[R, T any](count, list *gorm.DB, what, order string, p Page, to func(R) (T, error)) ([]T, int64, error) {
	var total int64
	if err := count.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count %s: %w", what, err)
	}
	return pagedTotal(total, list, what, order, p, to)
}

// pagedTotal is pagedCounted with the total known.
func pagedTotal[R, T any](total int64, list *gorm.DB, what, order string, p Page, to func(R) (T, error)) ([]T, int64, error) {
	var rows []R
	if err := list.Order(order).Offset(p.offset()).Limit(p.Size).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list %s: %w", what, err)
	}
	out, err := decode(rows, to)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// always fits a conversion that cannot fail to paged.
func always[R, T any](to func(R) T) func(R) (T, error) {
	return func(r R) (T, error) { return to(r), nil }
}

// convert turns rows into the values the package hands out. The result is
// never nil, so an empty list encodes as [] and not as null.
func convert[R, T any](rows []R, to func(R) T) []T {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		out = append(out, to(r))
	}
	return out
}

// decode is convert for rows that keep their state as JSON, which may fail
// to decode; the first failure is the answer.
func decode[R, T any](rows []R, to func(R) (T, error)) ([]T, error) {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		v, err := to(r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// keyCount is one row of a grouped count: the queries name the key
// column k and the count n.
type keyCount struct {
	K string
	N int64
}

// countsBy runs a grouped count that selects "… AS k, COUNT(…) AS n" and
// returns it by key; a key with no rows is absent.
func countsBy[N int | int64](q *gorm.DB) (map[string]N, error) {
	var rows []keyCount
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]N, len(rows))
	for _, r := range rows {
		out[r.K] = N(r.N)
	}
	return out, nil
}

// byID reads the row with the id, ErrNotFound when there is none. what
// names the row in errors ("unit u-1: not found").
func byID[R any](db *gorm.DB, what, id string) (R, error) {
	var row R
	if err := db.First(&row, "id = ?", id).Error; err != nil {
		return row, fmt.Errorf("%s %s: %w", what, id, translate(err))
	}
	return row, nil
}

// whereSet narrows q by cond on value, unless value is empty: a list's
// filter that the caller left unset.
func whereSet(q *gorm.DB, cond, value string) *gorm.DB {
	if value == "" {
		return q
	}
	return q.Where(cond, value)
}
