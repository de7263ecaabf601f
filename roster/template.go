package roster

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Template is the workbook an office fills in for a kind of import: the
// Chinese headers in bold, one example row, and columns wide enough to
// read. The columns are text, so that Excel keeps a phone number's digits.
func Template(kind string) ([]byte, error) {
	if err := KnownKind(kind); err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	if err := f.SetSheetName(sheet, templateSheet[kind]); err != nil {
		return nil, fmt.Errorf("template sheet: %w", err)
	}
	name := templateSheet[kind]
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E8EEF7"}}})
	if err != nil {
		return nil, fmt.Errorf("template style: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, fmt.Errorf("template style: %w", err)
	}
	for i, c := range columnsOf[kind] {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return nil, fmt.Errorf("template column: %w", err)
		}
		steps := []error{
			f.SetCellStr(name, col+"1", c.header),
			f.SetCellStr(name, col+"2", c.example),
			f.SetColWidth(name, col, col, c.width),
			// "@" (text) for the whole column: what is typed stays as typed.
			f.SetColStyle(name, col, text),
			f.SetCellStyle(name, col+"1", col+"1", bold),
		}
		for _, err := range steps {
			if err != nil {
				return nil, fmt.Errorf("template column %s: %w", c.header, err)
			}
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("template panes: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write the template: %w", err)
	}
	return buf.Bytes(), nil
}

// templateSheet is each template's sheet name, which Excel shows on its tab.
var templateSheet = map[string]string{KindDeputies: "代表名册", KindUnits: "承办单位", KindSuggestions: "代表建议"}

// TemplateFile is the name a template downloads as.
func TemplateFile(kind string) string { return templateSheet[kind] + "导入模板.xlsx" }
