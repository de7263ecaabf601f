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
// 2026, 02), so each row also says which characters come in the four
// places after the pair in the document (Third to Sixth): 002 needs 00
// with a third character 2. One row then stands for a piece of up to six
// characters, and a word is found where its pieces are (see runNeeds),
// nearly as exact as the phrases of the SQLite index. The most common
// query, a word of up to six characters (农村电网增容, 学校周边交通), reads
// the rows of one pair: the time of a search is the rows it moves.
type searchGramRow struct {
	Gram int64 `gorm:"primaryKey;autoIncrement:false"`
	// Rid has an index of its own so a document can be replaced.
	Rid int64 `gorm:"column:rid;primaryKey;autoIncrement:false;index"`
	// InTitle says the gram is in the title (and maybe elsewhere too).
	InTitle bool `gorm:"not null"`
	// Third to Sixth have the charBit of every character that comes
	// right after the pair, one after that, and so on.
	Third  int64 `gorm:"not null"`
	Fourth int64 `gorm:"not null"`
	Fifth  int64 `gorm:"not null;default:0"`
	Sixth  int64 `gorm:"not null;default:0"`
}

// gramAfter is how many places after a pair a row describes.
const gramAfter = 4

// after points to the row's bits of the characters n places after the
// pair's second one (n from 1 to gramAfter).
func (r *searchGramRow) after(n int) *int64 {
	switch n {
	case 1:
		return &r.Third
	case 2:
		return &r.Fourth
	case 3:
		return &r.Fifth
	default:
		return &r.Sixth
	}
}

// afterColumns are the columns of after(1) to after(gramAfter).
var afterColumns = [gramAfter]string{"third", "fourth", "fifth", "sixth"}

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

// charBit is one of 64 bits for a character (a Fibonacci hash of it), so
// that a row can say in 8 bytes which characters follow its pair; two
// characters sharing a bit only make the check less strict.
func charBit(r rune) int64 { return int64(1) << (uint32(r) * 2654435769 >> 26) }

func writeGrams(tx *gorm.DB, rid int64, doc searchDoc) error {
	grams := map[int64]searchGramRow{}
	add := func(runs [][]rune, title bool) {
		for _, run := range runs {
			for i := 0; i+1 < len(run); i++ {
				g := grams[gramPair(run[i], run[i+1])]
				g.InTitle = g.InTitle || title
				for n := 1; n <= gramAfter && i+1+n < len(run); n++ {
					*g.after(n) |= charBit(run[i+1+n])
				}
				grams[gramPair(run[i], run[i+1])] = g
			}
			alone := gramAlone(run[len(run)-1])
			grams[alone] = searchGramRow{InTitle: grams[alone].InTitle || title}
		}
	}
	add(doc.title, true)
	add(doc.body, false)
	for _, p := range doc.parties {
		grams[gramOfParty(partyKey(p))] = searchGramRow{}
	}
	rows := make([]searchGramRow, 0, len(grams))
	for g, r := range grams {
		r.Gram, r.Rid = g, rid
		rows = append(rows, r)
	}
	// In key order, which InnoDB inserts fastest.
	slices.SortFunc(rows, func(a, b searchGramRow) int { return cmp.Compare(a.Gram, b.Gram) })
	return tx.CreateInBatches(rows, gramsBatch).Error
}

// gramNeed is one row a document must have: the gram, with the bits its
// columns after it must hold (0: any).
type gramNeed struct {
	gram  int64
	after [gramAfter]int64
}

// runNeeds are the rows a run of two or more characters needs in a
// document: a pair with the characters after it for each piece of six
// (农村电网增容 is 农村 with 电, 网, 增, 容; 东岭村 is 东岭 with 村), the last
// piece ending the run.
func runNeeds(run []rune) []gramNeed {
	const piece = 2 + gramAfter
	var out []gramNeed
	for i := 0; i+1 < len(run); {
		n := gramNeed{gram: gramPair(run[i], run[i+1])}
		for k := 1; k <= gramAfter && i+1+k < len(run); k++ {
			n.after[k-1] = charBit(run[i+1+k])
		}
		out = append(out, n)
		if i+piece >= len(run) {
			break
		}
		// The next piece; fewer characters left over than a piece end on
		// the run's last pair.
		i = min(i+piece, len(run)-2)
	}
	return out
}

// hit is a document holding a term, and whether its title does.
type hit struct {
	rid   int64
	title bool
}

// gramQuery is the one statement that reads every row a query needs, as
// a UNION of one part per need (k numbers them): its rows are (k, rid and
// the title flag in one number), as few bytes as the ranking needs.
type gramQuery struct {
	parts []string
	args  []any
	needs map[gramNeed]int
}

