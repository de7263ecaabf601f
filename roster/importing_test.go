package roster

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"suggestflow/access"
	"suggestflow/refusal"
	"suggestflow/store"
)

var admin = access.Principal{AccountID: "ac_admin", Role: access.RoleAdmin}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "roster.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// workbook makes an .xlsx of the rows; a nil row stays blank, and a cell
// that is an int is written as a number.
func workbook(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		for j, v := range row {
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadTableFormats: a workbook, and CSV in UTF-8 with and without a
// byte-order mark, GB18030 and UTF-16, all read to the same rows with the
// sheet's row numbers (blank rows skipped but counted, a caption above the
// headers skipped), cells trimmed, phone numbers with their digits.
func TestReadTableFormats(t *testing.T) {
	const csvText = "姓名,代表层级,代表小组,手机\r\n王西林 , 县级,第一组,13800000001\r\n\r\n\"韩　玉平\",乡镇,第一组,\r\n"
	utf16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte(strings.ReplaceAll(csvText, ",", "\t")))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"xlsx": workbook(t, []any{"姓名", "代表层级", "代表小组", "手机"}, []any{" 王西林", "县级", "第一组", 13800000001}, nil,
			[]any{"韩　玉平", "乡镇", "第一组"}),
		"xlsx with a caption": workbook(t, []any{"某某镇人大代表名册"}, []any{"姓名", "代表层级", "代表小组", "手机"},
			[]any{"王西林", "县级", "第一组", "13800000001"}, nil, []any{"韩　玉平", "乡镇", "第一组"}),
		"utf-8":     []byte(csvText),
		"utf-8 BOM": append([]byte{0xEF, 0xBB, 0xBF}, csvText...),
		"gb18030":   gb18030(t, csvText),
		"utf-16":    utf16,
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			tb, err := readTable(data, "姓名")
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(tb.header, "|"); got != "姓名|代表层级|代表小组|手机" {
				t.Fatalf("header %q", got)
			}
			if len(tb.rows) != 2 {
				t.Fatalf("rows %v", tb.rows)
			}
			first, second := tb.rows[0], tb.rows[1]
			if strings.Join(first.cells, "|") != "王西林|县级|第一组|13800000001" {
				t.Errorf("first row %q", first.cells)
			}
			if second.cell(0) != "韩　玉平" || second.cell(3) != "" || second.cell(9) != "" {
				t.Errorf("second row %q", second.cells)
			}
			offset := tb.headerRow - 1
			if first.n != 2+offset || second.n != 4+offset {
				t.Errorf("row numbers %d, %d (header row %d)", first.n, second.n, tb.headerRow)
			}
		})
	}
}

