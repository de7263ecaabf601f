package attachments

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"suggestflow/attachments/s3fake"
	"suggestflow/domain"
	"suggestflow/store"
)

// The S3 storage gives back the bytes it was given (a file of several
// MiB, so minio's multipart path is taken too), and a deleted object is
// gone.
func TestS3PutGetDelete(t *testing.T) {
	ctx := context.Background()
	fake := s3fake.Start(t, "files")
	s3, err := OpenS3(ctx, fake.Config)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 3*store.ChunkBytes+777)
	for i := range data {
		data[i] = byte(i*13 + i/4096)
	}
	if err := s3.Put(ctx, "attachments/at_x", bytes.NewReader(data), int64(len(data)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if keys := fake.Keys(t); !slices.Equal(keys, []string{"attachments/at_x"}) {
		t.Fatalf("bucket = %v, want the one object", keys)
	}
	r, err := s3.Get(ctx, "attachments/at_x")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, err := io.Copy(h, r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256(data); n != int64(len(data)) || !bytes.Equal(h.Sum(nil), want[:]) {
		t.Errorf("read %d bytes with sha256 %x, want %d with %x", n, h.Sum(nil), len(data), want)
	}
	if err := s3.Delete(ctx, "attachments/at_x"); err != nil {
		t.Fatal(err)
	}
	if keys := fake.Keys(t); len(keys) != 0 {
		t.Errorf("bucket after delete = %v", keys)
	}
	if _, err := s3.Get(ctx, "attachments/at_x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get of a deleted object = %v, want ErrNotFound", err)
	}
	if err := s3.Delete(ctx, "attachments/at_x"); err != nil {
		t.Errorf("delete of a missing object = %v, want none", err)
	}
}

// A bucket that is not there stops the start, naming the variable.
func TestOpenS3RefusesAMissingBucket(t *testing.T) {
	fake := s3fake.Start(t, "files")
	c := fake.Config
	c.Bucket = "other"
	_, err := OpenS3(context.Background(), c)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("SUGGESTFLOW_ATTACHMENTS_S3")) {
		t.Errorf("OpenS3 of a missing bucket = %v, want a refusal naming the variable", err)
	}
	if err != nil && bytes.Contains([]byte(err.Error()), []byte(c.SecretKey)) {
		t.Errorf("the refusal shows the secret: %v", err)
	}
}

// With S3 configured the store keeps a file's bytes in the bucket and
// none in the database; a refused file (the step is full) leaves no
// object behind; a file kept in the database before the switch stays
// readable.
func TestStoreWithS3(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "sf.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	add := func(id string, data []byte) error {
		a := store.Attachment{ID: id, SuggestionID: "sg_a", Step: StepCompletion, Name: id + ".txt", ContentType: "text/plain",
			Size: int64(len(data)), SHA256: "x", CreatedAt: at}
		ev := domain.Event{ID: "sg_a-" + id, SuggestionID: "sg_a", At: at, Type: "attached", Detail: "attached"}
		return st.AddAttachment(ctx, a, data, 2, ev)
	}
	read := func(id string) []byte {
		t.Helper()
		var b bytes.Buffer
		if err := st.AttachmentBytes(ctx, id, func(p []byte) error { b.Write(p); return nil }); err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		return b.Bytes()
	}
	if err := add("at_db", []byte("kept in the database")); err != nil {
		t.Fatal(err)
	}

	fake := s3fake.Start(t, "files")
	s3, err := OpenS3(ctx, fake.Config)
	if err != nil {
		t.Fatal(err)
	}
	st.UseBlobs(s3)
	if err := add("at_s3", []byte("kept in the bucket")); err != nil {
		t.Fatal(err)
	}
	if keys := fake.Keys(t); !slices.Equal(keys, []string{store.ObjectKey("at_s3")}) {
		t.Errorf("bucket = %v, want the new file only", keys)
	}
	if _, err := st.DatabaseBlobs().Get(ctx, "at_s3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("chunks of the S3 file in the database: %v, want none", err)
	}
	if got := read("at_s3"); string(got) != "kept in the bucket" {
		t.Errorf("S3 file = %q", got)
	}
	if got := read("at_db"); string(got) != "kept in the database" {
		t.Errorf("the database file after the switch = %q", got)
	}
	if err := add("at_3", []byte("one too many")); !errors.Is(err, store.ErrTooMany) {
		t.Fatalf("a third file on a step of two = %v, want ErrTooMany", err)
	}
	if keys := fake.Keys(t); !slices.Equal(keys, []string{store.ObjectKey("at_s3")}) {
		t.Errorf("bucket after a refusal = %v, want the refused object removed", keys)
	}

	// Switched back to the database, a file in the bucket is not readable
	// without the bucket, and says why.
	st.UseBlobs(nil)
	if err := st.AttachmentBytes(ctx, "at_s3", func([]byte) error { return nil }); err == nil {
		t.Error("an S3 file read without S3 configured: no error")
	}
}
