package attachments

import (
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"suggestflow/config"
	"suggestflow/store"
)

// S3 keeps attachments' bytes in a bucket of an S3-compatible service
// (MinIO, Ceph, a cloud's object storage), for store.UseBlobs.
type S3 struct {
	client *minio.Client
	bucket string
}

// OpenS3 connects to the service and checks that the bucket is there, so
// that a wrong address, key or bucket stops the start instead of the
// first upload.
func OpenS3(ctx context.Context, c config.S3) (*S3, error) {
	cl, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.Secure,
		Region: c.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("SUGGESTFLOW_ATTACHMENTS_S3 %s: %w", c, err)
	}
	ok, err := cl.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("SUGGESTFLOW_ATTACHMENTS_S3 %s: %w", c, err)
	}
	if !ok {
		return nil, fmt.Errorf("SUGGESTFLOW_ATTACHMENTS_S3 %s: no such bucket", c)
	}
	return &S3{client: cl, bucket: c.Bucket}, nil
}

// Kind is store.StorageS3.
func (*S3) Kind() string { return store.StorageS3 }

// Put uploads the bytes; with their size known, minio sends them in one
// request (or in parts for large ones) without buffering them again.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if _, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{ContentType: contentType}); err != nil {
		return fmt.Errorf("put %s in bucket %s: %w", key, s.bucket, err)
	}
	return nil
}

// Get opens the object for reading as it arrives: a download streams
// from the bucket to the client.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("get %s from bucket %s: %w", key, s.bucket, err)
	}
	// GetObject is lazy: Stat makes the request, so a missing object is
	// told here and not in the middle of a response already begun.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, fmt.Errorf("object %s: %w", key, store.ErrNotFound)
		}
		return nil, fmt.Errorf("get %s from bucket %s: %w", key, s.bucket, err)
	}
	return obj, nil
}

// Delete removes the object; S3 answers a key not there with success.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("remove %s from bucket %s: %w", key, s.bucket, err)
	}
	return nil
}

var _ store.Blobs = (*S3)(nil)
