package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

// Record writes one workflow step in one transaction. Every row has a
// deterministic id, so a retried step writes nothing twice, and a state
// older than the stored one is not written back.
func (s *Store) Record(ctx context.Context, step domain.Step, messages []domain.Message) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// A fresh statement each time: a GORM chain must not be reused.
		ignore := func() *gorm.DB { return tx.Clauses(clause.OnConflict{DoNothing: true}) }
		if sg := step.Suggestion; sg != nil {
			row, parties, err := suggestionRows(*sg)
			if err != nil {
				return err
			}
			was, stored, err := storedCaseKey(tx, row.ID)
			if err != nil {
				return err
			}
			res := tx.Model(&suggestionRow{}).Where("id = ? AND seq <= ?", row.ID, row.Seq).
				Select("*").Omit("id", "updated_at").Updates(&row)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 && stored {
				if err := recount(tx, row.ID, was, caseKey{Status: row.Status, LeadUnitID: row.LeadUnitID, SubmittedAt: row.SubmittedAt}); err != nil {
					return err
				}
			}
			if res.RowsAffected > 0 {
				if err := tx.Where("suggestion_id = ?", sg.ID).Delete(&partyRow{}).Error; err != nil {
					return err
				}
				if err := tx.Create(&parties).Error; err != nil {
					return err
				}
				if err := s.index(tx, *sg); err != nil {
					return err
				}
			}
		}
		if m := step.Meeting; m != nil {
			state, err := json.Marshal(m)
			if err != nil {
				return err
			}
			row := meetingRow{ID: m.ID, SuggestionID: m.SuggestionID, UnitID: m.UnitID, Reason: m.Reason, Status: m.Status,
				ScheduledAt: m.ScheduledAt, Seq: m.Seq, State: string(state), UpdatedAt: time.Now()}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
				return err
			}
			if err := tx.Model(&meetingRow{}).Where("id = ? AND seq <= ?", m.ID, m.Seq).
				Updates(map[string]any{"status": m.Status, "scheduled_at": m.ScheduledAt, "seq": m.Seq, "state": string(state), "updated_at": time.Now()}).Error; err != nil {
				return err
			}
		}
		if r := step.Round; r != nil && step.Suggestion != nil {
			id := fmt.Sprintf("%s-r%d", step.Suggestion.ID, r.Number)
			if !r.StartedAt.IsZero() {
				row := roundRow{ID: id, SuggestionID: step.Suggestion.ID, Number: r.Number, StartedAt: r.StartedAt, DueAt: r.DueAt}
				if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
					DoUpdates: clause.AssignmentColumns([]string{"started_at", "due_at", "overdue", "replied_at"})}).Create(&row).Error; err != nil {
					return err
				}
			}
			if r.Overdue {
				if err := tx.Model(&roundRow{}).Where("id = ?", id).Update("overdue", true).Error; err != nil {
					return err
				}
			}
			if r.RepliedAt != nil {
				if err := tx.Model(&roundRow{}).Where("id = ?", id).Update("replied_at", r.RepliedAt).Error; err != nil {
					return err
				}
			}
		}
		sid := ""
		if step.Suggestion != nil {
			sid = step.Suggestion.ID
		}
		if c := step.Consultation; c != nil {
			parts, err := json.Marshal(c.Participants)
			if err != nil {
				return fmt.Errorf("encode participants of consultation %s: %w", c.ID, err)
			}
			if err := ignore().Create(&consultationRow{ID: c.ID, SuggestionID: sid, Round: c.Round, HeldAt: c.HeldAt,
				Method: c.Method, Participants: string(parts), Notes: c.Notes, RecordedAt: c.RecordedAt}).Error; err != nil {
				return err
			}
		}
		if p := step.ProgressReport; p != nil {
			if err := ignore().Create(&progressReportRow{ID: p.ID, SuggestionID: sid, Round: p.Round, Content: p.Content, At: p.At}).Error; err != nil {
				return err
			}
		}
		if x := step.Extension; x != nil {
			row := extensionRow{ID: x.ID, SuggestionID: sid, Round: x.Round, Reason: x.Reason, Measures: x.Measures,
				OldDueAt: x.OldDueAt, NewDueAt: x.NewDueAt, At: x.At, Decision: x.Decision, Comment: x.Comment, DecidedAt: x.DecidedAt}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
				DoUpdates: clause.AssignmentColumns([]string{"decision", "comment", "decided_at"})}).Create(&row).Error; err != nil {
				return err
			}
		}
		if r := step.Reply; r != nil {
			res := ignore().Create(&replyRow{ID: r.ID, SuggestionID: sid, Round: r.Round, ResultClass: r.ResultClass,
				Content: r.Content, PromisedAt: r.PromisedAt, RepliedAt: r.RepliedAt, DueAt: r.DueAt, OnTime: r.OnTime,
				Consulted: r.Consulted})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				if err := countReply(tx, replyFact{ID: r.ID, SuggestionID: sid, Round: r.Round, ResultClass: r.ResultClass,
					RepliedAt: r.RepliedAt, OnTime: r.OnTime, Consulted: r.Consulted}); err != nil {
					return err
				}
			}
		}
		if r := step.Rating; r != nil {
			res := ignore().Create(&ratingRow{ID: r.ID, SuggestionID: sid, Round: r.Round, DeputyID: r.DeputyID, Lead: r.Lead,
				Attitude: r.Attitude, Result: r.Result, Reasons: r.Reasons, At: r.At})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				if err := countRating(tx, sid, r.Result, r.At); err != nil {
					return err
				}
			}
		}
		if o := step.CoOpinion; o != nil {
			if err := ignore().Create(&coOpinionRow{ID: o.ID, SuggestionID: sid, UnitID: o.UnitID, Content: o.Content, At: o.At}).Error; err != nil {
				return err
			}
		}
		if c := step.Completion; c != nil {
			if err := ignore().Create(&completionRow{ID: c.ID, SuggestionID: sid, Content: c.Content, Evidence: c.Evidence,
				Kept: c.Kept, SignedBy: c.SignedBy, At: c.At}).Error; err != nil {
				return err
			}
		}
		if len(step.Events) > 0 {
			rows := make([]eventRow, 0, len(step.Events))
			for i, e := range step.Events {
				rows = append(rows, eventRowOf(e, i))
			}
			if err := ignore().Create(&rows).Error; err != nil {
				return err
			}
		}
		rows := make([]outboxRow, 0, len(messages))
		for _, m := range messages {
			if m.RatingLink != nil {
				if err := recordMessageWithLink(tx, m); err != nil {
					return err
				}
				continue
			}
			rows = append(rows, outboxRowOf(m))
		}
		if len(rows) > 0 {
			if err := ignore().Create(&rows).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record step: %w", err)
	}
	return nil
}

