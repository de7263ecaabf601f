package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
	"suggestflow/evaluation"
	"suggestflow/holiday"
	"suggestflow/period"
)

type complaintRow struct {
	ID         string    `gorm:"primaryKey;size:40"`
	UnitID     string    `gorm:"size:64;index"`
	Content    string    `gorm:"type:text"`
	Finding    string    `gorm:"size:20"`
	ReceivedAt time.Time `gorm:"index"`
	CreatedBy  string    `gorm:"size:64"`
	CreatedAt  time.Time
}

func (complaintRow) TableName() string { return "complaints" }

type questionnaireRow struct {
	UnitID  string `gorm:"primaryKey;size:64"`
	Quarter string `gorm:"primaryKey;size:8"`
	Score   float64
}

func (questionnaireRow) TableName() string { return "questionnaire_scores" }

type unitScoreRow struct {
	UnitID     string `gorm:"primaryKey;size:64"`
	Quarter    string `gorm:"primaryKey;size:8"`
	Total      float64
	Parts      string `gorm:"type:text"`
	ComputedAt time.Time
}

func (unitScoreRow) TableName() string { return "unit_scores" }

type visitRow struct {
	ID        string    `gorm:"primaryKey;size:40"`
	DeputyID  string    `gorm:"size:64;index"`
	VisitedAt time.Time `gorm:"index"`
	Place     string    `gorm:"size:200"`
	Note      string    `gorm:"type:text"`
	CreatedAt time.Time
}

func (visitRow) TableName() string { return "constituent_visits" }

type calendarOverrideRow struct {
	Date    string `gorm:"primaryKey;size:10"`
	Working bool
	Note    string `gorm:"size:200"`
}

func (calendarOverrideRow) TableName() string { return "calendar_overrides" }

func cadenceModels() []any {
	return []any{&complaintRow{}, &questionnaireRow{}, &unitScoreRow{}, &visitRow{}, &calendarOverrideRow{}, &reportRow{}}
}

// --- statistics ---

// Period is a half-open time range.
type Period = period.Range

// RateFacts gathers the replies and ratings of a period (by their own
// times), optionally of one lead unit, for the rates.
func (s *Store) RateFacts(ctx context.Context, p Period, unitID string) ([]evaluation.ReplyFact, []evaluation.RatingFact, error) {
	type replyJoin struct {
		R          replyRow `gorm:"embedded"`
		LeadUnitID string
	}
	q := s.db.WithContext(ctx).Table("replies").Select("replies.*, suggestions.lead_unit_id").
		Joins("JOIN suggestions ON suggestions.id = replies.suggestion_id").
		Where("replies.replied_at >= ? AND replies.replied_at < ?", p.From, p.To)
	if unitID != "" {
		q = q.Where("suggestions.lead_unit_id = ?", unitID)
	}
	var replies []replyJoin
	if err := q.Order("replies.suggestion_id, replies.round").Find(&replies).Error; err != nil {
		return nil, nil, fmt.Errorf("reply facts: %w", err)
	}
	last := map[string]int{}
	for _, j := range replies {
		if r := j.R; r.Round > last[r.SuggestionID] {
			last[r.SuggestionID] = r.Round
		}
	}
	rf := make([]evaluation.ReplyFact, 0, len(replies))
	for _, j := range replies {
		r := j.R
		rf = append(rf, evaluation.ReplyFact{SuggestionID: r.SuggestionID, UnitID: j.LeadUnitID, Round: r.Round, Class: r.ResultClass,
			RepliedAt: r.RepliedAt, DueAt: r.DueAt, OnTime: r.OnTime, Consulted: r.Consulted, Final: r.Round == last[r.SuggestionID]})
	}
	type ratingJoin struct {
		R          ratingRow `gorm:"embedded"`
		LeadUnitID string
	}
	rq := s.db.WithContext(ctx).Table("ratings").Select("ratings.*, suggestions.lead_unit_id").
		Joins("JOIN suggestions ON suggestions.id = ratings.suggestion_id").
		Where("ratings.at >= ? AND ratings.at < ?", p.From, p.To)
	if unitID != "" {
		rq = rq.Where("suggestions.lead_unit_id = ?", unitID)
	}
	var ratings []ratingJoin
	if err := rq.Find(&ratings).Error; err != nil {
		return nil, nil, fmt.Errorf("rating facts: %w", err)
	}
	gf := make([]evaluation.RatingFact, 0, len(ratings))
	for _, j := range ratings {
		r := j.R
		gf = append(gf, evaluation.RatingFact{SuggestionID: r.SuggestionID, UnitID: j.LeadUnitID, DeputyID: r.DeputyID,
			Round: r.Round, Lead: r.Lead, Result: r.Result, At: r.At})
	}
	return rf, gf, nil
}

