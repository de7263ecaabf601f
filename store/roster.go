package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"suggestflow/domain"
)

// DuplicateDeputyError is a deputy that looks like one already on the
// roster: the same name in the same group, or the same phone.
type DuplicateDeputyError struct{ Existing domain.Deputy }

func (e *DuplicateDeputyError) Error() string {
	return fmt.Sprintf("deputy %s (%s, %s) looks the same", e.Existing.ID, e.Existing.Name, e.Existing.Group)
}

func (e *DuplicateDeputyError) Unwrap() error { return ErrDuplicate }

// DuplicateUnitError is a unit with the name of one already on the roster.
type DuplicateUnitError struct{ Existing domain.Unit }

func (e *DuplicateUnitError) Error() string {
	return fmt.Sprintf("unit %s (%s) has this name", e.Existing.ID, e.Existing.Name)
}

func (e *DuplicateUnitError) Unwrap() error { return ErrDuplicate }

func deputyRowOf(d domain.Deputy) deputyRow {
	return deputyRow{ID: d.ID, Name: d.Name, Level: d.Level, Group: d.Group, Phone: d.Phone, Email: d.Email}
}

func (r deputyRow) domain() domain.Deputy {
	return domain.Deputy{ID: r.ID, Name: r.Name, Level: r.Level, Group: r.Group, Phone: r.Phone, Email: r.Email, Active: r.RetiredAt == nil}
}

// sameDeputy finds a deputy other than d that looks like d.
func sameDeputy(tx *gorm.DB, d domain.Deputy) error {
	q := tx.Where("id <> ?", d.ID)
	if d.Phone != "" {
		fresh := tx.Session(&gorm.Session{NewDB: true})
		q = q.Where(fresh.Where("name = ? AND group_name = ?", d.Name, d.Group).Or("phone = ?", d.Phone))
	} else {
		q = q.Where("name = ? AND group_name = ?", d.Name, d.Group)
	}
	var row deputyRow
	err := q.Order("created_at, id").First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return &DuplicateDeputyError{Existing: row.domain()}
}

// CreateDeputy stores a new deputy; one that looks like a deputy on the
// roster is a *DuplicateDeputyError.
func (s *Store) CreateDeputy(ctx context.Context, d domain.Deputy) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := sameDeputy(tx, d); err != nil {
			return err
		}
		row := deputyRowOf(d)
		return translate(tx.Create(&row).Error)
	})
	if err != nil {
		return fmt.Errorf("create deputy: %w", err)
	}
	return nil
}

// UpdateDeputy replaces a deputy's fields; active false retires it (the
// first retirement's time is kept), true brings it back.
func (s *Store) UpdateDeputy(ctx context.Context, d domain.Deputy, at time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := byID[deputyRow](tx, "deputy", d.ID)
		if err != nil {
			return err
		}
		if err := sameDeputy(tx, d); err != nil {
			return err
		}
		row := deputyRowOf(d)
		row.CreatedAt, row.RetiredAt = old.CreatedAt, retired(old.RetiredAt, d.Active, at)
		return translate(tx.Save(&row).Error)
	})
	if err != nil {
		return fmt.Errorf("update deputy %s: %w", d.ID, err)
	}
	return nil
}

func retired(was *time.Time, active bool, at time.Time) *time.Time {
	switch {
	case active:
		return nil
	case was != nil:
		return was
	}
	return &at
}

// Deputy finds one deputy.
func (s *Store) Deputy(ctx context.Context, id string) (domain.Deputy, error) {
	row, err := byID[deputyRow](s.db.WithContext(ctx), "deputy", id)
	if err != nil {
		return domain.Deputy{}, err
	}
	return row.domain(), nil
}

// RosterFilter narrows a list of deputies or units.
type RosterFilter struct {
	// Query matches the name (and a deputy's phone, a unit's people).
	Query string
	// Group and Level narrow deputies.
	Group, Level   string
	IncludeRetired bool
}

func (f RosterFilter) apply(q *gorm.DB, queryColumns ...string) *gorm.DB {
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		cond := q.Session(&gorm.Session{NewDB: true})
		for i, col := range queryColumns {
			if i == 0 {
				cond = cond.Where(col+" LIKE ? ESCAPE '!'", like)
			} else {
				cond = cond.Or(col+" LIKE ? ESCAPE '!'", like)
			}
		}
		q = q.Where(cond)
	}
	if !f.IncludeRetired {
		q = q.Where("retired_at IS NULL")
	}
	return q
}

// Deputies lists deputies by group and name.
func (s *Store) Deputies(ctx context.Context, f RosterFilter, page Page) ([]domain.Deputy, int64, error) {
	q := f.apply(s.db.WithContext(ctx).Model(&deputyRow{}), "name", "phone")
	q = whereSet(q, "group_name = ?", f.Group)
	q = whereSet(q, "level = ?", f.Level)
	return paged(q, "deputies", "group_name, name, id", page, always(deputyRow.domain))
}

// RosterCounts are how many active deputies and units there are.
func (s *Store) RosterCounts(ctx context.Context) (deputies, units int64, err error) {
	db := s.db.WithContext(ctx)
	if err := db.Model(&deputyRow{}).Where("retired_at IS NULL").Count(&deputies).Error; err != nil {
		return 0, 0, fmt.Errorf("count deputies: %w", err)
	}
	if err := db.Model(&unitRow{}).Where("retired_at IS NULL").Count(&units).Error; err != nil {
		return 0, 0, fmt.Errorf("count units: %w", err)
	}
	return deputies, units, nil
}