// TestReadTableRefusesWhatIsNoSpreadsheet: judged by content, whatever the
// file is called.
func TestReadTableRefusesWhatIsNoSpreadsheet(t *testing.T) {
	var zipped bytes.Buffer
	zipped.WriteString("PK\x03\x04 not really a workbook")
	for name, c := range map[string]struct {
		data []byte
		code string
	}{
		"png":   {[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), refusal.ImportNotSpreadsheet},
		"pdf":   {[]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x01"), refusal.ImportNotSpreadsheet},
		"html":  {[]byte("<!DOCTYPE html><html><body>x</body></html>"), refusal.ImportNotSpreadsheet},
		"zip":   {zipped.Bytes(), refusal.ImportNotSpreadsheet},
		"xls":   {[]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), refusal.ImportOldExcel},
		"empty": {[]byte(" \r\n"), refusal.ImportEmpty},
		// Text, but with binary bytes further in than the sniffing looks.
		"binary tail": {append([]byte(strings.Repeat("姓名,代表层级\n", 60)), 0x00, 0x01, 0x02), refusal.ImportNotSpreadsheet},
	} {
		_, err := readTable(c.data, "姓名")
		rf, ok := refusal.As(err)
		if !ok || rf.Code != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
}

func deputies(t testing.TB, st *store.Store) map[string]string {
	t.Helper()
	all, err := st.AllDeputies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range all {
		out[d.Name+"/"+d.Group] = d.Level + " " + d.Phone + " " + d.Email
	}
	return out
}

// TestImportDeputiesPlans: new deputies are created, the same file again
// changes nothing, a changed phone updates the deputy with that name and
// group, a deputy found by phone gets the new name; a bad row refuses the
// whole file with its row and column, and writes nothing.
func TestImportDeputiesPlans(t *testing.T) {
	st := openStore(t)
	im := NewImporter(st, nil)
	ctx := context.Background()
	file := "姓名,代表层级,代表小组,手机,邮箱\n王西林,县级,第一组,13800000001,\n韩玉平,乡镇,第一组,,han@example.org\n李红,县（区）级,第二组,13800000003,\n"

	dry, err := im.Import(ctx, admin, KindDeputies, []byte(file), true)
	if err != nil || dry.Created != 3 || len(dry.Errors) != 0 || dry.Plan[0].ID != "" {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	if n := len(deputies(t, st)); n != 0 {
		t.Fatalf("the dry run wrote %d deputies", n)
	}
	res, err := im.Import(ctx, admin, KindDeputies, []byte(file), false)
	if err != nil || res.Created != 3 || res.Rows != 3 || res.Plan[0].ID == "" {
		t.Fatalf("import: %+v %v", res, err)
	}
	if got := deputies(t, st)["李红/第二组"]; got != "county 13800000003 " {
		t.Errorf("李红 = %q", got)
	}
	again, err := im.Import(ctx, admin, KindDeputies, []byte(file), false)
	if err != nil || again.Created != 0 || again.Updated != 0 || again.Unchanged != 3 {
		t.Fatalf("again: %+v %v", again, err)
	}

	// Columns in another order, one missing (邮箱: kept as it is).
	changed := "手机,姓名,代表小组,代表层级\n13800000009,王西林,第一组,县级\n13800000003,李虹,第二组,县级\n,韩玉平,第一组,乡镇\n"
	res, err = im.Import(ctx, admin, KindDeputies, []byte(changed), false)
	if err != nil || res.Updated != 2 || res.Unchanged != 1 || res.Created != 0 {
		t.Fatalf("changes: %+v %v", res, err)
	}
	if p := res.Plan[0]; p.Action != ActionUpdate || strings.Join(p.Changes, ",") != "手机" {
		t.Errorf("row 2 plan %+v", p)
	}
	got := deputies(t, st)
	if got["王西林/第一组"] != "county 13800000009 " || got["李虹/第二组"] != "county 13800000003 " || got["韩玉平/第一组"] != "township  han@example.org" {
		t.Errorf("after the changes: %v", got)
	}

	bad := "姓名,代表层级,代表小组,手机,邮箱\n新代表甲,乡镇,第三组,,\n,乡镇,第三组,,\n新代表乙,市级,第三组,1.38E+10,not-mail\n新代表甲,乡镇,第三组,,\n韩玉平,乡镇,第一组,13800000009,\n"
	res, err = im.Import(ctx, admin, KindDeputies, []byte(bad), false)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range res.Errors {
		lines = append(lines, fmt.Sprintf("%d %s %s", e.Row, e.Column, e.Code))
	}
	want := []string{"3 姓名 required", "4 代表层级 import_level", "4 手机 import_phone_scientific", "4 邮箱 email",
		"5 姓名 import_duplicate_row", "6 手机 import_matches_two"}
	if strings.Join(lines, "; ") != strings.Join(want, "; ") {
		t.Errorf("errors:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if res.Errors[0].Message == "" || res.Plan[0].ID != "" {
		t.Errorf("errors without a message, or an id of a record not written: %+v", res)
	}
	if n := len(deputies(t, st)); n != 3 {
		t.Errorf("a file with errors wrote: %d deputies", n)
	}

	// Headers missing or repeated are errors of row 1.
	res, err = im.Import(ctx, admin, KindDeputies, []byte("姓名,手机,手机\n王西林,1,2\n"), true)
	if err != nil || len(res.Errors) != 2 || res.Errors[0].Row != 1 || res.Errors[0].Code != refusal.ImportHeaderRepeated ||
		res.Errors[1].Column != "代表层级" || res.Errors[1].Code != refusal.ImportHeaderMissing {
		t.Errorf("headers: %+v %v", res.Errors, err)
	}
	// An unknown column is left out and said so.
	res, err = im.Import(ctx, admin, KindDeputies, []byte("序号,姓名,代表层级,代表小组\n1,王西林,县级,第一组\n"), true)
	if err != nil || len(res.IgnoredColumns) != 1 || res.IgnoredColumns[0] != "序号" || res.Unchanged != 1 {
		t.Errorf("ignored column: %+v %v", res, err)
	}
}

// TestImportUnitsPlans: units are matched by name.
func TestImportUnitsPlans(t *testing.T) {
	st := openStore(t)
	im := NewImporter(st, nil)
	ctx := context.Background()
	file := workbook(t, []any{"单位名称", "负责人", "电话", "邮箱", "分管领导", "专办人员"},
		[]any{"镇供电所", "李所长", "0717-1234567", "", "张副镇长", "王干事"}, []any{"镇水利站", "周站长"})
	res, err := im.Import(ctx, admin, KindUnits, file, false)
	if err != nil || res.Created != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	res, err = im.Import(ctx, admin, KindUnits, file, false)
	if err != nil || res.Created != 0 || res.Unchanged != 2 {
		t.Fatalf("again: %+v %v", res, err)
	}
	res, err = im.Import(ctx, admin, KindUnits, []byte("单位名称,负责人,专办人员\n镇水利站,周站长,刘干事\n镇水利站,周站长,\n交管站,,\n"), false)
	if err != nil || len(res.Errors) != 2 || res.Errors[0].Row != 3 || res.Errors[1].Column != "负责人" {
		t.Fatalf("bad units: %+v %v", res.Errors, err)
	}
	res, err = im.Import(ctx, admin, KindUnits, []byte("单位名称,负责人,专办人员\n镇水利站,周站长,刘干事\n"), false)
	if err != nil || res.Updated != 1 || strings.Join(res.Plan[0].Changes, ",") != "专办人员" {
		t.Fatalf("update: %+v %v", res, err)
	}
	units, err := st.AllUnits(ctx)
	if err != nil || len(units) != 2 {
		t.Fatalf("units %v %v", units, err)
	}
	for _, u := range units {
		if u.Name == "镇供电所" && (u.Leader != "张副镇长" || u.Phone != "0717-1234567") {
			t.Errorf("供电所 = %+v", u)
		}
		if u.Name == "镇水利站" && u.Handler != "刘干事" {
			t.Errorf("水利站 = %+v", u)
		}
	}
}

// TestTemplatesReadBack: each template has the kind's headers and an
// example row that imports without an error of its own cells.
func TestTemplatesReadBack(t *testing.T) {
	for _, kind := range Kinds {
		raw, err := Template(kind)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := readTable(raw, columnsOf[kind][0].header)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(tb.header, ",") != strings.Join(Headers(kind), ",") || len(tb.rows) != 1 || tb.rows[0].n != 2 {
			t.Errorf("%s template: %v %v", kind, tb.header, tb.rows)
		}
	}
	st := openStore(t)
	im := NewImporter(st, nil)
	for _, kind := range []string{KindDeputies, KindUnits} {
		raw, err := Template(kind)
		if err != nil {
			t.Fatal(err)
		}
		res, err := im.Import(context.Background(), admin, kind, raw, true)
		if err != nil || len(res.Errors) != 0 || res.Created != 1 {
			t.Errorf("%s template's example: %+v %v", kind, res, err)
		}
	}
	if _, err := Template("meetings"); err == nil {
		t.Errorf("a template of no kind")
	}
}

// TestTooManyRows: a file over the limit is refused as such, before any
// row is planned.
func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("姓名,代表层级,代表小组,手机\n")
	most := MaxRows[KindDeputies]
	for i := 0; i < most+1; i++ {
		fmt.Fprintf(&b, "代表%d,乡镇,第%d组,139%08d\n", i, i%6+1, i)
	}
	_, err := NewImporter(openStore(t), nil).Import(context.Background(), admin, KindDeputies, []byte(b.String()), true)
	rf, ok := refusal.As(err)
	if !ok || rf.Code != refusal.ImportTooManyRows || rf.Kind.Status() != 413 || rf.Params["rows"] != fmt.Sprint(most+1) {
		t.Fatalf("%d rows: %v", most+1, err)
	}
}

// BenchmarkImport50000Deputies measures the largest roster file: read,
// planned and written, then the same file again (all unchanged).
func BenchmarkImport50000Deputies(b *testing.B) {
	var file strings.Builder
	file.WriteString("姓名,代表层级,代表小组,手机,邮箱\n")
	for i := 0; i < MaxRows[KindDeputies]; i++ {
		fmt.Fprintf(&file, "代表%05d,乡镇,第%d代表小组,139%08d,d%d@example.org\n", i, i%6+1, i, i)
	}
	data := []byte(file.String())
	for b.Loop() {
		im := NewImporter(openStore(b), nil)
		for _, want := range []int{MaxRows[KindDeputies], 0} {
			res, err := im.Import(context.Background(), admin, KindDeputies, data, false)
			if err != nil || res.Created != want || len(res.Errors) != 0 {
				b.Fatalf("import: created %d, errors %v, %v", res.Created, res.Errors, err)
			}
		}
	}
}

// TestReadTablePicksTheSheetWithTheHeaders: a workbook whose first sheet
// holds notes is read from the sheet that has the kind's headers.
func TestReadTablePicksTheSheetWithTheHeaders(t *testing.T) {
	f := excelize.NewFile()
	for _, c := range []struct{ cell, v string }{{"A1", "填表说明"}, {"A2", "每位代表一行"}} {
		if err := f.SetCellStr("Sheet1", c.cell, c.v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("名册"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ cell, v string }{{"A1", "姓名"}, {"B1", "代表层级"}, {"A2", "王西林"}, {"B2", "乡镇"}} {
		if err := f.SetCellStr("名册", c.cell, c.v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tb, err := readTable(buf.Bytes(), "姓名")
	if err != nil || len(tb.rows) != 1 || tb.rows[0].cell(0) != "王西林" {
		t.Fatalf("%+v %v", tb, err)
	}
}
