package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"suggestflow/access"
	"suggestflow/i18n"
	"suggestflow/refusal"
	"suggestflow/roster"
)

// The import pages: /ui/deputies/import, /ui/units/import and
// /ui/suggestions/import. One form uploads a file for a dry run ("试导入")
// or an import; a dry run's page shows each row's outcome and every error,
// and carries the file it read to its "导入" button, so that what is
// imported is exactly what was tried, without choosing the file again.

const routeImport = "POST /api/v1/imports/:kind"

// importShown bounds the rows a result page lists; the counts cover all.
const importShown = 1000

// carryMax is the largest file a dry run's page carries to its import
// button (as base64 in the form); a larger one is chosen again.
const carryMax = 2 << 20

// importKinds are the pages of each kind: their title and the list they
// belong to.
var importKinds = map[string]struct{ title, list string }{
	roster.KindDeputies:    {"imp.title.deputies", "/ui/deputies"},
	roster.KindUnits:       {"imp.title.units", "/ui/units"},
	roster.KindSuggestions: {"imp.title.suggestions", "/ui/suggestions"},
}

// importData is an import page's data.
type importData struct {
	Kind, Title, List string
	Headers           []string
	MaxRows, MaxMB    int
	// Error is why the whole file was refused.
	Error string
	// Tried: a file was read (a dry run or an import); Done: it was
	// imported.
	Tried, Done, DryRun bool
	Result              roster.Result
	Errors              []importError
	Rows                []importRow
	Hidden              int // rows and errors beyond importShown
	Carry, FileName     string
	// Ignored are the file's columns that are none of the kind's.
	Ignored string
}

type importError struct {
	Row    int
	Column string
	Text   string
}

type importRow struct {
	Row           int
	Action, Label string
	Name, Group   string
	Changes       string
	Link, Number  string
}

// importKindOf is the kind a page's path names ("/ui/units/import").
func importKindOf(r *http.Request) string {
	p := strings.TrimSuffix(strings.TrimSuffix(r.URL.Path, "/template.xlsx"), "/import")
	return path.Base(p)
}

func (w *web) mayImport(rw http.ResponseWriter, r *http.Request, wc *webCtx) bool {
	if may(wc.p, routeImport, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "import"))
		return false
	}
	return true
}

func (w *web) importPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if w.mayImport(rw, r, wc) {
		w.showImport(rw, r, wc, http.StatusOK, w.importBase(importKindOf(r)))
	}
}

func (w *web) importBase(kind string) importData {
	k := importKinds[kind]
	return importData{Kind: kind, Title: k.title, List: k.list, Headers: roster.Headers(kind),
		MaxRows: roster.MaxRows[kind], MaxMB: roster.MaxUploadBytes >> 20}
}

func (w *web) showImport(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, d importData) {
	w.render(rw, r, wc, status, "import", d.Title, d)
}

func (w *web) importTemplate(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.mayImport(rw, r, wc) {
		return
	}
	kind := importKindOf(r)
	body, err := roster.Template(kind)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-template.xlsx"; filename*=UTF-8''%s`,
		kind, url.PathEscape(roster.TemplateFile(kind))))
	rw.Header().Set("Cache-Control", "no-store")
	w.send(rw, r, xlsxType, body)
}

// upload reads a multipart form within the import's limit before the
// CSRF check, which reads its token from the parsed form.
func (w *web) upload(h webHandler) webHandler {
	return func(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
		tooLarge := refusal.New(refusal.TooLarge, refusal.ImportFileTooLarge, "limit_mb", strconv.Itoa(roster.MaxUploadBytes>>20))
		if r.ContentLength > roster.MaxUploadBytes {
			w.webError(rw, r, wc, tooLarge)
			return
		}
		r.Body = http.MaxBytesReader(rw, r.Body, roster.MaxUploadBytes)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				w.webError(rw, r, wc, tooLarge.WithCause(err))
				return
			}
			w.webError(rw, r, wc, refusal.New(refusal.BadRequest, refusal.ImportFileRequired).WithCause(err))
			return
		}
		defer func() {
			// A large upload's temporary files; one left behind is not
			// worth failing the import for.
			if err := r.MultipartForm.RemoveAll(); err != nil {
				w.log.Warn("web: removing an upload's temporary files failed", "error", err)
			}
		}()
		h(rw, r, wc)
	}
}

// importFile is the chosen file, or the one a dry run's page carried.
func importFile(r *http.Request) ([]byte, string, error) {
	if files := r.MultipartForm.File["file"]; len(files) > 0 && files[0].Size > 0 {
		f, err := files[0].Open()
		if err != nil {
			return nil, "", fmt.Errorf("open the upload: %w", err)
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, "", fmt.Errorf("read the upload: %w", err)
		}
		return data, files[0].Filename, nil
	}
	if c := r.PostFormValue("carry"); c != "" {
		data, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			return nil, "", refusal.New(refusal.BadRequest, refusal.ImportFileRequired).WithCause(err)
		}
		return data, r.PostFormValue("file_name"), nil
	}
	return nil, "", refusal.New(refusal.BadRequest, refusal.ImportFileRequired)
}

func (w *web) importPost(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.mayImport(rw, r, wc) {
		return
	}
	lang := langOf(r)
	kind := importKindOf(r)
	d := w.importBase(kind)
	d.DryRun = r.PostFormValue("dry_run") == "true"
	data, name, err := importFile(r)
	var res roster.Result
	if err == nil {
		// One import is one write, however many rows it has.
		err = w.allowWrite(wc, routeImport, nil)
	}
	if err == nil {
		res, err = w.importer.Import(r.Context(), wc.p, kind, data, d.DryRun)
	}
	audited := err
	if err == nil && len(res.Errors) > 0 {
		audited = refusal.New(refusal.Invalid, refusal.ImportRowsInvalid, "count", strconv.Itoa(len(res.Errors)))
	}
	w.audit(r, wc, routeImport, kind, audited)
	if err != nil {
		rf, ok := refusalOf(err)
		if !ok || rf.Kind == refusal.Unavailable {
			w.webError(rw, r, wc, err)
			return
		}
		d.Error = summary(lang, rf, w.policy.Location())
		w.showImport(rw, r, wc, rf.Kind.Status(), d)
		return
	}
	d.Tried, d.Result, d.FileName = true, res, name
	d.Done = !d.DryRun && len(res.Errors) == 0
	d.Ignored = strings.Join(res.IgnoredColumns, tr(lang, "list.sep"))
	o := i18n.For(lang, w.policy.Location())
	for i, e := range res.Errors {
		if i == importShown {
			d.Hidden += len(res.Errors) - importShown
			break
		}
		d.Errors = append(d.Errors, importError{Row: e.Row, Column: e.Column, Text: e.Text(o)})
	}
	for i, p := range res.Plan {
		if i == importShown {
			d.Hidden += len(res.Plan) - importShown
			break
		}
		row := importRow{Row: p.Row, Action: p.Action, Label: tr(lang, "imp.action."+p.Action), Name: p.Name, Group: p.Group,
			Changes: strings.Join(p.Changes, tr(lang, "list.sep")), Number: p.Number}
		if p.ID != "" {
			row.Link = d.List + "/" + url.PathEscape(p.ID)
		}
		d.Rows = append(d.Rows, row)
	}
	if d.DryRun && len(res.Errors) == 0 && len(data) <= carryMax {
		d.Carry = base64.StdEncoding.EncodeToString(data)
	}
	status := http.StatusOK
	if len(res.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	w.showImport(rw, r, wc, status, d)
}
