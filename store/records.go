package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"suggestflow/domain"
)

// The kinds of duty record: a site inspection (视察) and a deputy group
// meeting (代表小组会议).
const (
	RecordInspection   = "inspection"
	RecordGroupMeeting = "group_meeting"
)

type dutyRecordRow struct {
	ID            string    `gorm:"primaryKey;size:40"`
	Kind          string    `gorm:"size:20;index:idx_duty_records_kind_held,priority:1"`
	HeldAt        time.Time `gorm:"index:idx_duty_records_kind_held,priority:2"`
	Place         string    `gorm:"size:200"`
	GroupName     string    `gorm:"size:100;index"`
	Others        []string  `gorm:"serializer:json;type:text"`
	Findings      string    `gorm:"type:text"`
	SuggestionIDs []string  `gorm:"serializer:json;type:text"`
	CreatedBy     string    `gorm:"size:64"`
	CreatedAt     time.Time
}

func (dutyRecordRow) TableName() string { return "duty_records" }

// dutyAttendeeRow is a deputy at an inspection or group meeting; it keeps
// the record's kind and time so that a deputy's year counts one index.
type dutyAttendeeRow struct {
	RecordID string    `gorm:"primaryKey;size:40"`
	DeputyID string    `gorm:"primaryKey;size:64;index:idx_duty_attendees_deputy,priority:1"`
	Kind     string    `gorm:"size:20;index:idx_duty_attendees_deputy,priority:2"`
	HeldAt   time.Time `gorm:"index:idx_duty_attendees_deputy,priority:3"`
}

func (dutyAttendeeRow) TableName() string { return "duty_attendees" }

// DutyRecord is an inspection or a group meeting as recorded: when and
// where, who came (deputies by id, others by name), what was found, the
// suggestions it concerned (an inspection's cases) and the opinions raised,
// each linked to the suggestion it became.
type DutyRecord struct {
	ID            string          `json:"id"`
	Kind          string          `json:"kind"`
	HeldAt        time.Time       `json:"held_at"`
	Place         string          `json:"place"`
	Group         string          `json:"group,omitempty"`
	AttendeeIDs   []string        `json:"attendee_ids"`
	Others        []string        `json:"others"`
	Findings      string          `json:"findings"`
	SuggestionIDs []string        `json:"suggestion_ids"`
	Opinions      []RecordOpinion `json:"opinions"`
	CreatedBy     string          `json:"created_by"`
	CreatedAt     time.Time       `json:"created_at"`
}

// RecordOpinion is an opinion raised at an inspection or group meeting.
// It is kept with the constituents' opinions, so PUT /opinions/{id} links
// it to the suggestion it became like any other.
type RecordOpinion struct {
	ID           string `json:"id"`
	Content      string `json:"content"`
	DeputyID     string `json:"deputy_id,omitempty"`
	SuggestionID string `json:"suggestion_id,omitempty"`
}

// DutyRecordFilter narrows a list of records; empty fields do not.
type DutyRecordFilter struct {
	Kind     string
	Group    string
	DeputyID string
	From, To time.Time
}

// CreateDutyRecord stores a record with its attendees and opinions.
func (s *Store) CreateDutyRecord(ctx context.Context, r DutyRecord) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := dutyRecordRow{ID: r.ID, Kind: r.Kind, HeldAt: r.HeldAt, Place: r.Place, GroupName: r.Group, Others: r.Others,
			Findings: r.Findings, SuggestionIDs: r.SuggestionIDs, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("create %s: %w", r.Kind, translate(err))
		}
		for _, d := range r.AttendeeIDs {
			if err := tx.Create(&dutyAttendeeRow{RecordID: r.ID, DeputyID: d, Kind: r.Kind, HeldAt: r.HeldAt}).Error; err != nil {
				return fmt.Errorf("create %s attendee: %w", r.Kind, translate(err))
			}
		}
		for _, o := range r.Opinions {
			op := opinionRow{ID: o.ID, RecordID: r.ID, DeputyID: o.DeputyID, Content: o.Content, SuggestionID: o.SuggestionID}
			if err := tx.Create(&op).Error; err != nil {
				return fmt.Errorf("create %s opinion: %w", r.Kind, translate(err))
			}
		}
		return nil
	})
}

