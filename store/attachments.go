package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	// Storage is where the bytes are: StorageDB (or empty, for rows from
	// before there was a choice) in attachment_chunks, StorageS3 in the
	// object store under ObjectKey. Each row says so itself, so a change
	// of configuration leaves the files already kept readable.
	Storage   string `gorm:"size:20;not null;default:''"`
	CreatedAt time.Time
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

// Where an attachment's bytes are kept.
const (
	StorageDB = "db"
	StorageS3 = "s3"
)

// Blobs keeps attachment bytes outside the application database, in a
// place every API replica reads (an S3-compatible service). The
// database's own chunks are the other kind, DBBlobs.
type Blobs interface {
	// Kind is the Storage value recorded on the rows it holds.
	Kind() string
	// Put stores size bytes from r under key.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the bytes under key; the caller closes them.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; a key not there is no error.
	Delete(ctx context.Context, key string) error
}

// ObjectKey is where an attachment's bytes are in an object store.
func ObjectKey(id string) string { return "attachments/" + id }

// UseBlobs keeps the bytes of new attachments in b instead of the
// database; nil keeps them in the database. Rows say where their bytes
// are, so files kept before a change stay readable (the object store
// must stay configured while rows point to it).
func (s *Store) UseBlobs(b Blobs) { s.blobs = b }

// DBBlobs are the database's chunks as Blobs: each key an attachment id,
// its bytes in attachment_chunks rows of at most ChunkBytes.
type DBBlobs struct{ db *gorm.DB }

// DatabaseBlobs is the database's own storage of bytes.
func (s *Store) DatabaseBlobs() DBBlobs { return DBBlobs{db: s.db} }

// Kind is StorageDB.
func (DBBlobs) Kind() string { return StorageDB }

// Put writes the chunks of key. Called inside AddAttachment's
// transaction, it is part of it.
func (b DBBlobs) Put(ctx context.Context, key string, r io.Reader, _ int64, _ string) error {
	buf := make([]byte, ChunkBytes)
	// One chunk per statement: a batch insert of several would be one
	// packet again. An empty file still has its one (empty) chunk.
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		last := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !last {
			return fmt.Errorf("read attachment %s: %w", key, err)
		}
		if n > 0 || seq == 0 {
			if err := b.db.WithContext(ctx).Create(&attachmentChunkRow{AttachmentID: key, Seq: seq, Bytes: append([]byte(nil), buf[:n]...)}).Error; err != nil {
				return fmt.Errorf("attachment %s chunk %d: %w", key, seq, translate(err))
			}
		}
		if last {
			return nil
		}
	}
}

// Get reads the chunks of key one row at a time, so that a large file is
// never whole in memory.
func (b DBBlobs) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	var n int64
	if err := b.db.WithContext(ctx).Model(&attachmentChunkRow{}).Where("attachment_id = ? AND seq = 0", key).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("attachment %s: %w", key, translate(err))
	}
	if n == 0 {
		return nil, fmt.Errorf("attachment %s: %w", key, ErrNotFound)
	}
	return &chunkReader{ctx: ctx, db: b.db, id: key}, nil
}

// Delete removes the chunks of key.
func (b DBBlobs) Delete(ctx context.Context, key string) error {
	if err := b.db.WithContext(ctx).Where("attachment_id = ?", key).Delete(&attachmentChunkRow{}).Error; err != nil {
		return fmt.Errorf("delete attachment %s chunks: %w", key, translate(err))
	}
	return nil
}

