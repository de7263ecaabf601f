package printout

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"
)

// A document is an official letter or form on A4 portrait pages, as a
// township people's congress office prints them: the title centred, the
// number under it, the addressee, the body, and the signature with its
// date at the bottom right.
const (
	docW, docH    = 595.28, 841.89 // A4 portrait, in points
	docMarginX    = 62.4           // 22 mm
	docMarginTop  = 70.9           // 25 mm
	docMarginBot  = 56.7           // 20 mm
	docTitleSize  = 22.0
	docBodySize   = 12.0
	docSmallSize  = 10.5
	docLineGap    = 1.6
	docQRSize     = 96.0
	docLabelShare = 0.26 // a label/value row's label column, of the width
)

// Document is one official document.
type Document struct {
	Title string
	// Number is the line under the title: the case number, a meeting's
	// number, a year.
	Number string
	// To is the addressee, followed by a colon on the page.
	To     string
	Blocks []Block
	// Signer are the lines of the signature (an office, a unit), and Date
	// the date under them; both right-aligned at the end.
	Signer []string
	Date   string
	// QR, when set, is drawn as a QR code beside the signature, with
	// QRCaption under it.
	QR        string
	QRCaption string
	Footer    string
	Author    string
	Created   time.Time
}

// Block is one part of a document's body: an optional heading, then
// paragraphs, label/value rows and a table, each only when set.
type Block struct {
	Heading    string
	Paragraphs []string
	Fields     []Field
	Grid       *Grid
}

// Field is one row of a form: a label and its value.
type Field struct {
	Label, Value string
}

// Grid is a table in a document: its heading row repeats on every page.
type Grid struct {
	Columns []Column
	Rows    [][]string
	Empty   string
}

// docCursor is where the next line goes.
type docCursor struct {
	w *writer
	y float64
}

func docLine(size float64) float64 { return size * docLineGap }

const docUsable = docW - 2*docMarginX

func (c *docCursor) bottom() float64 { return docH - docMarginBot - docLine(docSmallSize) }

// need starts a new page unless h more points fit on this one.
func (c *docCursor) need(h float64) {
	if c.y+h > c.bottom() {
		c.w.pdf.AddPage()
		c.y = docMarginTop
	}
}

// WritePDF lays the document out on as many A4 portrait pages as it needs
// and writes the PDF to out.
func (d Document) WritePDF(out io.Writer) error {
	w, err := newWriter(*gopdf.PageSizeA4)
	if err != nil {
		return err
	}
	pdf := w.pdf
	pdf.SetInfo(gopdf.PdfInfo{Title: d.Title, Author: d.Author, Creator: "SuggestFlow", CreationDate: d.Created})
	pdf.AddPage()
	// Text takes its own colour, black: without one set, text would be
	// filled with whatever grey a form's label cells were filled with.
	pdf.SetTextColor(0, 0, 0)
	c := &docCursor{w: w, y: docMarginTop}
	if err := d.head(c); err != nil {
		return err
	}
	for i, b := range d.Blocks {
		if err := d.block(c, b); err != nil {
			return fmt.Errorf("block %d: %w", i+1, err)
		}
	}
	if err := d.signature(c); err != nil {
		return err
	}
	if err := d.footers(w); err != nil {
		return err
	}
	if _, err := pdf.WriteTo(out); err != nil {
		return fmt.Errorf("write the PDF: %w", err)
	}
	return nil
}

func (d Document) head(c *docCursor) error {
	w := c.w
	lines, err := w.wrap(d.Title, docUsable, docTitleSize)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := centredOn(w, docW, c.y, l, docTitleSize); err != nil {
			return err
		}
		c.y += docLine(docTitleSize)
	}
	if d.Number != "" {
		if err := centredOn(w, docW, c.y, d.Number, docBodySize); err != nil {
			return err
		}
		c.y += docLine(docBodySize)
	}
	// The red rule of an official document, under its head.
	w.pdf.SetStrokeColor(0xC0, 0x10, 0x10)
	w.pdf.SetLineWidth(1.2)
	w.pdf.Line(docMarginX, c.y+4, docW-docMarginX, c.y+4)
	w.pdf.SetStrokeColor(0, 0, 0)
	c.y += 16
	if d.To != "" {
		if err := d.paragraph(c, d.To+"：", false); err != nil {
			return err
		}
	}
	return nil
}

