package printout

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signintech/gopdf"

	"suggestflow/printout/printouttest"
)

func board(rows int) Table {
	t := Table{
		Title:    "代表建议办理情况“五公开”",
		Subtitle: "2026年上半年 · Public notice, 2026-H1",
		Footer:   "人大主席团",
		Columns:  []Column{{Heading: "编号\nNo.", Width: 1}, {Heading: "建议事项\nItem", Width: 3}, {Heading: "承办单位\nUnit", Width: 2}},
		Empty:    "本期无代表建议。",
		Created:  time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC),
	}
	for i := range rows {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("2026-%03d", i+1),
			"关于增加农村电网容量解决夏季用电高峰跳闸问题的建议（Rural grid capacity）", "县供电公司"})
	}
	return t
}

func TestTableWritesEveryRowAcrossPages(t *testing.T) {
	var buf bytes.Buffer
	if err := board(60).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:16])
	}
	text := printouttest.Text(t, buf.Bytes())
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"代表建议办理情况", "五公开", "承办单位", "Unit", "2026-001", "2026-060", "县供电公司",
		"Ruralgridcapacity", "第1页/共"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF does not read %q:\n%s", want, text)
		}
	}
	// 60 rows of two lines each do not fit one landscape page: the table
	// continues, with its heading, on the pages after.
	pages := strings.Count(text, "\f")
	if pages < 2 {
		t.Fatalf("60 rows on %d page(s)", pages)
	}
	if got := strings.Count(flat, "建议事项"); got != pages {
		t.Errorf("the heading row appears %d times on %d pages", got, pages)
	}
	if !strings.Contains(flat, fmt.Sprintf("第%d页/共%d页", pages, pages)) {
		t.Errorf("the last page is not numbered %d of %d", pages, pages)
	}
	// Only the glyphs used travel with the file, not the 3 MB font.
	if buf.Len() > 400_000 {
		t.Errorf("the PDF is %d bytes", buf.Len())
	}
}

func TestTableWithoutRowsSaysSo(t *testing.T) {
	var buf bytes.Buffer
	if err := board(0).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if text := printouttest.Text(t, buf.Bytes()); !strings.Contains(text, "本期无代表建议") {
		t.Errorf("an empty board reads:\n%s", text)
	}
}

func TestWrapKeepsWithinTheColumn(t *testing.T) {
	w, err := newWriter(*gopdf.PageSizeA4Landscape)
	if err != nil {
		t.Fatal(err)
	}
	if w.font('建') != cjkFont || w.font('A') != latinFont || w.font('“') != latinFont {
		t.Errorf("fonts: 建=%s A=%s “=%s", w.font('建'), w.font('A'), w.font('“'))
	}
	text := "关于村道安装路灯的建议，请尽快落实 street lights for the village road 以方便群众夜间出行"
	const width = 120.0
	lines, err := w.wrap(text, width, bodySize)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 3 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if lw, _ := w.textWidth(l, bodySize); lw > width {
			t.Errorf("line %q is %.1f wide, over %.0f", l, lw, width)
		}
		if strings.HasPrefix(l, "，") {
			t.Errorf("a line starts with a comma: %q", lines)
		}
		if strings.HasPrefix(l, "treet") || strings.HasSuffix(l, " s") || strings.HasPrefix(l, "ights") {
			t.Errorf("a Latin word is split: %q", lines)
		}
	}
	if strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(text, " ", "") {
		t.Errorf("wrapping lost text: %q", lines)
	}
	if got, _ := w.wrap("一\n二", width, bodySize); len(got) != 2 {
		t.Errorf("a line break in the text: %q", got)
	}
}

func TestTableNotesReadUnderTheirRows(t *testing.T) {
	tb := board(2)
	tb.Notes = []string{"", "此前：第1轮 D 留作参考，不满意"}
	var buf bytes.Buffer
	if err := tb.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(printouttest.Text(t, buf.Bytes())), "")
	second := strings.Index(flat, "2026-002")
	note := strings.Index(flat, "此前：第1轮D留作参考，不满意")
	if second < 0 || note < second {
		t.Errorf("the note is missing or not under row 2026-002:\n%s", flat)
	}
}
