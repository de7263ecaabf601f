package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"suggestflow/domain"
)

// A file larger than a chunk comes back whole, in order, from the chunks
// it was cut into; a step that holds its most files refuses one more and
// stores nothing of it.
func TestAttachmentRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		data := make([]byte, 2*ChunkBytes+12345)
		for i := range data {
			data[i] = byte(i*7 + i/ChunkBytes)
		}
		sum := sha256.Sum256(data)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		a := Attachment{ID: "at_1", SuggestionID: "sg_a", Step: "completion", Name: "照片.png", ContentType: "image/png",
			Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: "ac_1", UploaderRole: "unit", CreatedAt: at}
		ev := domain.Event{ID: "sg_a-at_1", SuggestionID: "sg_a", At: at, Actor: domain.Actor{ID: "ac_1", Role: "unit"},
			Type: "attached", Params: map[string]string{"name": a.Name, "sha256": a.SHA256}, Detail: "attached"}
		if err := s.AddAttachment(ctx, a, data, 2, ev); err != nil {
			t.Fatal(err)
		}
		var chunks int64
		if err := s.db.Model(&attachmentChunkRow{}).Where("attachment_id = ?", "at_1").Count(&chunks).Error; err != nil {
			t.Fatal(err)
		}
		if chunks != 3 {
			t.Errorf("chunks = %d, want 3 of at most %d bytes", chunks, ChunkBytes)
		}
		var back bytes.Buffer
		if err := s.AttachmentBytes(ctx, "at_1", func(b []byte) error {
			if len(b) > ChunkBytes {
				t.Errorf("a chunk of %d bytes", len(b))
			}
			back.Write(b)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := sha256.Sum256(back.Bytes()); !bytes.Equal(got[:], sum[:]) || back.Len() != len(data) {
			t.Fatalf("read back %d bytes with another sha256, want %d", back.Len(), len(data))
		}
		got, err := s.Attachment(ctx, "at_1")
		if err != nil {
			t.Fatal(err)
		}
		if got != a {
			t.Errorf("Attachment = %+v, want %+v", got, a)
		}
		tl, err := s.Timeline(ctx, "sg_a")
		if err != nil {
			t.Fatal(err)
		}
		if len(tl) != 1 || tl[0].Type != "attached" || tl[0].Params["sha256"] != a.SHA256 {
			t.Errorf("timeline = %+v, want the attached event with the sha256", tl)
		}

		small := []byte("second")
		b := a
		b.ID, b.Size, b.CreatedAt = "at_2", int64(len(small)), at.Add(time.Minute)
		ev.ID = "sg_a-at_2"
		if err := s.AddAttachment(ctx, b, small, 2, ev); err != nil {
			t.Fatal(err)
		}
		c := b
		c.ID = "at_3"
		ev.ID = "sg_a-at_3"
		if err := s.AddAttachment(ctx, c, small, 2, ev); !errors.Is(err, ErrTooMany) {
			t.Fatalf("a third file on a step of two = %v, want ErrTooMany", err)
		}
		if _, err := s.Attachment(ctx, "at_3"); !errors.Is(err, ErrNotFound) {
			t.Errorf("the refused file is stored: %v", err)
		}
		if err := s.db.Model(&attachmentChunkRow{}).Where("attachment_id = ?", "at_3").Count(&chunks).Error; err != nil || chunks != 0 {
			t.Errorf("the refused file left %d chunks (%v)", chunks, err)
		}
		// Another step has its own count.
		c.Step = "reply"
		if err := s.AddAttachment(ctx, c, small, 2, ev); err != nil {
			t.Fatalf("a file on another step: %v", err)
		}
		list, err := s.Attachments(ctx, "sg_a")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ID != "at_1" || list[2].ID != "at_3" {
			t.Errorf("Attachments = %+v, want at_1, at_2, at_3", list)
		}
	})
}

// A new row in the database says its bytes are there; a row from before
// the choice existed (storage empty) is read from its chunks as before.
func TestAttachmentStorageColumn(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		a := Attachment{ID: "at_old", SuggestionID: "sg_a", Step: "completion", Name: "a.txt", ContentType: "text/plain",
			Size: 3, SHA256: "x", CreatedAt: at}
		ev := domain.Event{ID: "sg_a-at_old", SuggestionID: "sg_a", At: at, Type: "attached", Detail: "attached"}
		if err := s.AddAttachment(ctx, a, []byte("old"), 5, ev); err != nil {
			t.Fatal(err)
		}
		var storage string
		if err := s.db.Model(&attachmentRow{}).Where("id = ?", "at_old").Pluck("storage", &storage).Error; err != nil || storage != StorageDB {
			t.Fatalf("storage = %q (%v), want %q", storage, err, StorageDB)
		}
		if err := s.db.Model(&attachmentRow{}).Where("id = ?", "at_old").Update("storage", "").Error; err != nil {
			t.Fatal(err)
		}
		var back bytes.Buffer
		if err := s.AttachmentBytes(ctx, "at_old", func(b []byte) error { back.Write(b); return nil }); err != nil || back.String() != "old" {
			t.Errorf("a row from before: %q, %v", back.String(), err)
		}
		if _, err := s.OpenAttachment(ctx, "at_none"); !errors.Is(err, ErrNotFound) {
			t.Errorf("OpenAttachment of no such file = %v, want ErrNotFound", err)
		}
	})
}