// paragraph writes wrapped text; indented paragraphs start two characters
// in, as Chinese prose does.
func (d Document) paragraph(c *docCursor, text string, indent bool) error {
	if indent {
		text = "\u3000\u3000" + text
	}
	lines, err := c.w.wrap(text, docUsable, docBodySize)
	if err != nil {
		return err
	}
	for _, l := range lines {
		c.need(docLine(docBodySize))
		if err := c.w.draw(docMarginX, c.y, l, docBodySize); err != nil {
			return err
		}
		c.y += docLine(docBodySize)
	}
	return nil
}

func (d Document) block(c *docCursor, b Block) error {
	if b.Heading != "" {
		c.y += 4
		// A heading never ends a page: it keeps the first lines of what
		// it heads (a table's heading row and first row) with it.
		keep := docLine(docBodySize) * 2
		if b.Grid != nil {
			keep = docLine(docBodySize+1) + 2*(docLine(docSmallSize)+2*cellPad)
		}
		c.need(keep)
		if err := c.w.draw(docMarginX, c.y, b.Heading, docBodySize+1); err != nil {
			return err
		}
		c.y += docLine(docBodySize + 1)
	}
	for _, p := range b.Paragraphs {
		if err := d.paragraph(c, p, true); err != nil {
			return err
		}
	}
	if len(b.Fields) > 0 {
		if err := fieldRows(c, b.Fields); err != nil {
			return err
		}
	}
	if b.Grid != nil {
		if err := grid(c, *b.Grid); err != nil {
			return err
		}
	}
	c.y += 6
	return nil
}

// fieldRows draws label/value rows as a ruled form; a row that does not
// fit goes whole to the next page.
func fieldRows(c *docCursor, fields []Field) error {
	w := c.w
	labelW := docUsable * docLabelShare
	valueW := docUsable - labelW
	w.pdf.SetLineWidth(0.6)
	w.pdf.SetStrokeColor(0x33, 0x33, 0x33)
	for _, f := range fields {
		label, err := w.wrap(f.Label, labelW-2*cellPad, docBodySize)
		if err != nil {
			return err
		}
		value, err := w.wrap(f.Value, valueW-2*cellPad, docBodySize)
		if err != nil {
			return err
		}
		h := float64(max(len(label), len(value)))*docLine(docBodySize) + 2*cellPad
		c.need(h)
		w.pdf.SetFillColor(0xF2, 0xF2, 0xF2)
		w.pdf.RectFromUpperLeftWithStyle(docMarginX, c.y, labelW, h, "FD")
		w.pdf.RectFromUpperLeftWithStyle(docMarginX+labelW, c.y, valueW, h, "D")
		for i, l := range label {
			if err := w.draw(docMarginX+cellPad, c.y+cellPad+float64(i)*docLine(docBodySize), l, docBodySize); err != nil {
				return err
			}
		}
		for i, l := range value {
			if err := w.draw(docMarginX+labelW+cellPad, c.y+cellPad+float64(i)*docLine(docBodySize), l, docBodySize); err != nil {
				return err
			}
		}
		c.y += h
	}
	return nil
}

