package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"suggestflow/access"
	"suggestflow/attachments"
	"suggestflow/domain"
	"suggestflow/refusal"
	"suggestflow/store"
)

// attachForm is the upload form's name among the page's forms.
const attachForm = "attach"

const (
	routeAttachments = "GET /api/v1/suggestions/:id/attachments"
	routeAttach      = "POST /api/v1/suggestions/:id/attachments"
)

// attachmentView is a file as the case page lists it.
type attachmentView struct {
	store.Attachment
	Uploader string
	SizeText string
	Kind     string
	Short    string
	Thumb    bool
}

// attachStep is one step's files.
type attachStep struct {
	Step  string
	Files []attachmentView
}

// attachmentData adds the case's files, by step, and the upload form's
// steps for a caller who may add files.
func (w *web) attachmentData(ctx context.Context, lang string, wc *webCtx, sg domain.Suggestion, failed *formState, d *sgData) error {
	facts := access.SuggestionFacts(sg)
	if may(wc.p, routeAttachments, &facts) != access.Allow {
		return nil
	}
	list, err := w.attach.List(ctx, sg.ID)
	if err != nil {
		return err
	}
	uploaders := map[string]string{}
	byStep := map[string][]attachmentView{}
	for _, a := range list {
		name, ok := uploaders[a.UploadedBy]
		if !ok {
			name = tr(lang, "role."+a.UploaderRole)
			if acc, err := w.store.AccountByID(ctx, a.UploadedBy); err == nil && acc.Name != "" {
				name = acc.Name
			}
			uploaders[a.UploadedBy] = name
		}
		short := a.SHA256
		if len(short) > 12 {
			short = short[:12]
		}
		byStep[a.Step] = append(byStep[a.Step], attachmentView{Attachment: a, Uploader: name, SizeText: attachments.Size(a.Size),
			Kind: attachments.Kind(a.ContentType), Short: short, Thumb: attachments.Inline(a.ContentType)})
	}
	for _, step := range attachments.Steps {
		if files := byStep[step]; len(files) > 0 {
			d.Attachments = append(d.Attachments, attachStep{Step: step, Files: files})
			d.AttachmentCount += len(files)
		}
	}
	if may(wc.p, routeAttach, &facts) == access.Allow {
		d.UploadSteps = attachments.UploadSteps(wc.p, facts)
	}
	if len(d.UploadSteps) > 0 {
		l, err := w.attach.Limits(ctx)
		if err != nil {
			return err
		}
		d.AttachHint = fmt.Sprintf(tr(lang, "attach.hint"), attachments.Size(l.MaxBytes), l.MaxPerStep)
	}
	if failed != nil && failed.Name == attachForm {
		d.Upload = failed
	}
	return nil
}

// attachUpload keeps a file sent from the case page. The form is read
// within the attachment limit first: its CSRF token is one of its fields.
func (w *web) attachUpload(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	sg, err := w.loadSuggestion(r, wc)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	l, err := w.attach.Limits(r.Context())
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	up, err := attachments.Read(rw, r, l)
	r.PostForm = url.Values(up.Fields)
	if !sameToken(r.PostForm.Get("csrf"), wc.sess.csrf) {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.CSRFInvalid))
		return
	}
	facts := access.SuggestionFacts(sg)
	if err == nil {
		err = w.allowWrite(wc, routeAttach, &facts)
	}
	var a store.Attachment
	if err == nil {
		a, err = w.attach.Add(r.Context(), wc.p, sg, up)
	}
	w.audit(r, wc, "/ui/suggestions/:id/attachments", sg.ID, err)
	if w.refuse(rw, r, wc, attachForm, err, func(status int, f *formState) { w.showSuggestion(rw, r, wc, status, sg, f) }) {
		return
	}
	w.setFlash(r, wc, fmt.Sprintf(tr(langOf(r), "attach.done"), a.Name))
	http.Redirect(rw, r, "/ui/suggestions/"+url.PathEscape(sg.ID)+"#attachments", http.StatusSeeOther)
}

// attachmentFile sends a file (a thumbnail, a download) to whoever may
// see its case; anyone else is told there is no such file.
func (w *web) attachmentFile(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	ctx := r.Context()
	hidden := refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", "attachment")
	a, err := w.store.Attachment(ctx, r.PathValue("id"))
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "attachment"))
		return
	}
	sg, err := w.store.Suggestion(ctx, a.SuggestionID)
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "attachment"))
		return
	}
	facts := access.SuggestionFacts(sg)
	if may(wc.p, routeAttachments, &facts) != access.Allow {
		w.webError(rw, r, wc, hidden)
		return
	}
	// Opened before the status is sent: bytes that cannot be read (an
	// object store that is down) are an error page, not a short file.
	body, err := w.store.OpenAttachment(ctx, a.ID)
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "attachment"))
		return
	}
	defer body.Close()
	attachments.Headers(rw.Header(), a)
	rw.WriteHeader(http.StatusOK)
	if _, err := io.Copy(rw, body); err != nil {
		// The status is sent; the browser sees a short file.
		w.log.ErrorContext(ctx, "web: send attachment", "attachment", a.ID, "error", err)
	}
}
