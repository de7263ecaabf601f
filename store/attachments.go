package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

// ChunkBytes is the most one chunk row of an attachment holds. MySQL's
// max_allowed_packet is 4 MiB by default (64 MiB in 8.0): a row of 1 MiB
// stays well under either, whatever the file's size.
const ChunkBytes = 1 << 20

// ErrTooMany is returned when a step of a case already holds the most
// attachments it may.
var ErrTooMany = errors.New("too many attachments")

// Attachment is a file kept with a case: its description; its bytes are
// read with AttachmentBytes.
type Attachment struct {
	ID           string    `json:"id"`
	SuggestionID string    `json:"suggestion_id"`
	Step         string    `json:"step"`
	Name         string    `json:"name"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	UploadedBy   string    `json:"uploaded_by"`
	UploaderRole string    `json:"uploader_role"`
	CreatedAt    time.Time `json:"created_at"`
}

type attachmentRow struct {
	ID           string `gorm:"primaryKey;size:64"`
	SuggestionID string `gorm:"size:64;not null;index:idx_attachments_case_step,priority:1"`
	Step         string `gorm:"size:20;not null;index:idx_attachments_case_step,priority:2"`
	Name         string `gorm:"size:255;not null"`
	ContentType  string `gorm:"size:200;not null"`
	Size         int64  `gorm:"not null"`
	SHA256       string `gorm:"size:64;not null"`
	UploadedBy   string `gorm:"size:64"`
	UploaderRole string `gorm:"size:20"`
	CreatedAt    time.Time
}

func (attachmentRow) TableName() string { return "attachments" }

// attachmentChunkRow is one piece of a file, in order by Seq. "bytes" is
// a BLOB on SQLite and, with its size, a MEDIUMBLOB (16 MiB) on MySQL.
type attachmentChunkRow struct {
	AttachmentID string `gorm:"primaryKey;size:64"`
	Seq          int    `gorm:"primaryKey;autoIncrement:false"`
	Bytes        []byte `gorm:"size:16777215;not null"`
}

func (attachmentChunkRow) TableName() string { return "attachment_chunks" }

func (r attachmentRow) attachment() Attachment {
	return Attachment{ID: r.ID, SuggestionID: r.SuggestionID, Step: r.Step, Name: r.Name, ContentType: r.ContentType,
		Size: r.Size, SHA256: r.SHA256, UploadedBy: r.UploadedBy, UploaderRole: r.UploaderRole, CreatedAt: r.CreatedAt.UTC()}
}

// AddAttachment stores a file in chunks with its timeline event, in one
// transaction: either all of it is there or none. It answers ErrTooMany,
// and stores nothing, when the case's step already holds maxPerStep files.
func (s *Store) AddAttachment(ctx context.Context, a Attachment, data []byte, maxPerStep int, ev domain.Event) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Two uploads to one case wait for each other here, so that the
		// count below stays true until this one is written. (SQLite's
		// transactions take the write lock at their start already.)
		if s.dialect == "mysql" {
			var id string
			if err := tx.Model(&suggestionRow{}).Clauses(clause.Locking{Strength: "UPDATE"}).
				Where("id = ?", a.SuggestionID).Pluck("id", &id).Error; err != nil {
				return err
			}
		}
		var n int64
		if err := tx.Model(&attachmentRow{}).Where("suggestion_id = ? AND step = ?", a.SuggestionID, a.Step).Count(&n).Error; err != nil {
			return err
		}
		if n >= int64(maxPerStep) {
			return ErrTooMany
		}
		row := attachmentRow{ID: a.ID, SuggestionID: a.SuggestionID, Step: a.Step, Name: a.Name, ContentType: a.ContentType,
			Size: a.Size, SHA256: a.SHA256, UploadedBy: a.UploadedBy, UploaderRole: a.UploaderRole, CreatedAt: a.CreatedAt.UTC()}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		// One chunk per statement: a batch insert of several would be one
		// packet again.
		for seq := 0; seq == 0 || seq*ChunkBytes < len(data); seq++ {
			off := seq * ChunkBytes
			end := min(off+ChunkBytes, len(data))
			if err := tx.Create(&attachmentChunkRow{AttachmentID: a.ID, Seq: seq, Bytes: data[off:end]}).Error; err != nil {
				return err
			}
		}
		er := eventRowOf(ev, 0)
		return tx.Create(&er).Error
	})
	if err != nil {
		return fmt.Errorf("add attachment %s to %s: %w", a.ID, a.SuggestionID, translate(err))
	}
	return nil
}

// Attachments lists a case's files, oldest first.
func (s *Store) Attachments(ctx context.Context, suggestionID string) ([]Attachment, error) {
	var rows []attachmentRow
	if err := s.db.WithContext(ctx).Where("suggestion_id = ?", suggestionID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", suggestionID, translate(err))
	}
	out := make([]Attachment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.attachment())
	}
	return out, nil
}

// Attachment reads one file's description.
func (s *Store) Attachment(ctx context.Context, id string) (Attachment, error) {
	var row attachmentRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return Attachment{}, fmt.Errorf("attachment %s: %w", id, translate(err))
	}
	return row.attachment(), nil
}

// AttachmentBytes hands a file's chunks to each in order, one row read at
// a time, so that a large file is never whole in memory.
func (s *Store) AttachmentBytes(ctx context.Context, id string, each func([]byte) error) error {
	for seq := 0; ; seq++ {
		var rows []attachmentChunkRow
		if err := s.db.WithContext(ctx).Where("attachment_id = ? AND seq = ?", id, seq).Limit(1).Find(&rows).Error; err != nil {
			return fmt.Errorf("attachment %s chunk %d: %w", id, seq, translate(err))
		}
		if len(rows) == 0 {
			if seq == 0 {
				return fmt.Errorf("attachment %s: %w", id, ErrNotFound)
			}
			return nil
		}
		if err := each(rows[0].Bytes); err != nil {
			return err
		}
	}
}