// CountByStatus counts the suggestions submitted in a period by status.
func (s *Store) CountByStatus(ctx context.Context, p Period, unitID string) (map[string]int64, error) {
	type row struct {
		Status string
		N      int64
	}
	q := s.db.WithContext(ctx).Model(&suggestionRow{}).Select("status, COUNT(*) AS n").
		Where("submitted_at >= ? AND submitted_at < ?", p.From, p.To)
	if unitID != "" {
		q = q.Where("lead_unit_id = ?", unitID)
	}
	var rows []row
	if err := q.Group("status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count by status: %w", err)
	}
	out := map[string]int64{}
	for _, st := range domain.Statuses {
		out[string(st)] = 0
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// BoardEntry is one suggestion's five publics: the item, the unit, the due
// date, the result and the deputy's satisfaction. Nothing personal.
type BoardEntry struct {
	Number       string     `json:"number"`
	Title        string     `json:"title"`
	Unit         string     `json:"unit"`
	DueAt        *time.Time `json:"due_at"`
	Status       string     `json:"status"`
	ResultClass  string     `json:"result_class,omitempty"`
	Satisfaction string     `json:"satisfaction,omitempty"`
}

// Board lists the suggestions handled in a period: submitted before its end,
// not returned, and not closed before its start.
func (s *Store) Board(ctx context.Context, p Period) ([]BoardEntry, error) {
	var rows []suggestionRow
	err := s.db.WithContext(ctx).Where("submitted_at < ? AND status <> ? AND (closed_at IS NULL OR closed_at >= ?)", p.To, "returned", p.From).
		Order("number").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	var unitIDs []string
	for _, r := range rows {
		if r.LeadUnitID != "" {
			unitIDs = append(unitIDs, r.LeadUnitID)
		}
	}
	units, _, err := s.Names(ctx, unitIDs, nil)
	if err != nil {
		return nil, err
	}
	out := make([]BoardEntry, 0, len(rows))
	for _, r := range rows {
		sg, err := r.domain()
		if err != nil {
			return nil, err
		}
		e := BoardEntry{Number: sg.Number, Title: sg.Title, Unit: units[sg.LeadUnitID()].Name, DueAt: sg.DueAt, Status: string(sg.Status)}
		if sg.Reply != nil {
			e.ResultClass = sg.Reply.ResultClass
		}
		for _, g := range sg.Ratings {
			if g.Lead {
				e.Satisfaction = g.Result
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// --- complaints, questionnaires, scores ---

// Complaint is a public complaint about a unit (群众投诉) and its finding.
type Complaint struct {
	ID         string    `json:"id"`
	UnitID     string    `json:"unit_id"`
	Content    string    `json:"content"`
	Finding    string    `json:"finding"`
	ReceivedAt time.Time `json:"received_at"`
	CreatedBy  string    `json:"created_by"`
}

// CreateComplaint records a complaint.
func (s *Store) CreateComplaint(ctx context.Context, c Complaint) error {
	row := complaintRow{ID: c.ID, UnitID: c.UnitID, Content: c.Content, Finding: c.Finding, ReceivedAt: c.ReceivedAt, CreatedBy: c.CreatedBy}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create complaint: %w", translate(err))
	}
	return nil
}

// Complaints lists complaints, newest first, optionally of one unit.
func (s *Store) Complaints(ctx context.Context, unitID string, page Page) ([]Complaint, int64, error) {
	q := s.db.WithContext(ctx).Model(&complaintRow{})
	if unitID != "" {
		q = q.Where("unit_id = ?", unitID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count complaints: %w", err)
	}
	var rows []complaintRow
	if err := q.Order("received_at DESC, id DESC").Offset(page.offset()).Limit(page.Size).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list complaints: %w", err)
	}
	out := make([]Complaint, 0, len(rows))
	for _, r := range rows {
		out = append(out, Complaint{ID: r.ID, UnitID: r.UnitID, Content: r.Content, Finding: r.Finding, ReceivedAt: r.ReceivedAt, CreatedBy: r.CreatedBy})
	}
	return out, total, nil
}

// SetQuestionnaire records a unit's questionnaire score for a quarter.
func (s *Store) SetQuestionnaire(ctx context.Context, unitID, quarter string, score float64) error {
	row := questionnaireRow{UnitID: unitID, Quarter: quarter, Score: score}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_id"}, {Name: "quarter"}},
		DoUpdates: clause.AssignmentColumns([]string{"score"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set questionnaire: %w", err)
	}
	return nil
}

// QuarterFacts gathers each unit's counts for a quarter's evaluation.
func (s *Store) QuarterFacts(ctx context.Context, quarter string, p Period) ([]evaluation.UnitQuarterFacts, error) {
	var units []unitRow
	if err := s.db.WithContext(ctx).Order("id").Find(&units).Error; err != nil {
		return nil, fmt.Errorf("quarter facts: %w", err)
	}
	count := func(q *gorm.DB) (map[string]int, error) {
		type row struct {
			UnitID string
			N      int
		}
		var rows []row
		if err := q.Scan(&rows).Error; err != nil {
			return nil, err
		}
		m := map[string]int{}
		for _, r := range rows {
			m[r.UnitID] = r.N
		}
		return m, nil
	}
	db := s.db.WithContext(ctx)
	overdue, err := count(db.Table("rounds").Select("suggestions.lead_unit_id AS unit_id, COUNT(*) AS n").
		Joins("JOIN suggestions ON suggestions.id = rounds.suggestion_id").
		Where("rounds.overdue = ? AND rounds.due_at >= ? AND rounds.due_at < ?", true, p.From, p.To).Group("suggestions.lead_unit_id"))
	if err != nil {
		return nil, fmt.Errorf("overdue facts: %w", err)
	}
	missed, err := count(db.Table("timeline_events").Select("suggestions.lead_unit_id AS unit_id, COUNT(*) AS n").
		Joins("JOIN suggestions ON suggestions.id = timeline_events.suggestion_id").
		Where("timeline_events.type = ? AND timeline_events.at >= ? AND timeline_events.at < ?", "progress_missed", p.From, p.To).
		Group("suggestions.lead_unit_id"))
	if err != nil {
		return nil, fmt.Errorf("progress facts: %w", err)
	}
	unsatisfied, err := count(db.Table("ratings").Select("suggestions.lead_unit_id AS unit_id, COUNT(*) AS n").
		Joins("JOIN suggestions ON suggestions.id = ratings.suggestion_id").
		Where("ratings.result = ? AND ratings.at >= ? AND ratings.at < ?", domain.Unsatisfied, p.From, p.To).
		Group("suggestions.lead_unit_id"))
	if err != nil {
		return nil, fmt.Errorf("rating facts: %w", err)
	}
	complaints, err := count(db.Table("complaints").Select("unit_id, COUNT(*) AS n").
		Where("finding = ? AND received_at >= ? AND received_at < ?", "substantiated", p.From, p.To).Group("unit_id"))
	if err != nil {
		return nil, fmt.Errorf("complaint facts: %w", err)
	}
	var qs []questionnaireRow
	if err := db.Where("quarter = ?", quarter).Find(&qs).Error; err != nil {
		return nil, fmt.Errorf("questionnaire facts: %w", err)
	}
	scores := map[string]float64{}
	for _, q := range qs {
		scores[q.UnitID] = q.Score
	}
	out := make([]evaluation.UnitQuarterFacts, 0, len(units))
	for _, u := range units {
		f := evaluation.UnitQuarterFacts{UnitID: u.ID, OverdueReplies: overdue[u.ID], MissedProgressReports: missed[u.ID],
			UnsatisfiedRatings: unsatisfied[u.ID], SubstantiatedComplaints: complaints[u.ID]}
		if sc, ok := scores[u.ID]; ok {
			sc := sc
			f.Questionnaire = &sc
		}
		out = append(out, f)
	}
	return out, nil
}

// SaveScores stores a quarter's scores, replacing earlier ones.
func (s *Store) SaveScores(ctx context.Context, quarter string, scores []evaluation.Score, at time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, sc := range scores {
			parts, err := json.Marshal(sc.Parts)
			if err != nil {
				return err
			}
			row := unitScoreRow{UnitID: sc.UnitID, Quarter: quarter, Total: sc.Total, Parts: string(parts), ComputedAt: at}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "unit_id"}, {Name: "quarter"}},
				DoUpdates: clause.AssignmentColumns([]string{"total", "parts", "computed_at"})}).Create(&row).Error; err != nil {
				return fmt.Errorf("save score: %w", err)
			}
		}
		return nil
	})
}

