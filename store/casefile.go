package store

import (
	"context"
	"encoding/json"
	"fmt"

	"suggestflow/domain"
)

// CaseFile is everything recorded on one suggestion beside its state: the
// records of every round, as the case page shows them.
type CaseFile struct {
	Consultations   []domain.Consultation
	ProgressReports []domain.ProgressReport
	Extensions      []domain.ExtensionRequest
	Replies         []domain.Reply
	Ratings         []domain.Rating
	CoOpinions      []domain.CoOpinion
	Completions     []domain.Completion
	// Opinions are the constituents' opinions behind the suggestion:
	// personal data, for the presidium and the lead deputy only.
	Opinions []string
}

// CaseFile reads a suggestion's records, oldest first.
func (s *Store) CaseFile(ctx context.Context, suggestionID string) (CaseFile, error) {
	var f CaseFile
	db := s.db.WithContext(ctx)
	var cons []consultationRow
	var progress []progressReportRow
	var ext []extensionRow
	var replies []replyRow
	var ratings []ratingRow
	var co []coOpinionRow
	var done []completionRow
	var ops []opinionRow
	for _, q := range []struct {
		what  string
		dest  any
		order string
	}{
		{"consultations", &cons, "held_at, id"},
		{"progress reports", &progress, "at, id"},
		{"extension requests", &ext, "at, id"},
		{"replies", &replies, "replied_at, id"},
		{"ratings", &ratings, "at, id"},
		{"co-opinions", &co, "at, id"},
		{"completions", &done, "at, id"},
		{"opinions", &ops, "id"},
	} {
		if err := db.Where("suggestion_id = ?", suggestionID).Order(q.order).Find(q.dest).Error; err != nil {
			return f, fmt.Errorf("read %s of %s: %w", q.what, suggestionID, err)
		}
	}
	for _, c := range cons {
		var parts []string
		if c.Participants != "" {
			if err := json.Unmarshal([]byte(c.Participants), &parts); err != nil {
				return f, fmt.Errorf("decode participants of consultation %s: %w", c.ID, err)
			}
		}
		f.Consultations = append(f.Consultations, domain.Consultation{ID: c.ID, Round: c.Round, HeldAt: c.HeldAt, Method: c.Method,
			Participants: parts, Notes: c.Notes, RecordedAt: c.RecordedAt})
	}
	for _, p := range progress {
		f.ProgressReports = append(f.ProgressReports, domain.ProgressReport{ID: p.ID, Round: p.Round, Content: p.Content, At: p.At})
	}
	for _, x := range ext {
		f.Extensions = append(f.Extensions, domain.ExtensionRequest{ID: x.ID, Round: x.Round, Reason: x.Reason, Measures: x.Measures,
			OldDueAt: x.OldDueAt, NewDueAt: x.NewDueAt, At: x.At, Decision: x.Decision, Comment: x.Comment, DecidedAt: x.DecidedAt})
	}
	for _, r := range replies {
		f.Replies = append(f.Replies, domain.Reply{ID: r.ID, Round: r.Round, ResultClass: r.ResultClass, Content: r.Content,
			PromisedAt: r.PromisedAt, RepliedAt: r.RepliedAt, DueAt: r.DueAt, OnTime: r.OnTime, Consulted: r.Consulted})
	}
	for _, r := range ratings {
		f.Ratings = append(f.Ratings, domain.Rating{ID: r.ID, Round: r.Round, DeputyID: r.DeputyID, Lead: r.Lead,
			Attitude: r.Attitude, Result: r.Result, Reasons: r.Reasons, At: r.At})
	}
	for _, o := range co {
		f.CoOpinions = append(f.CoOpinions, domain.CoOpinion{ID: o.ID, UnitID: o.UnitID, Content: o.Content, At: o.At})
	}
	for _, c := range done {
		f.Completions = append(f.Completions, domain.Completion{ID: c.ID, Content: c.Content, Evidence: c.Evidence, Kept: c.Kept,
			SignedBy: c.SignedBy, At: c.At})
	}
	for _, o := range ops {
		f.Opinions = append(f.Opinions, o.Content)
	}
	return f, nil
}
