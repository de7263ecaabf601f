package app

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"suggestflow/roster"
	"suggestflow/store"
)

// upload posts a file to an import, as multipart field "file".
func (c *apiClient) upload(kind, name string, data []byte, dryRun bool) response {
	c.t.Helper()
	body, contentType := multipartForm(c.t, nil, name, data)
	path := "/api/v1/imports/" + kind
	if dryRun {
		path += "?dry_run=true"
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// imported posts a file that must answer with the status, and returns the
// answer.
func (c *apiClient) imported(status int, kind, name string, data []byte, dryRun bool) map[string]any {
	c.t.Helper()
	r := c.upload(kind, name, data, dryRun)
	if r.status != status {
		c.t.Fatalf("import %s %s: %d, want %d: %.2000s", kind, name, r.status, status, r.body)
	}
	return r.json(c.t)
}

func counts(res map[string]any) string {
	return fmt.Sprintf("rows %v created %v updated %v unchanged %v errors %d", res["rows"], res["created"], res["updated"], res["unchanged"],
		len(res["errors"].([]any)))
}

// sheetOf writes rows as an .xlsx workbook (a nil row is left blank).
func sheetOf(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func csvOf(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteString("\r\n")
	}
	return b.String()
}

// township is the roster of the "done when": 131 deputies in 6
// groups (a sixth of them county deputies) and 40 units.
func township() (deputies, units [][]string) {
	deputies = [][]string{{"姓名", "代表层级", "代表小组", "手机", "邮箱"}}
	for i := 0; i < 131; i++ {
		level := "乡镇"
		if i%6 == 0 {
			level = "县（区）级"
		}
		deputies = append(deputies, []string{fmt.Sprintf("代表%03d", i+1), level, fmt.Sprintf("第%d代表小组", i%6+1),
			fmt.Sprintf("1380000%04d", i+1), ""})
	}
	units = [][]string{{"单位名称", "负责人", "电话", "邮箱", "分管领导", "专办人员"}}
	for i := 0; i < 40; i++ {
		units = append(units, []string{fmt.Sprintf("承办单位%02d", i+1), fmt.Sprintf("负责人%02d", i+1), fmt.Sprintf("0717-12%05d", i),
			"", fmt.Sprintf("分管领导%02d", i+1), fmt.Sprintf("专办员%02d", i+1)})
	}
	return deputies, units
}

func total(t *testing.T, c *apiClient, path string) float64 {
	t.Helper()
	return c.must(200, "GET", path, nil)["total"].(float64)
}

// TestImportRosterOverHTTP: the township's roster of 131 deputies in 6
// groups from one workbook and 40 units from one CSV file, each in one
// request under a write limit far below the rows; a dry run writes
// nothing; the same file again creates nothing; GB18030 CSV (what Excel
// in Chinese saves) updates what changed; a file that is no spreadsheet
// and one with a bad row are refused with nothing written, and the fixed
// file is then imported; the template downloads with its headers.
func TestImportRosterOverHTTP(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), "")
	// A burst of 20 writes and next to no refill: an import of 131 rows
	// counted row by row would be refused.
	cfg.WriteRate = 0.001
	c := startWith(t, cfg)
	deps, units := township()

	book := sheetOf(t, deps)
	dry := c.imported(200, "deputies", "代表名册.xlsx", book, true)
	if counts(dry) != "rows 131 created 131 updated 0 unchanged 0 errors 0" || dry["dry_run"] != true || dry["kind"] != "deputies" {
		t.Fatalf("dry run: %s", counts(dry))
	}
	if n := total(t, c, "/api/v1/deputies"); n != 0 {
		t.Fatalf("the dry run wrote %v deputies", n)
	}
	res := c.imported(200, "deputies", "代表名册.xlsx", book, false)
	if counts(res) != "rows 131 created 131 updated 0 unchanged 0 errors 0" {
		t.Fatalf("import: %s", counts(res))
	}
	if n := total(t, c, "/api/v1/deputies"); n != 131 {
		t.Fatalf("%v deputies after the import", n)
	}
	if n := total(t, c, "/api/v1/deputies?group=第6代表小组&level=county"); n != 0 {
		t.Errorf("group 6 has %v county deputies, want 0 (every sixth, from group 1)", n)
	}
	if n := total(t, c, "/api/v1/deputies?group=第1代表小组&level=county"); n != 22 {
		t.Errorf("group 1 has %v county deputies, want 22", n)
	}
	again := c.imported(200, "deputies", "名册-再次.xlsx", book, false)
	if counts(again) != "rows 131 created 0 updated 0 unchanged 131 errors 0" {
		t.Fatalf("again: %s", counts(again))
	}

	// The units as UTF-8 CSV with a byte-order mark, as some tools save it.
	unitCSV := append([]byte{0xEF, 0xBB, 0xBF}, csvOf(units)...)
	res = c.imported(200, "units", "units.csv", unitCSV, false)
	if counts(res) != "rows 40 created 40 updated 0 unchanged 0 errors 0" {
		t.Fatalf("units: %s", counts(res))
	}
	if n := total(t, c, "/api/v1/units?page_size=100"); n != 40 {
		t.Fatalf("%v units", n)
	}
	if counts(c.imported(200, "units", "units.csv", unitCSV, false)) != "rows 40 created 0 updated 0 unchanged 40 errors 0" {
		t.Errorf("the units again changed something")
	}

	// GB18030: two phones changed, one deputy added, a blank row between.
	changed := [][]string{deps[0], deps[1], nil, {"代表002", "乡镇", "第2代表小组", "13900000002", ""},
		{"代表003", "乡镇", "第3代表小组", "13900000003", ""}, deps[4], {"新代表", "县级", "第1代表小组", "", "new@example.org"}}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(csvOf(changed)))
	if err != nil {
		t.Fatal(err)
	}
	res = c.imported(200, "deputies", "名册.csv", gbk, false)
	if counts(res) != "rows 5 created 1 updated 2 unchanged 2 errors 0" {
		t.Fatalf("GB18030: %s %v", counts(res), res["plan"])
	}
	plan := res["plan"].([]any)
	if p := plan[1].(map[string]any); p["row"] != 4.0 || p["action"] != "update" || fmt.Sprint(p["changes"]) != "[手机]" {
		t.Errorf("the first change: %v", p)
	}
	if n := total(t, c, "/api/v1/deputies?q=13900000002"); n != 1 {
		t.Errorf("the changed phone is not there: %v", n)
	}

	// Not a spreadsheet, whatever its name says.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00")
	r := c.upload("deputies", "名册.xlsx", png, false)
	if p := r.json(t); r.status != 415 || p["code"] != "import_not_spreadsheet" || !strings.Contains(p["detail"].(string), "not an .xlsx") {
		t.Errorf("a PNG: %d %s", r.status, r.body)
	}
	if r := c.upload("meetings", "x.csv", []byte("a,b\n"), false); r.status != 404 || r.json(t)["code"] != "import_kind" {
		t.Errorf("an unknown kind: %d %s", r.status, r.body)
	}

	// One bad row: 422 with its row and column, nothing written; fixed,
	// it imports.
	bad := [][]string{{"代表小组", "姓名", "代表层级", "手机"}, {"第7代表小组", "张三", "乡镇", "13700000001"},
		{"第7代表小组", "李四", "市级", "13700000002"}, {"第7代表小组", "王五", "乡镇", ""}}
	r = c.upload("deputies", "小组.xlsx", sheetOf(t, bad), false)
	p := r.json(t)
	if r.status != 422 || p["code"] != "import_rows_invalid" || r.header.Get("Content-Type") != "application/problem+json" || counts(p) != "rows 3 created 2 updated 0 unchanged 0 errors 1" {
		t.Fatalf("a bad row: %d %s", r.status, r.body)
	}
	e := p["errors"].([]any)[0].(map[string]any)
	if e["row"] != 3.0 || e["column"] != "代表层级" || e["code"] != "import_level" || !strings.Contains(e["message"].(string), "市级") {
		t.Errorf("the error: %v", e)
	}
	if n := total(t, c, "/api/v1/deputies?group=第7代表小组"); n != 0 {
		t.Fatalf("a file with an error wrote %v deputies", n)
	}
	// Fixed, and saved as UTF-8 CSV (no byte-order mark) this time.
	bad[2][2] = "乡镇"
	if res := c.imported(200, "deputies", "小组.csv", []byte(csvOf(bad)), false); counts(res) != "rows 3 created 3 updated 0 unchanged 0 errors 0" {
		t.Errorf("fixed: %s", counts(res))
	}
	if n := total(t, c, "/api/v1/deputies?group=第7代表小组"); n != 3 {
		t.Errorf("the fixed file wrote %v deputies", n)
	}

	// The template: the Chinese headers and an example row.
	tr := c.do("GET", "/api/v1/imports/units/template.xlsx", nil)
	if tr.status != 200 || !strings.Contains(tr.header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Fatalf("template: %d %v", tr.status, tr.header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tr.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) != 2 || strings.Join(rows[0], ",") != "单位名称,负责人,电话,邮箱,分管领导,专办人员" {
		t.Errorf("template rows: %v %v", rows, err)
	}

	// Every import is one write in the audit log.
	audit := c.must(200, "GET", "/api/v1/audit", nil)
	var imports []string
	for _, it := range audit["items"].([]any) {
		a := it.(map[string]any)
		if a["route"] == "/api/v1/imports/:kind" {
			imports = append(imports, fmt.Sprint(a["status"]))
			if kind, _ := a["object_id"].(string); kind == "" {
				t.Errorf("an import audited without its kind: %v", a)
			}
		}
	}
	if len(imports) != 10 || !strings.Contains(strings.Join(imports, " "), "422") {
		t.Errorf("audited imports: %v", imports)
	}
}