// Scores lists stored scores of the quarters given.
func (s *Store) Scores(ctx context.Context, quarters []string) ([]evaluation.Score, map[string][]evaluation.Score, error) {
	var rows []unitScoreRow
	if err := s.db.WithContext(ctx).Where("quarter IN ?", quarters).Order("quarter, unit_id").Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("scores: %w", err)
	}
	var all []evaluation.Score
	byUnit := map[string][]evaluation.Score{}
	for _, r := range rows {
		sc := evaluation.Score{UnitID: r.UnitID, Total: r.Total}
		if err := json.Unmarshal([]byte(r.Parts), &sc.Parts); err != nil {
			return nil, nil, fmt.Errorf("decode score parts: %w", err)
		}
		all = append(all, sc)
		byUnit[r.UnitID] = append(byUnit[r.UnitID], sc)
	}
	return all, byUnit, nil
}

// UnsatisfiedSuggestions counts, per lead unit, the suggestions whose lead
// deputy rated a result unsatisfied within the period.
func (s *Store) UnsatisfiedSuggestions(ctx context.Context, p Period) (map[string]int, error) {
	type row struct {
		UnitID string
		N      int
	}
	var rows []row
	err := s.db.WithContext(ctx).Table("ratings").Select("suggestions.lead_unit_id AS unit_id, COUNT(DISTINCT ratings.suggestion_id) AS n").
		Joins("JOIN suggestions ON suggestions.id = ratings.suggestion_id").
		Where("ratings.lead = ? AND ratings.result = ? AND ratings.at >= ? AND ratings.at < ?", true, domain.Unsatisfied, p.From, p.To).
		Group("suggestions.lead_unit_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("unsatisfied suggestions: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.UnitID] = r.N
	}
	return out, nil
}

