package store

import (
	"context"
	"fmt"

	"suggestflow/domain"
)

// CreateDeputy stores a new deputy.
func (s *Store) CreateDeputy(ctx context.Context, d domain.Deputy) error {
	row := deputyRow{ID: d.ID, Name: d.Name, Level: d.Level, Group: d.Group, Phone: d.Phone, Email: d.Email}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create deputy: %w", translate(err))
	}
	return nil
}

func (r deputyRow) domain() domain.Deputy {
	return domain.Deputy{ID: r.ID, Name: r.Name, Level: r.Level, Group: r.Group, Phone: r.Phone, Email: r.Email}
}

// Deputy finds one deputy.
func (s *Store) Deputy(ctx context.Context, id string) (domain.Deputy, error) {
	row, err := byID[deputyRow](s.db.WithContext(ctx), "deputy", id)
	if err != nil {
		return domain.Deputy{}, err
	}
	return row.domain(), nil
}

// Deputies lists deputies by name.
func (s *Store) Deputies(ctx context.Context, page Page) ([]domain.Deputy, int64, error) {
	return paged(s.db.WithContext(ctx).Model(&deputyRow{}), "deputies", "name, id", page, always(deputyRow.domain))
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

// CreateUnit stores a new unit.
func (s *Store) CreateUnit(ctx context.Context, u domain.Unit) error {
	row := unitRow{ID: u.ID, Name: u.Name, Head: u.Head, Phone: u.Phone, Email: u.Email}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create unit: %w", translate(err))
	}
	return nil
}

func (r unitRow) domain() domain.Unit {
	return domain.Unit{ID: r.ID, Name: r.Name, Head: r.Head, Phone: r.Phone, Email: r.Email}
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
func (s *Store) Units(ctx context.Context, page Page) ([]domain.Unit, int64, error) {
	return paged(s.db.WithContext(ctx).Model(&unitRow{}), "units", "name, id", page, always(unitRow.domain))
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
