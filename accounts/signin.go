// Package accounts is who may sign in and how: the accounts and what each
// acts for, user names and passwords (bcrypt hashes only), the sessions a
// sign-in makes, the hold-off after repeated failures, changing and
// resetting a password, and the tokens scripts use. The JSON API and the
// pages both go through it, so the rules are the same on both.
package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
)

// Password rules. bcrypt reads at most 72 bytes; a longer password is
// refused rather than silently cut.
const (
	MinPassword      = 8
	MaxPasswordBytes = 72
	// cost is bcrypt's work factor: about 50 ms a check on two cores, slow
	// for a guesser, quick for a person.
	cost = 10
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// NormalizeUsername is the user name as stored: trimmed, lower case.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckUsername refuses a user name outside the pattern, on field.
func CheckUsername(field, username string) error {
	if !usernamePattern.MatchString(username) {
		return refusal.OnField(field, refusal.UsernameFormat)
	}
	return nil
}

// CheckPassword refuses a password that breaks the rules, on field.
func CheckPassword(field, password, username string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPassword:
		return refusal.OnField(field, refusal.PasswordTooShort, "min", strconv.Itoa(MinPassword))
	case len(password) > MaxPasswordBytes:
		return refusal.OnField(field, refusal.PasswordTooLong, "max", strconv.Itoa(MaxPasswordBytes))
	case username != "" && strings.EqualFold(password, username):
		return refusal.OnField(field, refusal.PasswordIsUsername)
	}
	return nil
}

// Hash is the bcrypt hash of a password that passed CheckPassword.
func Hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Generate makes a password for a person to type: 12 letters and digits
// without look-alikes (60 bits).
func Generate() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	enc := base32.NewEncoding("abcdefghjkmnpqrstuvwxyz23456789A").WithPadding(base32.NoPadding)
	return enc.EncodeToString(b)[:12]
}

// dummyHash is checked against when the user name is unknown, so that a
// wrong name costs the same time as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such account, no such password"), cost)

// Service signs people in.
type Service struct {
	st     *store.Store
	policy policy.Policy
	now    func() time.Time
}

// New makes the service.
func New(st *store.Store, p policy.Policy, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, policy: p, now: now}
}

// Session is what a sign-in gives: a bearer token (shown once; only its
// hash is kept) that ends after Idle without use.
type Session struct {
	Token              string
	TokenHash          string
	TokenID            string
	AccountID          string
	Idle               time.Duration
	ExpiresAt          time.Time
	MustChangePassword bool
}

// Idle is how long a session lasts without a request.
func (s *Service) Idle() time.Duration {
	now := s.now()
	return s.policy.After(now, s.policy.SessionIdle).Sub(now)
}

func accountKey(username string) string { return "account:" + username }
func clientKey(addr string) string      { return "client:" + addr }

// SignIn checks a user name and password from a client address. A wrong
// pair is 401; an account or address that failed too often in a row is
// 429 with how long to wait, whatever the password, until the hold-off
// ends.
func (s *Service) SignIn(ctx context.Context, username, password, client string) (Session, error) {
	now := s.now()
	username = NormalizeUsername(username)
	keys := []string{accountKey(username), clientKey(client)}
	until, err := s.st.SignInBlockedUntil(ctx, keys, now)
	if err != nil {
		return Session{}, store.Refused(err, "sign-in")
	}
	if !until.IsZero() {
		return Session{}, s.blocked(until, now)
	}
	cred, err := s.st.CredentialsOf(ctx, username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Session{}, store.Refused(err, "account")
	}
	hash := dummyHash
	if err == nil {
		hash = []byte(cred.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		limits := []store.SignInLimit{{Key: keys[0], Limit: s.policy.SignInFailuresPerAccount},
			{Key: keys[1], Limit: s.policy.SignInFailuresPerClient}}
		block := s.policy.After(now, s.policy.SignInBlock).Sub(now)
		until, ferr := s.st.RecordSignInFailure(ctx, limits, block, now)
		if ferr != nil {
			return Session{}, store.Refused(ferr, "sign-in")
		}
		if !until.IsZero() {
			return Session{}, s.blocked(until, now)
		}
		return Session{}, refusal.New(refusal.Unauthenticated, refusal.SignInFailed)
	}
	if err := s.st.ClearSignInFailures(ctx, keys[0]); err != nil {
		return Session{}, store.Refused(err, "sign-in")
	}
	return s.start(ctx, cred.AccountRecord, now)
}

func (s *Service) blocked(until, now time.Time) error {
	wait := until.Sub(now)
	minutes := int((wait + time.Minute - 1) / time.Minute)
	return refusal.New(refusal.TooMany, refusal.SignInBlocked, "minutes", strconv.Itoa(max(minutes, 1))).After(wait)
}

// start makes the session's token.
func (s *Service) start(ctx context.Context, acc store.AccountRecord, now time.Time) (Session, error) {
	token, err := NewToken()
	if err != nil {
		return Session{}, err
	}
	idle := s.Idle()
	sess := Session{Token: token, TokenHash: store.HashToken(token), TokenID: domain.NewID("ss_"), AccountID: acc.ID,
		Idle: idle, ExpiresAt: now.Add(idle), MustChangePassword: acc.MustChangePassword}
	if err := s.st.CreateSession(ctx, sess.TokenID, acc.ID, sess.TokenHash, idle, now); err != nil {
		return Session{}, store.Refused(err, "session")
	}
	return sess, nil
}

// SignOut ends one session (or revokes one token).
func (s *Service) SignOut(ctx context.Context, tokenID string) error {
	return store.Refused(s.st.RevokeToken(ctx, tokenID, s.now().UTC()), "session")
}

// ChangePassword is the holder changing their own password: the current
// one must match; the other sessions of the account end, keepTokenID's
// stays.
func (s *Service) ChangePassword(ctx context.Context, accountID, keepTokenID, current, next string) error {
	acc, err := s.st.AccountByID(ctx, accountID)
	if err != nil {
		return store.Refused(err, "account")
	}
	hash, err := s.st.PasswordHashOf(ctx, accountID)
	if err != nil {
		return store.Refused(err, "account")
	}
	if hash != "" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		return refusal.OnField("current", refusal.PasswordWrong)
	}
	if err := CheckPassword("new", next, acc.Username); err != nil {
		return err
	}
	if next == current {
		return refusal.OnField("new", refusal.PasswordUnchanged)
	}
	newHash, err := Hash(next)
	if err != nil {
		return err
	}
	return store.Refused(s.st.SetPassword(ctx, accountID, newHash, false, keepTokenID, s.now().UTC()), "account")
}

// ResetPassword is staff setting someone's password: the holder must
// change it at the next sign-in, and every session of the account ends.
func (s *Service) ResetPassword(ctx context.Context, accountID, password string) error {
	acc, err := s.st.AccountByID(ctx, accountID)
	if err != nil {
		return store.Refused(err, "account")
	}
	if err := CheckPassword("password", password, acc.Username); err != nil {
		return err
	}
	hash, err := Hash(password)
	if err != nil {
		return err
	}
	return store.Refused(s.st.SetPassword(ctx, accountID, hash, true, "", s.now().UTC()), "account")
}

// NewToken makes a random bearer token; only its hash is stored.
func NewToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return fmt.Sprintf("sf_%x", b), nil
}