// AllUnits lists every unit (for rankings and reports).
func (s *Store) AllUnits(ctx context.Context) ([]domain.Unit, error) {
	var rows []unitRow
	if err := s.db.WithContext(ctx).Order("name, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("all units: %w", err)
	}
	out := make([]domain.Unit, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

// --- deputies' duties ---

// Visit is a deputy's visit to constituents with the opinions collected.
type Visit struct {
	ID        string    `json:"id"`
	DeputyID  string    `json:"deputy_id"`
	VisitedAt time.Time `json:"visited_at"`
	Place     string    `json:"place"`
	Note      string    `json:"note"`
	Opinions  []Opinion `json:"opinions"`
}

// Opinion is one constituent's opinion. The constituent's name is personal
// data: it is stored, and shown only to the presidium and the deputy.
type Opinion struct {
	ID           string `json:"id"`
	Constituent  string `json:"constituent,omitempty"`
	Content      string `json:"content"`
	SuggestionID string `json:"suggestion_id,omitempty"`
}

// CreateVisit stores a visit and its opinions.
func (s *Store) CreateVisit(ctx context.Context, v Visit) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&visitRow{ID: v.ID, DeputyID: v.DeputyID, VisitedAt: v.VisitedAt, Place: v.Place, Note: v.Note}).Error; err != nil {
			return fmt.Errorf("create visit: %w", translate(err))
		}
		for _, o := range v.Opinions {
			row := opinionRow{ID: o.ID, DeputyID: v.DeputyID, VisitID: v.ID, Constituent: o.Constituent, Content: o.Content}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("create opinion: %w", translate(err))
			}
		}
		return nil
	})
}

// LinkOpinion links an opinion to the suggestion that grew from it.
func (s *Store) LinkOpinion(ctx context.Context, opinionID, suggestionID string) (Opinion, error) {
	res := s.db.WithContext(ctx).Model(&opinionRow{}).Where("id = ?", opinionID).Update("suggestion_id", suggestionID)
	if res.Error != nil {
		return Opinion{}, fmt.Errorf("link opinion: %w", res.Error)
	}
	var row opinionRow
	if err := s.db.WithContext(ctx).First(&row, "id = ?", opinionID).Error; err != nil {
		return Opinion{}, fmt.Errorf("opinion %s: %w", opinionID, translate(err))
	}
	return Opinion{ID: row.ID, Constituent: row.Constituent, Content: row.Content, SuggestionID: row.SuggestionID}, nil
}

// OpinionDeputy is the deputy who collected an opinion.
func (s *Store) OpinionDeputy(ctx context.Context, opinionID string) (string, error) {
	var row opinionRow
	if err := s.db.WithContext(ctx).Select("deputy_id").First(&row, "id = ?", opinionID).Error; err != nil {
		return "", fmt.Errorf("opinion %s: %w", opinionID, translate(err))
	}
	return row.DeputyID, nil
}

