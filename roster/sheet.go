package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"suggestflow/refusal"
)

// The spreadsheets an import reads: an .xlsx workbook (its first sheet),
// or a CSV file as Excel in Chinese saves it (GB18030/GBK), as other tools
// save it (UTF-8, with or without a byte-order mark), or as Excel's
// "Unicode text" (UTF-16 with tabs). What a file is is judged by its
// bytes, never by its name: people rename files.

// table is a sheet as read: its header row and the rows under it, each
// with its number as the spreadsheet shows it (the first row is 1).
type table struct {
	headerRow int
	header    []string
	rows      []tableRow
}

type tableRow struct {
	n     int
	cells []string
}

// cell is the row's cell in column i (-1: the file has no such column),
// trimmed.
func (r tableRow) cell(i int) string {
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

// xlsxUnzipLimit bounds what a workbook may unpack to: a small zip that
// unpacks to gigabytes must not take the server's memory.
const xlsxUnzipLimit = 256 << 20

var (
	zipMagic  = []byte("PK\x03\x04")
	ole2Magic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM   = []byte{0xEF, 0xBB, 0xBF}
	utf16LE   = []byte{0xFF, 0xFE}
	utf16BE   = []byte{0xFE, 0xFF}
)

// readTable reads a workbook or a CSV file into rows of trimmed cells,
// blank rows left out. keyHeader is the column every file of the kind has:
// a title row or two above the headers (a sheet's caption, as offices
// like to put) are skipped when a later row among the first few has it.
func readTable(data []byte, keyHeader string) (*table, error) {
	var grid [][]string
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, refusal.New(refusal.Invalid, refusal.ImportEmpty)
	case bytes.HasPrefix(data, zipMagic):
		g, err := readXLSX(data, keyHeader)
		if err != nil {
			return nil, err
		}
		grid = g
	case bytes.HasPrefix(data, ole2Magic):
		// The Excel 97-2003 format (.xls) is a different, binary format.
		return nil, refusal.New(refusal.UnsupportedType, refusal.ImportOldExcel)
	default:
		text, err := decodeText(data)
		if err != nil {
			return nil, err
		}
		g, err := readCSV(text)
		if err != nil {
			return nil, err
		}
		grid = g
	}
	return tableOf(grid, keyHeader)
}

// readXLSX reads the workbook's first sheet that has the kind's key
// header near its top (a workbook may keep notes or last year's list on
// another sheet), else its first sheet.
func readXLSX(data []byte, keyHeader string) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit})
	if err != nil {
		// A zip that is no workbook: a .docx, an archive, a broken file.
		return nil, refusal.New(refusal.UnsupportedType, refusal.ImportNotSpreadsheet, "type", "zip").WithCause(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, refusal.New(refusal.Invalid, refusal.ImportEmpty)
	}
	var first [][]string
	for i, name := range sheets {
		// The raw values: a phone number typed as a number must not come
		// back as 1.38E+10 because of its cell's format.
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, refusal.New(refusal.UnsupportedType, refusal.ImportNotSpreadsheet, "type", "xlsx").WithCause(err)
		}
		if i == 0 {
			first = rows
		}
		if hasHeader(rows, keyHeader) {
			return rows, nil
		}
	}
	return first, nil
}

// hasHeader says whether one of the first non-blank rows has the header.
func hasHeader(grid [][]string, header string) bool {
	looked := 0
	for _, row := range grid {
		if blank(row) {
			continue
		}
		for _, c := range row {
			if trimCell(c) == header {
				return true
			}
		}
		if looked++; looked == headerSearch {
			return false
		}
	}
	return false
}

