package roster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/validation"
)

// A suggestion's row names its deputies and units by name, as the office's
// spreadsheet has them. With a lead unit the row is submitted, accepted and
// assigned in one go, through the same commands as the pages.

// sgRow is one planned row of a suggestions file.
type sgRow struct {
	row    int
	plan   int // index in Result.Plan
	submit domain.SubmitInput
	key    string
	// existing is the case already there (same lead deputy and title).
	existing *store.SuggestionTitle
	assign   *domain.AssignInput
}

// nameSeparators split a cell of several names: 、 as Chinese writes a
// list, commas of either width, and semicolons or new lines as some
// sheets have them.
func splitNames(v string) []string {
	parts := strings.FieldsFunc(v, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == '\n'
	})
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = trimCell(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// submittedInOf reads when a suggestion was made, as offices write it.
func submittedInOf(v string) (string, bool) {
	switch v {
	case "大会期间", "人代会期间", "会议期间", "session":
		return "session", true
	case "闭会期间", "recess":
		return "recess", true
	}
	return "", false
}

// nameWithGroup splits "王西林（第一组）" into the name and the group that
// tells two deputies of one name apart.
func nameWithGroup(v string) (name, group string) {
	v = strings.ReplaceAll(strings.ReplaceAll(v, "(", "（"), ")", "）")
	if i := strings.Index(v, "（"); i > 0 && strings.HasSuffix(v, "）") {
		return trimCell(v[:i]), trimCell(strings.TrimSuffix(v[i+len("（"):], "）"))
	}
	return v, ""
}

// names resolves the roster's names.
type names struct {
	deputies map[string][]domain.Deputy
	units    map[string]domain.Unit
}

// deputy finds the one deputy a name means; an unknown, ambiguous or
// retired one is the row's error.
func (n names) deputy(row int, column, v string) (domain.Deputy, *RowError) {
	name, group := nameWithGroup(v)
	var active, retired []domain.Deputy
	for _, d := range n.deputies[name] {
		if group != "" && d.Group != group {
			continue
		}
		if d.Active {
			active = append(active, d)
		} else {
			retired = append(retired, d)
		}
	}
	switch {
	case len(active) == 1:
		return active[0], nil
	case len(active) > 1:
		groups := make([]string, 0, len(active))
		for _, d := range active {
			groups = append(groups, d.Group)
		}
		e := rowError(row, column, refusal.ImportAmbiguousName, "name", name, "count", strconv.Itoa(len(active)), "groups", strings.Join(groups, "、"))
		return domain.Deputy{}, &e
	case len(retired) > 0:
		e := rowError(row, column, refusal.Retired, "object", "deputy", "ids", v)
		return domain.Deputy{}, &e
	}
	e := rowError(row, column, refusal.ImportUnknownName, "object", "deputy", "name", v)
	return domain.Deputy{}, &e
}

func (n names) unit(row int, column, v string) (domain.Unit, *RowError) {
	u, ok := n.units[v]
	switch {
	case !ok:
		e := rowError(row, column, refusal.ImportUnknownName, "object", "unit", "name", v)
		return u, &e
	case !u.Active:
		e := rowError(row, column, refusal.Retired, "object", "unit", "ids", v)
		return u, &e
	}
	return u, nil
}

func (im *Importer) roster(ctx context.Context) (names, error) {
	n := names{deputies: map[string][]domain.Deputy{}, units: map[string]domain.Unit{}}
	deputies, err := im.st.AllDeputies(ctx)
	if err != nil {
		return n, store.Refused(err, "deputy")
	}
	for _, d := range deputies {
		n.deputies[d.Name] = append(n.deputies[d.Name], d)
	}
	units, err := im.st.AllUnits(ctx)
	if err != nil {
		return n, store.Refused(err, "unit")
	}
	for _, u := range units {
		n.units[u.Name] = u
	}
	return n, nil
}

// importSuggestions plans every row, then, unless it is a dry run or a
// row has an error, submits (and accepts and assigns) them in the file's
// order.
func (im *Importer) importSuggestions(ctx context.Context, p access.Principal, sh sheet, dryRun bool, res *Result) error {
	rows, errs, err := im.planSuggestions(ctx, sh, res)
	if err != nil {
		return err
	}
	res.Errors = errs
	if dryRun || len(errs) > 0 {
		res.settle()
		return nil
	}
	if err := im.runSuggestions(ctx, p, rows, res); err != nil {
		var rf *rowFailure
		if !errors.As(err, &rf) {
			return err
		}
		cause, ok := refusal.As(rf.err)
		if !ok {
			return fmt.Errorf("import suggestions, row %d: %w", rf.row, rf.err)
		}
		stopped := refusal.New(cause.Kind, refusal.ImportStopped, "row", strconv.Itoa(rf.row), "error", cause.Text(i18n.Raw)).WithCause(rf.err)
		stopped.RetryAfter = cause.RetryAfter
		return stopped
	}
	res.settle()
	return nil
}

// importWorkers is how many rows are reviewed and assigned at once: each
// waits on its own workflow, so a few together take a file through in a
// fraction of the time, without crowding the worker.
const importWorkers = 4

// rowFailure is why a row's commands failed.
type rowFailure struct {
	row int
	err error
}

func (f *rowFailure) Error() string { return fmt.Sprintf("row %d: %v", f.row, f.err) }
func (f *rowFailure) Unwrap() error { return f.err }

// runSuggestions submits the rows one by one, so that their numbers
// follow the file's order, and accepts and assigns them a few at a time
// behind. The first failure stops the rest.
func (im *Importer) runSuggestions(ctx context.Context, p access.Principal, rows []sgRow, res *Result) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(importWorkers)
	for _, r := range rows {
		if gctx.Err() != nil {
			break
		}
		plan := &res.Plan[r.plan]
		id, status := "", domain.StatusSubmitted
		if r.existing != nil {
			id, status = r.existing.ID, r.existing.Status
		} else {
			sg, _, err := im.cases.Submit(gctx, p, r.submit, r.key)
			if err != nil {
				g.Go(func() error { return &rowFailure{r.row, err} })
				break
			}
			id, status = sg.ID, sg.Status
			plan.ID, plan.Number = sg.ID, sg.Number
		}
		if r.assign == nil {
			continue
		}
		g.Go(func() error {
			if err := im.assignRow(gctx, p, id, status, *r.assign); err != nil {
				return &rowFailure{r.row, err}
			}
			return nil
		})
	}
	return g.Wait()
}