// VisitCounts counts each deputy's visits in a period.
func (s *Store) VisitCounts(ctx context.Context, p Period) (map[string]int, []domain.Deputy, error) {
	type row struct {
		DeputyID string
		N        int
	}
	var rows []row
	if err := s.db.WithContext(ctx).Model(&visitRow{}).Select("deputy_id, COUNT(*) AS n").
		Where("visited_at >= ? AND visited_at < ?", p.From, p.To).Group("deputy_id").Scan(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("visit counts: %w", err)
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.DeputyID] = r.N
	}
	var deps []deputyRow
	if err := s.db.WithContext(ctx).Order("id").Find(&deps).Error; err != nil {
		return nil, nil, fmt.Errorf("deputies: %w", err)
	}
	out := make([]domain.Deputy, 0, len(deps))
	for _, d := range deps {
		out = append(out, d.domain())
	}
	return counts, out, nil
}

// DeputyRecord is what a deputy did in a year (履职档案).
type DeputyRecord struct {
	DeputyID         string `json:"deputy_id"`
	Year             int    `json:"year"`
	Visits           int64  `json:"visits"`
	Opinions         int64  `json:"opinions"`
	OpinionsLinked   int64  `json:"opinions_linked"`
	SuggestionsLed   int64  `json:"suggestions_led"`
	CoSigned         int64  `json:"suggestions_co_signed"`
	MeetingsAttended int64  `json:"meetings_attended"`
	RatingsGiven     int64  `json:"ratings_given"`
}

// DeputyYear gathers a deputy's year.
func (s *Store) DeputyYear(ctx context.Context, deputyID string, year int, p Period) (DeputyRecord, error) {
	r := DeputyRecord{DeputyID: deputyID, Year: year}
	db := s.db.WithContext(ctx)
	steps := []struct {
		dst *int64
		q   *gorm.DB
	}{
		{&r.Visits, db.Model(&visitRow{}).Where("deputy_id = ? AND visited_at >= ? AND visited_at < ?", deputyID, p.From, p.To)},
		{&r.Opinions, db.Model(&opinionRow{}).Joins("JOIN constituent_visits ON constituent_visits.id = constituent_opinions.visit_id").
			Where("constituent_opinions.deputy_id = ? AND constituent_visits.visited_at >= ? AND constituent_visits.visited_at < ?", deputyID, p.From, p.To)},
		{&r.OpinionsLinked, db.Model(&opinionRow{}).Joins("JOIN constituent_visits ON constituent_visits.id = constituent_opinions.visit_id").
			Where("constituent_opinions.deputy_id = ? AND constituent_opinions.suggestion_id <> '' AND constituent_visits.visited_at >= ? AND constituent_visits.visited_at < ?", deputyID, p.From, p.To)},
		{&r.SuggestionsLed, db.Model(&suggestionRow{}).Where("lead_deputy_id = ? AND submitted_at >= ? AND submitted_at < ?", deputyID, p.From, p.To)},
		{&r.CoSigned, db.Model(&partyRow{}).Joins("JOIN suggestions ON suggestions.id = suggestion_parties.suggestion_id").
			Where("suggestion_parties.party_id = ? AND suggestion_parties.role = ? AND suggestions.submitted_at >= ? AND suggestions.submitted_at < ?", deputyID, "co_signer", p.From, p.To)},
		{&r.MeetingsAttended, db.Model(&meetingRow{}).Joins("JOIN suggestion_parties ON suggestion_parties.suggestion_id = meetings.suggestion_id").
			Where("suggestion_parties.party_id = ? AND suggestion_parties.role IN ? AND meetings.status = ? AND meetings.scheduled_at >= ? AND meetings.scheduled_at < ?",
				deputyID, []string{"lead_deputy", "co_signer"}, domain.MeetingHeld, p.From, p.To)},
		{&r.RatingsGiven, db.Model(&ratingRow{}).Where("deputy_id = ? AND at >= ? AND at < ?", deputyID, p.From, p.To)},
	}
	for _, st := range steps {
		if err := st.q.Count(st.dst).Error; err != nil {
			return r, fmt.Errorf("deputy record: %w", err)
		}
	}
	return r, nil
}

// --- calendar ---

