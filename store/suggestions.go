package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

// SaveOpinions keeps a suggestion's constituent opinions (personal data,
// never sent to Temporal). Idempotent.
func (s *Store) SaveOpinions(ctx context.Context, suggestionID string, opinions []string) error {
	if len(opinions) == 0 {
		return nil
	}
	rows := make([]opinionRow, 0, len(opinions))
	for i, o := range opinions {
		rows = append(rows, opinionRow{ID: fmt.Sprintf("%s-%d", suggestionID, i+1), SuggestionID: suggestionID, Content: o})
	}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return fmt.Errorf("save opinions of %s: %w", suggestionID, err)
	}
	return nil
}

// OpenDuplicate finds an open suggestion with the same lead deputy and
// title, so a resubmission without a key is caught.
func (s *Store) OpenDuplicate(ctx context.Context, leadDeputyID, title string) (string, error) {
	var row suggestionRow
	err := s.db.WithContext(ctx).Select("id").
		Where("lead_deputy_id = ? AND title = ? AND status NOT IN ?", leadDeputyID, title, domain.EndedStatuses).
		First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find duplicate: %w", err)
	}
	return row.ID, nil
}

// CreateSuggestion inserts a new suggestion and gives it the next number
// of its year. A second call for the same id returns the first number.
func (s *Store) CreateSuggestion(ctx context.Context, sg domain.Suggestion, year int) (string, error) {
	number, _, err := s.createSuggestion(ctx, sg, year, nil)
	return number, err
}

// createSuggestion stores a new case and its number, and says whether it
// was new; in the same transaction, more (when set) writes what goes with
// a new one.
func (s *Store) createSuggestion(ctx context.Context, sg domain.Suggestion, year int, more func(tx *gorm.DB) error) (string, bool, error) {
	var number string
	created := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		created = false
		var existing suggestionRow
		err := tx.Select("number").First(&existing, "id = ?", sg.ID).Error
		if err == nil {
			number = existing.Number
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		name := fmt.Sprintf("%s%04d", numberCounter, year)
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&counterRow{Name: name}).Error; err != nil {
			return err
		}
		if err := tx.Model(&counterRow{}).Where("name = ?", name).Update("value", gorm.Expr("value + 1")).Error; err != nil {
			return err
		}
		var c counterRow
		if err := tx.First(&c, "name = ?", name).Error; err != nil {
			return err
		}
		number = fmt.Sprintf("%d-%03d", year, c.Value)
		sg.Number = number
		row, parties, err := suggestionRows(sg)
		if err != nil {
			return err
		}
		row.Seq = -1
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := addStatus(tx, row.SubmittedAt, row.LeadUnitID, row.Status, 1); err != nil {
			return err
		}
		if err := tx.Create(&parties).Error; err != nil {
			return err
		}
		if err := s.index(tx, sg); err != nil {
			return err
		}
		created = true
		if more != nil {
			return more(tx)
		}
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("create suggestion %s: %w", sg.ID, translate(err))
	}
	return number, created, nil
}

// Suggestion reads one suggestion's stored state.
func (s *Store) Suggestion(ctx context.Context, id string) (domain.Suggestion, error) {
	row, err := byID[suggestionRow](s.db.WithContext(ctx), "suggestion", id)
	if err != nil {
		return domain.Suggestion{}, err
	}
	return row.domain()
}

func (r suggestionRow) domain() (domain.Suggestion, error) {
	var sg domain.Suggestion
	if err := json.Unmarshal([]byte(r.State), &sg); err != nil {
		return sg, fmt.Errorf("decode suggestion %s: %w", r.ID, err)
	}
	return sg, nil
}

// SuggestionFilter narrows a list of suggestions.
type SuggestionFilter struct {
	Status   string
	UnitID   string
	DeputyID string
	Overdue  *bool
	Query    string
	// Scope limits a unit's or a deputy's lists to their own cases, on top
	// of the filters they chose.
	ScopeUnitID   string
	ScopeDeputyID string
}

