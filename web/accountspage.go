package web

import (
	"net/http"
	"net/url"

	"suggestflow/accounts"
	"suggestflow/domain"
	"suggestflow/store"
)

// The accounts' pages (admins only, as the API): who signs in, as what,
// their first or reset password, retiring, and the tokens scripts use.

const routeCreateAccount = "POST /api/v1/accounts"

var accountKind = &recordKind{
	Path: "/ui/accounts", Title: "accounts.title", One: "rec.account", Route: routeCreateAccount, Extra: "accounts.help",
	ID:     func(r any) string { return r.(store.AccountRecord).ID },
	Active: func(r any) bool { return r.(store.AccountRecord).Active },
	Values: func(r any) url.Values {
		a := r.(store.AccountRecord)
		return url.Values{"name": {a.Name}, "username": {a.Username}, "role": {a.Role}, "unit_id": {a.UnitID}, "deputy_id": {a.DeputyID}}
	},
}

func roleOptions(lang string) []option {
	out := []option{}
	for _, r := range []string{"staff", "unit", "deputy", "admin"} {
		out = append(out, option{r, tr(lang, "role."+r)})
	}
	return out
}

// accountKindFor is the accounts' kind with what the form's pickers offer.
func (w *web) accountKindFor(r *http.Request, editing bool) (*recordKind, error) {
	lang := langOf(r)
	_, units, err := w.unitNames(r.Context())
	if err != nil {
		return nil, err
	}
	deputies, err := w.allDeputies(r.Context())
	if err != nil {
		return nil, err
	}
	unitOpts, deputyOpts := []option{}, []option{}
	unitName, deputyName := map[string]string{}, map[string]string{}
	for _, u := range units {
		unitName[u.ID] = u.Name
		if u.Active {
			unitOpts = append(unitOpts, option{u.ID, u.Name})
		}
	}
	for _, d := range deputies {
		deputyName[d.ID] = d.Name
		deputyOpts = append(deputyOpts, option{d.ID, deputyLabel(d)})
	}
	k := *accountKind
	k.Columns = []column{
		{"f.name", func(r any) string { return r.(store.AccountRecord).Name }},
		{"login.username", func(r any) string { return r.(store.AccountRecord).Username }},
		{"f.role", func(r any) string { return tr(lang, "role."+r.(store.AccountRecord).Role) }},
		{"accounts.acts_for", func(r any) string {
			a := r.(store.AccountRecord)
			return unitName[a.UnitID] + deputyName[a.DeputyID]
		}},
		{"accounts.password", func(r any) string {
			a := r.(store.AccountRecord)
			switch {
			case !a.HasPassword:
				return tr(lang, "accounts.no_password")
			case a.MustChangePassword:
				return tr(lang, "accounts.first_password")
			}
			return tr(lang, "accounts.own_password")
		}},
	}
	k.Fields = func(string) []field {
		fs := []field{
			{Name: "name", Label: "f.name", Type: "text", Required: true, Max: 100, Hint: "accounts.name_hint"},
			{Name: "username", Label: "login.username", Type: "text", Required: true, Max: 32, Hint: "accounts.username_hint"},
		}
		if editing {
			return fs
		}
		return append(fs,
			field{Name: "password", Label: "accounts.first", Type: "text", Required: true, Max: 200, Hint: "accounts.first_hint"},
			field{Name: "role", Label: "f.role", Type: "select", Required: true, Options: roleOptions(lang)},
			field{Name: "unit_id", Label: "f.unit", Type: "select", Options: unitOpts, Hint: "accounts.unit_hint"},
			field{Name: "deputy_id", Label: "f.deputy", Type: "select", Options: deputyOpts, Hint: "accounts.deputy_hint"})
	}
	return &k, nil
}

func deputyLabel(d domain.Deputy) string {
	if d.Group == "" {
		return d.Name
	}
	return d.Name + "（" + d.Group + "）"
}

func (w *web) accountList(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, accountKind) {
		return
	}
	k, err := w.accountKindFor(r, false)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	q := r.URL.Query()
	k.Filters = []field{{Name: "q", Label: "rec.search", Type: "text"},
		{Name: "role", Label: "f.role", Type: "select", Options: roleOptions(langOf(r))},
		{Name: "include_retired", Label: "rec.show_retired", Type: "checkbox"}}
	items, total, err := w.store.Accounts(r.Context(), store.AccountFilter{Query: q.Get("q"), Role: q.Get("role"), IncludeRetired: retiredFilter(r)},
		store.Page{Number: pageOf(r), Size: webPageSize})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "account"))
		return
	}
	w.showList(rw, r, wc, k, rows(items), total, nil)
}

func (w *web) newAccountPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, accountKind) {
		return
	}
	k, err := w.accountKindFor(r, false)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	// A first password to hand over, which its holder changes at once.
	def := map[string]string{"role": r.URL.Query().Get("role"), "unit_id": r.URL.Query().Get("unit_id"),
		"deputy_id": r.URL.Query().Get("deputy_id"), "password": accounts.Generate()}
	w.showForm(rw, r, wc, k, http.StatusOK, nil, &formState{Defaults: def}, nil)
}

