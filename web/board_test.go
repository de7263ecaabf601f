package web

import (
	"bytes"
	"strings"
	"testing"

	"suggestflow/store"
)

// A re-handled case's row shows the current round's result and rating; the
// round before it is a smaller line of its own, never beside them.
func TestBoardShowsEarlierRoundsApart(t *testing.T) {
	earlier := earlierRounds([]store.BoardRound{{Round: 1, ResultClass: "D", Satisfaction: "unsatisfied"}})
	if earlier != "此前：第1轮 D 留作参考，不满意" {
		t.Errorf("earlier rounds read %q", earlier)
	}
	if earlierRounds(nil) != "" {
		t.Error("a case in its first round has earlier rounds")
	}
	for e, want := range map[*store.BoardEntry]string{
		{Unit: "供电所"}: "供电所", {ReferredTo: "县交通运输局"}: "转交县交通运输局", {}: "待交办",
	} {
		if got := boardUnit(*e); got != want {
			t.Errorf("unit of %+v reads %q, want %q", *e, got, want)
		}
	}
	d := boardDoc{Period: "2026-H1", Label: "2026年上半年", From: "2026年1月1日", To: "2026年6月30日", Generated: "2026年7月1日 09:00",
		Items: []boardRow{{Number: "2026-003", Title: "关于村道硬化的建议", Unit: "交通站", Due: "2026年5月1日", Status: "replied",
			ResultClass: "A", Earlier: earlier}}}
	var buf bytes.Buffer
	if err := boardTemplate.Execute(&buf, d); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	row := page[strings.Index(page, "<td class=\"n\">2026-003"):]
	row = row[:strings.Index(row, "</tr>")]
	want := `<td>A 已解决或采纳<br>已答复<small class="earlier">此前：第1轮 D 留作参考，不满意</small></td><td>未评价</td>`
	if !strings.Contains(row, want) {
		t.Errorf("the row reads\n%s\nwant it to hold\n%s", row, want)
	}
}
