package store

import (
	"crypto/sha256"
	"encoding/hex"
)

// HashToken is how tokens are stored: never in clear.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
