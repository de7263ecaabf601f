// Package attachments holds the rules of the files kept with a case:
// which types are taken (judged by the content, not the name), how large
// a file and how many a step may be (the policy's attachment_max_bytes and
// attachment_max_per_step), and who may add a file to which step. The API
// and the pages both read an upload and add it through Service, so the
// rules are the same whichever way a file comes in.
package attachments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"suggestflow/access"
	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
)

// The steps of a case a file belongs to.
const (
	StepSubmission   = "submission"
	StepConsultation = "consultation"
	StepProgress     = "progress"
	StepReply        = "reply"
	StepCompletion   = "completion"
	StepMinutes      = "minutes"
	StepReferral     = "referral"
)

// Steps are every step, in the order of a case.
var Steps = []string{StepSubmission, StepConsultation, StepProgress, StepReply, StepCompletion, StepMinutes, StepReferral}

// allowed are the types taken, as mimetype names them: photos, PDF,
// Office and OpenDocument files, plain text. Anything else (a program, an
// archive, a web page, a script) is refused, whatever its name says.
var allowed = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"image/heic": true, "image/heif": true,
	"application/pdf":    true,
	"application/msword": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": true,
	"application/vnd.ms-excel": true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         true,
	"application/vnd.ms-powerpoint":                                             true,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
	"application/vnd.oasis.opendocument.text":                                   true,
	"application/vnd.oasis.opendocument.spreadsheet":                            true,
	"text/plain": true,
}

// images a browser shows: they are served inline and as thumbnails.
var images = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// Judge is the type of a file by its content, and whether it is taken.
// The type keeps its parameters (text's charset), for the Content-Type
// it is served with.
func Judge(data []byte) (contentType string, ok bool) {
	// Only the file's own type counts, never a more general one it is a
	// kind of: an HTML page is text and a JAR is a ZIP, and neither is
	// taken.
	m := mimetype.Detect(data).String()
	base, _, _ := strings.Cut(m, ";")
	return m, allowed[base]
}

// Size is a number of bytes for people: 20 MB, 512 KB, 30 B.
func Size(n int64) string {
	f := func(v float64, unit string) string {
		s := strconv.FormatFloat(v, 'f', 1, 64)
		return strings.TrimSuffix(s, ".0") + " " + unit
	}
	switch {
	case n >= 1<<20:
		return f(float64(n)/(1<<20), "MB")
	case n >= 1<<10:
		return f(float64(n)/(1<<10), "KB")
	}
	return strconv.FormatInt(n, 10) + " B"
}

// Kind is the family of a type, for people: photo, pdf, office or text.
func Kind(contentType string) string {
	base, _, _ := strings.Cut(contentType, ";")
	switch {
	case strings.HasPrefix(base, "image/"):
		return "photo"
	case base == "application/pdf":
		return "pdf"
	case strings.HasPrefix(base, "text/"):
		return "text"
	}
	return "office"
}

// Inline says whether a type is a photo a browser shows in the page.
func Inline(contentType string) bool {
	base, _, _ := strings.Cut(contentType, ";")
	return images[strings.TrimSpace(base)]
}

// UploadSteps are the steps a caller may add files to on a case: the
// presidium's office every step; the lead deputy the submission; the lead
// unit the steps of its handling; a co-handling unit the consultation and
// the progress it takes part in. Anyone else none.
func UploadSteps(p access.Principal, o access.Object) []string {
	switch {
	case p.Presidium():
		return Steps
	case p.Role == access.RoleDeputy && p.DeputyID != "" && o.LeadDeputyID == p.DeputyID:
		return []string{StepSubmission}
	case p.Role == access.RoleUnit && p.UnitID != "" && o.LeadUnitID == p.UnitID:
		return []string{StepConsultation, StepProgress, StepReply, StepCompletion}
	case p.Role == access.RoleUnit && p.UnitID != "" && slices.Contains(o.CoUnitIDs, p.UnitID):
		return []string{StepConsultation, StepProgress}
	}
	return nil
}

// MayUpload says whether the caller may add a file to the step.
func MayUpload(p access.Principal, o access.Object, step string) bool {
	return slices.Contains(UploadSteps(p, o), step)
}

// Limits are the policy's limits on files.
type Limits struct {
	MaxBytes   int64
	MaxPerStep int
}

// LimitsOf reads the limits from a policy.
func LimitsOf(p policy.Policy) Limits {
	b, n := p.AttachmentLimits()
	return Limits{MaxBytes: b, MaxPerStep: n}
}

// TooLarge is the refusal of a file over the limit.
func (l Limits) TooLarge() *refusal.Error {
	return refusal.New(refusal.TooLarge, refusal.AttachmentTooLarge, "limit", Size(l.MaxBytes))
}

// Upload is a file as a form sent it.
type Upload struct {
	Name string
	Step string
	Data []byte
	// Fields are the form's other values (the pages' CSRF token).
	Fields map[string][]string
}

// formOverhead is what a form may carry beside the file: its other
// fields and the parts' headers.
const formOverhead = 64 << 10

// maxFieldBytes bounds one field other than the file.
const maxFieldBytes = 4 << 10

