// Package printout renders documents meant for paper — the public board
// first — as PDF files that print the same on any machine: the fonts travel
// inside the file, so a township office without Chinese fonts, or a print
// shop, sees what the presidium saw.
package printout

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

//go:embed fonts/DroidSansFallback.ttf
var cjkFontData []byte

const (
	cjkFont   = "cjk"
	latinFont = "latin"

	pageW, pageH = 841.89, 595.28 // A4 landscape, in points
	margin       = 42.5           // 15 mm
	cellPad      = 4.0
	lineGap      = 1.35 // line height as a multiple of the font size
	titleSize    = 20.0
	subSize      = 10.5
	bodySize     = 10.5
	footSize     = 9.0
	noteSize     = 8.5
)

// Column is one column of a table: its heading and its share of the width.
type Column struct {
	Heading string
	Width   float64
}

// Table is a titled table on A4 landscape pages: the heading row repeats on
// every page and each page carries the footer and its number.
type Table struct {
	Title    string
	Subtitle string
	Footer   string
	Columns  []Column
	Rows     [][]string
	// Notes are optional secondary lines of the rows (by index), drawn
	// smaller and grey across the row's width below its cells.
	Notes   []string
	Empty   string // shown in place of rows when there are none
	Author  string
	Created time.Time
}

// glyphs tells which of the two fonts draws a rune: the Chinese font has no
// Latin letters, and the Latin font no Chinese.
type glyphs struct {
	cjk, latin *sfnt.Font
}

var loadGlyphs = sync.OnceValues(func() (glyphs, error) {
	cjk, err := sfnt.Parse(cjkFontData)
	if err != nil {
		return glyphs{}, fmt.Errorf("parse the Chinese font: %w", err)
	}
	latin, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return glyphs{}, fmt.Errorf("parse the Latin font: %w", err)
	}
	return glyphs{cjk: cjk, latin: latin}, nil
})

func (g glyphs) fontFor(r rune) string {
	var b sfnt.Buffer
	has := func(f *sfnt.Font) bool { i, err := f.GlyphIndex(&b, r); return err == nil && i != 0 }
	if r >= 0x2E80 && has(g.cjk) {
		return cjkFont
	}
	if has(g.latin) {
		return latinFont
	}
	if has(g.cjk) {
		return cjkFont
	}
	return ""
}

// writer draws text in runs of one font each and measures it the same way.
type writer struct {
	pdf    *gopdf.GoPdf
	glyphs glyphs
	widths map[string]map[rune]float64 // at size 1
	owner  map[rune]string             // fontFor, looked up once per rune
}

// fontOf is the font that has r, "" for neither.
func (w *writer) fontOf(r rune) string {
	f, ok := w.owner[r]
	if !ok {
		f = w.glyphs.fontFor(r)
		w.owner[r] = f
	}
	return f
}

func newWriter(size gopdf.Rect) (*writer, error) {
	g, err := loadGlyphs()
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitPT})
	if err := pdf.AddTTFFontData(cjkFont, cjkFontData); err != nil {
		return nil, fmt.Errorf("load the Chinese font: %w", err)
	}
	if err := pdf.AddTTFFontData(latinFont, goregular.TTF); err != nil {
		return nil, fmt.Errorf("load the Latin font: %w", err)
	}
	return &writer{pdf: pdf, glyphs: g, widths: map[string]map[rune]float64{cjkFont: {}, latinFont: {}}, owner: map[rune]string{}}, nil
}

func (w *writer) font(r rune) string {
	f := w.fontOf(r)
	if f == "" {
		return latinFont
	}
	return f
}

func (w *writer) runeWidth(r rune, size float64) (float64, error) {
	f := w.font(r)
	if wd, ok := w.widths[f][r]; ok {
		return wd * size, nil
	}
	if err := w.pdf.SetFont(f, "", 100); err != nil {
		return 0, err
	}
	wd, err := w.pdf.MeasureTextWidth(string(w.printable(r)))
	if err != nil {
		return 0, fmt.Errorf("measure %q: %w", r, err)
	}
	w.widths[f][r] = wd / 100
	return wd / 100 * size, nil
}

// printable replaces a rune neither font can draw, so one odd character in
// a title cannot stop the whole board from printing.
func (w *writer) printable(r rune) rune {
	if w.fontOf(r) == "" {
		return '?'
	}
	return r
}

func (w *writer) textWidth(s string, size float64) (float64, error) {
	var total float64
	for _, r := range s {
		wd, err := w.runeWidth(r, size)
		if err != nil {
			return 0, err
		}
		total += wd
	}
	return total, nil
}

