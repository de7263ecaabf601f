package refusal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
	"time"

	"suggestflow/i18n"
	"suggestflow/refusal"
)

// TestEveryCodeHasItsTexts walks every code declared in codes.go: each has
// a Chinese and an English text, and no two constants share a code.
func TestEveryCodeHasItsTexts(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Errorf("%s is not a string literal", name)
					continue
				}
				code, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				if other, dup := seen[code]; dup {
					t.Errorf("%s and %s share the code %q", other, name, code)
				}
				seen[code] = name.Name
				if !i18n.HasRefusal(code) {
					t.Errorf("%s (%q) lacks a Chinese or an English text", name, code)
				}
			}
		}
	}
	if len(seen) < 50 {
		t.Fatalf("read only %d codes", len(seen))
	}
}

// TestTextsFillParameters: a refusal's texts show its parameters, times in
// the zone asked for, statuses and actions by name, durations in words.
func TestTextsFillParameters(t *testing.T) {
	r := refusal.OnField("new_due_at", refusal.ExtensionCapExceeded, "max_duration", "P3M", "latest_at", "2026-06-30T15:59:59Z")
	if got, want := r.Error(), "new_due_at: extensions may add up to at most P3M: the latest possible due time is 2026-06-30T15:59:59Z"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	zh := r.Fields[0].Text(i18n.For(i18n.ZH, loc))
	if zh != "延期累计不得超过 3 个月，最晚可延至 2026-06-30 23:59" {
		t.Errorf("Chinese: %q", zh)
	}
	w := refusal.New(refusal.Conflict, refusal.WrongStatus, "action", "call_meeting", "status", "closed")
	if got := w.Error(); got != "cannot call a meeting on a suggestion that is closed" {
		t.Errorf("English: %q", got)
	}
	if got := w.Text(i18n.For(i18n.ZH, loc)); got != "建议当前为“已办结”状态，不能约见" {
		t.Errorf("Chinese: %q", got)
	}
	if r.Kind.Status() != 422 || w.Kind.Status() != 409 {
		t.Errorf("statuses %d %d", r.Kind.Status(), w.Kind.Status())
	}
}
