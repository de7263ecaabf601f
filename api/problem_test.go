package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"suggestflow/i18n"
	"suggestflow/policy"
)

// TestRouterAnswersKeepTheirStatus: the router's own answers (a wrong
// method, an unknown route) keep their status and say why by code.
func TestRouterAnswersKeepTheirStatus(t *testing.T) {
	h := New(Deps{Policy: policy.Default()}).Handler()
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodPost, "/livez", http.StatusMethodNotAllowed, "http_error"},
		{http.MethodGet, "/api/v2/nothing", http.StatusNotFound, "no_route"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		var p Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("%s %s: %v: %s", tc.method, tc.path, err, rec.Body)
		}
		if rec.Code != tc.status || p.Status != tc.status || p.Code != tc.code || !i18n.HasRefusal(p.Code) || p.Detail == "" {
			t.Errorf("%s %s: %d %+v, want %d %s", tc.method, tc.path, rec.Code, p, tc.status, tc.code)
		}
	}
}