// draw writes s with its top-left corner at x, y.
func (w *writer) draw(x, y float64, s string, size float64) error {
	runes := []rune(s)
	for start := 0; start < len(runes); {
		f := w.font(runes[start])
		end := start + 1
		for end < len(runes) && w.font(runes[end]) == f {
			end++
		}
		run := make([]rune, 0, end-start)
		for _, r := range runes[start:end] {
			run = append(run, w.printable(r))
		}
		if err := w.pdf.SetFont(f, "", size); err != nil {
			return err
		}
		w.pdf.SetXY(x, y)
		if err := w.pdf.Cell(nil, string(run)); err != nil {
			return fmt.Errorf("draw text: %w", err)
		}
		wd, err := w.textWidth(string(runes[start:end]), size)
		if err != nil {
			return err
		}
		x += wd
		start = end
	}
	return nil
}

const noLineStart = "，。、；：？！）】》」』”’,.;:?!)"

// wrap breaks s into lines no wider than width: Chinese may break between
// any two characters, Latin words at a space where one is near.
func (w *writer) wrap(s string, width, size float64) ([]string, error) {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		var lineW float64
		lastSpace := -1
		for _, r := range para {
			rw, err := w.runeWidth(r, size)
			if err != nil {
				return nil, err
			}
			if lineW+rw > width && len(line) > 0 {
				if unicode.IsSpace(r) {
					lines = append(lines, string(line))
					line, lineW, lastSpace = nil, 0, -1
					continue
				}
				closer := strings.ContainsRune(noLineStart, r)
				inWord := r < 0x2E80 || closer && line[len(line)-1] < 0x2E80
				if inWord && lastSpace > 0 {
					lines = append(lines, strings.TrimRightFunc(string(line[:lastSpace]), unicode.IsSpace))
					line = append([]rune(nil), line[lastSpace+1:]...)
				} else if closer && len(line) > 1 {
					// Chinese typesetting never starts a line with closing
					// punctuation: the character before it goes down too.
					lines = append(lines, string(line[:len(line)-1]))
					line = line[len(line)-1:]
				} else {
					lines = append(lines, string(line))
					line = nil
				}
				lineW, lastSpace = 0, -1
				for _, q := range line {
					qw, _ := w.runeWidth(q, size)
					lineW += qw
				}
			}
			if unicode.IsSpace(r) {
				lastSpace = len(line)
			}
			line = append(line, r)
			lineW += rw
		}
		lines = append(lines, string(line))
	}
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return lines, nil
}

// WritePDF lays the table out on as many pages as it needs and writes the
// PDF to out.
func (t Table) WritePDF(out io.Writer) error {
	w, err := newWriter(*gopdf.PageSizeA4Landscape)
	if err != nil {
		return err
	}
	pdf := w.pdf
	pdf.SetInfo(gopdf.PdfInfo{Title: t.Title, Author: t.Author, Creator: "SuggestFlow", CreationDate: t.Created})
	l, err := t.layout(w)
	if err != nil {
		return err
	}
	for i, rows := range l.pages {
		if err := t.drawPage(w, l, i, rows); err != nil {
			return fmt.Errorf("page %d: %w", i+1, err)
		}
	}
	if _, err := pdf.WriteTo(out); err != nil {
		return fmt.Errorf("write the PDF: %w", err)
	}
	return nil
}

type cellLines [][]string // one slice of lines per column

type layout struct {
	colW    []float64
	header  cellLines
	headerH float64
	rows    []cellLines
	rowH    []float64 // the cells' height and the note's
	notes   [][]string
	noteH   []float64
	pages   [][]int // row indexes on each page
}

func lineHeight(size float64) float64 { return size * lineGap }

func (t Table) layout(w *writer) (layout, error) {
	var l layout
	usable := pageW - 2*margin
	var total float64
	for _, c := range t.Columns {
		total += c.Width
	}
	if total <= 0 {
		return l, fmt.Errorf("table without column widths")
	}
	for _, c := range t.Columns {
		l.colW = append(l.colW, usable*c.Width/total)
	}
	cells := func(texts []string) (cellLines, float64, error) {
		out := make(cellLines, len(t.Columns))
		most := 1
		for i := range t.Columns {
			var text string
			if i < len(texts) {
				text = texts[i]
			}
			lines, err := w.wrap(text, l.colW[i]-2*cellPad, bodySize)
			if err != nil {
				return nil, 0, err
			}
			out[i] = lines
			most = max(most, len(lines))
		}
		return out, float64(most)*lineHeight(bodySize) + 2*cellPad, nil
	}
	headings := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		headings[i] = c.Heading
	}
	var err error
	if l.header, l.headerH, err = cells(headings); err != nil {
		return l, err
	}
	rows := t.Rows
	if len(rows) == 0 {
		rows = [][]string{{t.Empty}}
	}
	top := t.firstTop()
	bottom := pageH - margin - lineHeight(footSize) - cellPad
	y := top + l.headerH
	var page []int
	for i, r := range rows {
		c, h, err := cells(r)
		if err != nil {
			return l, err
		}
		var note []string
		var noteH float64
		if i < len(t.Notes) && t.Notes[i] != "" && len(t.Rows) > 0 {
			if note, err = w.wrap(t.Notes[i], usable-2*cellPad, noteSize); err != nil {
				return l, err
			}
			noteH = float64(len(note))*lineHeight(noteSize) + 2*cellPad
		}
		h += noteH
		l.rows = append(l.rows, c)
		l.rowH = append(l.rowH, h)
		l.notes = append(l.notes, note)
		l.noteH = append(l.noteH, noteH)
		if y+h > bottom && len(page) > 0 {
			l.pages = append(l.pages, page)
			page, y = nil, margin+l.headerH
		}
		page = append(page, i)
		y += h
	}
	l.pages = append(l.pages, page)
	return l, nil
}

