package printout

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"suggestflow/printout/printouttest"
)

func letter(paragraphs int) Document {
	d := Document{
		Title:  "代表建议答复函",
		Number: "编号：2026-007",
		To:     "张三代表",
		Signer: []string{"县交通运输局"},
		Date:   "2026年12月2日",
		QR:     "https://example.org/ui/suggestions/sg_1",
		Footer: "清溪镇人大主席团",
		Blocks: []Block{{Fields: []Field{{Label: "建议标题", Value: "关于修复村道的建议"}, {Label: "办理结果", Value: "A类 已解决或采纳"}}}},
	}
	for range paragraphs {
		d.Blocks = append(d.Blocks, Block{Paragraphs: []string{strings.Repeat("您提出的关于修复村道的建议收悉，我局高度重视。", 8)}})
	}
	d.Blocks = append(d.Blocks, Block{Heading: "领衔建议", Grid: &Grid{Columns: []Column{{Heading: "编号", Width: 1}, {Heading: "标题", Width: 3}},
		Rows: [][]string{{"2026-001", "关于增设公交站点的建议"}}}})
	d.Created = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	return d
}

func TestDocumentReadsBackWithItsQRCode(t *testing.T) {
	var buf bytes.Buffer
	if err := letter(1).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(printouttest.Text(t, buf.Bytes())), "")
	for _, want := range []string{"代表建议答复函", "编号：2026-007", "张三代表：", "建议标题", "关于修复村道的建议", "A类已解决或采纳",
		"我局高度重视", "县交通运输局", "2026年12月2日", "2026-001", "关于增设公交站点的建议", "第1页/共1页"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the document does not read %q:\n%s", want, flat)
		}
	}
	if got := printouttest.QR(t, buf.Bytes()); got != "https://example.org/ui/suggestions/sg_1" {
		t.Errorf("the QR code reads %q", got)
	}
}

func TestLongDocumentRunsOntoNumberedPages(t *testing.T) {
	var buf bytes.Buffer
	if err := letter(30).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	text := printouttest.Text(t, buf.Bytes())
	pages := strings.Count(text, "\f")
	if pages < 2 {
		t.Fatalf("30 paragraphs on %d page(s)", pages)
	}
	flat := strings.Join(strings.Fields(text), "")
	for i := 1; i <= pages; i++ {
		if want := "第" + string(rune('0'+i)) + "页/共" + string(rune('0'+pages)) + "页"; !strings.Contains(flat, want) {
			t.Errorf("no %q", want)
		}
	}
	// The signature comes after the body, on the last page.
	last := strings.Split(text, "\f")[pages-1]
	if !strings.Contains(last, "县交通运输局") {
		t.Errorf("the last page has no signature:\n%s", last)
	}
}

// TestDocumentTextIsBlack renders the page: text after a form's shaded
// label cells must still print black, not in the cells' grey.
func TestDocumentTextIsBlack(t *testing.T) {
	d := Document{Title: "代表建议交办单", Number: "编号：2026-001",
		Blocks: []Block{{Fields: []Field{{Label: "建议标题", Value: "关于修复村道的建议"}}}},
		Signer: []string{"人大主席团人大主席团人大主席团"}, Date: "2026年12月2日"}
	var buf bytes.Buffer
	if err := d.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	const dpi = 72 // one pixel a point
	img := printouttest.Page(t, buf.Bytes(), dpi)
	// The signature stands in the right half, below the form.
	darkest := uint32(0xFFFF)
	for y := 200; y < 420; y++ {
		for x := 298; x < 532; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			darkest = min(darkest, (r+g+b)/3)
		}
	}
	if darkest > 0x6000 {
		t.Errorf("the signature is not black: its darkest pixel is %#x of 0xffff", darkest)
	}
}