// accountExtra is what an account's page shows below its form: its
// password reset and its script tokens.
type accountExtra struct {
	Account  store.AccountRecord
	Tokens   []store.TokenRecord
	NewToken string
	Password *formState
	Self     bool
}

func (w *web) accountPage(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showAccount(rw, r, wc, http.StatusOK, nil, accountExtra{})
}

func (w *web) showAccount(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, f *formState, extra accountExtra) {
	if !w.presidiumOnly(rw, r, wc, accountKind) {
		return
	}
	ctx := r.Context()
	acc, err := w.accounts.Get(ctx, r.PathValue("id"))
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	k, err := w.accountKindFor(r, true)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	if extra.Tokens, err = w.store.Tokens(ctx, acc.ID, w.now()); err != nil {
		w.webError(rw, r, wc, store.Refused(err, "token"))
		return
	}
	extra.Account, extra.Self = acc, acc.ID == wc.p.AccountID
	if extra.Password == nil {
		extra.Password = &formState{Defaults: map[string]string{"password": accounts.Generate()}}
	}
	w.showForm(rw, r, wc, k, status, acc, f, extra)
}

func (w *web) createAccount(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, accountKind) {
		return
	}
	in := accounts.NewAccount{Name: r.PostFormValue("name"), Username: r.PostFormValue("username"), Password: r.PostFormValue("password"),
		Role: r.PostFormValue("role")}
	// The picker of the other role is left as it was; only the role's own
	// one counts.
	switch in.Role {
	case "unit":
		in.UnitID = r.PostFormValue("unit_id")
	case "deputy":
		in.DeputyID = r.PostFormValue("deputy_id")
	}
	err := w.allowWrite(wc, routeCreateAccount, nil)
	if err == nil {
		_, err = w.accounts.Create(r.Context(), in)
	}
	k, kerr := w.accountKindFor(r, false)
	if kerr != nil {
		w.webError(rw, r, wc, kerr)
		return
	}
	w.saved(rw, r, wc, k, nil, routeCreateAccount, "", err, nil)
}

func (w *web) updateAccount(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	if !w.presidiumOnly(rw, r, wc, accountKind) || !w.knownStep(rw, r, "active", "password", "token", "revoke") {
		return
	}
	ctx, id := r.Context(), r.PathValue("id")
	route := "PATCH /api/v1/accounts/:id"
	err := w.allowWrite(wc, route, nil)
	var extra accountExtra
	var p accounts.Patch
	switch r.PathValue("what") {
	case "":
		p.Name, p.Username = formValue(r, "name"), formValue(r, "username")
	case "active":
		p.Active = activeValue(r)
	case "password":
		p.Password = formValue(r, "password")
	case "token":
		route = "POST /api/v1/accounts/:id/tokens"
		if err == nil {
			var tok accounts.MintedToken
			if tok, err = w.accounts.MintToken(ctx, id, nil); err == nil {
				// Shown this once, on this page, never kept.
				w.audit(r, wc, route, id, nil)
				extra.NewToken = tok.Token
				w.showAccount(rw, r, wc, http.StatusOK, nil, extra)
				return
			}
		}
		w.audit(r, wc, route, id, err)
		w.showAccount(rw, r, wc, http.StatusOK, nil, extra)
		return
	case "revoke":
		route = "DELETE /api/v1/tokens/:id"
		if err == nil {
			err = store.Refused(w.store.RevokeToken(ctx, r.PostFormValue("token_id"), w.now().UTC()), "token")
		}
		w.audit(r, wc, route, r.PostFormValue("token_id"), err)
		if err != nil {
			w.webError(rw, r, wc, err)
			return
		}
		w.setFlash(r, wc, tr(langOf(r), "accounts.revoked"))
		http.Redirect(rw, r, accountKind.Path+"/"+id, http.StatusSeeOther)
		return
	}
	if err == nil {
		_, err = w.accounts.Update(ctx, wc.p.AccountID, id, p)
	}
	w.audit(r, wc, route, id, err)
	if r.PathValue("what") == "password" {
		if w.refuse(rw, r, wc, "password", err, func(status int, f *formState) {
			w.showAccount(rw, r, wc, status, nil, accountExtra{Password: f})
		}) {
			return
		}
		w.setFlash(r, wc, tr(langOf(r), "accounts.reset_done"))
		http.Redirect(rw, r, accountKind.Path+"/"+id, http.StatusSeeOther)
		return
	}
	if w.refuse(rw, r, wc, "record", err, func(status int, f *formState) { w.showAccount(rw, r, wc, status, f, extra) }) {
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "rec.saved"))
	http.Redirect(rw, r, accountKind.Path, http.StatusSeeOther)
}
