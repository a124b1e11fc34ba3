package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every API token, so that a token is told from a JWT
// at a glance (and by secret scanners).
const TokenPrefix = "cgt_"

// NewToken returns a fresh API token (shown once, to its owner) and the hash
// the store keeps in its place: 32 random bytes, so the hash needs no salt.
func NewToken() (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken is the hash under which the store finds a token.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// IsToken tells an API token from other bearer credentials (JWTs).
func IsToken(credential string) bool { return strings.HasPrefix(credential, TokenPrefix) }