// chunkReader reads an attachment's chunks in order, one row at a time.
type chunkReader struct {
	ctx  context.Context
	db   *gorm.DB
	id   string
	seq  int
	buf  []byte
	done bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.done {
			return 0, io.EOF
		}
		var rows []attachmentChunkRow
		if err := c.db.WithContext(c.ctx).Where("attachment_id = ? AND seq = ?", c.id, c.seq).Limit(1).Find(&rows).Error; err != nil {
			return 0, fmt.Errorf("attachment %s chunk %d: %w", c.id, c.seq, translate(err))
		}
		if len(rows) == 0 {
			c.done = true
			continue
		}
		c.seq++
		c.buf = rows[0].Bytes
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func (c *chunkReader) Close() error { return nil }

// AddAttachment stores a file with its timeline event. The row and the
// event are written in one transaction, with the chunks too when the
// bytes stay in the database: either all of it is there or none. With an
// object store the object is written first and removed again when the
// transaction is refused, so a refusal keeps nothing anywhere. It answers
// ErrTooMany, and stores nothing, when the case's step already holds
// maxPerStep files.
func (s *Store) AddAttachment(ctx context.Context, a Attachment, data []byte, maxPerStep int, ev domain.Event) error {
	blobs := s.blobs
	if blobs != nil {
		if err := blobs.Put(ctx, ObjectKey(a.ID), bytes.NewReader(data), int64(len(data)), a.ContentType); err != nil {
			return fmt.Errorf("add attachment %s to %s: %w", a.ID, a.SuggestionID, err)
		}
	}
	err := s.addAttachmentRow(ctx, a, data, maxPerStep, ev, blobs)
	if err != nil && blobs != nil {
		// A context already ended must not keep the object from going.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if derr := blobs.Delete(dctx, ObjectKey(a.ID)); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the object of refused attachment %s: %w", a.ID, derr))
		}
	}
	return err
}

func (s *Store) addAttachmentRow(ctx context.Context, a Attachment, data []byte, maxPerStep int, ev domain.Event, blobs Blobs) error {
	storage := StorageDB
	if blobs != nil {
		storage = blobs.Kind()
	}
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
			Size: a.Size, SHA256: a.SHA256, UploadedBy: a.UploadedBy, UploaderRole: a.UploaderRole, Storage: storage, CreatedAt: a.CreatedAt.UTC()}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if blobs == nil {
			if err := (DBBlobs{db: tx}).Put(ctx, a.ID, bytes.NewReader(data), int64(len(data)), a.ContentType); err != nil {
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

// OpenAttachment opens a file's bytes where its row says they are (the
// database's chunks or the object store), to be read a piece at a time:
// a large file is never whole in memory. Opening makes the first request,
// so a missing file or a store that is down is told before a response
// begins. The caller closes the reader.
func (s *Store) OpenAttachment(ctx context.Context, id string) (io.ReadCloser, error) {
	var storage []string
	if err := s.db.WithContext(ctx).Model(&attachmentRow{}).Where("id = ?", id).Limit(1).Pluck("storage", &storage).Error; err != nil {
		return nil, fmt.Errorf("attachment %s: %w", id, translate(err))
	}
	if len(storage) == 0 {
		return nil, fmt.Errorf("attachment %s: %w", id, ErrNotFound)
	}
	var r io.ReadCloser
	var err error
	switch kind := storage[0]; {
	case kind == "" || kind == StorageDB:
		r, err = s.DatabaseBlobs().Get(ctx, id)
	case s.blobs != nil && s.blobs.Kind() == kind:
		r, err = s.blobs.Get(ctx, ObjectKey(id))
	default:
		return nil, fmt.Errorf("attachment %s is kept in %q, which is not configured", id, kind)
	}
	if err != nil {
		return nil, fmt.Errorf("attachment %s: %w", id, err)
	}
	return r, nil
}

// AttachmentBytes hands a file's bytes to each in order, a piece at a
// time (OpenAttachment).
func (s *Store) AttachmentBytes(ctx context.Context, id string, each func([]byte) error) error {
	r, err := s.OpenAttachment(ctx, id)
	if err != nil {
		return err
	}
	defer r.Close()
	buf := make([]byte, 256<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if werr := each(buf[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read attachment %s: %w", id, err)
		}
	}
}
