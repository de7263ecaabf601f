package api

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/labstack/echo/v4"

	"suggestflow/accounts"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
)

// fuzzBind feeds arbitrary bodies to the strict decoder and validator of
// one request type: every outcome must be success or a 4xx problem, never
// a panic or a 5xx. Seeds are here and under testdata/fuzz.
func fuzzBind[T any](f *testing.F, seeds ...string) {
	for _, s := range append(seeds, ``, `{}`, `[]`, `null`, `{"a":1}`, `{"title":`, "\xff\xfe") {
		f.Add([]byte(s))
	}
	srv := New(Deps{Policy: policy.Default()})
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		c := e.NewContext(req, httptest.NewRecorder())
		var in T
		err := srv.bind(c, &in)
		if err == nil {
			return
		}
		r, ok := refusalOf(err, http.MethodPost, "/")
		if !ok {
			t.Fatalf("body %q: %v", body, err)
		}
		if p := problemOf(r); p.Status < 400 || p.Status >= 500 || p.Detail == "" || p.Code == "" {
			t.Fatalf("body %q: %v", body, err)
		}
	})
}

func FuzzSubmitInput(f *testing.F) {
	fuzzBind[domain.SubmitInput](f, `{"title":"关于农村电网增容的建议","content":"c","kind":"suggestion","lead_deputy_id":"dp_1","co_signer_ids":["dp_2"],"submitted_in":"session","opinions":["x"]}`,
		`{"title":"t","content":"c","kind":"motion","lead_deputy_id":"d","co_signer_ids":[""],"submitted_in":"recess"}`)
}

func FuzzAssignInput(f *testing.F) {
	fuzzBind[domain.AssignInput](f, `{"lead_unit_id":"u","co_unit_ids":["v"],"leader":"l","handler":"h","complex":true}`)
}

func FuzzConsultationInput(f *testing.F) {
	fuzzBind[domain.ConsultationInput](f, `{"held_at":"2026-03-10T09:00:00+08:00","method":"on_site","participants":["a"],"notes":"n"}`,
		`{"held_at":"yesterday","method":"phone"}`)
}

func FuzzExtensionRequestInput(f *testing.F) {
	fuzzBind[domain.ExtensionRequestInput](f, `{"reason":"r","measures":"m","new_due_at":"2026-07-10T23:59:59+08:00"}`)
}

func FuzzExtensionDecisionInput(f *testing.F) {
	fuzzBind[domain.ExtensionDecisionInput](f, `{"approve":true,"comment":"同意"}`, `{"approve":"yes"}`)
}

func FuzzReplyInput(f *testing.F) {
	fuzzBind[domain.ReplyInput](f, `{"result_class":"B","content":"c","promised_at":"2026-12-31T00:00:00Z"}`, `{"result_class":"E","content":"c"}`)
}

func FuzzRatingInput(f *testing.F) {
	fuzzBind[domain.RatingInput](f, `{"deputy_id":"d","attitude":"satisfied","result":"unsatisfied","reasons":"r"}`)
}

func FuzzReviewInput(f *testing.F) {
	fuzzBind[domain.ReviewInput](f, `{"decision":"return","reason":"r","return_category":"court_case"}`)
}

func FuzzCallMeetingInput(f *testing.F) {
	fuzzBind[domain.CallMeetingInput](f, `{"suggestion_id":"s","scheduled_at":"2026-03-20T09:00:00+08:00","place":"p","agenda":"a"}`)
}

func FuzzAccountInput(f *testing.F) {
	fuzzBind[accounts.NewAccount](f, `{"role":"unit","name":"n","unit_id":"u"}`, `{"role":"deputy","name":"n","deputy_id":"d","username":"wang","password":"p4ssw0rd!"}`)
}

// FuzzCalendarDue sends arbitrary query values to the deadline calculator.
func FuzzCalendarDue(f *testing.F) {
	for _, s := range [][2]string{{"2026-09-30T10:00:00+08:00", "7wd"}, {"", "P3M"}, {"x", "PT9999999999H"}, {"", "P100Y"}, {"", "3660wd"}} {
		f.Add(s[0], s[1])
	}
	// The calculator reads the township's calendar from the database.
	st, err := store.Open(context.Background(), "sqlite://"+filepath.Join(f.TempDir(), "calendar.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = st.Close() })
	srv := New(Deps{Policy: policy.Default(), Store: st})
	e := echo.New()
	f.Fuzz(func(t *testing.T, from, duration string) {
		q := url.Values{"from": {from}, "duration": {duration}}
		req := httptest.NewRequest(http.MethodGet, "/?"+q.Encode(), nil)
		rec := httptest.NewRecorder()
		c := e.NewContext(req, rec)
		err := srv.calendarDue(c)
		if err == nil {
			if rec.Code != http.StatusOK {
				t.Fatalf("%q %q: %d", from, duration, rec.Code)
			}
			return
		}
		if r, ok := refusal.As(err); !ok || r.Kind.Status() != http.StatusUnprocessableEntity {
			t.Fatalf("%q %q: %v", from, duration, err)
		}
	})
}

func FuzzCalendarYearInput(f *testing.F) {
	fuzzBind[cases.CalendarYearInput](f, `{"days_off":["2028-01-01","2028-01-02"],"working_days":["2028-01-08"],"note":"元旦"}`,
		`{"days_off":[1]}`, `{"days_off":null}`)
}

func FuzzRecordInput(f *testing.F) {
	fuzzBind[recordInput](f, `{"held_at":"2026-03-20T09:00:00+08:00","place":"村委会","group":"第一组","attendee_ids":["dp_1"],"others":["张镇长"],"findings":"f","suggestion_ids":["sg_1"],"opinions":[{"content":"c","deputy_id":"dp_1","suggestion_id":"sg_1"}]}`,
		`{"held_at":"yesterday","place":"p"}`, `{"opinions":[{}]}`)
}
