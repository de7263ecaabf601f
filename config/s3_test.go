package config

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func TestAttachmentsS3(t *testing.T) {
	c, err := Load(nil, env(nil))
	if err != nil || c.AttachmentsS3 != nil {
		t.Fatalf("unset: %+v, %v; want the database", c.AttachmentsS3, err)
	}
	c, err = Load(nil, env(map[string]string{"SUGGESTFLOW_ATTACHMENTS_S3": "s3://AK:s3cr%2Fet@minio.local:9000/files?region=cn-north-1&secure=false"}))
	if err != nil {
		t.Fatal(err)
	}
	want := S3{Endpoint: "minio.local:9000", AccessKey: "AK", SecretKey: "s3cr/et", Bucket: "files", Region: "cn-north-1", Secure: false}
	if c.AttachmentsS3 == nil || *c.AttachmentsS3 != want {
		t.Fatalf("parsed %+v, want %+v", c.AttachmentsS3, want)
	}
	if s := c.AttachmentsS3.String(); strings.Contains(s, "s3cr") || strings.Contains(s, "AK") {
		t.Errorf("String() shows a key: %s", s)
	}
	c, err = Load([]string{"-attachments-s3", "s3://AK:SK@s3.example.cn/b"}, env(nil))
	if err != nil || c.AttachmentsS3 == nil || !c.AttachmentsS3.Secure || c.AttachmentsS3.Bucket != "b" {
		t.Errorf("flag, HTTPS by default: %+v, %v", c.AttachmentsS3, err)
	}
	for _, v := range []string{
		"http://AK:SK@host:9000/b",             // not s3
		"s3://host:9000/b",                     // no keys
		"s3://AK@host:9000/b",                  // no secret
		"s3://AK:topsecret@host:9000/",         // no bucket
		"s3://AK:topsecret@host:9000/b/c",      // a path, not a bucket
		"s3://AK:topsecret@host:9000/b?tls=no", // unknown parameter
		"s3://AK:topsecret@host:9000/b?secure=maybe",
		"s3://AK:topsecret@host:port/b",
		"s3://AK:topsecret@:9000/b",
	} {
		_, err := Load(nil, env(map[string]string{"SUGGESTFLOW_ATTACHMENTS_S3": v}))
		if err == nil || !strings.Contains(err.Error(), "SUGGESTFLOW_ATTACHMENTS_S3") {
			t.Errorf("%s: %v, want a refusal naming the variable", v, err)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%s: the refusal shows the secret: %v", v, err)
		}
	}
}

// A mistyped flag prints the usage with every default, which is the
// environment's value: the secret must not be in it.
func TestUsageHidesTheSecret(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var s3, addr string
	fs.StringVar(&s3, "attachments-s3", "s3://AK:topsecret@host:9000/b", "")
	fs.StringVar(&addr, "http-addr", "127.0.0.1:8080", "")
	hideSecrets(fs)
	var out bytes.Buffer
	fs.SetOutput(&out)
	fs.PrintDefaults()
	if strings.Contains(out.String(), "topsecret") || !strings.Contains(out.String(), "127.0.0.1:8080") {
		t.Errorf("usage:\n%s", out.String())
	}
	if s3 != "s3://AK:topsecret@host:9000/b" {
		t.Errorf("the value itself changed: %q", s3)
	}
}
