package web

import (
	"net/http"

	"suggestflow/refusal"
)

// The password page: the holder changes their own password (and must,
// after a first or reset password, before any other page).

func (w *web) passwordPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showPassword(rw, r, wc, http.StatusOK, nil)
}

func (w *web) showPassword(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, f *formState) {
	acc, err := w.accounts.Get(r.Context(), wc.p.AccountID)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	w.render(rw, r, wc, status, "password", "password.title", map[string]any{"Form": f, "Account": acc})
}

func (w *web) changePassword(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	next := r.PostFormValue("new")
	var err error
	if next != r.PostFormValue("confirm") {
		err = refusal.OnField("confirm", refusal.PasswordMismatch)
	} else {
		err = w.accounts.ChangePassword(r.Context(), wc.p.AccountID, wc.tokenID, r.PostFormValue("current"), next)
	}
	// Passwords are never sent back into the form.
	r.PostForm.Del("current")
	r.PostForm.Del("new")
	r.PostForm.Del("confirm")
	if w.refuse(rw, r, wc, "password", err, func(status int, f *formState) { w.showPassword(rw, r, wc, status, f) }) {
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "password.changed"))
	http.Redirect(rw, r, "/ui/", http.StatusSeeOther)
}