// TestImportLargeFiles: a file of 50,000 deputies (the most a roster file
// may have) fits the upload limit and is imported in one request within
// seconds; one row more is refused with the limit named, and a file over
// the upload limit is refused as too large, both before anything is
// written.
func TestImportLargeFiles(t *testing.T) {
	c := startApp(t, "")
	most := roster.MaxRows[roster.KindDeputies]
	rows := [][]string{{"姓名", "代表层级", "代表小组", "手机", "邮箱"}}
	for i := 0; i < most; i++ {
		rows = append(rows, []string{fmt.Sprintf("代表%05d", i), "乡镇", fmt.Sprintf("第%d代表小组", i%60+1), fmt.Sprintf("139%08d", i),
			fmt.Sprintf("d%05d@example.org", i)})
	}
	book := sheetOf(t, rows)
	if len(book) >= roster.MaxUploadBytes {
		t.Fatalf("the 50,000-row workbook is %d bytes, over the limit", len(book))
	}
	start := time.Now()
	res := c.imported(200, "deputies", "big.xlsx", book, false)
	took := time.Since(start)
	t.Logf("%d deputies (%d bytes of .xlsx) imported in %v", most, len(book), took)
	if res["created"] != float64(most) || took > 20*time.Second {
		t.Fatalf("50,000 rows: %s in %v", counts(res), took)
	}
	if n := total(t, c, "/api/v1/deputies"); n != float64(most) {
		t.Fatalf("%v deputies", n)
	}

	over := append(rows, []string{"多一位", "乡镇", "第1代表小组", "", ""})
	r := c.upload("deputies", "bigger.csv", []byte(csvOf(over)), false)
	if p := r.json(t); r.status != 413 || p["code"] != "import_too_many_rows" || !strings.Contains(p["detail"].(string), "at most 50000 rows") {
		t.Errorf("%d rows: %d %s", most+1, r.status, r.body)
	}
	huge := bytes.Repeat([]byte("姓名,代表层级\n很长的名字,乡镇\n"), roster.MaxUploadBytes/20)
	r = c.upload("deputies", "huge.csv", huge, false)
	if p := r.json(t); r.status != 413 || p["code"] != "import_file_too_large" || !strings.Contains(p["detail"].(string), "10 MiB") {
		t.Errorf("%d bytes: %d %s", len(huge), r.status, r.body)
	}
	// The rest of the API keeps its own limit.
	if r := c.do("POST", "/api/v1/deputies", strings.Repeat(" ", 2<<20)+`{"name":"x","level":"township"}`); r.status != 413 {
		t.Errorf("a 2 MiB JSON body: %d", r.status)
	}
	if n := total(t, c, "/api/v1/deputies"); n != float64(most) {
		t.Errorf("the refused files wrote: %v deputies", n)
	}
}