// firstTop is where the table starts on the first page, below the title.
func (t Table) firstTop() float64 {
	y := margin + lineHeight(titleSize)
	if t.Subtitle != "" {
		y += lineHeight(subSize)
	}
	return y + cellPad*2
}

func (t Table) drawPage(w *writer, l layout, n int, rows []int) error {
	pdf := w.pdf
	pdf.AddPage()
	y := margin
	if n == 0 {
		if err := centred(w, y, t.Title, titleSize); err != nil {
			return err
		}
		y += lineHeight(titleSize)
		if t.Subtitle != "" {
			pdf.SetTextColor(0x44, 0x44, 0x44)
			if err := centred(w, y, t.Subtitle, subSize); err != nil {
				return err
			}
			pdf.SetTextColor(0, 0, 0)
		}
		y = t.firstTop()
	}
	pdf.SetLineWidth(0.6)
	pdf.SetStrokeColor(0x33, 0x33, 0x33)
	pdf.SetFillColor(0xEE, 0xEE, 0xEE)
	pdf.RectFromUpperLeftWithStyle(margin, y, pageW-2*margin, l.headerH, "F")
	if err := drawRow(w, l, y, l.header, l.headerH, true); err != nil {
		return err
	}
	y += l.headerH
	for _, i := range rows {
		cells := l.rows[i]
		if len(t.Rows) == 0 {
			// The "nothing this period" line spans the whole table.
			if err := w.draw(margin+cellPad, y+cellPad, t.Empty, bodySize); err != nil {
				return err
			}
			pdf.RectFromUpperLeftWithStyle(margin, y, pageW-2*margin, l.rowH[i], "D")
			y += l.rowH[i]
			continue
		}
		cellsH := l.rowH[i] - l.noteH[i]
		if err := drawRow(w, l, y, cells, cellsH, false); err != nil {
			return err
		}
		if len(l.notes[i]) > 0 {
			pdf.SetTextColor(0x55, 0x55, 0x55)
			for j, line := range l.notes[i] {
				if err := w.draw(margin+cellPad, y+cellsH+cellPad+float64(j)*lineHeight(noteSize), line, noteSize); err != nil {
					return err
				}
			}
			pdf.SetTextColor(0, 0, 0)
			pdf.RectFromUpperLeftWithStyle(margin, y+cellsH, pageW-2*margin, l.noteH[i], "D")
		}
		y += l.rowH[i]
	}
	pdf.SetTextColor(0x44, 0x44, 0x44)
	foot := fmt.Sprintf("%s    第 %d 页 / 共 %d 页", t.Footer, n+1, len(l.pages))
	if err := w.draw(margin, pageH-margin-lineHeight(footSize), strings.TrimSpace(foot), footSize); err != nil {
		return err
	}
	pdf.SetTextColor(0, 0, 0)
	return nil
}

func drawRow(w *writer, l layout, y float64, cells cellLines, h float64, heading bool) error {
	x := margin
	for i, lines := range cells {
		for j, line := range lines {
			lx := x + cellPad
			if heading {
				lw, err := w.textWidth(line, bodySize)
				if err != nil {
					return err
				}
				lx = x + (l.colW[i]-lw)/2
			}
			if err := w.draw(lx, y+cellPad+float64(j)*lineHeight(bodySize), line, bodySize); err != nil {
				return err
			}
		}
		w.pdf.RectFromUpperLeftWithStyle(x, y, l.colW[i], h, "D")
		x += l.colW[i]
	}
	return nil
}

func centred(w *writer, y float64, s string, size float64) error {
	tw, err := w.textWidth(s, size)
	if err != nil {
		return err
	}
	return w.draw((pageW-tw)/2, y, s, size)
}
