package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

// Search finds suggestions by their title, content, number and category,
// and by the names of their deputies and units.
//
// Chinese is written without spaces and most of its words are two
// characters long, so the index holds character pairs (bigrams): 农村电网
// is 农村, 村电, 电网, and a word of any length is found through its pairs.
// The last character of every run of letters and digits is indexed alone
// too, so that a one-character query finds every place the character is
// (as the first of a pair, or alone at the end of a run). SQLite keeps the
// pairs as the tokens of an FTS5 table (search_sqlite.go), where a query
// is an exact phrase of pairs; MySQL and MariaDB keep them as rows of
// (pair, document) (search_mysql.go): MariaDB has no ngram parser, and
// InnoDB's FULLTEXT, which MySQL's ngram parser feeds, took 0.3-0.5 s here
// for a word found in 6,000 of 100,000 cases, where the plain table takes
// milliseconds. Both rank the same way and share everything in this file.
//
// Names are not copied into the index. A document carries the ids of its
// deputies and units instead, and a query looks the names up in the roster
// as it runs: a renamed deputy or unit is found by the new name at once,
// with nothing to re-index, and by the old one no more.

// searchVersion is the shape of the index; a document written by an older
// shape is written again at the next migration. 2: MySQL rows describe
// four places after their pair instead of two.
const searchVersion = 2

// maxSearchTerms bounds the words of one query that are searched for; the
// rest are ignored.
const maxSearchTerms = 8

// maxNamedParties bounds the deputies and units one word of a query can
// name (one character of a common surname names many).
const maxNamedParties = 200

// searchDocRow is a suggestion's document in the index. Rid orders the
// documents by submission time (see allocateRid), so that the newest
// matches are read first from the index itself and a page is read without
// sorting every match.
type searchDocRow struct {
	Rid          int64  `gorm:"column:rid;primaryKey;autoIncrement:false"`
	SuggestionID string `gorm:"size:64;not null;uniqueIndex"`
	// Digest is of the indexed fields, so a step that changes none of them
	// writes nothing to the index.
	Digest  string `gorm:"size:64;not null"`
	Version int    `gorm:"not null"`
}

func (searchDocRow) TableName() string { return "search_docs" }

// searchDoc is what the index knows of one suggestion.
type searchDoc struct {
	title   [][]rune // the runs of the title
	body    [][]rune // of the content, the number and the category
	parties []string // deputies' and units' ids
	digest  string
}

func searchDocOf(sg domain.Suggestion) searchDoc {
	parties := []string{sg.LeadDeputyID}
	parties = append(parties, sg.CoSignerIDs...)
	if a := sg.Assignment; a != nil {
		parties = append(parties, a.LeadUnitID)
		parties = append(parties, a.CoUnitIDs...)
	}
	parties = slices.DeleteFunc(parties, func(p string) bool { return p == "" })
	slices.Sort(parties)
	parties = slices.Compact(parties)
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s\x00%s", searchVersion, sg.Title, sg.Content, sg.Number, sg.Category, strings.Join(parties, "\x00"))
	return searchDoc{
		title:   searchRuns(sg.Title),
		body:    slices.Concat(searchRuns(sg.Content), searchRuns(sg.Number), searchRuns(sg.Category)),
		parties: parties,
		digest:  hex.EncodeToString(h.Sum(nil)),
	}
}

// searchRuns splits text into its runs of letters and digits, in one
// spelling for the index and the query alike: NFKC (full-width Ａ１ is A1)
// and lower case. Everything else (spaces, punctuation) separates runs.
func searchRuns(s string) [][]rune {
	var out [][]rune
	var run []rune
	for _, r := range strings.ToLower(norm.NFKC.String(s)) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			run = append(run, r)
			continue
		}
		if len(run) > 0 {
			out = append(out, run)
			run = nil
		}
	}
	if len(run) > 0 {
		out = append(out, run)
	}
	return out
}

// partyKey is a deputy's or unit's id as the index holds it: 40 bits of its
// hash, so that both indexes keep it as a short word or number. Two ids
// of one township sharing a key (about one chance in 10^6 with a thousand
// of them) would make a search by one name also find the other's cases.
func partyKey(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64() & (1<<40 - 1)
}

