package app

import (
	"net/http"
	"strconv"
	"testing"
)

// TestSignInWithPasswords: an account made with a first password signs in
// with it, must change it before anything else, and after the change the
// other sessions of the account have ended; sign-out ends the token; a
// wrong password is 401 and repeated ones hold the account off with 429
// and Retry-After, even for the right password.
func TestSignInWithPasswords(t *testing.T) {
	c := startApp(t, "sign_in_failures_per_account: 3\nsign_in_block: PT1M\n")
	_, _, unit, _ := c.setup()
	acc := c.must(201, "POST", "/api/v1/accounts", map[string]any{"role": "unit", "name": "供电所经办人", "unit_id": unit,
		"username": "GongDian", "password": "first-pass-1"})
	if acc["username"] != "gongdian" || acc["must_change_password"] != true || acc["has_password"] != true {
		t.Fatalf("account = %v", acc)
	}
	if _, leaked := acc["password_hash"]; leaked {
		t.Fatalf("the account shows its hash: %v", acc)
	}
	c.must(422, "POST", "/api/v1/accounts", map[string]any{"role": "staff", "name": "x", "username": "gongdian", "password": "another-pass"})
	c.must(422, "POST", "/api/v1/accounts", map[string]any{"role": "staff", "name": "x", "username": "short", "password": "1234567"})

	anon := &apiClient{t: t, base: c.base}
	signIn := func(user, pass string) response {
		return anon.do("POST", "/api/v1/sessions", map[string]any{"username": user, "password": pass})
	}
	first := signIn("gongdian", "first-pass-1")
	if first.status != 201 {
		t.Fatalf("sign-in: %d %s", first.status, first.body)
	}
	s1 := first.json(t)
	if s1["must_change_password"] != true || s1["expires_at"] == nil {
		t.Fatalf("session = %v", s1)
	}
	u1 := &apiClient{t: t, base: c.base, token: s1["token"].(string)}
	if r := u1.do("GET", "/api/v1/suggestions", nil); r.status != 403 || r.json(t)["code"] != "password_change_required" {
		t.Fatalf("before the change: %d %s", r.status, r.body)
	}
	second := signIn("gongdian", "first-pass-1").json(t)
	u2 := &apiClient{t: t, base: c.base, token: second["token"].(string)}
	u1.must(422, "PUT", "/api/v1/me/password", map[string]any{"current": "wrong-password", "new": "second-pass-2"})
	u1.must(422, "PUT", "/api/v1/me/password", map[string]any{"current": "first-pass-1", "new": "first-pass-1"})
	u1.must(204, "PUT", "/api/v1/me/password", map[string]any{"current": "first-pass-1", "new": "second-pass-2"})
	u1.must(200, "GET", "/api/v1/suggestions", nil)
	if r := u2.do("GET", "/api/v1/me", nil); r.status != 401 {
		t.Fatalf("the other session after the change: %d %s", r.status, r.body)
	}
	if r := signIn("gongdian", "first-pass-1"); r.status != 401 {
		t.Fatalf("the old password: %d %s", r.status, r.body)
	}
	// The admin's token still works for scripts beside the passwords.
	c.must(200, "GET", "/api/v1/accounts", nil)

	u1.must(204, "DELETE", "/api/v1/sessions/current", nil)
	if r := u1.do("GET", "/api/v1/me", nil); r.status != 401 {
		t.Fatalf("after sign-out: %d", r.status)
	}

	// Three failures in a row (one was the old password above, so two more)
	// hold the account off, the right password too.
	signIn("gongdian", "nope-nope-1")
	r := signIn("gongdian", "nope-nope-2")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("third failure: %d %s", r.status, r.body)
	}
	if r := signIn("gongdian", "second-pass-2"); r.status != http.StatusTooManyRequests {
		t.Fatalf("right password while held off: %d %s", r.status, r.body)
	} else if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 || secs > 60 {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	// Another account from the same address is not held off by this one:
	// the admin signs in with the password the first start generated.
	if c.app.AdminPassword == "" {
		t.Fatal("the first start generated no admin password")
	}
	if r := signIn("admin", c.app.AdminPassword); r.status != 201 {
		t.Fatalf("admin with the first start's password: %d %s", r.status, r.body)
	}

	// A reset by the admin: the holder must change it again, and retiring
	// the account ends its sessions.
	c.must(200, "PATCH", "/api/v1/accounts/"+acc["id"].(string), map[string]any{"password": "reset-pass-3"})
	c.must(200, "PATCH", "/api/v1/accounts/"+acc["id"].(string), map[string]any{"active": false})
	if r := signIn("admin", "wrong-admin-pw"); r.status != 401 {
		t.Fatalf("admin: %d", r.status)
	}
	list := c.must(200, "GET", "/api/v1/accounts", nil)
	for _, it := range list["items"].([]any) {
		if it.(map[string]any)["id"] == acc["id"] {
			t.Fatalf("a retired account is listed without include_retired")
		}
	}
}
