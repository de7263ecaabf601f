package i18n

import (
	"strings"
	"testing"
	"time"
)

// TestEventTextsComplete: every event text has both languages and its
// type a label in both, and each language names the same parameters.
func TestEventTextsComplete(t *testing.T) {
	for _, typ := range EventTypes() {
		if !HasEvent(typ) {
			t.Errorf("event %q lacks a language", typ)
		}
		base, _, _ := strings.Cut(typ, ".")
		for _, lang := range []string{ZH, EN} {
			if !Has(lang, "ev."+base) {
				t.Errorf("event type %q has no %s label", base, lang)
			}
		}
		// The English is the API's detail and says everything; the Chinese
		// may leave out what a reader does not need (ids).
		p := events[typ]
		en := placeholders(p.en)
		for n := range placeholders(p.zh) {
			if !en[n] {
				t.Errorf("event %q: Chinese names {%s}, English does not", typ, n)
			}
		}
	}
}

func placeholders(s string) map[string]bool {
	out := map[string]bool{}
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		out[s[i+1:i+j]] = true
		s = s[i+j+1:]
	}
}

// TestFormat: optional parts, labels, names, times and durations.
func TestFormat(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Lang: ZH, Loc: loc, Names: map[string]string{"un_1": "供电所", "un_2": "农业站"}}
	got := Event(o, "assigned", map[string]string{"lead_unit": "un_1", "co_unit_ids": "un_2", "leader": "张", "handler": "李",
		"due_at": "2026-03-31T15:59:59Z"})
	if want := "主办单位 供电所，会办单位 农业站，分管领导 张，专办人员 李；答复期限 2026-03-31 23:59"; got != want {
		t.Errorf("zh: %q, want %q", got, want)
	}
	got = Event(Raw, "returned", map[string]string{"reason": "个人事务"})
	if got != "returned: 个人事务" {
		t.Errorf("optional part kept: %q", got)
	}
	if got := Event(Raw, "closed", map[string]string{"as": "no_feedback"}); !strings.Contains(got, "no feedback") {
		t.Errorf("variant: %q", got)
	}
	if got := Duration(ZH, "7wd"); got != "7 个工作日" {
		t.Errorf("duration: %q", got)
	}
	if got := Duration(EN, "P1DT2H"); got != "1 days 2 hours" {
		t.Errorf("duration: %q", got)
	}
	if EventComplete("submitted", nil) || !EventComplete("accepted", nil) {
		t.Error("EventComplete")
	}
}

// TestWarningTexts: a warning has both languages, names the same
// parameters in each, and fills them.
func TestWarningTexts(t *testing.T) {
	for code, p := range warnings {
		if !HasWarning(code) {
			t.Errorf("warning %q lacks a language", code)
		}
		zh, en := placeholders(p.zh), placeholders(p.en)
		for n := range zh {
			if !en[n] {
				t.Errorf("warning %q: Chinese names {%s}, English does not", code, n)
			}
		}
	}
	got := Warning(Options{Lang: ZH}, "no_holiday_data", map[string]string{"year": "2028"})
	if !strings.HasPrefix(got, "2028 年尚无官方节假日安排") {
		t.Errorf("zh: %q", got)
	}
	if got := Warning(Raw, "no_holiday_data", map[string]string{"year": "2028"}); !strings.HasPrefix(got, "no official holiday schedule for 2028: ") {
		t.Errorf("en: %q", got)
	}
}
