package supervision

import (
	"context"
	"time"

	"suggestflow/domain"
	"suggestflow/period"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// The records the evaluation and the duties are judged on, as the API and
// the pages both take them: complaints about a unit, the deputies'
// questionnaire score of a unit, and a deputy's visits to constituents.

// ComplaintInput is a public complaint about a unit (群众投诉).
type ComplaintInput struct {
	UnitID     string     `json:"unit_id" validate:"required,max=64"`
	Content    string     `json:"content" validate:"required,max=5000"`
	Finding    string     `json:"finding" validate:"required,oneof=substantiated unsubstantiated pending"`
	ReceivedAt *time.Time `json:"received_at"`
}

// RecordComplaint stores a complaint, received now unless said otherwise.
func RecordComplaint(ctx context.Context, st *store.Store, by string, in ComplaintInput, now time.Time) (store.Complaint, error) {
	if err := validation.Check(&in); err != nil {
		return store.Complaint{}, err
	}
	if _, err := st.Unit(ctx, in.UnitID); err != nil {
		return store.Complaint{}, refusal.OnField("unit_id", refusal.NoSuchObject, "object", "unit")
	}
	at := now.UTC()
	if in.ReceivedAt != nil {
		at = in.ReceivedAt.UTC()
	}
	cp := store.Complaint{ID: domain.NewID("cp_"), UnitID: in.UnitID, Content: in.Content, Finding: in.Finding, ReceivedAt: at, CreatedBy: by}
	if err := st.CreateComplaint(ctx, cp); err != nil {
		return store.Complaint{}, store.Refused(err, "complaint")
	}
	return cp, nil
}

// FindingInput is what checking a complaint found, recorded later than
// the complaint (a pending one becomes substantiated or not).
type FindingInput struct {
	Finding string `json:"finding" validate:"required,oneof=substantiated unsubstantiated pending"`
}

// SetFinding records a complaint's finding.
func SetFinding(ctx context.Context, st *store.Store, id string, in FindingInput) (store.Complaint, error) {
	if err := validation.Check(&in); err != nil {
		return store.Complaint{}, err
	}
	if err := st.SetComplaintFinding(ctx, id, in.Finding); err != nil {
		return store.Complaint{}, store.Refused(err, "complaint")
	}
	cp, err := st.Complaint(ctx, id)
	return cp, store.Refused(err, "complaint")
}

// QuestionnaireInput is the deputies' questionnaire score of a unit for a
// quarter (0–100).
type QuestionnaireInput struct {
	UnitID  string   `json:"unit_id" validate:"required,max=64"`
	Quarter string   `json:"quarter" validate:"required,max=7"`
	Score   *float64 `json:"score" validate:"required,min=0,max=100"`
}

// SetQuestionnaire stores a unit's questionnaire score of a quarter.
func SetQuestionnaire(ctx context.Context, st *store.Store, in QuestionnaireInput, loc *time.Location) error {
	if err := validation.Check(&in); err != nil {
		return err
	}
	if _, err := period.QuarterField("quarter", in.Quarter, loc); err != nil {
		return err
	}
	if _, err := st.Unit(ctx, in.UnitID); err != nil {
		return refusal.OnField("unit_id", refusal.NoSuchObject, "object", "unit")
	}
	return store.Refused(st.SetQuestionnaire(ctx, in.UnitID, in.Quarter, *in.Score), "questionnaire")
}

// OpinionInput is one constituent's opinion collected on a visit.
type OpinionInput struct {
	Constituent string `json:"constituent" validate:"max=100"`
	Content     string `json:"content" validate:"required,max=5000"`
}

// VisitInput is a deputy's visit to constituents (走访选民).
type VisitInput struct {
	VisitedAt time.Time      `json:"visited_at" validate:"required"`
	Place     string         `json:"place" validate:"max=200"`
	Note      string         `json:"note" validate:"max=5000"`
	Opinions  []OpinionInput `json:"opinions" validate:"max=100,dive"`
}

// RecordVisit stores a deputy's visit with the opinions collected.
func RecordVisit(ctx context.Context, st *store.Store, deputyID string, in VisitInput, now time.Time) (store.Visit, error) {
	if err := validation.Check(&in); err != nil {
		return store.Visit{}, err
	}
	if in.VisitedAt.After(now.Add(10 * time.Minute)) {
		return store.Visit{}, refusal.OnField("visited_at", refusal.VisitInFuture)
	}
	if _, err := st.Deputy(ctx, deputyID); err != nil {
		return store.Visit{}, store.Refused(err, "deputy")
	}
	v := store.Visit{ID: domain.NewID("vi_"), DeputyID: deputyID, VisitedAt: in.VisitedAt.UTC(), Place: in.Place, Note: in.Note, Opinions: []store.Opinion{}}
	for _, o := range in.Opinions {
		v.Opinions = append(v.Opinions, store.Opinion{ID: domain.NewID("op_"), Constituent: o.Constituent, Content: o.Content})
	}
	if err := st.CreateVisit(ctx, v); err != nil {
		return store.Visit{}, store.Refused(err, "visit")
	}
	return v, nil
}
