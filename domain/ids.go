package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"time"
)

// Stamp is a time as records, parameters and notices carry it: RFC 3339
// in UTC.
func Stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// idEncoding is lower-case base32 without look-alike letters.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID makes an opaque id with a prefix that says what it names: nothing
// personal ever goes into an id, since ids are plain text in Temporal.
func NewID(prefix string) string {
	b := make([]byte, 10)
	// crypto/rand.Read never fails on the platforms Go supports.
	_, _ = rand.Read(b)
	return prefix + idEncoding.EncodeToString(b)
}

// Digest is the SHA-256 of data in the same alphabet, for ids derived from
// a client's key and for request fingerprints.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return idEncoding.EncodeToString(sum[:])
}