// TestImportSuggestionsOverHTTP: the session's suggestions by the names
// of their deputies and units; a row with a lead unit ends assigned, with
// the unit's own leader and handler when the row names none; an unknown
// name refuses the file; the same file again adds nothing.
func TestImportSuggestionsOverHTTP(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, _ := c.setup()
	c.must(200, "PATCH", "/api/v1/units/"+unit, map[string]any{"leader": "张副镇长", "handler": "李干事"})
	c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "韩玉平", "level": "township", "group": "第二组"})

	header := []string{"标题", "内容", "类别", "领衔代表", "联名代表", "提出时间", "主办单位", "协办单位", "分管领导", "专办人员"}
	rows := [][]string{header,
		{"关于农村电网增容的建议", "三个村用电高峰电压不足。", "基础设施", "王西林", "韩玉平（第一组）", "大会期间", "供电所", "水利站", "", ""},
		{"关于修缮村道的建议", "村道坑洼。", "交通", "韩玉平（第一组）", "", "闭会期间", "", "", "", ""},
		{"关于增设路灯的建议", "夜间无灯。", "", "王西林", "", "大会期间", "水利站", "", "周副镇长", "刘干事"},
	}
	bad := append([][]string{}, rows...)
	bad = append(bad, []string{"关于某事的建议", "内容", "", "韩玉平", "不存在的人", "开会时", "", "", "张", ""})
	r := c.upload("suggestions", "建议.xlsx", sheetOf(t, bad), false)
	p := r.json(t)
	if r.status != 422 {
		t.Fatalf("bad suggestions: %d %s", r.status, r.body)
	}
	var lines []string
	for _, e := range p["errors"].([]any) {
		e := e.(map[string]any)
		lines = append(lines, fmt.Sprintf("%v %v %v", e["row"], e["column"], e["code"]))
	}
	if got := strings.Join(lines, "; "); got != "5 领衔代表 import_ambiguous_name; 5 联名代表 import_unknown_name; 5 提出时间 import_submitted_in; 5 分管领导 import_lead_unit_needed" {
		t.Errorf("errors: %s", got)
	}
	if n := total(t, c, "/api/v1/suggestions"); n != 0 {
		t.Fatalf("a refused file submitted %v suggestions", n)
	}

	start := time.Now()
	res := c.imported(200, "suggestions", "建议.xlsx", sheetOf(t, rows), false)
	t.Logf("3 suggestions (2 accepted and assigned) in %v", time.Since(start))
	if counts(res) != "rows 3 created 3 updated 0 unchanged 0 errors 0" {
		t.Fatalf("import: %s", counts(res))
	}
	plan := res["plan"].([]any)
	first := c.must(200, "GET", "/api/v1/suggestions/"+plan[0].(map[string]any)["id"].(string), nil)
	as := first["assignment"].(map[string]any)
	if first["status"] != "handling" || first["lead_unit_id"] != unit || as["leader"] != "张副镇长" || as["handler"] != "李干事" ||
		first["lead_deputy_id"] != lead || fmt.Sprint(first["co_signer_ids"]) != "["+co+"]" || first["submitted_in"] != "session" {
		t.Errorf("the first row's case: %v %v", first["status"], first)
	}
	if plan[0].(map[string]any)["number"] == "" {
		t.Errorf("no number in the plan: %v", plan[0])
	}
	second := c.must(200, "GET", "/api/v1/suggestions/"+plan[1].(map[string]any)["id"].(string), nil)
	if second["status"] != "submitted" || second["submitted_in"] != "recess" {
		t.Errorf("the second row's case: %v", second["status"])
	}
	third := c.must(200, "GET", "/api/v1/suggestions/"+plan[2].(map[string]any)["id"].(string), nil)
	if as := third["assignment"].(map[string]any); third["status"] != "handling" || as["leader"] != "周副镇长" || as["handler"] != "刘干事" {
		t.Errorf("the third row's case: %v %v", third["status"], third["assignment"])
	}

	again := c.imported(200, "suggestions", "建议.xlsx", sheetOf(t, rows), false)
	if counts(again) != "rows 3 created 0 updated 0 unchanged 3 errors 0" {
		t.Errorf("again: %s", counts(again))
	}
	// The second row now with a lead unit: its case is taken on to its
	// assignment.
	rows[2][6] = "供电所"
	res = c.imported(200, "suggestions", "建议.xlsx", sheetOf(t, rows), false)
	if counts(res) != "rows 3 created 0 updated 1 unchanged 2 errors 0" {
		t.Errorf("with a lead unit: %s", counts(res))
	}
	if sg := c.must(200, "GET", "/api/v1/suggestions/"+plan[1].(map[string]any)["id"].(string), nil); sg["status"] != "handling" {
		t.Errorf("the second row's case after: %v", sg["status"])
	}
	if n := total(t, c, "/api/v1/suggestions"); n != 3 {
		t.Errorf("%v suggestions", n)
	}
}

