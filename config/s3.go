package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// S3 is an S3-compatible service keeping the attachments' bytes
// (SUGGESTFLOW_ATTACHMENTS_S3), so that every API replica reads them
// without the application database carrying them.
type S3 struct {
	// Endpoint is host:port of the service.
	Endpoint  string
	AccessKey string
	// SecretKey is never logged: String leaves it out.
	SecretKey string
	Bucket    string
	// Region is the bucket's region; empty: the service's default.
	Region string
	// Secure is HTTPS (the default); secure=false speaks plain HTTP, for
	// a service on a private network.
	Secure bool
}

// String names the service without its keys, for logs.
func (s S3) String() string {
	scheme := "https"
	if !s.Secure {
		scheme = "http"
	}
	return scheme + "://" + s.Endpoint + "/" + s.Bucket
}

const s3Var = "SUGGESTFLOW_ATTACHMENTS_S3"

// ParseS3 reads s3://ACCESS_KEY:SECRET@host:port/bucket?region=R&secure=false;
// "" is nil (the bytes stay in the database). Its errors never repeat the
// value, which holds a secret.
func ParseS3(v string) (*S3, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	bad := func(why string) error {
		return fmt.Errorf("%s must be s3://ACCESS_KEY:SECRET@host:port/bucket?region=R&secure=false: %s", s3Var, why)
	}
	u, err := url.Parse(v)
	if err != nil {
		// url's error quotes the value: keep only that it is not a URL.
		return nil, bad("not a URL")
	}
	if u.Scheme != "s3" {
		return nil, bad("the scheme is not s3")
	}
	if u.Hostname() == "" {
		return nil, bad("no host")
	}
	if _, port, err := net.SplitHostPort(u.Host); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, bad("the port is not a number from 1 to 65535")
		}
	}
	s := &S3{Endpoint: u.Host, Secure: true}
	if u.User != nil {
		s.AccessKey = u.User.Username()
		s.SecretKey, _ = u.User.Password()
	}
	if s.AccessKey == "" || s.SecretKey == "" {
		return nil, bad("the access key and the secret are both required")
	}
	s.Bucket = strings.Trim(u.Path, "/")
	if s.Bucket == "" || strings.Contains(s.Bucket, "/") {
		return nil, bad("the path must be one bucket name")
	}
	q := u.Query()
	for k := range q {
		if k != "region" && k != "secure" {
			return nil, bad(fmt.Sprintf("unknown parameter %q", k))
		}
	}
	s.Region = q.Get("region")
	if sec := q.Get("secure"); sec != "" {
		b, err := strconv.ParseBool(sec)
		if err != nil {
			return nil, bad("secure must be true or false")
		}
		s.Secure = b
	}
	return s, nil
}

// hideSecrets keeps the passwords of URL settings (SUGGESTFLOW_ATTACHMENTS_S3,
// SUGGESTFLOW_SMTP_URL) out of the usage text: a mistyped flag prints
// every flag's default, which is the environment's value.
func hideSecrets(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if u, err := url.Parse(f.DefValue); err == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				f.DefValue = u.Redacted()
			}
		}
	})
}
