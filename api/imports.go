package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"suggestflow/i18n"
	"suggestflow/refusal"
	"suggestflow/roster"
)

// importMemory is how much of an upload is kept in memory while the form
// is parsed; the rest goes to a temporary file.
const importMemory = 1 << 20

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// importRoute is the upload route, which has its own body limit.
const importRoute = "/api/v1/imports/:kind"

// uploadRequest says whether a request is an upload with the import's
// larger body limit (the API's route or a page's import form); every other
// request keeps the server's limit.
func uploadRequest(c echo.Context) bool {
	r := c.Request()
	if r.Method != http.MethodPost {
		return false
	}
	// An attachment has the policy's limit, which its reader applies
	// (attachments.Read).
	return c.Path() == importRoute || c.Path() == attachRoute ||
		(strings.HasPrefix(r.URL.Path, "/ui/") && (strings.HasSuffix(r.URL.Path, "/import") || strings.HasSuffix(r.URL.Path, "/attachments")))
}

// importRefused is the answer to a file with errors: the import's result,
// as a problem document.
type importRefused struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	roster.Result
}

func (s *Server) importRecords(c echo.Context) error {
	kind := c.Param("kind")
	if err := roster.KnownKind(kind); err != nil {
		return err
	}
	data, form, err := s.upload(c)
	if err != nil {
		return err
	}
	dry, err := dryRun(c.QueryParam("dry_run"), form)
	if err != nil {
		return err
	}
	res, err := s.importer.Import(c.Request().Context(), principalOf(c), kind, data, dry)
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		rf := refusal.New(refusal.Invalid, refusal.ImportRowsInvalid, "count", strconv.Itoa(len(res.Errors)))
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		return c.JSON(http.StatusUnprocessableEntity, importRefused{Type: "about:blank", Title: http.StatusText(http.StatusUnprocessableEntity),
			Status: http.StatusUnprocessableEntity, Detail: rf.Text(i18n.Raw), Code: rf.Code, Result: res})
	}
	return c.JSON(http.StatusOK, res)
}

// upload reads the multipart field "file" within roster.MaxUploadBytes; the
// form's other values come back too.
func (s *Server) upload(c echo.Context) ([]byte, url.Values, error) {
	r := c.Request()
	tooLarge := refusal.New(refusal.TooLarge, refusal.ImportFileTooLarge, "limit_mb", strconv.Itoa(roster.MaxUploadBytes>>20))
	if r.ContentLength > roster.MaxUploadBytes {
		return nil, nil, tooLarge
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, roster.MaxUploadBytes)
	if err := r.ParseMultipartForm(importMemory); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, nil, tooLarge.WithCause(err)
		case errors.Is(err, http.ErrNotMultipart):
			return nil, nil, refusal.New(refusal.BadRequest, refusal.ImportFileRequired).WithCause(err)
		}
		return nil, nil, refusal.New(refusal.BadRequest, refusal.ImportFileRequired).WithCause(fmt.Errorf("read the upload: %w", err))
	}
	defer func() {
		// Temporary files of a large upload; failing to remove one leaves
		// a file in the temp dir, which is not worth failing the import.
		if err := r.MultipartForm.RemoveAll(); err != nil {
			s.log.WarnContext(r.Context(), "remove an upload's temporary files", "error", err)
		}
	}()
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		return nil, nil, refusal.New(refusal.BadRequest, refusal.ImportFileRequired)
	}
	f, err := files[0].Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open the upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("read the upload: %w", err)
	}
	return data, url.Values(r.MultipartForm.Value), nil
}

// dryRun reads dry_run from the query or the form: true, false or absent.
func dryRun(query string, form url.Values) (bool, error) {
	v := query
	if v == "" {
		v = form.Get("dry_run")
	}
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, refusal.OnField("dry_run", refusal.BoolValue)
	}
	return b, nil
}

func (s *Server) importTemplate(c echo.Context) error {
	kind := c.Param("kind")
	body, err := roster.Template(kind)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-template.xlsx"; filename*=UTF-8''%s`,
		kind, url.PathEscape(roster.TemplateFile(kind))))
	return c.Blob(http.StatusOK, xlsxType, body)
}