// index writes a suggestion's document, unless the stored one is of the
// same fields already. It runs in the transaction that writes the
// suggestion's row, so the index never disagrees with the row.
func (s *Store) index(tx *gorm.DB, sg domain.Suggestion) error {
	doc := searchDocOf(sg)
	var cur searchDocRow
	err := tx.Where("suggestion_id = ?", sg.ID).Take(&cur).Error
	switch {
	case err == nil:
		if cur.Digest == doc.digest && cur.Version == searchVersion {
			return nil
		}
		if err := s.unindex(tx, cur.Rid); err != nil {
			return fmt.Errorf("index %s: %w", sg.ID, err)
		}
		if err := tx.Model(&searchDocRow{}).Where("rid = ?", cur.Rid).
			Updates(map[string]any{"digest": doc.digest, "version": searchVersion}).Error; err != nil {
			return fmt.Errorf("index %s: %w", sg.ID, err)
		}
	case errors.Is(err, gorm.ErrRecordNotFound):
		if cur, err = allocateRid(tx, sg, doc.digest); err != nil {
			return fmt.Errorf("index %s: %w", sg.ID, err)
		}
	default:
		return fmt.Errorf("index %s: %w", sg.ID, err)
	}
	if s.dialect == "mysql" {
		err = writeGrams(tx, cur.Rid, doc)
	} else {
		err = writeFTS(tx, cur.Rid, doc)
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", sg.ID, err)
	}
	return nil
}

func (s *Store) unindex(tx *gorm.DB, rid int64) error {
	if s.dialect == "mysql" {
		return tx.Where("rid = ?", rid).Delete(&searchGramRow{}).Error
	}
	return tx.Exec("DELETE FROM search_fts WHERE rowid = ?", rid).Error
}

// allocateRid gives a new document the microsecond of its submission as
// rid, or the next free one after it: two cases submitted in the same
// microsecond (the benchmark's fill, an import) still get one each. The
// row it returns is the one stored, which may be another writer's for the
// same suggestion if that one came first.
func allocateRid(tx *gorm.DB, sg domain.Suggestion, digest string) (searchDocRow, error) {
	rid := sg.SubmittedAt.UnixMicro()
	for attempt := 0; attempt < 1000; attempt++ {
		row := searchDocRow{Rid: rid + int64(attempt), SuggestionID: sg.ID, Digest: digest, Version: searchVersion}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return row, res.Error
		}
		if res.RowsAffected == 1 {
			return row, nil
		}
		// The rid was taken, or so was the suggestion (a concurrent
		// backfill at start): in that case the document is there now.
		var cur searchDocRow
		err := tx.Where("suggestion_id = ?", sg.ID).Take(&cur).Error
		if err == nil {
			return cur, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return row, err
		}
	}
	return searchDocRow{}, fmt.Errorf("no free search rid after %d", rid)
}