// grid draws a table across the page's width; its heading row starts
// every page it runs onto.
func grid(c *docCursor, g Grid) error {
	w := c.w
	var total float64
	for _, col := range g.Columns {
		total += col.Width
	}
	if total <= 0 {
		return fmt.Errorf("grid without column widths")
	}
	colW := make([]float64, len(g.Columns))
	for i, col := range g.Columns {
		colW[i] = docUsable * col.Width / total
	}
	size := docSmallSize
	cells := func(texts []string) ([][]string, float64, error) {
		out := make([][]string, len(colW))
		most := 1
		for i := range colW {
			var t string
			if i < len(texts) {
				t = texts[i]
			}
			lines, err := w.wrap(t, colW[i]-2*cellPad, size)
			if err != nil {
				return nil, 0, err
			}
			out[i] = lines
			most = max(most, len(lines))
		}
		return out, float64(most)*docLine(size) + 2*cellPad, nil
	}
	headings := make([]string, len(g.Columns))
	for i, col := range g.Columns {
		headings[i] = col.Heading
	}
	head, headH, err := cells(headings)
	if err != nil {
		return err
	}
	drawCells := func(lines [][]string, h float64, fill bool) error {
		x := docMarginX
		for i, ls := range lines {
			style := "D"
			if fill {
				w.pdf.SetFillColor(0xEE, 0xEE, 0xEE)
				style = "FD"
			}
			w.pdf.RectFromUpperLeftWithStyle(x, c.y, colW[i], h, style)
			for j, l := range ls {
				if err := w.draw(x+cellPad, c.y+cellPad+float64(j)*docLine(size), l, size); err != nil {
					return err
				}
			}
			x += colW[i]
		}
		c.y += h
		return nil
	}
	w.pdf.SetLineWidth(0.6)
	w.pdf.SetStrokeColor(0x33, 0x33, 0x33)
	c.need(headH + docLine(size) + 2*cellPad)
	if err := drawCells(head, headH, true); err != nil {
		return err
	}
	if len(g.Rows) == 0 {
		h := docLine(size) + 2*cellPad
		w.pdf.RectFromUpperLeftWithStyle(docMarginX, c.y, docUsable, h, "D")
		if err := w.draw(docMarginX+cellPad, c.y+cellPad, g.Empty, size); err != nil {
			return err
		}
		c.y += h
		return nil
	}
	for _, r := range g.Rows {
		lines, h, err := cells(r)
		if err != nil {
			return err
		}
		if c.y+h > c.bottom() {
			c.need(h + headH)
			if err := drawCells(head, headH, true); err != nil {
				return err
			}
		}
		if err := drawCells(lines, h, false); err != nil {
			return err
		}
	}
	return nil
}

// signature writes the signer and the date at the bottom right, and the
// QR code, when there is one, on the left of them.
func (d Document) signature(c *docCursor) error {
	w := c.w
	lines := append(append([]string(nil), d.Signer...), d.Date)
	var widest float64
	for _, l := range lines {
		lw, err := w.textWidth(l, docBodySize)
		if err != nil {
			return err
		}
		widest = max(widest, lw)
	}
	textH := float64(len(lines)) * docLine(docBodySize)
	h := textH
	if d.QR != "" {
		h = max(h, docQRSize+docLine(docSmallSize))
	}
	c.y += docLine(docBodySize)
	c.need(h)
	top := c.y
	// The signature ends two characters from the right margin, centred on
	// its widest line, as a seal would be.
	right := docW - docMarginX - 2*docBodySize
	for i, l := range lines {
		lw, err := w.textWidth(l, docBodySize)
		if err != nil {
			return err
		}
		x := right - widest + (widest-lw)/2
		if err := w.draw(x, top+float64(i)*docLine(docBodySize), l, docBodySize); err != nil {
			return err
		}
	}
	if d.QR != "" {
		png, err := qrcode.Encode(d.QR, qrcode.Medium, 512)
		if err != nil {
			return fmt.Errorf("QR code: %w", err)
		}
		img, err := gopdf.ImageHolderByBytes(png)
		if err != nil {
			return fmt.Errorf("QR code image: %w", err)
		}
		if err := w.pdf.ImageByHolder(img, docMarginX, top, &gopdf.Rect{W: docQRSize, H: docQRSize}); err != nil {
			return fmt.Errorf("draw the QR code: %w", err)
		}
		if d.QRCaption != "" {
			if err := w.draw(docMarginX, top+docQRSize+2, d.QRCaption, docSmallSize); err != nil {
				return err
			}
		}
	}
	c.y = top + h
	return nil
}

// footers number every page, with the footer text, once all are laid out.
func (d Document) footers(w *writer) error {
	n := w.pdf.GetNumberOfPages()
	for i := 1; i <= n; i++ {
		if err := w.pdf.SetPage(i); err != nil {
			return fmt.Errorf("page %d: %w", i, err)
		}
		w.pdf.SetTextColor(0x44, 0x44, 0x44)
		foot := strings.TrimSpace(fmt.Sprintf("%s    第 %d 页 / 共 %d 页", d.Footer, i, n))
		if err := centredOn(w, docW, docH-docMarginBot, foot, docSmallSize); err != nil {
			return err
		}
		w.pdf.SetTextColor(0, 0, 0)
	}
	return nil
}

// centredOn writes s centred on a page width wide.
func centredOn(w *writer, width, y float64, s string, size float64) error {
	tw, err := w.textWidth(s, size)
	if err != nil {
		return err
	}
	return w.draw((width-tw)/2, y, s, size)
}