// Read reads a multipart form with a field "file" and a field "step",
// holding at most limit+1 bytes of the file and never more than the
// limit and a little besides of the body. A file over the limit is
// refused as too large, a form without a file as incomplete; on a
// refusal the fields read so far come back (a page's CSRF token comes
// first in its form).
func Read(w http.ResponseWriter, r *http.Request, l Limits) (Upload, error) {
	if r.ContentLength > l.MaxBytes+formOverhead {
		return Upload{}, l.TooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, l.MaxBytes+formOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return Upload{}, refusal.New(refusal.BadRequest, refusal.AttachmentFileRequired).WithCause(err)
	}
	up := Upload{Fields: map[string][]string{}}
	seen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, readError(err, l)
		}
		switch name := part.FormName(); {
		case name == "file" && !seen:
			seen = true
			up.Name = cleanName(part.FileName())
			up.Data, err = io.ReadAll(io.LimitReader(part, l.MaxBytes+1))
			if err != nil {
				return up, readError(err, l)
			}
			if int64(len(up.Data)) > l.MaxBytes {
				up.Data = nil
				return up, l.TooLarge()
			}
		case name != "":
			v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return up, readError(err, l)
			}
			if len(v) > maxFieldBytes {
				return up, refusal.OnField(name, refusal.TooLong, "max", strconv.Itoa(maxFieldBytes))
			}
			up.Fields[name] = append(up.Fields[name], string(v))
		}
		part.Close()
	}
	if s := up.Fields["step"]; len(s) > 0 {
		up.Step = s[0]
	}
	if !seen || len(up.Data) == 0 {
		return up, refusal.New(refusal.BadRequest, refusal.AttachmentFileRequired)
	}
	return up, nil
}

func readError(err error, l Limits) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return l.TooLarge().WithCause(err)
	}
	return refusal.New(refusal.BadRequest, refusal.AttachmentFileRequired).WithCause(fmt.Errorf("read the upload: %w", err))
}

// cleanName keeps the last element of a file name, without control
// characters, at most 200 characters: a name is shown and sent back in a
// header, never used as a path.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." || name == "/" {
		return "file"
	}
	return name
}

// Headers are a download's headers, the same from the API and the pages:
// the type judged at upload, its name, nosniff and a sandbox so that a
// browser never takes the bytes for anything else, and no caching.
func Headers(h http.Header, a store.Attachment) {
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", Disposition(a))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
}

// Disposition is the Content-Disposition of a file: inline for a photo,
// else attachment, with the name in UTF-8 (RFC 6266) and an ASCII
// fallback.
func Disposition(a store.Attachment) string {
	kind := "attachment"
	if Inline(a.ContentType) {
		kind = "inline"
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, a.Name)
	return mime.FormatMediaType(kind, map[string]string{"filename": ascii}) + "; filename*=UTF-8''" + pathEscape(a.Name)
}

// pathEscape percent-encodes all but RFC 5987's attr-chars.
func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Service adds and lists a case's files.
type Service struct {
	store  *store.Store
	policy func(context.Context) (policy.Policy, error)
	now    func() time.Time
}

// New is the service over the store; pol is the policy in force (the
// settings page's values on top of the file's).
func New(st *store.Store, pol func(context.Context) (policy.Policy, error), now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, policy: pol, now: now}
}

// Limits are the limits in force.
func (s *Service) Limits(ctx context.Context) (Limits, error) {
	p, err := s.policy(ctx)
	if err != nil {
		return Limits{}, fmt.Errorf("attachment limits: %w", err)
	}
	return LimitsOf(p), nil
}

// Add keeps an uploaded file with a case the caller may see: the step
// must be one the caller may add to, the type one taken, the step not yet
// full. A refusal stores nothing.
func (s *Service) Add(ctx context.Context, p access.Principal, sg domain.Suggestion, up Upload) (store.Attachment, error) {
	if !slices.Contains(Steps, up.Step) {
		return store.Attachment{}, refusal.OnField("step", refusal.OneOf, "values", strings.Join(Steps, ", "))
	}
	if !MayUpload(p, access.SuggestionFacts(sg), up.Step) {
		return store.Attachment{}, refusal.New(refusal.Forbidden, refusal.AttachmentStepNotYours, "attach_step", up.Step)
	}
	l, err := s.Limits(ctx)
	if err != nil {
		return store.Attachment{}, err
	}
	if int64(len(up.Data)) > l.MaxBytes {
		return store.Attachment{}, l.TooLarge()
	}
	ct, ok := Judge(up.Data)
	if !ok {
		return store.Attachment{}, refusal.New(refusal.UnsupportedType, refusal.AttachmentType, "type", ct)
	}
	sum := sha256.Sum256(up.Data)
	a := store.Attachment{ID: domain.NewID("at_"), SuggestionID: sg.ID, Step: up.Step, Name: up.Name, ContentType: ct,
		Size: int64(len(up.Data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: p.AccountID, UploaderRole: p.Role,
		CreatedAt: s.now().UTC().Truncate(time.Second)}
	params := map[string]string{"name": a.Name, "sha256": a.SHA256, "attach_step": a.Step}
	ev := domain.Event{ID: sg.ID + "-" + a.ID, SuggestionID: sg.ID, At: a.CreatedAt, Actor: domain.Actor{ID: p.AccountID, Role: p.Role},
		Type: "attached", Params: params, Detail: i18n.Event(i18n.Raw, "attached", params)}
	if err := s.store.AddAttachment(ctx, a, up.Data, l.MaxPerStep, ev); err != nil {
		if errors.Is(err, store.ErrTooMany) {
			return store.Attachment{}, refusal.New(refusal.Conflict, refusal.AttachmentTooMany, "max", strconv.Itoa(l.MaxPerStep), "attach_step", a.Step)
		}
		return store.Attachment{}, store.Refused(err, "attachment")
	}
	return a, nil
}

// List is a case's files, oldest first.
func (s *Service) List(ctx context.Context, suggestionID string) ([]store.Attachment, error) {
	list, err := s.store.Attachments(ctx, suggestionID)
	if err != nil {
		return nil, store.Refused(err, "attachment")
	}
	return list, nil
}