func suggestionRows(sg domain.Suggestion) (suggestionRow, []partyRow, error) {
	state, err := json.Marshal(sg)
	if err != nil {
		return suggestionRow{}, nil, err
	}
	row := suggestionRow{
		ID: sg.ID, Number: sg.Number, Title: sg.Title, Kind: sg.Kind, Category: sg.Category,
		LeadDeputyID: sg.LeadDeputyID, SubmittedIn: sg.SubmittedIn, Status: string(sg.Status),
		Overdue: sg.Overdue, Escalated: sg.Escalated, ExtensionPending: sg.PendingExtension != nil,
		LeadUnitID: sg.LeadUnitID(), Round: sg.Round, DueAt: sg.DueAt, SubmittedAt: sg.SubmittedAt,
		ClosedAt: sg.ClosedAt, ClosedAs: sg.ClosedAs, Seq: sg.Seq, State: string(state),
	}
	party := func(id, role string) partyRow {
		return partyRow{SuggestionID: sg.ID, PartyID: id, Role: role, SubmittedAt: sg.SubmittedAt, Status: string(sg.Status)}
	}
	parties := []partyRow{party(sg.LeadDeputyID, "lead_deputy")}
	for _, d := range sg.CoSignerIDs {
		parties = append(parties, party(d, "co_signer"))
	}
	if a := sg.Assignment; a != nil {
		parties = append(parties, party(a.LeadUnitID, "lead_unit"))
		for _, u := range a.CoUnitIDs {
			parties = append(parties, party(u, "co_unit"))
		}
	}
	return row, parties, nil
}