// DutyRecords lists records, the latest first, with their attendees and
// opinions.
func (s *Store) DutyRecords(ctx context.Context, f DutyRecordFilter, p Page) ([]DutyRecord, int64, error) {
	db := s.db.WithContext(ctx)
	q := whereSet(whereSet(db.Model(&dutyRecordRow{}), "kind = ?", f.Kind), "group_name = ?", f.Group)
	if !f.From.IsZero() {
		q = q.Where("held_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("held_at < ?", f.To)
	}
	if f.DeputyID != "" {
		q = q.Where("id IN (?)", db.Model(&dutyAttendeeRow{}).Select("record_id").Where("deputy_id = ?", f.DeputyID))
	}
	records, total, err := paged(q, "duty records", "held_at DESC, id", p, always(dutyRecordRow.record))
	if err != nil || len(records) == 0 {
		return records, total, err
	}
	ids := make([]string, 0, len(records))
	for _, r := range records {
		ids = append(ids, r.ID)
	}
	var attendees []dutyAttendeeRow
	if err := db.Where("record_id IN ?", ids).Order("record_id, deputy_id").Find(&attendees).Error; err != nil {
		return nil, 0, fmt.Errorf("duty record attendees: %w", err)
	}
	var opinions []opinionRow
	if err := db.Where("record_id IN ?", ids).Order("record_id, id").Find(&opinions).Error; err != nil {
		return nil, 0, fmt.Errorf("duty record opinions: %w", err)
	}
	for i := range records {
		r := &records[i]
		for _, a := range attendees {
			if a.RecordID == r.ID {
				r.AttendeeIDs = append(r.AttendeeIDs, a.DeputyID)
			}
		}
		for _, o := range opinions {
			if o.RecordID == r.ID {
				r.Opinions = append(r.Opinions, RecordOpinion{ID: o.ID, Content: o.Content, DeputyID: o.DeputyID, SuggestionID: o.SuggestionID})
			}
		}
	}
	return records, total, nil
}

func (r dutyRecordRow) record() DutyRecord {
	nonNil := func(l []string) []string {
		if l == nil {
			return []string{}
		}
		return l
	}
	return DutyRecord{ID: r.ID, Kind: r.Kind, HeldAt: r.HeldAt, Place: r.Place, Group: r.GroupName, AttendeeIDs: []string{},
		Others: nonNil(r.Others), Findings: r.Findings, SuggestionIDs: nonNil(r.SuggestionIDs), Opinions: []RecordOpinion{},
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// DeputyGroups lists the deputy groups, by name.
func (s *Store) DeputyGroups(ctx context.Context) ([]string, error) {
	var groups []string
	err := s.db.WithContext(ctx).Model(&deputyRow{}).Where("group_name <> ''").Distinct("group_name").Order("group_name").Pluck("group_name", &groups).Error
	if err != nil {
		return nil, fmt.Errorf("deputy groups: %w", err)
	}
	return groups, nil
}

// MissingSuggestions returns those of ids that are not suggestions.
func (s *Store) MissingSuggestions(ctx context.Context, ids []string) ([]string, error) {
	return s.missing(ctx, &suggestionRow{}, ids)
}

// DutyYear is what the year's commendation is scored on: every deputy, the
// time of each visit, and per deputy and per group the counts of the rule
// (package duties). Maps are keyed by deputy id, or by group name.
type DutyYear struct {
	Deputies []domain.Deputy
	// VisitTimes are each deputy's visits of the year.
	VisitTimes map[string][]time.Time
	// Opinions are the constituents' opinions collected on the year's
	// visits; OpinionsLinked those of them, and of the opinions a deputy
	// raised at the year's inspections and group meetings, that became a
	// suggestion.
	Opinions, OpinionsLinked map[string]int
	// Led and CoSigned count the suggestions of the year, returned ones
	// left out.
	Led, CoSigned map[string]int
	// GroupMeetings and Inspections count those attended.
	GroupMeetings, Inspections map[string]int
	// GroupMeetingTimes are each group's meetings of the year, and
	// GroupOpinionsLinked the opinions raised at them that became a
	// suggestion.
	GroupMeetingTimes   map[string][]time.Time
	GroupOpinionsLinked map[string]int
}

// DutyYearFacts gathers the year's duties of every deputy and group.
func (s *Store) DutyYearFacts(ctx context.Context, p Period) (DutyYear, error) {
	db := s.db.WithContext(ctx)
	y := DutyYear{VisitTimes: map[string][]time.Time{}, GroupMeetingTimes: map[string][]time.Time{}}
	var deps []deputyRow
	if err := db.Order("id").Find(&deps).Error; err != nil {
		return y, fmt.Errorf("duty year: deputies: %w", err)
	}
	y.Deputies = convert(deps, deputyRow.domain)
	var visits []visitRow
	if err := db.Select("deputy_id, visited_at").Where("visited_at >= ? AND visited_at < ?", p.From, p.To).Find(&visits).Error; err != nil {
		return y, fmt.Errorf("duty year: visits: %w", err)
	}
	for _, v := range visits {
		y.VisitTimes[v.DeputyID] = append(y.VisitTimes[v.DeputyID], v.VisitedAt)
	}
	var meetings []dutyRecordRow
	if err := db.Select("id, group_name, held_at").Where("kind = ? AND held_at >= ? AND held_at < ?", RecordGroupMeeting, p.From, p.To).
		Find(&meetings).Error; err != nil {
		return y, fmt.Errorf("duty year: group meetings: %w", err)
	}
	for _, m := range meetings {
		y.GroupMeetingTimes[m.GroupName] = append(y.GroupMeetingTimes[m.GroupName], m.HeldAt)
	}
	visitOpinions := func() *gorm.DB {
		return db.Model(&opinionRow{}).Joins("JOIN constituent_visits ON constituent_visits.id = constituent_opinions.visit_id").
			Where("constituent_visits.visited_at >= ? AND constituent_visits.visited_at < ?", p.From, p.To)
	}
	recordOpinions := func() *gorm.DB {
		return db.Model(&opinionRow{}).Joins("JOIN duty_records ON duty_records.id = constituent_opinions.record_id").
			Where("duty_records.held_at >= ? AND duty_records.held_at < ? AND constituent_opinions.suggestion_id <> ''", p.From, p.To)
	}
	var linkedAtRecords map[string]int
	for _, c := range []struct {
		dst *map[string]int
		q   *gorm.DB
	}{
		{&y.Opinions, visitOpinions().Select("constituent_opinions.deputy_id AS k, COUNT(*) AS n").Group("constituent_opinions.deputy_id")},
		{&y.OpinionsLinked, visitOpinions().Where("constituent_opinions.suggestion_id <> ''").
			Select("constituent_opinions.deputy_id AS k, COUNT(*) AS n").Group("constituent_opinions.deputy_id")},
		{&linkedAtRecords, recordOpinions().Where("constituent_opinions.deputy_id <> ''").
			Select("constituent_opinions.deputy_id AS k, COUNT(*) AS n").Group("constituent_opinions.deputy_id")},
		{&y.GroupOpinionsLinked, recordOpinions().Where("duty_records.kind = ?", RecordGroupMeeting).
			Select("duty_records.group_name AS k, COUNT(*) AS n").Group("duty_records.group_name")},
		{&y.Led, db.Model(&suggestionRow{}).Where("submitted_at >= ? AND submitted_at < ? AND status <> ?", p.From, p.To, domain.StatusReturned).
			Select("lead_deputy_id AS k, COUNT(*) AS n").Group("lead_deputy_id")},
		{&y.CoSigned, db.Model(&partyRow{}).Where("role = ? AND submitted_at >= ? AND submitted_at < ? AND status <> ?", "co_signer", p.From, p.To, domain.StatusReturned).
			Select("party_id AS k, COUNT(*) AS n").Group("party_id")},
		{&y.GroupMeetings, db.Model(&dutyAttendeeRow{}).Where("kind = ? AND held_at >= ? AND held_at < ?", RecordGroupMeeting, p.From, p.To).
			Select("deputy_id AS k, COUNT(*) AS n").Group("deputy_id")},
		{&y.Inspections, db.Model(&dutyAttendeeRow{}).Where("kind = ? AND held_at >= ? AND held_at < ?", RecordInspection, p.From, p.To).
			Select("deputy_id AS k, COUNT(*) AS n").Group("deputy_id")},
	} {
		m, err := countsBy[int](c.q)
		if err != nil {
			return y, fmt.Errorf("duty year: %w", err)
		}
		*c.dst = m
	}
	for id, n := range linkedAtRecords {
		y.OpinionsLinked[id] += n
	}
	return y, nil
}

// attendance counts a deputy's inspections and group meetings of a period.
func (s *Store) attendance(ctx context.Context, deputyID string, p Period) (groupMeetings, inspections int64, err error) {
	counts, err := countsBy[int64](s.db.WithContext(ctx).Model(&dutyAttendeeRow{}).Select("kind AS k, COUNT(*) AS n").
		Where("deputy_id = ? AND held_at >= ? AND held_at < ?", deputyID, p.From, p.To).Group("kind"))
	if err != nil {
		return 0, 0, fmt.Errorf("attendance: %w", err)
	}
	return counts[RecordGroupMeeting], counts[RecordInspection], nil
}