// assignRow accepts a submitted case and assigns an accepted one.
func (im *Importer) assignRow(ctx context.Context, p access.Principal, id string, status domain.Status, in domain.AssignInput) error {
	if status == domain.StatusSubmitted {
		sg, err := im.cases.Review(ctx, p, id, domain.ReviewInput{Decision: "accept"})
		if err != nil {
			return err
		}
		status = sg.Status
	}
	if status == domain.StatusAccepted {
		if _, err := im.cases.Assign(ctx, p, id, in); err != nil {
			return err
		}
	}
	return nil
}

// planSuggestions reads each row into a submission (and an assignment),
// and finds the cases already there.
func (im *Importer) planSuggestions(ctx context.Context, sh sheet, res *Result) ([]sgRow, []RowError, error) {
	cols := columnsOf[KindSuggestions]
	n, err := im.roster(ctx)
	if err != nil {
		return nil, nil, err
	}
	var rows []sgRow
	var errs []RowError
	seen := map[string]int{}
	for _, r := range sh.rows {
		in := domain.SubmitInput{Title: sh.get(r, "标题"), Content: sh.get(r, "内容"), Kind: "suggestion", Category: sh.get(r, "类别")}
		var bad []RowError
		named := map[string]bool{}
		if v := sh.get(r, "领衔代表"); v != "" {
			named["lead_deputy_id"] = true
			if d, e := n.deputy(r.n, "领衔代表", v); e != nil {
				bad = append(bad, *e)
			} else {
				in.LeadDeputyID = d.ID
			}
		}
		in.CoSignerIDs = []string{}
		for _, v := range splitNames(sh.get(r, "联名代表")) {
			named["co_signer_ids"] = true
			if d, e := n.deputy(r.n, "联名代表", v); e != nil {
				bad = append(bad, *e)
			} else {
				in.CoSignerIDs = append(in.CoSignerIDs, d.ID)
			}
		}
		if v := sh.get(r, "提出时间"); v != "" {
			when, ok := submittedInOf(v)
			if !ok {
				bad = append(bad, rowError(r.n, "提出时间", refusal.ImportSubmittedIn, "value", v))
				named["submitted_in"] = true
			}
			in.SubmittedIn = when
		}
		if err := validation.Check(in); err != nil {
			fe, err := fieldErrors(r.n, cols, err)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range fe {
				// A name already refused is not also "required".
				if !(e.Code == refusal.Required && namedColumn(cols, named, e.Column)) {
					bad = append(bad, e)
				}
			}
		}
		if dupSigner(in) {
			bad = append(bad, rowError(r.n, "联名代表", refusal.DuplicateDeputy))
		}
		assign, aerrs := assignmentOf(sh, r, n, cols)
		bad = append(bad, aerrs...)
		if len(bad) > 0 {
			errs = append(errs, bad...)
			continue
		}
		dupKey := in.LeadDeputyID + "\x00" + in.Title
		if prev, ok := seen[dupKey]; ok {
			errs = append(errs, rowError(r.n, "标题", refusal.ImportDuplicateRow, "row", strconv.Itoa(prev), "column", "标题和领衔代表"))
			continue
		}
		seen[dupKey] = r.n
		key, err := rowKey(in)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, sgRow{row: r.n, submit: in, key: key, assign: assign})
	}
	if err := im.matchExisting(ctx, rows); err != nil {
		return nil, nil, err
	}
	for i := range rows {
		r := &rows[i]
		plan := RowPlan{Row: r.row, Action: ActionCreate, Name: r.submit.Title}
		if e := r.existing; e != nil {
			plan.ID, plan.Action = e.ID, ActionUnchanged
			// A case already there is taken on only to finish what its row
			// asks: an import that stopped half-way is imported again.
			if r.assign != nil && (e.Status == domain.StatusSubmitted || e.Status == domain.StatusAccepted) {
				plan.Action = ActionUpdate
				plan.Changes = []string{"主办单位"}
			}
		}
		r.plan = len(res.Plan)
		res.Plan = append(res.Plan, plan)
	}
	sortErrors(errs)
	return rows, errs, nil
}