// CalendarOverrides lists the local working-day overrides.
func (s *Store) CalendarOverrides(ctx context.Context) ([]holiday.Override, error) {
	var rows []calendarOverrideRow
	if err := s.db.WithContext(ctx).Order("date").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("calendar overrides: %w", err)
	}
	out := make([]holiday.Override, 0, len(rows))
	for _, r := range rows {
		out = append(out, holiday.Override{Date: r.Date, Working: r.Working, Note: r.Note})
	}
	return out, nil
}

// SetCalendarOverride sets one day's override.
func (s *Store) SetCalendarOverride(ctx context.Context, o holiday.Override) error {
	row := calendarOverrideRow{Date: o.Date, Working: o.Working, Note: o.Note}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "date"}},
		DoUpdates: clause.AssignmentColumns([]string{"working", "note"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set calendar override: %w", err)
	}
	return nil
}

// OpenSuggestionIDs pages through the ids of cases still open.
func (s *Store) OpenSuggestionIDs(ctx context.Context, after string, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&suggestionRow{}).Where("status NOT IN ? AND id > ?", []string{"returned", "closed"}, after).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("open suggestions: %w", err)
	}
	return ids, nil
}

type reportRow struct {
	ID        string `gorm:"primaryKey;size:80"`
	Kind      string `gorm:"size:40;index"`
	Period    string `gorm:"size:20"`
	Body      string `gorm:"type:mediumtext"`
	CreatedAt time.Time
}

func (reportRow) TableName() string { return "reports" }

// Report is the output of a cadence run: a hearing's unit reports, an
// inspection's chosen cases, a board, a ranking.
type Report struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Period    string          `json:"period"`
	Body      json.RawMessage `json:"body"`
	CreatedAt time.Time       `json:"created_at"`
}

// SaveReport stores a report with its messages; a second run for the same
// kind and period replaces the report and queues nothing twice.
func (s *Store) SaveReport(ctx context.Context, r Report, messages []domain.Message) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := reportRow{ID: r.ID, Kind: r.Kind, Period: r.Period, Body: string(r.Body), CreatedAt: r.CreatedAt}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{"body", "created_at"})}).Create(&row).Error; err != nil {
			return fmt.Errorf("save report: %w", err)
		}
		for _, m := range messages {
			o := outboxRowOf(m)
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&o).Error; err != nil {
				return fmt.Errorf("queue report notice: %w", err)
			}
		}
		return nil
	})
}

// Reports lists reports, newest first, optionally of one kind.
func (s *Store) Reports(ctx context.Context, kind string, page Page) ([]Report, int64, error) {
	q := s.db.WithContext(ctx).Model(&reportRow{})
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count reports: %w", err)
	}
	var rows []reportRow
	if err := q.Order("created_at DESC, id DESC").Offset(page.offset()).Limit(page.Size).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list reports: %w", err)
	}
	out := make([]Report, 0, len(rows))
	for _, r := range rows {
		out = append(out, Report{ID: r.ID, Kind: r.Kind, Period: r.Period, Body: json.RawMessage(r.Body), CreatedAt: r.CreatedAt})
	}
	return out, total, nil
}

// ReportByID reads one report.
func (s *Store) ReportByID(ctx context.Context, id string) (Report, error) {
	var r reportRow
	if err := s.db.WithContext(ctx).First(&r, "id = ?", id).Error; err != nil {
		return Report{}, fmt.Errorf("report %s: %w", id, translate(err))
	}
	return Report{ID: r.ID, Kind: r.Kind, Period: r.Period, Body: json.RawMessage(r.Body), CreatedAt: r.CreatedAt}, nil
}

// OpenCases lists the open suggestions (for hearings and inspections).
func (s *Store) OpenCases(ctx context.Context) ([]domain.Suggestion, error) {
	var rows []suggestionRow
	if err := s.db.WithContext(ctx).Where("status IN ?", []string{"handling", "rehandling", "following_up", "replied"}).
		Order("number").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	out := make([]domain.Suggestion, 0, len(rows))
	for _, r := range rows {
		sg, err := r.domain()
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}

// ProgressReportCounts counts the progress reports filed per suggestion in
// a period.
func (s *Store) ProgressReportCounts(ctx context.Context, p Period) (map[string]int, error) {
	type row struct {
		SuggestionID string
		N            int
	}
	var rows []row
	if err := s.db.WithContext(ctx).Model(&progressReportRow{}).Select("suggestion_id, COUNT(*) AS n").
		Where("at >= ? AND at < ?", p.From, p.To).Group("suggestion_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("progress report counts: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.SuggestionID] = r.N
	}
	return out, nil
}
