package roster

import (
	"context"
	"strconv"
	"strings"

	"suggestflow/access"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// Importing a spreadsheet of deputies, units or the session's suggestions.
// Every row is read and checked first, and what would be created, updated
// or left alone is planned row by row; while any row has an error nothing
// is written. Deputies and units are then written in one transaction; the
// suggestions go through the case commands one by one, each under an
// idempotency key made of its row, so importing the same file again adds
// nothing and carries on where an interrupted import stopped.

// The kinds of import.
const (
	KindDeputies    = "deputies"
	KindUnits       = "units"
	KindSuggestions = "suggestions"
)

// Kinds lists what can be imported.
var Kinds = []string{KindDeputies, KindUnits, KindSuggestions}

// MaxRows bounds one file of each kind. A township has a few hundred
// deputies and some tens of units; a county's roster is bigger, and 50,000
// deputy rows are read, planned and written in one transaction in a few
// seconds (BenchmarkImport50000Deputies; about 5 s over HTTP from .xlsx),
// so a roster file is bounded by the upload's size rather than by its
// rows. A suggestion is submitted through its own workflow, one after the
// other so that the numbers follow the file (about 50 ms each on a busy
// two-core machine), then accepted and assigned: 200 of them, more than a
// township's session brings, stay well inside one request's 30 seconds.
var MaxRows = map[string]int{KindDeputies: 50_000, KindUnits: 50_000, KindSuggestions: 200}

// MaxUploadBytes bounds an import's upload: a file of 50,000 deputies is
// about 3.5 MB as CSV and 1.5 MB as .xlsx, so 10 MiB leaves room for wide
// rows without letting one request hold much memory. (The API's other
// requests keep their 1 MiB.)
const MaxUploadBytes = 10 << 20

// What a row does.
const (
	ActionCreate    = "create"
	ActionUpdate    = "update"
	ActionUnchanged = "unchanged"
)

// Result is the plan of an import, or what it did: the counts, each row's
// outcome and every error.
type Result struct {
	Kind   string `json:"kind"`
	DryRun bool   `json:"dry_run"`
	// Rows is how many rows the file has under its headers, blank ones
	// left out.
	Rows      int        `json:"rows"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Errors    []RowError `json:"errors"`
	// Plan is each row's outcome, in the file's order (rows with an error
	// are only in Errors).
	Plan []RowPlan `json:"plan"`
	// IgnoredColumns are the file's headers that are none of the kind's.
	IgnoredColumns []string `json:"ignored_columns"`
}

// RowError is one error of a file: its row as the spreadsheet numbers it
// (the header row is 1), its column's header, and why.
type RowError struct {
	Row     int            `json:"row"`
	Column  string         `json:"column"`
	Message string         `json:"message"`
	Code    string         `json:"code"`
	Params  refusal.Params `json:"params,omitempty"`
}

// RowPlan is what one row creates, updates or leaves alone.
type RowPlan struct {
	Row    int    `json:"row"`
	Action string `json:"action"`
	// Name is the deputy's or unit's name, or the suggestion's title.
	Name string `json:"name"`
	// Group is a deputy's group.
	Group string `json:"group,omitempty"`
	// ID is the record's: the existing one, or once written the new one.
	ID string `json:"id,omitempty"`
	// Number is a suggestion's number once submitted.
	Number string `json:"number,omitempty"`
	// Changes are the headers of the columns an update changes.
	Changes []string `json:"changes,omitempty"`
}

// Text is the error for people, in a language.
func (e RowError) Text(o i18n.Options) string { return i18n.Refusal(o, e.Code, e.Params) }

func rowError(row int, column, code string, kv ...string) RowError {
	p := refusal.New(refusal.Invalid, code, kv...).Params
	return RowError{Row: row, Column: column, Code: code, Params: p, Message: i18n.Refusal(i18n.Raw, code, p)}
}

// Importer imports spreadsheets through the roster's store and the case
// commands.
type Importer struct {
	st    *store.Store
	cases *cases.Service
}

// NewImporter makes the importer; cmds may be nil where no suggestions
// are imported.
func NewImporter(st *store.Store, cmds *cases.Service) *Importer {
	return &Importer{st: st, cases: cmds}
}

// KnownKind refuses a kind of import that is none of Kinds.
func KnownKind(kind string) error {
	for _, k := range Kinds {
		if k == kind {
			return nil
		}
	}
	return refusal.New(refusal.NotFound, refusal.ImportKind, "kind", kind)
}

// Import reads a file of a kind and plans it; unless dryRun, and when no
// row has an error, it writes the plan. A file that cannot be read at all
// is a refusal; rows with errors are in the result, with nothing written.
func (im *Importer) Import(ctx context.Context, p access.Principal, kind string, data []byte, dryRun bool) (Result, error) {
	res := Result{Kind: kind, DryRun: dryRun, Errors: []RowError{}, Plan: []RowPlan{}, IgnoredColumns: []string{}}
	if err := KnownKind(kind); err != nil {
		return res, err
	}
	cols := columnsOf[kind]
	t, err := readTable(data, cols[0].header)
	if err != nil {
		return res, err
	}
	res.Rows = len(t.rows)
	if most := MaxRows[kind]; res.Rows > most {
		return res, refusal.New(refusal.TooLarge, refusal.ImportTooManyRows, "max", strconv.Itoa(most), "rows", strconv.Itoa(res.Rows))
	}
	at, ignored, errs := headerIndex(t, cols)
	res.IgnoredColumns = append(res.IgnoredColumns, ignored...)
	if len(errs) > 0 {
		res.Errors = errs
		return res, nil
	}
	if len(t.rows) == 0 {
		return res, refusal.New(refusal.Invalid, refusal.ImportEmpty)
	}
	sh := sheet{table: t, at: at}
	switch kind {
	case KindDeputies:
		err = im.importDeputies(ctx, sh, dryRun, &res)
	case KindUnits:
		err = im.importUnits(ctx, sh, dryRun, &res)
	default:
		err = im.importSuggestions(ctx, p, sh, dryRun, &res)
	}
	return res, err
}

// settle counts the plan's outcomes; when nothing was written, the ids
// planned for new records are dropped, since no such record exists. The
// lists are never null, for clients that range over them.
func (r *Result) settle() {
	if r.Errors == nil {
		r.Errors = []RowError{}
	}
	if r.Plan == nil {
		r.Plan = []RowPlan{}
	}
	if r.DryRun || len(r.Errors) > 0 {
		for i := range r.Plan {
			if r.Plan[i].Action == ActionCreate {
				r.Plan[i].ID, r.Plan[i].Number = "", ""
			}
		}
	}
	r.Created, r.Updated, r.Unchanged = 0, 0, 0
	for _, p := range r.Plan {
		switch p.Action {
		case ActionCreate:
			r.Created++
		case ActionUpdate:
			r.Updated++
		default:
			r.Unchanged++
		}
	}
}

// column is one header of a kind's file.
type column struct {
	header   string
	field    string // the input's JSON field whose refusals it shows
	required bool
	example  string
	width    float64
}

var columnsOf = map[string][]column{
	KindDeputies: {
		{header: "姓名", field: "name", required: true, example: "王西林", width: 12},
		{header: "代表层级", field: "level", required: true, example: "乡镇", width: 12},
		{header: "代表小组", field: "group", example: "第一代表小组", width: 18},
		{header: "手机", field: "phone", example: "13800000001", width: 16},
		{header: "邮箱", field: "email", example: "wangxl@example.org", width: 26},
	},
	KindUnits: {
		{header: "单位名称", field: "name", required: true, example: "镇供电所", width: 22},
		{header: "负责人", field: "head", required: true, example: "李所长", width: 12},
		{header: "电话", field: "phone", example: "0717-1234567", width: 16},
		{header: "邮箱", field: "email", example: "gds@example.org", width: 24},
		{header: "分管领导", field: "leader", example: "张副镇长", width: 12},
		{header: "专办人员", field: "handler", example: "王干事", width: 12},
	},
	KindSuggestions: {
		{header: "标题", field: "title", required: true, example: "关于农村电网增容的建议", width: 30},
		{header: "内容", field: "content", required: true, example: "三个村用电高峰电压不足，建议增容改造。", width: 50},
		{header: "类别", field: "category", example: "基础设施", width: 12},
		{header: "领衔代表", field: "lead_deputy_id", required: true, example: "王西林", width: 12},
		{header: "联名代表", field: "co_signer_ids", example: "韩玉平、李红", width: 20},
		{header: "提出时间", field: "submitted_in", required: true, example: "大会期间", width: 12},
		{header: "主办单位", field: "lead_unit_id", example: "镇供电所", width: 18},
		{header: "协办单位", field: "co_unit_ids", example: "镇水利站", width: 18},
		{header: "分管领导", field: "leader", example: "张副镇长", width: 12},
		{header: "专办人员", field: "handler", example: "王干事", width: 12},
	},
}

// Headers are the headers of a kind's file, in the template's order.
func Headers(kind string) []string {
	var out []string
	for _, c := range columnsOf[kind] {
		out = append(out, c.header)
	}
	return out
}

// headerIndex finds each column of the kind among the file's headers: a
// required one missing or one given twice is an error on the header row.
func headerIndex(t *table, cols []column) (map[string]int, []string, []RowError) {
	at := map[string]int{}
	known := map[string]bool{}
	for _, c := range cols {
		known[c.header] = true
		at[c.header] = -1
	}
	var ignored []string
	var errs []RowError
	for i, h := range t.header {
		switch {
		case h == "":
		case !known[h]:
			ignored = append(ignored, h)
		case at[h] >= 0:
			errs = append(errs, rowError(t.headerRow, h, refusal.ImportHeaderRepeated, "column", h))
		default:
			at[h] = i
		}
	}
	for _, c := range cols {
		if c.required && at[c.header] < 0 {
			errs = append(errs, rowError(t.headerRow, c.header, refusal.ImportHeaderMissing, "column", c.header))
		}
	}
	return at, ignored, errs
}

// sheet is a table with its columns found.
type sheet struct {
	*table
	at map[string]int
}

// has says whether the file has the column.
func (s sheet) has(header string) bool { return s.at[header] >= 0 }

// get is a row's cell of the column ("" when the file lacks it).
func (s sheet) get(r tableRow, header string) string { return r.cell(s.at[header]) }

// fieldErrors turns a refused input into errors on the row's columns.
func fieldErrors(row int, cols []column, err error) ([]RowError, error) {
	rf, ok := refusal.As(err)
	if !ok || rf.Code != refusal.InvalidFields {
		return nil, err
	}
	headers := map[string]string{}
	for _, c := range cols {
		headers[c.field] = c.header
	}
	out := make([]RowError, 0, len(rf.Fields))
	for _, f := range rf.Fields {
		h := headers[strings.SplitN(f.Name, "[", 2)[0]]
		if h == "" {
			h = f.Name
		}
		kv := make([]string, 0, 2*len(f.Params))
		for k, v := range f.Params {
			kv = append(kv, k, v)
		}
		out = append(out, rowError(row, h, f.Code, kv...))
	}
	return out, nil
}

// levelOf reads a deputy's level as offices write it.
func levelOf(v string) (string, bool) {
	switch strings.ReplaceAll(strings.ReplaceAll(v, "(", "（"), ")", "）") {
	case "乡镇", "乡镇级", "乡镇人大代表", "township":
		return "township", true
	case "县级", "区级", "县（区）级", "县区级", "县级人大代表", "区级人大代表", "county":
		return "county", true
	}
	return "", false
}

func deputyKey(name, group string) string { return name + "\x00" + group }

// importDeputies plans the deputies against the roster, and writes them
// unless it is a dry run or a row has an error.
func (im *Importer) importDeputies(ctx context.Context, sh sheet, dryRun bool, res *Result) error {
	var planned []RowPlan
	var rowErrs []RowError
	err := im.st.ImportDeputies(ctx, func(existing []domain.Deputy) (create, update []domain.Deputy, err error) {
		planned, rowErrs, create, update, err = planDeputies(sh, existing)
		if err != nil || len(rowErrs) > 0 || dryRun {
			return nil, nil, err
		}
		return create, update, nil
	})
	if err != nil {
		return store.Refused(err, "deputy")
	}
	res.Plan, res.Errors = planned, rowErrs
	res.settle()
	return nil
}

// planDeputies decides each row: the deputy it names is the one with the
// same name in the same group or the same phone (the roster's rule of a
// likely duplicate); if there is one, the row updates it or leaves it
// alone, else it creates one.
func planDeputies(sh sheet, existing []domain.Deputy) ([]RowPlan, []RowError, []domain.Deputy, []domain.Deputy, error) {
	cols := columnsOf[KindDeputies]
	byKey, byPhone := map[string]int{}, map[string]int{}
	for i, d := range existing {
		if _, ok := byKey[deputyKey(d.Name, d.Group)]; !ok {
			byKey[deputyKey(d.Name, d.Group)] = i
		}
		if _, ok := byPhone[d.Phone]; d.Phone != "" && !ok {
			byPhone[d.Phone] = i
		}
	}
	final := append([]domain.Deputy(nil), existing...)
	fileKey, filePhone, touched := map[string]int{}, map[string]int{}, map[string]int{}
	var plans []RowPlan
	var errs []RowError
	var create, update []domain.Deputy
	// rowOf is the row each created or updated deputy comes from, for the
	// last check.
	rowOf := map[string]int{}
	for _, r := range sh.rows {
		in := DeputyInput{Name: sh.get(r, "姓名"), Group: sh.get(r, "代表小组"), Email: sh.get(r, "邮箱")}
		var bad []RowError
		if raw := sh.get(r, "代表层级"); raw != "" {
			lv, ok := levelOf(raw)
			if !ok {
				bad = append(bad, rowError(r.n, "代表层级", refusal.ImportLevel, "value", raw))
			}
			in.Level = lv
		}
		phone, code := phoneCell(sh.get(r, "手机"))
		if code != "" {
			bad = append(bad, rowError(r.n, "手机", code, "value", sh.get(r, "手机")))
		}
		in.Phone = phone
		if err := validation.Check(&in); err != nil {
			fe, err := fieldErrors(r.n, cols, err)
			if err != nil {
				return nil, nil, nil, nil, err
			}
			for _, e := range fe {
				// A level that is not one is said once, in the file's words.
				if e.Column != "代表层级" || in.Level != "" || sh.get(r, "代表层级") == "" {
					bad = append(bad, e)
				}
			}
		}
		if len(bad) > 0 {
			errs = append(errs, bad...)
			continue
		}
		key := deputyKey(strings.TrimSpace(in.Name), strings.TrimSpace(in.Group))
		if prev, ok := fileKey[key]; ok {
			errs = append(errs, rowError(r.n, "姓名", refusal.ImportDuplicateRow, "row", strconv.Itoa(prev), "column", "姓名和代表小组"))
			continue
		}
		if prev, ok := filePhone[in.Phone]; in.Phone != "" && ok {
			errs = append(errs, rowError(r.n, "手机", refusal.ImportDuplicateRow, "row", strconv.Itoa(prev), "column", "手机"))
			continue
		}
		fileKey[key] = r.n
		if in.Phone != "" {
			filePhone[in.Phone] = r.n
		}
		a, byName := byKey[key]
		b, byTel := byPhone[in.Phone]
		if in.Phone == "" {
			byTel = false
		}
		if byName && byTel && a != b {
			errs = append(errs, rowError(r.n, "手机", refusal.ImportMatchesTwo, "first", describe(existing[a]), "second", describe(existing[b])))
			continue
		}
		if !byName && !byTel {
			d := in.deputy(domain.NewID("dp_"))
			create = append(create, d)
			final = append(final, d)
			rowOf[d.ID] = r.n
			plans = append(plans, RowPlan{Row: r.n, Action: ActionCreate, Name: d.Name, Group: d.Group, ID: d.ID})
			continue
		}
		i := a
		if !byName {
			i = b
		}
		old := existing[i]
		if prev, ok := touched[old.ID]; ok {
			errs = append(errs, rowError(r.n, "姓名", refusal.ImportDuplicateRow, "row", strconv.Itoa(prev), "column", "代表"))
			continue
		}
		touched[old.ID] = r.n
		// Columns the file does not have keep what the roster holds.
		merged := inputOfDeputy(old)
		merged.Name, merged.Level = in.Name, in.Level
		for _, f := range []struct {
			header   string
			dst, src *string
		}{{"代表小组", &merged.Group, &in.Group}, {"手机", &merged.Phone, &in.Phone}, {"邮箱", &merged.Email, &in.Email}} {
			if sh.has(f.header) {
				*f.dst = *f.src
			}
		}
		d := merged.deputy(old.ID)
		d.Active = old.Active
		var changes []string
		for _, c := range []struct {
			header   string
			was, now string
		}{{"姓名", old.Name, d.Name}, {"代表层级", old.Level, d.Level}, {"代表小组", old.Group, d.Group}, {"手机", old.Phone, d.Phone}, {"邮箱", old.Email, d.Email}} {
			if c.was != c.now {
				changes = append(changes, c.header)
			}
		}
		if len(changes) == 0 {
			plans = append(plans, RowPlan{Row: r.n, Action: ActionUnchanged, Name: d.Name, Group: d.Group, ID: d.ID})
			continue
		}
		update = append(update, d)
		final[i] = d
		rowOf[d.ID] = r.n
		plans = append(plans, RowPlan{Row: r.n, Action: ActionUpdate, Name: d.Name, Group: d.Group, ID: d.ID, Changes: changes})
	}
	errs = append(errs, collisions(final, rowOf)...)
	if len(errs) > 0 {
		sortErrors(errs)
	}
	return plans, errs, create, update, nil
}

// collisions checks the roster as the import would leave it: a deputy a
// row creates or changes must not then look like another (an update that
// renames one deputy into another's name and group, say).
func collisions(final []domain.Deputy, rowOf map[string]int) []RowError {
	byKey, byPhone := map[string][]int{}, map[string][]int{}
	for i, d := range final {
		byKey[deputyKey(d.Name, d.Group)] = append(byKey[deputyKey(d.Name, d.Group)], i)
		if d.Phone != "" {
			byPhone[d.Phone] = append(byPhone[d.Phone], i)
		}
	}
	var errs []RowError
	for i, d := range final {
		row, ok := rowOf[d.ID]
		if !ok {
			continue
		}
		for _, same := range []struct {
			list   []int
			column string
		}{{byKey[deputyKey(d.Name, d.Group)], "姓名"}, {byPhone[d.Phone], "手机"}} {
			if d.Phone == "" && same.column == "手机" {
				continue
			}
			for _, j := range same.list {
				if j == i {
					continue
				}
				if _, fromFile := rowOf[final[j].ID]; fromFile {
					// Two rows of the file: already said as a repeated row.
					continue
				}
				what := "姓名和代表小组"
				if same.column == "手机" {
					what = "手机"
				}
				errs = append(errs, rowError(row, same.column, refusal.ImportSameAs, "name", final[j].Name, "group", final[j].Group, "column", what))
				break
			}
		}
	}
	return errs
}

// describe names a deputy for a message: name and group.
func describe(d domain.Deputy) string {
	if d.Group == "" {
		return d.Name
	}
	return d.Name + "（" + d.Group + "）"
}

// sortErrors orders errors by row, keeping each row's own order.
func sortErrors(errs []RowError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Row < errs[j-1].Row; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// importUnits plans the units against the roster (a unit is known by its
// name), and writes them unless it is a dry run or a row has an error.
func (im *Importer) importUnits(ctx context.Context, sh sheet, dryRun bool, res *Result) error {
	var planned []RowPlan
	var rowErrs []RowError
	err := im.st.ImportUnits(ctx, func(existing []domain.Unit) (create, update []domain.Unit, err error) {
		planned, rowErrs, create, update, err = planUnits(sh, existing)
		if err != nil || len(rowErrs) > 0 || dryRun {
			return nil, nil, err
		}
		return create, update, nil
	})
	if err != nil {
		return store.Refused(err, "unit")
	}
	res.Plan, res.Errors = planned, rowErrs
	res.settle()
	return nil
}

func planUnits(sh sheet, existing []domain.Unit) ([]RowPlan, []RowError, []domain.Unit, []domain.Unit, error) {
	cols := columnsOf[KindUnits]
	byName := map[string]domain.Unit{}
	for _, u := range existing {
		byName[u.Name] = u
	}
	seen := map[string]int{}
	var plans []RowPlan
	var errs []RowError
	var create, update []domain.Unit
	for _, r := range sh.rows {
		in := UnitInput{Name: sh.get(r, "单位名称"), Head: sh.get(r, "负责人"), Email: sh.get(r, "邮箱"),
			Leader: sh.get(r, "分管领导"), Handler: sh.get(r, "专办人员")}
		var bad []RowError
		phone, code := phoneCell(sh.get(r, "电话"))
		if code != "" {
			bad = append(bad, rowError(r.n, "电话", code, "value", sh.get(r, "电话")))
		}
		in.Phone = phone
		if err := validation.Check(&in); err != nil {
			fe, err := fieldErrors(r.n, cols, err)
			if err != nil {
				return nil, nil, nil, nil, err
			}
			bad = append(bad, fe...)
		}
		if len(bad) > 0 {
			errs = append(errs, bad...)
			continue
		}
		if prev, ok := seen[in.Name]; ok {
			errs = append(errs, rowError(r.n, "单位名称", refusal.ImportDuplicateRow, "row", strconv.Itoa(prev), "column", "单位名称"))
			continue
		}
		seen[in.Name] = r.n
		old, ok := byName[in.Name]
		if !ok {
			u := in.unit(domain.NewID("un_"))
			create = append(create, u)
			plans = append(plans, RowPlan{Row: r.n, Action: ActionCreate, Name: u.Name, ID: u.ID})
			continue
		}
		merged := inputOfUnit(old)
		merged.Head = in.Head
		for _, f := range []struct {
			header   string
			dst, src *string
		}{{"电话", &merged.Phone, &in.Phone}, {"邮箱", &merged.Email, &in.Email}, {"分管领导", &merged.Leader, &in.Leader}, {"专办人员", &merged.Handler, &in.Handler}} {
			if sh.has(f.header) {
				*f.dst = *f.src
			}
		}
		u := merged.unit(old.ID)
		u.Active = old.Active
		var changes []string
		for _, c := range []struct {
			header   string
			was, now string
		}{{"负责人", old.Head, u.Head}, {"电话", old.Phone, u.Phone}, {"邮箱", old.Email, u.Email}, {"分管领导", old.Leader, u.Leader}, {"专办人员", old.Handler, u.Handler}} {
			if c.was != c.now {
				changes = append(changes, c.header)
			}
		}
		if len(changes) == 0 {
			plans = append(plans, RowPlan{Row: r.n, Action: ActionUnchanged, Name: u.Name, ID: u.ID})
			continue
		}
		update = append(update, u)
		plans = append(plans, RowPlan{Row: r.n, Action: ActionUpdate, Name: u.Name, ID: u.ID, Changes: changes})
	}
	return plans, errs, create, update, nil
}
