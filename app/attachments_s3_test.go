package app

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"suggestflow/attachments/s3fake"
	"suggestflow/store"
)

// TestAttachmentsInS3: with SUGGESTFLOW_ATTACHMENTS_S3 set, a refused
// upload leaves the bucket empty; the lead unit's photo is kept in the
// bucket, none of it in the database, and comes back identical with the
// same headers as from the database; a file refused after its object was
// written (the step is full) leaves no object behind; another unit is
// told there is no such file.
func TestAttachmentsInS3(t *testing.T) {
	fake := s3fake.Start(t, "suggestflow-files")
	cfg := testConfig(t, t.TempDir(), "attachment_max_per_step: 1\n")
	cfg.AttachmentsS3 = &fake.Config
	c := startWith(t, cfg)
	w := buildWorld(t, c)
	sg := w.suggestion
	lead := w.as("unitLead")

	if r := lead.attach(sg, "completion", "photo.jpg", elfProgram()); r.status != 415 || !strings.Contains(string(r.body), `"code":"attachment_type"`) {
		t.Fatalf("a renamed program: %d %s, want 415 attachment_type", r.status, r.body)
	}
	if keys := fake.Keys(t); len(keys) != 0 {
		t.Fatalf("after a refused upload the bucket holds %v", keys)
	}

	img := photo(t)
	r := lead.attach(sg, "completion", "现场照片.png", img)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	if keys := fake.Keys(t); !slices.Equal(keys, []string{store.ObjectKey(id)}) {
		t.Errorf("bucket = %v, want the photo's object %s", keys, store.ObjectKey(id))
	}
	if _, err := c.app.Store.DatabaseBlobs().Get(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the photo has chunk rows in the database (%v), want none", err)
	}

	got := lead.do("GET", "/api/v1/attachments/"+id, nil)
	if got.status != 200 || !bytes.Equal(got.body, img) {
		t.Fatalf("download: %d, %d bytes, want the %d uploaded", got.status, len(got.body), len(img))
	}
	if ct, n, ns := got.header.Get("Content-Type"), got.header.Get("Content-Length"), got.header.Get("X-Content-Type-Options"); ct != "image/png" || n != "" && n != strconv.Itoa(len(img)) || ns != "nosniff" {
		t.Errorf("headers: Content-Type %q, Content-Length %q, X-Content-Type-Options %q", ct, n, ns)
	}
	if res := w.as("unitForeign").do("GET", "/api/v1/attachments/"+id, nil); res.status != 404 {
		t.Errorf("another unit: %d, want 404", res.status)
	}

	if r := lead.attach(sg, "completion", "second.png", img); r.status != 409 {
		t.Fatalf("a second file on a step of one: %d %s, want 409", r.status, r.body)
	}
	if keys := fake.Keys(t); !slices.Equal(keys, []string{store.ObjectKey(id)}) {
		t.Errorf("after the step refused a file the bucket = %v, want the photo only", keys)
	}

	// An object gone from the bucket is an error status, not a 200 with a
	// short body.
	if err := fake.Client.RemoveObject(context.Background(), fake.Config.Bucket, store.ObjectKey(id), minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if res := lead.do("GET", "/api/v1/attachments/"+id, nil); res.status != 404 {
		t.Errorf("download of a file whose object is gone: %d %s, want 404", res.status, res.body)
	}
}