// decodeText turns a text file's bytes into a string: UTF-8 when they are
// valid UTF-8 (a byte-order mark dropped), UTF-16 after its byte-order
// mark, else GB18030, which GBK and GB2312 are subsets of. What is not
// text at all (an image, a PDF, a program) is refused as such.
func decodeText(data []byte) (string, error) {
	if kind := http.DetectContentType(data); !strings.HasPrefix(kind, "text/plain") {
		return "", refusal.New(refusal.UnsupportedType, refusal.ImportNotSpreadsheet, "type", strings.Split(kind, ";")[0])
	}
	var text string
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		text = string(data[len(utf8BOM):])
	case bytes.HasPrefix(data, utf16LE), bytes.HasPrefix(data, utf16BE):
		b, err := xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", refusal.New(refusal.UnsupportedType, refusal.ImportNotSpreadsheet, "type", "text").WithCause(err)
		}
		text = string(b)
	case utf8.Valid(data):
		text = string(data)
	default:
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", refusal.New(refusal.UnsupportedType, refusal.ImportNotSpreadsheet, "type", "text").WithCause(err)
		}
		text = string(b)
	}
	// Control characters other than tabs and line ends, or bytes that
	// decode to nothing, say the file is no text after all.
	for _, r := range text {
		if r == utf8.RuneError || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') {
			return "", refusal.New(refusal.UnsupportedType, refusal.ImportNotSpreadsheet, "type", "binary")
		}
	}
	return text, nil
}

// readCSV reads comma-separated text, or tab-separated when the first line
// has tabs and no commas (Excel's "Unicode text"). Blank lines are kept as
// empty rows so that every row has the number a spreadsheet shows.
func readCSV(text string) ([][]string, error) {
	first, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	if strings.Contains(first, "\t") && !strings.Contains(first, ",") {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var grid [][]string
	// encoding/csv skips blank lines; they are counted from where each
	// record ends so that row numbers stay those of the sheet.
	grid = appendBlank(grid, text, 0)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, refusal.New(refusal.UnsupportedType, refusal.ImportNotSpreadsheet, "type", "text").WithCause(fmt.Errorf("read CSV: %w", err))
		}
		grid = append(grid, rec)
		grid = appendBlank(grid, text, int(r.InputOffset()))
	}
	return grid, nil
}

// appendBlank adds an empty row for each blank line at text[from:].
func appendBlank(grid [][]string, text string, from int) [][]string {
	rest := text[from:]
	for {
		switch {
		case strings.HasPrefix(rest, "\r\n"):
			rest = rest[2:]
		case strings.HasPrefix(rest, "\n"):
			rest = rest[1:]
		default:
			return grid
		}
		grid = append(grid, nil)
	}
}

// headerSearch is how many rows from the top may hold the headers.
const headerSearch = 5

// tableOf finds the header row and keeps the rows below it that have
// anything in them, each cell trimmed.
func tableOf(grid [][]string, keyHeader string) (*table, error) {
	for i := range grid {
		for j := range grid[i] {
			grid[i][j] = trimCell(grid[i][j])
		}
	}
	head, looked := -1, 0
	for i, row := range grid {
		if blank(row) {
			continue
		}
		if head < 0 {
			head = i
		}
		if slices.Contains(row, keyHeader) {
			head = i
			break
		}
		if looked++; looked == headerSearch {
			break
		}
	}
	if head < 0 {
		return nil, refusal.New(refusal.Invalid, refusal.ImportEmpty)
	}
	t := &table{headerRow: head + 1, header: grid[head]}
	for i := head + 1; i < len(grid); i++ {
		if !blank(grid[i]) {
			t.rows = append(t.rows, tableRow{n: i + 1, cells: grid[i]})
		}
	}
	return t, nil
}

// trimCell drops the spaces around a value, full-width ones and stray
// byte-order marks included.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' })
}

func blank(row []string) bool {
	for _, c := range row {
		if c != "" {
			return false
		}
	}
	return true
}

// scientific is a number as Excel shows a long one in a narrow or
// "General" cell: a phone number saved to CSV that way has lost digits.
var scientific = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)

// phoneCell reads a phone number; one that Excel wrote in scientific
// notation is refused, since its digits are gone.
func phoneCell(v string) (string, string) {
	if scientific.MatchString(v) {
		return "", refusal.ImportPhoneScientific
	}
	// A number cell of a workbook may come back as "13800000001.0".
	if f, err := strconv.ParseFloat(v, 64); err == nil && strings.HasSuffix(v, ".0") && f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10), ""
	}
	return v, ""
}
