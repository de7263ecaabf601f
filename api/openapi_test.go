package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gopkg.in/yaml.v3"

	"suggestflow/accounts"
	"suggestflow/board"
	"suggestflow/cases"
	"suggestflow/domain"
	"suggestflow/duties"
	"suggestflow/evaluation"
	"suggestflow/holiday"
	"suggestflow/policy"
	"suggestflow/roster"
	"suggestflow/store"
	"suggestflow/supervision"
)

// httpMethods are the keys of an OpenAPI path item that are operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// openapiDoc reads api/openapi.yaml from disk (the file the binary embeds)
// as generic YAML.
func openapiDoc(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatalf("read openapi.yaml: %v", err)
	}
	if !bytes.Equal(raw, openapiYAML) {
		t.Fatalf("openapi.yaml on disk differs from the embedded copy")
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse openapi.yaml: %v", err)
	}
	if doc == nil {
		t.Fatalf("openapi.yaml is empty")
	}
	return doc
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// operation is one documented method of one path.
type operation struct {
	path, method string // method upper case
	op           map[string]any
	pathItem     map[string]any
}

func (o operation) String() string { return o.method + " " + o.path }

func operations(t *testing.T, doc map[string]any) []operation {
	t.Helper()
	paths := asMap(doc["paths"])
	if len(paths) == 0 {
		t.Fatalf("openapi.yaml has no paths")
	}
	var out []operation
	for p, item := range paths {
		pi := asMap(item)
		for _, m := range httpMethods {
			if op, ok := pi[m]; ok {
				out = append(out, operation{path: p, method: strings.ToUpper(m), op: asMap(op), pathItem: pi})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// publicV1 is the part of /api/v1 that is served without a token; signing
// in (POST /api/v1/sessions) is the other route without one.
const publicV1 = "/api/v1/public/"

func publicPath(path, method string) bool {
	return strings.HasPrefix(path, publicV1) || (path == "/api/v1/sessions" && method == "POST")
}

var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// routerRoutes lists what the router serves, as "METHOD /path/{param}".
func routerRoutes(t *testing.T) map[string]bool {
	t.Helper()
	s := New(Deps{}) // construction must not need the store or Temporal
	out := map[string]bool{}
	for _, r := range s.Routes() {
		if r.Method == echo.RouteNotFound || strings.Contains(r.Path, "*") {
			t.Logf("ignoring Echo's internal route %s %s", r.Method, r.Path)
			continue // the not-found routes of groups with middleware
		}
		out[r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if len(out) == 0 {
		t.Fatalf("the router has no routes")
	}
	return out
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := openapiDoc(t)
	routes := routerRoutes(t)
	documented := map[string]bool{}
	for _, o := range operations(t, doc) {
		documented[o.String()] = true
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("route %s is served but not documented in openapi.yaml", r)
		}
	}
	for d := range documented {
		if !routes[d] {
			t.Errorf("%s is documented in openapi.yaml but the router does not serve it", d)
		}
	}
}

func TestOpenAPIDocument(t *testing.T) {
	doc := openapiDoc(t)
	if v, _ := doc["openapi"].(string); v != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", v)
	}
	info := asMap(doc["info"])
	if info["title"] != "SuggestFlow" || info["version"] != "1.0.0" {
		t.Errorf("info title/version = %v/%v", info["title"], info["version"])
	}
	schemes := asMap(asMap(doc["components"])["securitySchemes"])
	bearer := asMap(schemes["bearerAuth"])
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Fatalf("components.securitySchemes.bearerAuth must be an http bearer scheme, got %v", bearer)
	}

	ids := map[string]string{}
	for _, o := range operations(t, doc) {
		id, _ := o.op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", o)
		} else if prev, dup := ids[id]; dup {
			t.Errorf("operationId %q is used by %s and %s", id, prev, o)
		} else {
			ids[id] = o.String()
		}

		// Security: bearer under /api/v1 except its public part, none
		// elsewhere.
		sec, hasSec := o.op["security"]
		if !hasSec {
			sec = doc["security"]
		}
		usesBearer := false
		for _, req := range asList(sec) {
			if _, ok := asMap(req)["bearerAuth"]; ok {
				usesBearer = true
			}
		}
		v1 := strings.HasPrefix(o.path, "/api/v1/") && !publicPath(o.path, o.method)
		if v1 && !usesBearer {
			t.Errorf("%s is under /api/v1 but does not require bearerAuth", o)
		}
		if !v1 && usesBearer {
			t.Errorf("%s is public but requires bearerAuth", o)
		}

		// Every {param} of the path is declared as a required path parameter,
		// and no other path parameter is declared.
		declared := map[string]bool{}
		for _, list := range []any{o.pathItem["parameters"], o.op["parameters"]} {
			for _, p := range asList(list) {
				pm := resolve(doc, asMap(p))
				if pm["in"] != "path" {
					continue
				}
				name, _ := pm["name"].(string)
				if pm["required"] != true {
					t.Errorf("%s: path parameter %q must be required", o, name)
				}
				declared[name] = true
			}
		}
		for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(o.path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter %q is not declared", o, m[1])
			}
			delete(declared, m[1])
		}
		for name := range declared {
			t.Errorf("%s: declares path parameter %q that is not in the path", o, name)
		}

		// Responses: a success, 401 under /api/v1, 422 for a body.
		responses := asMap(o.op["responses"])
		success := false
		for code := range responses {
			if strings.HasPrefix(code, "2") {
				success = true
			}
		}
		if !success {
			t.Errorf("%s has no 2xx response", o)
		}
		if v1 {
			if _, ok := responses["401"]; !ok {
				t.Errorf("%s is under /api/v1 but has no 401 response", o)
			}
		}
		if body, ok := o.op["requestBody"]; ok {
			if _, ok := responses["422"]; !ok && (o.method == http.MethodPost || o.method == http.MethodPut) {
				t.Errorf("%s takes a body but has no 422 response", o)
			}
			rb := resolve(doc, asMap(body))
			// JSON bodies, or an upload's multipart form.
			media := asMap(asMap(rb["content"])["application/json"])
			if media == nil {
				media = asMap(asMap(rb["content"])["multipart/form-data"])
			}
			schema := resolve(doc, asMap(media["schema"]))
			if schema["additionalProperties"] != false {
				t.Errorf("%s: the body schema must have additionalProperties: false (the server refuses unknown fields)", o)
			}
		}
	}
}

// resolve follows a local $ref, once.
func resolve(doc map[string]any, m map[string]any) map[string]any {
	ref, ok := m["$ref"].(string)
	if !ok {
		return m
	}
	target, err := lookup(doc, ref)
	if err != nil {
		return nil
	}
	return asMap(target)
}

// lookup finds the node a local JSON pointer ("#/a/b") names.
func lookup(doc map[string]any, ref string) (any, error) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("%q is not a local reference", ref)
	}
	var node any = doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m := asMap(node)
		next, ok := m[tok]
		if !ok {
			return nil, fmt.Errorf("%q: no %q", ref, tok)
		}
		node = next
	}
	return node, nil
}