// need adds the part of a row need, or finds the one added already.
func (q *gramQuery) need(n gramNeed) int {
	if k, ok := q.needs[n]; ok {
		return k
	}
	cond := "gram = ?"
	args := []any{n.gram}
	// One bit each: & on BIGINT is unsigned in MySQL, so a test for <> 0
	// is the one that holds for the 64th bit too.
	for k, bit := range n.after {
		if bit != 0 {
			cond += " AND " + afterColumns[k] + " & ? <> 0"
			args = append(args, bit)
		}
	}
	k := q.add(cond, args...)
	q.needs[n] = k
	return k
}

// add adds a part reading the rows that match cond, and says its number.
func (q *gramQuery) add(cond string, args ...any) int {
	k := len(q.parts)
	q.parts = append(q.parts, "SELECT ? AS k, rid * 2 + in_title AS v FROM search_grams WHERE "+cond)
	q.args = append(append(q.args, k), args...)
	return k
}

// gramTiers reads the rows of every gram the query needs in one statement
// and ranks the matches here: merging the sorted rows of a word's few
// pieces in Go is several times faster than any GROUP BY of the same rows
// measured on MariaDB.
func (s *Store) gramTiers(ctx context.Context, terms []searchTerm) (gramSearch, error) {
	q := &gramQuery{needs: map[gramNeed]int{}}
	// plan[term][run] are the parts of a run; party[term] is the part of
	// the term's parties, or -1.
	plan := make([][][]int, len(terms))
	party := make([]int, len(terms))
	for i, t := range terms {
		for _, run := range t.runs {
			var ks []int
			if len(run) == 1 {
				// Every gram that starts with the character.
				ks = []int{q.add("gram BETWEEN ? AND ?", gramAlone(run[0]), gramAlone(run[0])|gramMask)}
			} else {
				for _, n := range runNeeds(run) {
					ks = append(ks, q.need(n))
				}
			}
			plan[i] = append(plan[i], ks)
		}
		party[i] = -1
		if len(t.parties) > 0 {
			grams := make([]int64, len(t.parties))
			for j, key := range t.parties {
				grams[j] = gramOfParty(key)
			}
			party[i] = q.add("gram IN ?", grams)
		}
	}
	rows, err := s.db.WithContext(ctx).Raw(strings.Join(q.parts, " UNION ALL "), q.args...).Rows()
	if err != nil {
		return gramSearch{}, fmt.Errorf("search: read the index: %w", err)
	}
	defer rows.Close()
	parts := make([][]hit, len(q.parts))
	for rows.Next() {
		var k int
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			return gramSearch{}, fmt.Errorf("search: read the index: %w", err)
		}
		if k < 0 || k >= len(parts) {
			return gramSearch{}, fmt.Errorf("search: read the index: part %d of %d", k, len(parts))
		}
		parts[k] = append(parts[k], hit{rid: v >> 1, title: v&1 == 1})
	}
	if err := rows.Err(); err != nil {
		return gramSearch{}, fmt.Errorf("search: read the index: %w", err)
	}
	// Each part by rid (a range reads several grams, and a gram may be
	// found more than once in it), in the title where any of its rows is.
	for k, p := range parts {
		slices.SortFunc(p, func(a, b hit) int {
			if c := cmp.Compare(a.rid, b.rid); c != 0 {
				return c
			}
			return cmp.Compare(boolInt(b.title), boolInt(a.title))
		})
		parts[k] = slices.CompactFunc(p, func(a, b hit) bool { return a.rid == b.rid })
	}

	perTerm := make([][]hit, len(terms))
	for i := range terms {
		var text []hit
		for r, ks := range plan[i] {
			run := parts[ks[0]]
			for _, k := range ks[1:] {
				run = intersect(run, parts[k])
			}
			if r == 0 {
				text = run
			} else {
				text = intersect(text, run)
			}
		}
		perTerm[i] = text
		if party[i] >= 0 {
			perTerm[i] = union(text, parts[party[i]])
		}
	}
	var tiers [][]int64
	if len(terms) == 1 {
		tiers = make([][]int64, 2)
		for _, h := range slices.Backward(perTerm[0]) {
			t := tierOf(true, h.title)
			tiers[t] = append(tiers[t], h.rid)
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

// union keeps the documents in either list (each by rid), with a's title.
func union(a, b []hit) []hit {
	out := make([]hit, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].rid < b[j].rid:
			out = append(out, a[i])
			i++
		case a[i].rid > b[j].rid:
			out = append(out, hit{rid: b[j].rid})
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	for _, h := range b[j:] {
		out = append(out, hit{rid: h.rid})
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