// writeFile keeps a file for the browser to upload.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// upload chooses a file in the page's file input.
func (b *browserT) upload(sel, path string) {
	b.t.Helper()
	b.do(chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path}))
}

// TestWebImportRoster: in Chromium, the office imports a roster with one
// bad row from the deputies' list: the dry run shows the error with its
// row and column at the top and writes nothing; the fixed file is tried
// and imported with the dry run's button; the units come from a GB18030
// CSV file; a case is then assigned through its page to an imported unit,
// and the session's suggestions are imported from the suggestions' list.
// The page reads in English too and stays inside a phone's width.
func TestWebImportRoster(t *testing.T) {
	c := startApp(t, "")
	b := newBrowser(t, c.base, 1280, 900)
	b.signIn(login{store.AdminUsername, c.app.AdminPassword})

	b.open("/ui/deputies")
	b.submit("#import-records")
	b.expect("h1", "从 Excel 导入代表")
	tpl := b.downloadLink("#import-template")
	if f, err := excelize.OpenReader(bytes.NewReader(tpl)); err != nil {
		t.Fatalf("the template: %v", err)
	} else if rows, err := f.GetRows(f.GetSheetList()[0]); err != nil || strings.Join(rows[0], ",") != "姓名,代表层级,代表小组,手机,邮箱" {
		t.Errorf("the template's headers: %v %v", rows, err)
	}

	deps := [][]string{{"姓名", "代表层级", "代表小组", "手机"}, {"王西林", "县级", "第一代表小组", "13800000001"},
		{"韩玉平", "市级", "第一代表小组", "13800000002"}, {"李红", "乡镇", "第二代表小组", ""}}
	bad := writeFile(t, "代表名册.xlsx", sheetOf(t, deps))
	b.upload("#import-file", bad)
	b.submit("#import-dry-run")
	b.expect("#import-errors", "有 1 处错误", "第 3 行“代表层级”", "市级")
	b.expect("#import-rows", "王西林", "新建")
	b.shot("import-01-error")
	// The real import of the same file: refused the same, nothing written.
	b.upload("#import-file", bad)
	b.submit("#import-submit")
	b.expect("#import-errors", "第 3 行")
	if n := total(t, c, "/api/v1/deputies"); n != 0 {
		t.Fatalf("a file with an error wrote %v deputies", n)
	}

	deps[2][1] = "乡镇"
	b.upload("#import-file", writeFile(t, "代表名册.xlsx", sheetOf(t, deps)))
	b.submit("#import-dry-run")
	b.expect("#import-dry", "尚未写入", "新建 3")
	if n := total(t, c, "/api/v1/deputies"); n != 0 {
		t.Fatalf("the dry run wrote %v deputies", n)
	}
	b.shot("import-02-dry-run")
	b.submit("#import-carry")
	b.expect("#import-done", "导入完成", "新建 3")
	b.expect("#import-rows", "韩玉平", "第一代表小组")
	b.shot("import-03-done")
	b.submit("#import-back")
	b.expect("#records", "王西林", "韩玉平", "李红")

	// The units: GB18030 CSV, imported straight away.
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("单位名称,负责人,分管领导,专办人员\r\n镇供电所,李所长,张副镇长,王干事\r\n镇水利站,周站长,,\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	b.open("/ui/units")
	b.submit("#import-records")
	b.upload("#import-file", writeFile(t, "单位.csv", gbk))
	b.submit("#import-submit")
	b.expect("#import-done", "新建 2")

	// A case assigned through its page to an imported unit.
	var lead string
	for _, it := range c.must(200, "GET", "/api/v1/deputies?q=王西林", nil)["items"].([]any) {
		lead = it.(map[string]any)["id"].(string)
	}
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	b.open("/ui/suggestions/" + id)
	b.form("assign")
	unit := b.optionValue("#assign-lead_unit_id", "镇供电所")
	b.set("#assign-lead_unit_id", unit)
	b.set("#assign-leader", "张副镇长")
	b.set("#assign-handler", "王干事")
	b.submit("#assign-submit")
	if sg := c.must(200, "GET", "/api/v1/suggestions/"+id, nil); sg["status"] != "handling" || sg["lead_unit_id"] != unit {
		t.Fatalf("assigned through the page: %v %v", sg["status"], sg["lead_unit_id"])
	}

	// The session's suggestions, from the suggestions' list.
	b.open("/ui/suggestions")
	b.submit("#import-suggestions")
	b.expect("h1", "从 Excel 导入建议")
	sgs := [][]string{{"标题", "内容", "领衔代表", "联名代表", "提出时间", "主办单位"},
		{"关于修缮村道的建议", "村道坑洼，雨天难行。", "韩玉平", "李红", "大会期间", "镇水利站"}}
	b.upload("#import-file", writeFile(t, "建议.xlsx", sheetOf(t, sgs)))
	b.submit("#import-dry-run")
	// 镇水利站 has no leader or handler on the roster: the row says so.
	b.expect("#import-errors", "第 2 行“分管领导”", "镇水利站")
	sgs[0] = append(sgs[0], "分管领导", "专办人员")
	sgs[1] = append(sgs[1], "周副镇长", "刘干事")
	b.upload("#import-file", writeFile(t, "建议.xlsx", sheetOf(t, sgs)))
	b.submit("#import-submit")
	b.expect("#import-done", "新建 1")
	b.submit("#import-rows a")
	b.expect("body", "关于修缮村道的建议", "镇水利站", "办理中")

	b.open("/ui/deputies/import?lang=en")
	b.expect("h1", "Import deputies from Excel")
	b.expect("#import-how", "Download the template")

	// At a phone's width, with errors and rows shown.
	phone := newBrowser(t, c.base, 390, 844)
	phone.signIn(login{store.AdminUsername, c.app.AdminPassword})
	phone.open("/ui/deputies/import")
	if w := phone.scrollWidth(); w > 390 {
		t.Errorf("the import page is %d px wide at 390", w)
	}
	long := [][]string{{"姓名", "代表层级", "代表小组", "手机", "邮箱"},
		{"欧阳某某某某某某某某某某某某某某某", "乡镇", "第一代表小组第一代表小组第一代表小组", "13800000009", "a-very-long-address-for-a-phone@example.org"},
		{"某", "省级", "第一代表小组", "", ""}}
	phone.upload("#import-file", writeFile(t, "名册.xlsx", sheetOf(t, long)))
	phone.submit("#import-dry-run")
	phone.expect("#import-errors", "第 3 行")
	phone.shot("import-phone")
	if w := phone.scrollWidth(); w > 390 {
		t.Errorf("the import page with its results is %d px wide at 390", w)
	}
}