// backfillSearch indexes the suggestions that have no document of the
// current shape: those stored before the index existed, after an upgrade
// of its shape, or restored from an older backup.
func (s *Store) backfillSearch(ctx context.Context) error {
	stale := func() *gorm.DB {
		return s.db.WithContext(ctx).Model(&suggestionRow{}).
			Joins("LEFT JOIN search_docs d ON d.suggestion_id = suggestions.id").
			Where("d.rid IS NULL OR d.version < ?", searchVersion)
	}
	var todo int64
	if err := stale().Count(&todo).Error; err != nil {
		return fmt.Errorf("migrate: count suggestions to index: %w", err)
	}
	if todo == 0 {
		return nil
	}
	slog.Info("indexing suggestions for search", "count", todo)
	for done := int64(0); done < todo; {
		var rows []suggestionRow
		if err := stale().Select("suggestions.*").Order("suggestions.id").Limit(500).Find(&rows).Error; err != nil {
			return fmt.Errorf("migrate: read suggestions to index: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			for _, r := range rows {
				sg, err := r.domain()
				if err != nil {
					return err
				}
				if err := s.index(tx, sg); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate: index suggestions: %w", err)
		}
		done += int64(len(rows))
	}
	slog.Info("indexed suggestions for search", "count", todo)
	return nil
}

// searchTerm is one word of a query (the query split at spaces): it
// matches a case whose title, content, number or category holds every run
// of it, or one of whose deputies or units is named by it.
type searchTerm struct {
	runs    [][]rune
	parties []uint64 // partyKey of each deputy and unit whose name holds the word
}

// searchTerms parses a query. A word without letters or digits is no term;
// a repeated word counts once.
func (s *Store) searchTerms(ctx context.Context, q string) ([]searchTerm, error) {
	var terms []searchTerm
	seen := map[string]bool{}
	for _, word := range strings.Fields(q) {
		if len(terms) == maxSearchTerms {
			break
		}
		runs := searchRuns(word)
		key := fmt.Sprint(runs)
		if len(runs) == 0 || seen[key] {
			continue
		}
		seen[key] = true
		t := searchTerm{runs: runs}
		like := "%" + escapeLike(word) + "%"
		var ids []string
		if err := s.db.WithContext(ctx).Raw(`SELECT id FROM deputies WHERE name LIKE ? ESCAPE '!'
			UNION ALL SELECT id FROM units WHERE name LIKE ? ESCAPE '!' LIMIT ?`, like, like, maxNamedParties).
			Scan(&ids).Error; err != nil {
			return nil, fmt.Errorf("search: names holding %q: %w", word, err)
		}
		for _, id := range ids {
			t.parties = append(t.parties, partyKey(id))
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// searchTiers are the ranks of one search's matches, best first:
//
//  0. every term matches, and one matches the title
//  1. every term matches
//  2. some terms match, one of them in the title
//  3. some terms match
//
// (with one term, only the first two). Within a tier the newest come
// first, by rid. A page is read tier by tier from the top, so the first
// page of a common word is the first 20 of tier 0 straight from the index,
// and only the total counts every match.
type searchTiers interface {
	tiers() int
	// total counts the matches of every tier.
	total(ctx context.Context) (int64, error)
	// top reads the first limit rids of a tier, newest first.
	top(ctx context.Context, tier, limit int) ([]int64, error)
	// restrict is the condition on suggestions.id for the cases of a tier
	// (-1: of every tier), for a search among other filters.
	restrict(tier int) (string, []any)
}

func (s *Store) searchTiers(ctx context.Context, terms []searchTerm) (searchTiers, error) {
	if s.dialect == "mysql" {
		return s.gramTiers(ctx, terms)
	}
	return ftsTiers(s.db.WithContext(ctx), terms), nil
}

// searchPage is a search with no other filter: the total and the page come
// from the index alone, and only the page's rows are read.
func (s *Store) searchPage(ctx context.Context, t searchTiers, p Page) ([]domain.Suggestion, int64, error) {
	total, err := t.total(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("count suggestions found: %w", err)
	}
	var rids []int64
	end := p.offset() + p.Size
	for tier := 0; tier < t.tiers() && len(rids) < end; tier++ {
		got, err := t.top(ctx, tier, end-len(rids))
		if err != nil {
			return nil, 0, fmt.Errorf("list suggestions found: %w", err)
		}
		rids = append(rids, got...)
	}
	if len(rids) <= p.offset() {
		return []domain.Suggestion{}, total, nil
	}
	rids = rids[p.offset():]
	var rows []foundRow
	if err := s.db.WithContext(ctx).Model(&suggestionRow{}).Select("suggestions.*, d.rid AS found_rid").
		Joins("JOIN search_docs d ON d.suggestion_id = suggestions.id").Where("d.rid IN ?", rids).
		Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list suggestions found: %w", err)
	}
	byRid := make(map[int64]suggestionRow, len(rows))
	for _, r := range rows {
		byRid[r.FoundRid] = r.Row
	}
	// In the order of the tiers. A document and its row are written in one
	// transaction, so every rid has its row.
	ordered := make([]suggestionRow, 0, len(rids))
	for _, rid := range rids {
		if r, ok := byRid[rid]; ok {
			ordered = append(ordered, r)
		}
	}
	out, err := decode(ordered, suggestionRow.domain)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// searchFiltered is a search among other filters (status, party, overdue,
// the reader's scope): the tiers are read on the filtered list itself, in
// the list's order.
func searchFiltered(ctx context.Context, t searchTiers, count, list *gorm.DB, order string, p Page) ([]domain.Suggestion, int64, error) {
	cond, args := t.restrict(-1)
	var total int64
	if err := count.Session(&gorm.Session{}).Where(cond, args...).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count suggestions found: %w", err)
	}
	var rows []suggestionRow
	end := p.offset() + p.Size
	for tier := 0; tier < t.tiers() && len(rows) < end; tier++ {
		cond, args := t.restrict(tier)
		var got []suggestionRow
		if err := list.Session(&gorm.Session{}).Where(cond, args...).Order(order).Limit(end - len(rows)).
			Find(&got).Error; err != nil {
			return nil, 0, fmt.Errorf("list suggestions found: %w", err)
		}
		rows = append(rows, got...)
	}
	if len(rows) <= p.offset() {
		return []domain.Suggestion{}, total, nil
	}
	out, err := decode(rows[p.offset():], suggestionRow.domain)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// foundRow is a suggestion's row with its document's rid.
type foundRow struct {
	Row      suggestionRow `gorm:"embedded"`
	FoundRid int64
}
