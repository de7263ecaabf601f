package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// The MySQL and MariaDB index is a table of (gram, document) rows, with
// integer grams: a pair of characters is the two code points side by side
// (21 bits each), a character alone is its code point and 0, and a deputy
// or unit is partyKey above them. Integers keep the rows small and the
// comparisons cheap; the table's primary key is the inverted index.
//
// A bag of pairs alone would take 2026-001 for 002 (it holds 00 and, in
// 2026, 02), so each row also keeps which characters follow the pair in
// the document (Follows): 002 needs 00 followed by 2. A word is then found
// where its pieces of three characters are (see runNeeds), nearly as exact
// as the phrases of the SQLite index.
type searchGramRow struct {
	Gram int64 `gorm:"primaryKey;autoIncrement:false"`
	// Rid has an index of its own so a document can be replaced.
	Rid int64 `gorm:"column:rid;primaryKey;autoIncrement:false;index"`
	// InTitle says the gram is in the title (and maybe elsewhere too).
	InTitle bool `gorm:"not null"`
	// Follows has the nextBit of every character that follows the pair.
	Follows int64 `gorm:"not null"`
}

func (searchGramRow) TableName() string { return "search_grams" }

const (
	gramBits   = 21
	gramMask   = 1<<gramBits - 1
	gramParty  = int64(1) << (2 * gramBits)
	gramsBatch = 500
)

func gramPair(a, b rune) int64 { return int64(a)<<gramBits | int64(b) }

func gramAlone(a rune) int64 { return int64(a) << gramBits }

func gramOfParty(key uint64) int64 { return gramParty | int64(key) }

// nextBit is one of 64 bits for a character (a Fibonacci hash of it), so
// that a row can say which characters follow its pair in 8 bytes; two
// characters sharing a bit only make the check less strict.
func nextBit(r rune) int64 { return int64(1) << (uint32(r) * 2654435769 >> 26) }

// posting is what the index says of one gram in one document.
type posting struct {
	title bool
	next  int64
}

func writeGrams(tx *gorm.DB, rid int64, doc searchDoc) error {
	grams := map[int64]posting{}
	add := func(runs [][]rune, title bool) {
		for _, run := range runs {
			for i := 0; i+1 < len(run); i++ {
				g := gramPair(run[i], run[i+1])
				p := grams[g]
				p.title = p.title || title
				if i+2 < len(run) {
					p.next |= nextBit(run[i+2])
				}
				grams[g] = p
			}
			g := gramAlone(run[len(run)-1])
			grams[g] = posting{title: grams[g].title || title}
		}
	}
	add(doc.title, true)
	add(doc.body, false)
	for _, p := range doc.parties {
		grams[gramOfParty(partyKey(p))] = posting{}
	}
	rows := make([]searchGramRow, 0, len(grams))
	for g, p := range grams {
		rows = append(rows, searchGramRow{Gram: g, Rid: rid, InTitle: p.title, Follows: p.next})
	}
	// In key order, which InnoDB inserts fastest.
	slices.SortFunc(rows, func(a, b searchGramRow) int { return cmp.Compare(a.Gram, b.Gram) })
	return tx.CreateInBatches(rows, gramsBatch).Error
}

// runNeeds are the rows a run of two or more characters needs in a
// document: every other pair, each followed by the character after it (so
// 农村电网增容 is 农村 followed by 电, 电网 followed by 增, and 增容; 东岭村
// is 东岭 followed by 村). That covers every character and ties the pairs
// together, reading the rows of half the pairs.
func runNeeds(run []rune) []gramNeed {
	var out []gramNeed
	for i := 0; i+1 < len(run); i += 2 {
		n := gramNeed{gram: gramPair(run[i], run[i+1])}
		if i+2 < len(run) {
			n.next = nextBit(run[i+2])
		}
		out = append(out, n)
	}
	return out
}

// gramNeed is one row a document must have: the gram, with next among the
// characters that follow it (0: any).
type gramNeed struct {
	gram, next int64
}

// hit is a document holding a term, and whether its title does.
type hit struct {
	rid   int64
	title bool
}

