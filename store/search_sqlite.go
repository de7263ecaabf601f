package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// The SQLite index is an FTS5 table whose tokens are the character pairs
// (see search.go), written as words separated by spaces: FTS5's unicode61
// tokenizer keeps each such word whole, since a pair holds only letters
// and digits. It is contentless (the text is in the suggestions already),
// with contentless_delete so that a document can be replaced; its rowid is
// the document's rid.
const createFTS = `CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, parties,
	content='', contentless_delete=1)`

func (s *Store) migrateSearchSQLite(ctx context.Context) error {
	if err := s.db.WithContext(ctx).Exec(createFTS).Error; err != nil {
		return fmt.Errorf("migrate: create search_fts: %w", err)
	}
	return nil
}

func writeFTS(tx *gorm.DB, rid int64, doc searchDoc) error {
	parties := make([]string, len(doc.parties))
	for i, p := range doc.parties {
		parties[i] = ftsParty(partyKey(p))
	}
	return tx.Exec("INSERT INTO search_fts (rowid, title, body, parties) VALUES (?, ?, ?, ?)",
		rid, ftsTokens(doc.title), ftsTokens(doc.body), strings.Join(parties, " ")).Error
}

// ftsTokens are a text's tokens in order: each run's pairs and then its
// last character alone.
func ftsTokens(runs [][]rune) string {
	var b strings.Builder
	for _, run := range runs {
		for i := 0; i+1 < len(run); i++ {
			b.WriteString(string(run[i : i+2]))
			b.WriteByte(' ')
		}
		b.WriteString(string(run[len(run)-1:]))
		b.WriteByte(' ')
	}
	return b.String()
}

func ftsParty(key uint64) string { return fmt.Sprintf("p%010x", key) }

// ftsText matches a term in the text: every run as a phrase of its pairs
// (so 村电网 is 村电 followed by 电网, exactly), a one-character run as the
// prefix of a token (the character first in a pair, or alone).
func ftsText(t searchTerm) string {
	parts := make([]string, 0, len(t.runs))
	for _, run := range t.runs {
		if len(run) == 1 {
			parts = append(parts, `"`+string(run)+`"*`)
			continue
		}
		pairs := make([]string, 0, len(run)-1)
		for i := 0; i+1 < len(run); i++ {
			pairs = append(pairs, string(run[i:i+2]))
		}
		parts = append(parts, `"`+strings.Join(pairs, " ")+`"`)
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// ftsTiers writes each tier (see searchTiers) as one FTS5 query, and all
// the matches as another.
func ftsTiers(db *gorm.DB, terms []searchTerm) ftsSearch {
	var matches, titles []string
	for _, t := range terms {
		m := "({title body} : " + ftsText(t) + ")"
		if len(t.parties) > 0 {
			keys := make([]string, len(t.parties))
			for i, k := range t.parties {
				keys[i] = ftsParty(k)
			}
			m = "(" + m + " OR {parties} : (" + strings.Join(keys, " OR ") + "))"
		}
		matches = append(matches, m)
		titles = append(titles, "({title} : "+ftsText(t)+")")
	}
	title := "(" + strings.Join(titles, " OR ") + ")"
	if len(terms) == 1 {
		// A title match is a match.
		return ftsSearch{db: db, any: matches[0], exprs: []string{title, matches[0] + " NOT " + title}}
	}
	all := "(" + strings.Join(matches, " AND ") + ")"
	some := "(" + strings.Join(matches, " OR ") + ")"
	// Each tier leaves out the ones above it.
	return ftsSearch{db: db, any: some, exprs: []string{
		all + " AND " + title,
		all + " NOT " + title,
		title + " NOT " + all,
		"(" + some + " NOT " + all + ") NOT " + title,
	}}
}

type ftsSearch struct {
	db    *gorm.DB
	any   string // every match
	exprs []string
}

func (f ftsSearch) tiers() int { return len(f.exprs) }

func (f ftsSearch) total(ctx context.Context) (int64, error) {
	var n int64
	err := f.db.WithContext(ctx).Raw("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", f.any).Scan(&n).Error
	return n, err
}

func (f ftsSearch) top(ctx context.Context, tier, limit int) ([]int64, error) {
	var rids []int64
	err := f.db.WithContext(ctx).Raw("SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
		f.exprs[tier], limit).Scan(&rids).Error
	return rids, err
}

func (f ftsSearch) restrict(tier int) (string, []any) {
	expr := f.any
	if tier >= 0 {
		expr = f.exprs[tier]
	}
	return "suggestions.id IN (SELECT d.suggestion_id FROM search_docs d WHERE d.rid IN " +
		"(SELECT rowid FROM search_fts WHERE search_fts MATCH ?))", []any{expr}
}
