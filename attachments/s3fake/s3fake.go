// Package s3fake runs an S3 protocol server in the test's process
// (gofakes3 over memory, behind httptest), for tests of the S3 storage of
// attachments without a service of their own.
package s3fake

import (
	"context"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"suggestflow/config"
)

// Server is a running fake with one bucket.
type Server struct {
	Config config.S3
	Client *minio.Client
}

// Start runs a fake S3 service holding an empty bucket, stopped when the
// test ends.
func Start(t testing.TB, bucket string) *Server {
	t.Helper()
	ts := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(ts.Close)
	c := config.S3{Endpoint: strings.TrimPrefix(ts.URL, "http://"), AccessKey: "test-access", SecretKey: "test-secret",
		Bucket: bucket, Region: "cn-north-1", Secure: false}
	cl, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""), Region: c.Region})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{Region: c.Region}); err != nil {
		t.Fatal(err)
	}
	return &Server{Config: c, Client: cl}
}

// URL is the SUGGESTFLOW_ATTACHMENTS_S3 value of the fake.
func (s *Server) URL() string {
	return "s3://" + s.Config.AccessKey + ":" + s.Config.SecretKey + "@" + s.Config.Endpoint + "/" + s.Config.Bucket +
		"?region=" + s.Config.Region + "&secure=false"
}

// Keys lists the bucket's objects, sorted.
func (s *Server) Keys(t testing.TB) []string {
	t.Helper()
	var keys []string
	for o := range s.Client.ListObjects(context.Background(), s.Config.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		keys = append(keys, o.Key)
	}
	sort.Strings(keys)
	return keys
}
