package accounts

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"suggestflow/refusal"
)

func TestPasswordRules(t *testing.T) {
	for pw, code := range map[string]string{
		"short1":                refusal.PasswordTooShort,
		"wangxl":                refusal.PasswordTooShort,
		"wangxilin":             refusal.PasswordIsUsername,
		strings.Repeat("路", 25): refusal.PasswordTooLong, // 75 bytes
		"代表建议办理系统密码":            "",
		"good-password":         "",
	} {
		err := CheckPassword("password", pw, "wangxilin")
		got := ""
		if r, ok := refusal.As(err); ok {
			got = r.Fields[0].Code
		}
		if got != code {
			t.Errorf("%q: %v, want %q", pw, err, code)
		}
	}
	for name, ok := range map[string]bool{"wang.xl": true, "13800000001": true, "a": false, "王西林": false, "-wang": false, "Wang": false} {
		if got := CheckUsername("username", name) == nil; got != ok {
			t.Errorf("user name %q: accepted %t, want %t", name, got, ok)
		}
	}
	if NormalizeUsername("  Wang.XL ") != "wang.xl" {
		t.Error("user names are not kept in lower case")
	}
}

func TestHashAndGenerate(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		p := Generate()
		if len(p) != 12 || seen[p] || strings.ContainsAny(p, "0O1lI") {
			t.Fatalf("generated %q", p)
		}
		seen[p] = true
	}
	h, err := Hash("good-password")
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(h), []byte("good-password")) != nil || bcrypt.CompareHashAndPassword([]byte(h), []byte("bad-password")) == nil {
		t.Error("the hash does not check the password")
	}
}
