// Package roster is the township's deputies and handling units: adding,
// editing and retiring them, refusing likely duplicates with the record
// they duplicate, and importing them (and the session's suggestions) from
// a spreadsheet. The JSON API and the pages both go through it.
package roster

import (
	"context"
	"errors"
	"strings"
	"time"

	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// Service changes the roster.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New makes the service.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// DeputyInput is a deputy as entered.
type DeputyInput struct {
	Name  string `json:"name" validate:"required,max=100"`
	Level string `json:"level" validate:"required,oneof=township county"`
	Group string `json:"group" validate:"max=100"`
	Phone string `json:"phone" validate:"max=40"`
	Email string `json:"email" validate:"omitempty,email,max=200"`
}

// DeputyPatch changes some of a deputy's fields; active false retires.
// The deputy as patched is checked as a whole (an empty email is none).
type DeputyPatch struct {
	Name   *string `json:"name" validate:"omitempty,max=100"`
	Level  *string `json:"level" validate:"omitempty,oneof=township county"`
	Group  *string `json:"group" validate:"omitempty,max=100"`
	Phone  *string `json:"phone" validate:"omitempty,max=40"`
	Email  *string `json:"email" validate:"omitempty,max=200"`
	Active *bool   `json:"active"`
}

// UnitInput is a unit as entered.
type UnitInput struct {
	Name         string `json:"name" validate:"required,max=200"`
	Head         string `json:"head" validate:"required,max=100"`
	Phone        string `json:"phone" validate:"max=40"`
	Email        string `json:"email" validate:"omitempty,email,max=200"`
	Leader       string `json:"leader" validate:"max=100"`
	LeaderPhone  string `json:"leader_phone" validate:"max=40"`
	LeaderEmail  string `json:"leader_email" validate:"omitempty,email,max=200"`
	Handler      string `json:"handler" validate:"max=100"`
	HandlerPhone string `json:"handler_phone" validate:"max=40"`
	HandlerEmail string `json:"handler_email" validate:"omitempty,email,max=200"`
}

// UnitPatch changes some of a unit's fields; active false retires. The
// unit as patched is checked as a whole.
type UnitPatch struct {
	Name         *string `json:"name" validate:"omitempty,max=200"`
	Head         *string `json:"head" validate:"omitempty,max=100"`
	Phone        *string `json:"phone" validate:"omitempty,max=40"`
	Email        *string `json:"email" validate:"omitempty,max=200"`
	Leader       *string `json:"leader" validate:"omitempty,max=100"`
	LeaderPhone  *string `json:"leader_phone" validate:"omitempty,max=40"`
	LeaderEmail  *string `json:"leader_email" validate:"omitempty,max=200"`
	Handler      *string `json:"handler" validate:"omitempty,max=100"`
	HandlerPhone *string `json:"handler_phone" validate:"omitempty,max=40"`
	HandlerEmail *string `json:"handler_email" validate:"omitempty,max=200"`
	Active       *bool   `json:"active"`
}

func (in DeputyInput) deputy(id string) domain.Deputy {
	return domain.Deputy{ID: id, Name: strings.TrimSpace(in.Name), Level: in.Level, Group: strings.TrimSpace(in.Group),
		Phone: strings.TrimSpace(in.Phone), Email: strings.TrimSpace(in.Email), Active: true}
}

func inputOfDeputy(d domain.Deputy) DeputyInput {
	return DeputyInput{Name: d.Name, Level: d.Level, Group: d.Group, Phone: d.Phone, Email: d.Email}
}

func (in UnitInput) unit(id string) domain.Unit {
	t := strings.TrimSpace
	return domain.Unit{ID: id, Name: t(in.Name), Head: t(in.Head), Phone: t(in.Phone), Email: t(in.Email),
		Leader: t(in.Leader), LeaderPhone: t(in.LeaderPhone), LeaderEmail: t(in.LeaderEmail),
		Handler: t(in.Handler), HandlerPhone: t(in.HandlerPhone), HandlerEmail: t(in.HandlerEmail), Active: true}
}

func inputOfUnit(u domain.Unit) UnitInput {
	return UnitInput{Name: u.Name, Head: u.Head, Phone: u.Phone, Email: u.Email, Leader: u.Leader, LeaderPhone: u.LeaderPhone,
		LeaderEmail: u.LeaderEmail, Handler: u.Handler, HandlerPhone: u.HandlerPhone, HandlerEmail: u.HandlerEmail}
}

// CreateDeputy adds a deputy to the roster.
func (s *Service) CreateDeputy(ctx context.Context, in DeputyInput) (domain.Deputy, error) {
	if err := validation.Check(&in); err != nil {
		return domain.Deputy{}, err
	}
	d := in.deputy(domain.NewID("dp_"))
	if err := s.st.CreateDeputy(ctx, d); err != nil {
		return domain.Deputy{}, refused(err, "deputy")
	}
	return d, nil
}

// UpdateDeputy changes a deputy; the whole record is checked again.
func (s *Service) UpdateDeputy(ctx context.Context, id string, p DeputyPatch) (domain.Deputy, error) {
	if err := validation.Check(&p); err != nil {
		return domain.Deputy{}, err
	}
	old, err := s.st.Deputy(ctx, id)
	if err != nil {
		return domain.Deputy{}, store.Refused(err, "deputy")
	}
	in := inputOfDeputy(old)
	set(&in.Name, p.Name)
	set(&in.Level, p.Level)
	set(&in.Group, p.Group)
	set(&in.Phone, p.Phone)
	set(&in.Email, p.Email)
	if err := validation.Check(&in); err != nil {
		return domain.Deputy{}, err
	}
	d := in.deputy(id)
	d.Active = old.Active
	if p.Active != nil {
		d.Active = *p.Active
	}
	if err := s.st.UpdateDeputy(ctx, d, s.now().UTC()); err != nil {
		return domain.Deputy{}, refused(err, "deputy")
	}
	return d, nil
}

// CreateUnit adds a unit to the roster.
func (s *Service) CreateUnit(ctx context.Context, in UnitInput) (domain.Unit, error) {
	if err := validation.Check(&in); err != nil {
		return domain.Unit{}, err
	}
	u := in.unit(domain.NewID("un_"))
	if err := s.st.CreateUnit(ctx, u); err != nil {
		return domain.Unit{}, refused(err, "unit")
	}
	return u, nil
}

// UpdateUnit changes a unit; the whole record is checked again.
func (s *Service) UpdateUnit(ctx context.Context, id string, p UnitPatch) (domain.Unit, error) {
	if err := validation.Check(&p); err != nil {
		return domain.Unit{}, err
	}
	old, err := s.st.Unit(ctx, id)
	if err != nil {
		return domain.Unit{}, store.Refused(err, "unit")
	}
	in := inputOfUnit(old)
	for _, f := range []struct {
		dst *string
		src *string
	}{{&in.Name, p.Name}, {&in.Head, p.Head}, {&in.Phone, p.Phone}, {&in.Email, p.Email}, {&in.Leader, p.Leader},
		{&in.LeaderPhone, p.LeaderPhone}, {&in.LeaderEmail, p.LeaderEmail}, {&in.Handler, p.Handler},
		{&in.HandlerPhone, p.HandlerPhone}, {&in.HandlerEmail, p.HandlerEmail}} {
		set(f.dst, f.src)
	}
	if err := validation.Check(&in); err != nil {
		return domain.Unit{}, err
	}
	u := in.unit(id)
	u.Active = old.Active
	if p.Active != nil {
		u.Active = *p.Active
	}
	if err := s.st.UpdateUnit(ctx, u, s.now().UTC()); err != nil {
		return domain.Unit{}, refused(err, "unit")
	}
	return u, nil
}

func set(dst, src *string) {
	if src != nil {
		*dst = *src
	}
}

// refused names the record a likely duplicate duplicates.
func refused(err error, object string) error {
	var dd *store.DuplicateDeputyError
	var du *store.DuplicateUnitError
	switch {
	case errors.As(err, &dd):
		e := dd.Existing
		return refusal.New(refusal.Conflict, refusal.Duplicate, "object", object, "existing_id", e.ID,
			"existing_name", e.Name, "existing_group", e.Group, "existing_phone", e.Phone).WithCause(err)
	case errors.As(err, &du):
		e := du.Existing
		return refusal.New(refusal.Conflict, refusal.Duplicate, "object", object, "existing_id", e.ID,
			"existing_name", e.Name).WithCause(err)
	}
	return store.Refused(err, object)
}