// RetiredDeputies returns those of ids that are retired deputies.
func (s *Store) RetiredDeputies(ctx context.Context, ids []string) ([]string, error) {
	return s.retiredOf(ctx, &deputyRow{}, ids)
}

// RetiredUnits returns those of ids that are retired units.
func (s *Store) RetiredUnits(ctx context.Context, ids []string) ([]string, error) {
	return s.retiredOf(ctx, &unitRow{}, ids)
}

func (s *Store) retiredOf(ctx context.Context, model any, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []string
	if err := s.db.WithContext(ctx).Model(model).Where("id IN ? AND retired_at IS NOT NULL", ids).Order("id").Pluck("id", &out).Error; err != nil {
		return nil, fmt.Errorf("look up retired ids: %w", err)
	}
	return out, nil
}

// MissingDeputies returns those of ids that are not deputies.
func (s *Store) MissingDeputies(ctx context.Context, ids []string) ([]string, error) {
	return s.missing(ctx, &deputyRow{}, ids)
}

// MissingUnits returns those of ids that are not units.
func (s *Store) MissingUnits(ctx context.Context, ids []string) ([]string, error) {
	return s.missing(ctx, &unitRow{}, ids)
}

func (s *Store) missing(ctx context.Context, model any, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var found []string
	if err := s.db.WithContext(ctx).Model(model).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return nil, fmt.Errorf("look up ids: %w", err)
	}
	have := map[string]bool{}
	for _, id := range found {
		have[id] = true
	}
	var out []string
	for _, id := range ids {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

func unitRowOf(u domain.Unit) unitRow {
	return unitRow{ID: u.ID, Name: u.Name, Head: u.Head, Phone: u.Phone, Email: u.Email,
		Leader: u.Leader, LeaderPhone: u.LeaderPhone, LeaderEmail: u.LeaderEmail,
		Handler: u.Handler, HandlerPhone: u.HandlerPhone, HandlerEmail: u.HandlerEmail}
}

func (r unitRow) domain() domain.Unit {
	return domain.Unit{ID: r.ID, Name: r.Name, Head: r.Head, Phone: r.Phone, Email: r.Email,
		Leader: r.Leader, LeaderPhone: r.LeaderPhone, LeaderEmail: r.LeaderEmail,
		Handler: r.Handler, HandlerPhone: r.HandlerPhone, HandlerEmail: r.HandlerEmail, Active: r.RetiredAt == nil}
}

func sameUnit(tx *gorm.DB, u domain.Unit) error {
	var row unitRow
	err := tx.Where("id <> ? AND name = ?", u.ID, u.Name).First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return &DuplicateUnitError{Existing: row.domain()}
}

// CreateUnit stores a new unit; a unit of the same name is a
// *DuplicateUnitError.
func (s *Store) CreateUnit(ctx context.Context, u domain.Unit) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := sameUnit(tx, u); err != nil {
			return err
		}
		row := unitRowOf(u)
		return translate(tx.Create(&row).Error)
	})
	if err != nil {
		return fmt.Errorf("create unit: %w", err)
	}
	return nil
}

// UpdateUnit replaces a unit's fields; active false retires it.
func (s *Store) UpdateUnit(ctx context.Context, u domain.Unit, at time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := byID[unitRow](tx, "unit", u.ID)
		if err != nil {
			return err
		}
		if err := sameUnit(tx, u); err != nil {
			return err
		}
		row := unitRowOf(u)
		row.CreatedAt, row.RetiredAt = old.CreatedAt, retired(old.RetiredAt, u.Active, at)
		return translate(tx.Save(&row).Error)
	})
	if err != nil {
		return fmt.Errorf("update unit %s: %w", u.ID, err)
	}
	return nil
}

// Unit finds one unit.
func (s *Store) Unit(ctx context.Context, id string) (domain.Unit, error) {
	row, err := byID[unitRow](s.db.WithContext(ctx), "unit", id)
	if err != nil {
		return domain.Unit{}, err
	}
	return row.domain(), nil
}

// Units lists units by name.
func (s *Store) Units(ctx context.Context, f RosterFilter, page Page) ([]domain.Unit, int64, error) {
	q := f.apply(s.db.WithContext(ctx).Model(&unitRow{}), "name", "head", "leader", "handler")
	return paged(q, "units", "name, id", page, always(unitRow.domain))
}

// AllUnits lists every unit (for rankings and reports).
func (s *Store) AllUnits(ctx context.Context) ([]domain.Unit, error) {
	var rows []unitRow
	if err := s.db.WithContext(ctx).Order("name, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("all units: %w", err)
	}
	return convert(rows, unitRow.domain), nil
}

// Names resolves unit and deputy ids to names, for rendering notices.
func (s *Store) Names(ctx context.Context, unitIDs, deputyIDs []string) (units map[string]domain.Unit, deputies map[string]domain.Deputy, err error) {
	units, deputies = map[string]domain.Unit{}, map[string]domain.Deputy{}
	if len(unitIDs) > 0 {
		var rows []unitRow
		if err := s.db.WithContext(ctx).Where("id IN ?", unitIDs).Find(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("unit names: %w", err)
		}
		for _, r := range rows {
			units[r.ID] = r.domain()
		}
	}
	if len(deputyIDs) > 0 {
		var rows []deputyRow
		if err := s.db.WithContext(ctx).Where("id IN ?", deputyIDs).Find(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("deputy names: %w", err)
		}
		for _, r := range rows {
			deputies[r.ID] = r.domain()
		}
	}
	return units, deputies, nil
}
