package period

import (
	"strconv"
	"testing"
	"time"
)

func TestParseAndPrevious(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cases := map[string][2]string{
		"2026":    {"2026-01-01", "2027-01-01"},
		"2026-H2": {"2026-07-01", "2027-01-01"},
		"2026-Q1": {"2026-01-01", "2026-04-01"},
		"2026-12": {"2026-12-01", "2027-01-01"},
	}
	for label, want := range cases {
		r, err := Parse(label, sh)
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]string{r.From.In(sh).Format("2006-01-02"), r.To.In(sh).Format("2006-01-02")}; got != want {
			t.Errorf("%s: %v, want %v", label, got, want)
		}
	}
	for _, bad := range []string{"", "26", "2026-H3", "2026-Q5", "2026-13", "2026-1", "1999"} {
		if _, err := Parse(bad, sh); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	at := time.Date(2026, 4, 1, 8, 0, 0, 0, sh)
	if p := Previous(Quarter, at, sh); p.Label != "2026-Q1" {
		t.Errorf("previous quarter of 1 April: %s", p.Label)
	}
	if p := Previous(Half, time.Date(2026, 1, 1, 8, 0, 0, 0, sh), sh); p.Label != "2025-H2" {
		t.Errorf("previous half of 1 January: %s", p.Label)
	}
	if p := Previous(Month, at, sh); p.Label != "2026-03" {
		t.Errorf("previous month: %s", p.Label)
	}
	if p := Previous(Year, at, sh); p.Label != "2025" {
		t.Errorf("previous year: %s", p.Label)
	}
}

func TestWithinAndOfMonths(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	y, _ := Parse("2026", loc)
	for n, want := range map[int]string{1: "2026-01 2026-12 12", 3: "2026-Q1 2026-Q4 4", 6: "2026-H1 2026-H2 2", 12: "2026 2026 1"} {
		ps := Within(OfMonths(n), y, loc)
		if got := ps[0].Label + " " + ps[len(ps)-1].Label + " " + strconv.Itoa(len(ps)); got != want {
			t.Errorf("%d months: %s, want %s", n, got, want)
		}
	}
	if OfMonths(2) != nil {
		t.Error("a two-month period has no kind")
	}
}