// Suggestions lists suggestions, newest first.
func (s *Store) Suggestions(ctx context.Context, f SuggestionFilter, page Page) ([]domain.Suggestion, int64, error) {
	q := s.db.WithContext(ctx).Model(&suggestionRow{})
	if f.Overdue != nil {
		q = q.Where("suggestions.overdue = ?", *f.Overdue)
	}
	// A party is on a suggestion in one role only (submission and
	// assignment refuse doubles), so each join keeps one row per case.
	joins := 0
	var onlyParty string
	var onlyRoles []string
	join := func(party string, roles []string) {
		if party == "" {
			return
		}
		joins++
		onlyParty, onlyRoles = party, roles
		alias := fmt.Sprintf("p%d", joins)
		if f.Status != "" {
			// The party's rows carry the status: the first join filters
			// and orders on one index of its own.
			q = q.Joins(fmt.Sprintf("JOIN suggestion_parties %[1]s ON %[1]s.suggestion_id = suggestions.id AND %[1]s.party_id = ? AND %[1]s.status = ? AND %[1]s.role IN ?", alias), party, f.Status, roles)
			return
		}
		q = q.Joins(fmt.Sprintf("JOIN suggestion_parties %[1]s ON %[1]s.suggestion_id = suggestions.id AND %[1]s.party_id = ? AND %[1]s.role IN ?", alias), party, roles)
	}
	units, deputies := []string{"lead_unit", "co_unit"}, []string{"lead_deputy", "co_signer"}
	join(f.UnitID, units)
	if f.ScopeUnitID != f.UnitID {
		join(f.ScopeUnitID, units)
	}
	join(f.DeputyID, deputies)
	if f.ScopeDeputyID != f.DeputyID {
		join(f.ScopeDeputyID, deputies)
	}
	if f.Status != "" && joins == 0 {
		q = q.Where("suggestions.status = ?", f.Status)
	}
	count := q
	if joins == 1 && f.Overdue == nil && strings.TrimSpace(f.Query) == "" {
		// Nothing to check on the cases themselves: the party's index rows
		// are the count.
		count = s.db.WithContext(ctx).Model(&partyRow{}).Where("party_id = ? AND role IN ?", onlyParty, onlyRoles)
		count = whereSet(count, "status = ?", f.Status)
	}
	// With a party, its own rows are in submission order already (see
	// partyRow): the database reads the page from that index.
	order := "suggestions.submitted_at DESC, suggestions.id DESC"
	if joins > 0 {
		order = "p1.submitted_at DESC, p1.suggestion_id DESC"
	}
	// The rows are read as suggestions.* alone, leaving out the joined
	// parties' columns, on a copy of the chain: the count, which may run on
	// q itself, must not see that Select.
	list := q.Session(&gorm.Session{}).Select("suggestions.*")
	if strings.TrimSpace(f.Query) == "" {
		if joins == 0 && f.Status == "" && f.Overdue == nil {
			total, err := s.caseCount(ctx)
			if err != nil {
				return nil, 0, err
			}
			return pagedTotal(total, list, "suggestions", order, page, suggestionRow.domain)
		}
		return pagedCounted(count, list, "suggestions", order, page, suggestionRow.domain)
	}
	// A search ranks its matches (search.go) instead of listing newest first.
	terms, err := s.searchTerms(ctx, f.Query)
	if err != nil {
		return nil, 0, err
	}
	if len(terms) == 0 {
		return []domain.Suggestion{}, 0, nil
	}
	tiers, err := s.searchTiers(ctx, terms)
	if err != nil {
		return nil, 0, err
	}
	if joins == 0 && f.Status == "" && f.Overdue == nil {
		return s.searchPage(ctx, tiers, page)
	}
	return searchFiltered(ctx, tiers, count, list, order, page)
}

// numberCounter starts the names of the yearly counters that number the
// cases (suggestion-2026); no other counter's name is of that form.
const numberCounter = "suggestion-"

// caseCount is how many cases are stored: the sum of the yearly number
// counters, each raised in the transaction that stores a case (and no
// case is ever deleted). COUNT(*) would read an index entry of every case,
// which on MariaDB took 10-16 ms at 100,000, most of the newest list's time.
func (s *Store) caseCount(ctx context.Context) (int64, error) {
	var total int64
	if err := s.db.WithContext(ctx).Model(&counterRow{}).Where("name LIKE ?", numberCounter+"____").
		Select("COALESCE(SUM(value), 0)").Scan(&total).Error; err != nil {
		return 0, fmt.Errorf("count suggestions: %w", err)
	}
	return total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// Timeline lists a suggestion's events in order.
func (s *Store) Timeline(ctx context.Context, suggestionID string) ([]domain.Event, error) {
	var rows []eventRow
	if err := s.db.WithContext(ctx).Where("suggestion_id = ?", suggestionID).Order("at, ord, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", suggestionID, err)
	}
	return convert(rows, eventRow.domain), nil
}

// eventRowOf is the row of an event that is the ord-th of its step (0 for
// an event written on its own).
func eventRowOf(e domain.Event, ord int) eventRow {
	return eventRow{ID: e.ID, SuggestionID: e.SuggestionID, MeetingID: e.MeetingID, At: e.At, Ord: ord,
		ActorID: e.Actor.ID, ActorRole: e.Actor.Role, Type: e.Type, Params: e.Params, Detail: e.Detail}
}

func (r eventRow) domain() domain.Event {
	return domain.Event{ID: r.ID, SuggestionID: r.SuggestionID, MeetingID: r.MeetingID, At: r.At,
		Actor: domain.Actor{ID: r.ActorID, Role: r.ActorRole}, Type: r.Type, Params: r.Params, Detail: r.Detail}
}

// CaseIDs lists the id of every suggestion, for comparing the database with
// the workflows.
func (s *Store) CaseIDs(ctx context.Context) ([]string, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&suggestionRow{}).Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("case ids: %w", err)
	}
	return ids, nil
}

// OpenSuggestionIDs pages through the ids of cases still open.
func (s *Store) OpenSuggestionIDs(ctx context.Context, after string, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&suggestionRow{}).Where("status NOT IN ? AND id > ?", domain.EndedStatuses, after).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("open suggestions: %w", err)
	}
	return ids, nil
}

// OpenCases lists the open suggestions (for hearings and inspections).
func (s *Store) OpenCases(ctx context.Context) ([]domain.Suggestion, error) {
	var rows []suggestionRow
	if err := s.db.WithContext(ctx).Where("status IN ?", []string{"handling", "rehandling", "following_up", "replied"}).
		Order("number").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	return decode(rows, suggestionRow.domain)
}