// gramTiers reads the rows of every gram the query needs in one statement,
// in key order, and ranks the matches here: merging the sorted rows of a
// word's few grams in Go is several times faster than any GROUP BY of the
// same rows measured on MariaDB.
func (s *Store) gramTiers(ctx context.Context, terms []searchTerm) (gramSearch, error) {
	var exact []int64
	var where []string
	var args []any
	for _, t := range terms {
		for _, run := range t.runs {
			if len(run) == 1 {
				where = append(where, "gram BETWEEN ? AND ?")
				args = append(args, gramAlone(run[0]), gramAlone(run[0])|gramMask)
				continue
			}
			for _, n := range runNeeds(run) {
				exact = append(exact, n.gram)
			}
		}
		for _, k := range t.parties {
			exact = append(exact, gramOfParty(k))
		}
	}
	if len(exact) > 0 {
		slices.Sort(exact)
		where = append(where, "gram IN ?")
		args = append(args, slices.Compact(exact))
	}
	rows, err := s.db.WithContext(ctx).Model(&searchGramRow{}).Select("gram, rid, in_title, follows").
		Where(strings.Join(where, " OR "), args...).Order("gram, rid").Rows()
	if err != nil {
		return gramSearch{}, fmt.Errorf("search: read the index: %w", err)
	}
	defer rows.Close()
	// The rows of each gram, by rid.
	postings := map[int64][]searchGramRow{}
	for rows.Next() {
		var r searchGramRow
		if err := rows.Scan(&r.Gram, &r.Rid, &r.InTitle, &r.Follows); err != nil {
			return gramSearch{}, fmt.Errorf("search: read the index: %w", err)
		}
		postings[r.Gram] = append(postings[r.Gram], r)
	}
	if err := rows.Err(); err != nil {
		return gramSearch{}, fmt.Errorf("search: read the index: %w", err)
	}

	perTerm := make([][]hit, len(terms))
	for i, t := range terms {
		perTerm[i] = termHits(t, postings)
	}
	var tiers [][]int64
	if len(terms) == 1 {
		tiers = make([][]int64, 2)
		for _, h := range slices.Backward(perTerm[0]) {
			tiers[tierOf(true, h.title)] = append(tiers[tierOf(true, h.title)], h.rid)
		}
		return gramSearch{tiersOf: tiers}, nil
	}
	// Several terms: how many each document holds, and whether one is in
	// its title.
	all := slices.Concat(perTerm...)
	slices.SortFunc(all, func(a, b hit) int { return cmp.Compare(b.rid, a.rid) })
	tiers = make([][]int64, 4)
	for i := 0; i < len(all); {
		j, title := i, false
		for ; j < len(all) && all[j].rid == all[i].rid; j++ {
			title = title || all[j].title
		}
		t := tierOf(j-i == len(terms), title)
		tiers[t] = append(tiers[t], all[i].rid)
		i = j
	}
	return gramSearch{tiersOf: tiers}, nil
}

// tierOf is the tier (see searchTiers) of a document holding every term
// or not, with one in its title or not.
func tierOf(every, title bool) int {
	t := 0
	if !every {
		t = 2
	}
	if !title {
		t++
	}
	return t
}

// termHits are the documents that hold a term, by rid: in the text (every
// run of it; see runNeeds), or among their parties.
func termHits(t searchTerm, postings map[int64][]searchGramRow) []hit {
	var text []hit
	for i, run := range t.runs {
		var got []hit
		if len(run) == 1 {
			got = charHits(run[0], postings)
		} else {
			for j, n := range runNeeds(run) {
				var rows []hit
				for _, r := range postings[n.gram] {
					if r.Follows&n.next == n.next {
						rows = append(rows, hit{rid: r.Rid, title: r.InTitle})
					}
				}
				if j == 0 {
					got = rows
				} else {
					got = intersect(got, rows)
				}
			}
		}
		if i == 0 {
			text = got
		} else {
			text = intersect(text, got)
		}
	}
	var parties []hit
	for _, k := range t.parties {
		for _, r := range postings[gramOfParty(k)] {
			parties = append(parties, hit{rid: r.Rid})
		}
	}
	if len(parties) == 0 {
		return text
	}
	// A document with the term in its text and among its parties counts
	// once, with its title.
	all := append(text, parties...)
	slices.SortStableFunc(all, func(a, b hit) int { return cmp.Compare(a.rid, b.rid) })
	return slices.CompactFunc(all, func(a, b hit) bool { return a.rid == b.rid })
}

// charHits are the documents holding a character: in some gram starting
// with it (a pair, or the character alone at the end of a run).
func charHits(c rune, postings map[int64][]searchGramRow) []hit {
	var out []hit
	for g, rows := range postings {
		if g&^gramMask != gramAlone(c) {
			continue
		}
		for _, r := range rows {
			out = append(out, hit{rid: r.Rid, title: r.InTitle})
		}
	}
	// In the title when any of its grams there is.
	slices.SortFunc(out, func(a, b hit) int {
		if c := cmp.Compare(a.rid, b.rid); c != 0 {
			return c
		}
		return cmp.Compare(boolInt(b.title), boolInt(a.title))
	})
	return slices.CompactFunc(out, func(a, b hit) bool { return a.rid == b.rid })
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// intersect keeps the documents in both lists (each by rid), in the title
// where both are.
func intersect(a, b []hit) []hit {
	var out []hit
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].rid < b[j].rid:
			i++
		case a[i].rid > b[j].rid:
			j++
		default:
			out = append(out, hit{rid: a[i].rid, title: a[i].title && b[j].title})
			i++
			j++
		}
	}
	return out
}

type gramSearch struct {
	tiersOf [][]int64 // rids, newest first
}

func (g gramSearch) tiers() int { return len(g.tiersOf) }

func (g gramSearch) total(context.Context) (int64, error) {
	var n int
	for _, t := range g.tiersOf {
		n += len(t)
	}
	return int64(n), nil
}

func (g gramSearch) top(_ context.Context, tier, limit int) ([]int64, error) {
	t := g.tiersOf[tier]
	return t[:min(len(t), limit)], nil
}

func (g gramSearch) restrict(tier int) (string, []any) {
	var rids []int64
	if tier >= 0 {
		rids = g.tiersOf[tier]
	} else {
		rids = slices.Concat(g.tiersOf...)
	}
	if len(rids) == 0 {
		return "1 = 0", nil
	}
	return "suggestions.id IN (SELECT d.suggestion_id FROM search_docs d WHERE d.rid IN ?)", []any{rids}
}