// namedColumn says whether a refusal's column is one whose names the row
// gave (and which were refused already, or will be resolved).
func namedColumn(cols []column, named map[string]bool, header string) bool {
	for _, c := range cols {
		if c.header == header {
			return named[c.field]
		}
	}
	return false
}

func dupSigner(in domain.SubmitInput) bool {
	seen := map[string]bool{in.LeadDeputyID: true}
	for _, id := range in.CoSignerIDs {
		if seen[id] {
			return true
		}
		seen[id] = true
	}
	return false
}

// assignmentOf reads a row's units and people; nil without a lead unit.
// The leader in charge and the handler default to the unit's own.
func assignmentOf(sh sheet, r tableRow, n names, cols []column) (*domain.AssignInput, []RowError) {
	leadName, coNames := sh.get(r, "主办单位"), splitNames(sh.get(r, "协办单位"))
	leader, handler := sh.get(r, "分管领导"), sh.get(r, "专办人员")
	var errs []RowError
	if leadName == "" {
		for _, c := range []struct {
			header string
			set    bool
		}{{"协办单位", len(coNames) > 0}, {"分管领导", leader != ""}, {"专办人员", handler != ""}} {
			if c.set {
				errs = append(errs, rowError(r.n, c.header, refusal.ImportLeadUnitNeeded, "column", c.header))
			}
		}
		return nil, errs
	}
	in := domain.AssignInput{CoUnitIDs: []string{}, Leader: leader, Handler: handler}
	lead, e := n.unit(r.n, "主办单位", leadName)
	if e != nil {
		errs = append(errs, *e)
	} else {
		in.LeadUnitID = lead.ID
		if in.Leader == "" {
			in.Leader = lead.Leader
		}
		if in.Handler == "" {
			in.Handler = lead.Handler
		}
		for _, c := range []struct {
			header, value string
		}{{"分管领导", in.Leader}, {"专办人员", in.Handler}} {
			if c.value == "" {
				errs = append(errs, rowError(r.n, c.header, refusal.ImportAssignPerson, "unit", lead.Name, "column", c.header))
			}
		}
	}
	seen := map[string]bool{in.LeadUnitID: true}
	for _, v := range coNames {
		u, e := n.unit(r.n, "协办单位", v)
		if e != nil {
			errs = append(errs, *e)
			continue
		}
		if seen[u.ID] {
			errs = append(errs, rowError(r.n, "协办单位", refusal.DuplicateUnit))
			continue
		}
		seen[u.ID] = true
		in.CoUnitIDs = append(in.CoUnitIDs, u.ID)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := validation.Check(in); err != nil {
		fe, ferr := fieldErrors(r.n, cols, err)
		if ferr != nil {
			// Not a refusal of fields: say it on the lead unit's column.
			fe = []RowError{rowError(r.n, "主办单位", refusal.InvalidValue, "rule", ferr.Error())}
		}
		return nil, fe
	}
	return &in, nil
}

// rowKey is the idempotency key of a row: the same row imported again is
// the same submission.
func rowKey(in domain.SubmitInput) (string, error) {
	raw, err := json.Marshal(struct {
		Title, Content, Category, Lead, SubmittedIn string
		CoSigners                                   []string
	}{in.Title, in.Content, in.Category, in.LeadDeputyID, in.SubmittedIn, in.CoSignerIDs})
	if err != nil {
		return "", fmt.Errorf("key of an imported row: %w", err)
	}
	return "import:" + domain.Digest(raw), nil
}

// matchExisting finds, for each row, the case its lead deputy already has
// under its title.
func (im *Importer) matchExisting(ctx context.Context, rows []sgRow) error {
	leads := map[string]bool{}
	var ids []string
	for _, r := range rows {
		if !leads[r.submit.LeadDeputyID] {
			leads[r.submit.LeadDeputyID] = true
			ids = append(ids, r.submit.LeadDeputyID)
		}
	}
	found, err := im.st.SuggestionTitles(ctx, ids)
	if err != nil {
		return store.Refused(err, "suggestion")
	}
	by := map[string]store.SuggestionTitle{}
	for _, f := range found {
		k := f.LeadDeputyID + "\x00" + f.Title
		if _, ok := by[k]; !ok {
			by[k] = f
		}
	}
	for i := range rows {
		if f, ok := by[rows[i].submit.LeadDeputyID+"\x00"+rows[i].submit.Title]; ok {
			rows[i].existing = &f
		}
	}
	return nil
}