func TestOpenAPIRefsResolve(t *testing.T) {
	doc := openapiDoc(t)
	var refs []string
	var walk func(any)
	walk = func(n any) {
		switch v := n.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				refs = append(refs, r)
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	if len(refs) == 0 {
		t.Fatalf("openapi.yaml has no $ref at all")
	}
	used := map[string]bool{}
	for _, r := range refs {
		used[r] = true
		if !strings.HasPrefix(r, "#/components/") {
			t.Errorf("$ref %q does not point into components", r)
			continue
		}
		if _, err := lookup(doc, r); err != nil {
			t.Errorf("$ref does not resolve: %v", err)
		}
	}
	// Every schema is used somewhere: a leftover is likely a typo.
	for name := range asMap(asMap(doc["components"])["schemas"]) {
		if !used["#/components/schemas/"+name] {
			t.Errorf("components.schemas.%s is never referenced", name)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	s := New(Deps{Store: testStore(t)})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.yaml", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.yaml: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/yaml") {
		t.Errorf("GET /api/openapi.yaml: Content-Type %q", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), openapiYAML) || len(openapiYAML) == 0 {
		t.Errorf("GET /api/openapi.yaml does not serve the embedded document")
	}
	// A documented /api/v1 route without a token is a 401 problem.
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/deputies", nil))
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("GET /api/v1/deputies without a token: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	// The public board needs no token: a bad period is a 422, not a 401.
	for _, path := range []string{publicV1 + "board?period=someday", "/board?period=someday"} {
		rec = httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("GET %s without a token: %d, want 422", path, rec.Code)
		}
	}
}

// Component schemas and the Go types they describe. Request bodies are
// decoded strictly into the input types; responses are encoded from the
// others.
var (
	inputSchemas = map[string]any{
		"DeputyInput":            roster.DeputyInput{},
		"DeputyPatch":            roster.DeputyPatch{},
		"UnitInput":              roster.UnitInput{},
		"UnitPatch":              roster.UnitPatch{},
		"SubmitInput":            domain.SubmitInput{},
		"ReviewInput":            domain.ReviewInput{},
		"AssignInput":            domain.AssignInput{},
		"AssignmentReturnInput":  domain.AssignmentReturnInput{},
		"CoOpinionInput":         domain.CoOpinionInput{},
		"ConsultationInput":      domain.ConsultationInput{},
		"ProgressReportInput":    domain.ProgressReportInput{},
		"ExtensionRequestInput":  domain.ExtensionRequestInput{},
		"ExtensionDecisionInput": domain.ExtensionDecisionInput{},
		"ReplyInput":             domain.ReplyInput{},
		"RatingInput":            domain.RatingInput{},
		"CompletionInput":        domain.CompletionInput{},
		"CallMeetingInput":       domain.CallMeetingInput{},
		"MinutesInput":           domain.MinutesInput{},
		"AccountInput":           accounts.NewAccount{},
		"AccountPatch":           accounts.Patch{},
		"SignInInput":            signInInput{},
		"PasswordInput":          passwordInput{},
		"SettingInput":           settingInput{},
		"FindingInput":           supervision.FindingInput{},
		"ChannelTestInput":       channelTestInput{},
		"TokenInput":             tokenInput{},
		"PreferenceInput":        preferenceInput{},
		"ComplaintInput":         supervision.ComplaintInput{},
		"QuestionnaireInput":     supervision.QuestionnaireInput{},
		"EvaluateInput":          evaluateInput{},
		"VisitInput":             supervision.VisitInput{},
		"OpinionInput":           supervision.OpinionInput{},
		"LinkInput":              linkInput{},
		"DayInput":               dayInput{},
		"EndingReviewInput":      domain.EndingReviewInput{},
		"ReferralInput":          domain.ReferralInput{},
		"ReferralAnswerInput":    domain.ReferralAnswerInput{},
		"MergeInput":             domain.MergeInput{},
		"CalendarYearInput":      cases.CalendarYearInput{},
		"RecordInput":            recordInput{},
		"RecordOpinionInput":     recordOpinionInput{},
		"RatingLinkInput":        issueRatingLinkInput{},
		"LinkRatingInput":        linkRatingInput{},
	}
	outputSchemas = map[string]any{
		"Problem":          Problem{},
		"Attachment":       store.Attachment{},
		"AttachmentList":   attachmentList{},
		"FieldError":       FieldError{},
		"Actor":            domain.Actor{},
		"Deputy":           domain.Deputy{},
		"DeputyList":       list[domain.Deputy]{},
		"Unit":             domain.Unit{},
		"UnitList":         list[domain.Unit]{},
		"Suggestion":       suggestionView{},
		"SuggestionList":   list[suggestionView]{},
		"Assignment":       domain.Assignment{},
		"ExtensionRequest": domain.ExtensionRequest{},
		"Reply":            domain.Reply{},
		"Rating":           domain.Rating{},
		"Completion":       domain.Completion{},
		"Event":            domain.Event{},
		"Meeting":          domain.MeetingView{},
		"MeetingList":      list[domain.MeetingView]{},
		"Message":          domain.Message{},
		"Delivery":         domain.Delivery{},
		"MessagePage":      list[domain.Message]{},
		"Deadline":         dueView{},
		"Warning":          policy.Warning{},
		"CalendarYear":     cases.CalendarYear{},
		"DutyRecord":       store.DutyRecord{},
		"RecordOpinion":    store.RecordOpinion{},
		"DutyRecordList":   list[store.DutyRecord]{},
		"CommendationRule": duties.Rules{},
		"DutyPart":         duties.Part{},
		"Scored":           duties.Scored{},
		"Commendation":     commendationView{},
		"Account":          store.AccountRecord{},
		"AccountList":      list[store.AccountRecord]{},
		"TokenCreated":     accounts.MintedToken{},
		"Setting":          cases.Setting{},
		"Settings":         settingsView{},
		"TokenRecord":      store.TokenRecord{},
		"TokenList":        list[store.TokenRecord]{},
		"Session":          sessionCreated{},
		"Preference":       store.Preference{},
		"AuditEntry":       store.AuditEntry{},
		"AuditList":        list[store.AuditEntry]{},
		"Stats":            statsView{},
		"Rates":            evaluation.Rates{},
		"Rate":             evaluation.Rate{},
		"Board":            board.View{},
		"BoardEntry":       store.BoardEntry{},
		"BoardRound":       store.BoardRound{},
		"Complaint":        store.Complaint{},
		"ComplaintList":    list[store.Complaint]{},
		"Evaluations":      evaluationsView{},
		"Score":            evaluation.Score{},
		"ScorePart":        evaluation.Part{},
		"Ranked":           evaluation.Ranked{},
		"Visit":            store.Visit{},
		"Opinion":          store.Opinion{},
		"DeputyRecord":     store.DeputyRecord{},
		"Day":              holiday.Day{},
		"CalendarOverride": holiday.Override{},
		"Report":           store.Report{},
		"ReportList":       list[store.Report]{},
		"Referral":         domain.Referral{},
		"ReferralAnswer":   domain.ReferralAnswer{},
		"MergedCase":       domain.MergedCase{},
		"EndingReview":     domain.EndingReview{},
		"SimilarCase":      cases.SimilarCase{},
		"Ending":           evaluation.Ending{},
		"ImportResult":     roster.Result{},
		"ImportRowError":   roster.RowError{},
		"ImportRowPlan":    roster.RowPlan{},
		"RatingLink":       domain.RatingLink{},
		"RatingLinkList":   ratingLinkList{},
		"RatingLinkIssued": ratingLinkIssued{},
		"PublicRatingLink": publicRatingLink{},
		"LinkRated":        linkRated{},
	}
	// serverSet are fields of the domain inputs that the server fills in.
	serverSet = map[string]bool{"actor": true, "request_hash": true, "into_number": true, "into_title": true}
	timeType  = reflect.TypeOf(time.Time{})
	// rawJSONType is JSON passed through as it is: any value.
	rawJSONType = reflect.TypeOf(json.RawMessage(nil))
)

// openapiType is the schema type, and format, of a Go type as
// encoding/json writes it; "" for json.RawMessage, which may be anything.
func openapiType(ft reflect.Type) (typ, format string) {
	switch {
	case ft == timeType:
		return "string", "date-time"
	case ft == rawJSONType:
		return "", ""
	case ft.Kind() == reflect.String:
		return "string", ""
	case ft.Kind() == reflect.Bool:
		return "boolean", ""
	case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Uint64:
		return "integer", ""
	case ft.Kind() == reflect.Float32 || ft.Kind() == reflect.Float64:
		return "number", ""
	case ft.Kind() == reflect.Slice:
		return "array", ""
	case ft.Kind() == reflect.Struct || ft.Kind() == reflect.Map:
		return "object", ""
	}
	return "", ""
}

// schemaOf resolves a property to its schema, through a $ref or a one-item
// allOf, and says which component it is, if any.
func schemaOf(doc, prop map[string]any) (map[string]any, string) {
	if all := asList(prop["allOf"]); len(all) == 1 {
		prop = asMap(all[0])
	}
	if ref, ok := prop["$ref"].(string); ok {
		return resolve(doc, prop), strings.TrimPrefix(ref, "#/components/schemas/")
	}
	return prop, ""
}

func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := openapiDoc(t)
	schemas := asMap(asMap(doc["components"])["schemas"])
	names := map[reflect.Type]string{}
	for _, m := range []map[string]any{inputSchemas, outputSchemas} {
		for name, v := range m {
			names[reflect.TypeOf(v)] = name
		}
	}
	check := func(name string, v any, input bool) {
		schema := asMap(schemas[name])
		if schema == nil {
			t.Errorf("components.schemas.%s is missing", name)
			return
		}
		if input && schema["additionalProperties"] != false {
			t.Errorf("%s: a request schema needs additionalProperties: false", name)
		}
		props := asMap(schema["properties"])
		required := map[string]bool{}
		for _, r := range asList(schema["required"]) {
			required[r.(string)] = true
		}
		seen := map[string]bool{}
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || tag == "-" {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			if input && serverSet[tag] {
				if _, ok := props[tag]; ok {
					t.Errorf("%s.%s is set by the server and must not be in the request schema", name, tag)
				}
				continue
			}
			seen[tag] = true
			where := name + "." + tag
			raw := asMap(props[tag])
			if raw == nil {
				t.Errorf("%s (Go %s.%s) is not documented", where, typ.Name(), f.Name)
				continue
			}
			prop, ref := schemaOf(doc, raw)

			// Required: for a response, always present; for a request,
			// what the validator demands.
			validate := strings.Split(f.Tag.Get("validate"), ",")
			var items []string
			if i := slices.Index(validate, "dive"); i >= 0 {
				validate, items = validate[:i], validate[i+1:]
			}
			wantReq := !slices.Contains(strings.Split(opts, ","), "omitempty")
			if input {
				wantReq = slices.Contains(validate, "required")
			}
			if required[tag] != wantReq {
				t.Errorf("%s: required is %t in the document, %t in Go", where, required[tag], wantReq)
			}

			// Type.
			ft := f.Type
			nullable := false
			if ft.Kind() == reflect.Pointer {
				ft, nullable = ft.Elem(), true
			}
			wantType, wantFormat := openapiType(ft)
			switch {
			case ft == rawJSONType:
				// Any JSON: no type at all, or an object open to any property.
				got, _ := prop["type"].(string)
				if got != "" && (got != "object" || prop["additionalProperties"] != true) {
					t.Errorf("%s: Go %s holds any JSON; leave the type out or make it an object with additionalProperties: true", where, f.Type)
				}
				wantType = got
			case ft.Kind() == reflect.Struct && ft != timeType:
				if n, ok := names[ft]; !ok || n != ref {
					t.Errorf("%s: refers to %q, want the schema of Go %s (%q)", where, ref, ft, n)
				}
			case ft.Kind() == reflect.Map:
				// A map is an object whose values are the map's elements.
				vals, valRef := schemaOf(doc, asMap(prop["additionalProperties"]))
				el := ft.Elem()
				wantVal, _ := openapiType(el)
				if ft.Key().Kind() != reflect.String {
					t.Errorf("%s: Go %s has keys that are not strings", where, f.Type)
				}
				if got, _ := vals["type"].(string); vals == nil || got != wantVal {
					t.Errorf("%s: additionalProperties must be a schema of type %q (Go %s)", where, wantVal, el)
				}
				if el.Kind() == reflect.Struct && el != timeType && names[el] != valRef {
					t.Errorf("%s: values refer to %q, want %q (Go %s)", where, valRef, names[el], el)
				}
			}
			if got, _ := prop["type"].(string); got != wantType {
				t.Errorf("%s: type %q, want %q (Go %s)", where, got, wantType, f.Type)
			}
			if wantFormat != "" && prop["format"] != wantFormat {
				t.Errorf("%s: format %v, want %s", where, prop["format"], wantFormat)
			}
			if input && nullable && !wantReq && raw["nullable"] != true {
				t.Errorf("%s: an optional Go pointer field accepts null; mark it nullable", where)
			}
			if !input && nullable && wantReq && raw["nullable"] != true {
				t.Errorf("%s: a Go pointer without omitempty is written as null; mark it nullable", where)
			}
			if ft.Kind() == reflect.Slice {
				el := ft.Elem()
				itemSchema, itemRef := schemaOf(doc, asMap(prop["items"]))
				if el.Kind() == reflect.Struct {
					if n := names[el]; n != itemRef {
						t.Errorf("%s: items refer to %q, want %q (Go %s)", where, itemRef, n, el)
					}
				} else if el.Kind() == reflect.String && itemSchema["type"] != "string" {
					t.Errorf("%s: items must be strings", where)
				}
				if input {
					checkRules(t, where+"[]", itemSchema, items, el.Kind() == reflect.String)
				}
			}
			if input {
				checkRules(t, where, prop, validate, ft != timeType && ft.Kind() == reflect.String)
			}
		}
		for p := range props {
			if !seen[p] {
				t.Errorf("%s is documented but Go %s has no such JSON field", name+"."+p, typ.Name())
			}
		}
	}
	for name, v := range inputSchemas {
		check(name, v, true)
	}
	for name, v := range outputSchemas {
		check(name, v, false)
	}
}

// checkRules compares validate rules with the schema's limits: on a
// string, required means not empty and max counts characters; on a list,
// max counts items.
func checkRules(t *testing.T, where string, s map[string]any, rules []string, str bool) {
	t.Helper()
	var wantMax, wantMin int
	var wantEnum []string
	wantEmail := false
	for _, r := range rules {
		key, val, _ := strings.Cut(r, "=")
		switch key {
		case "max":
			fmt.Sscan(val, &wantMax)
		case "required":
			if str {
				wantMin = 1
			}
		case "oneof":
			wantEnum = strings.Fields(val)
		case "email":
			wantEmail = true
		}
	}
	maxKey, minKey := "maxLength", "minLength"
	if s["type"] == "array" {
		maxKey, minKey = "maxItems", "minItems"
	}
	num := func(k string) int { n, _ := s[k].(int); return n }
	if len(wantEnum) > 0 {
		var got []string
		for _, e := range asList(s["enum"]) {
			got = append(got, fmt.Sprint(e))
		}
		if !slices.Equal(got, wantEnum) {
			t.Errorf("%s: enum %v, want %v", where, got, wantEnum)
		}
		return // an enum bounds the length by itself
	}
	if s["enum"] != nil {
		t.Errorf("%s: enum in the document but no oneof in Go", where)
	}
	if s["type"] == "number" || s["type"] == "integer" {
		// On a number, min and max bound the value.
		for _, b := range []struct{ rule, key string }{{"min", "minimum"}, {"max", "maximum"}} {
			want, has := "", false
			for _, r := range rules {
				if key, val, _ := strings.Cut(r, "="); key == b.rule {
					want, has = val, true
				}
			}
			got, ok := s[b.key]
			if has != ok || (has && !sameNumber(got, want)) {
				t.Errorf("%s: %s %v, want %q from the validate rule %s", where, b.key, got, want, b.rule)
			}
		}
		if s["maxLength"] != nil || s["minLength"] != nil {
			t.Errorf("%s: a number has no length", where)
		}
		return
	}
	if got := num(maxKey); got != wantMax {
		t.Errorf("%s: %s %d, want %d", where, maxKey, got, wantMax)
	}
	if got := num(minKey); got != wantMin {
		t.Errorf("%s: %s %d, want %d", where, minKey, got, wantMin)
	}
	if wantEmail != (s["format"] == "email") {
		t.Errorf("%s: format %v, email validation in Go: %t", where, s["format"], wantEmail)
	}
}

// sameNumber says whether a number of the document equals a number of a
// validate rule.
func sameNumber(doc any, rule string) bool {
	var a, b float64
	if _, err := fmt.Sscan(fmt.Sprint(doc), &a); err != nil {
		return false
	}
	if _, err := fmt.Sscan(rule, &b); err != nil {
		return false
	}
	return a == b
}
