package api

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"

	"suggestflow/accounts"
	"suggestflow/attachments"
	"suggestflow/cases"
	"suggestflow/delivery"
	"suggestflow/documents"
	"suggestflow/domain"
	"suggestflow/metrics"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/roster"
	"suggestflow/store"
	"suggestflow/throttle"
	"suggestflow/tracing"
	"suggestflow/web"
)

//go:embed openapi.yaml
var openapiYAML []byte

// Limits of what a client may send.
const (
	maxBodyBytes    = 1 << 20
	maxPageSize     = 100
	defaultPageSize = 20
	requestTimeout  = 30 * time.Second
)

// Deps are what the API needs.
type Deps struct {
	Store    *store.Store
	Temporal client.Client
	Policy   policy.Policy
	Logger   *slog.Logger
	Now      func() time.Time
	// WriteRate is the sustained writes per second allowed per token, and
	// WriteBurst the burst; zero rate means no limit.
	WriteRate  float64
	WriteBurst int
	// Codec, when set, is served at /codec for the Temporal Web UI.
	Codec http.Handler
	// Metrics, when set, is served at /metrics and times every request.
	Metrics *metrics.Registry
	// Tracing starts a span for every request, continuing the caller's.
	Tracing bool
	// Delivery is the delivery channels' configuration, for the settings'
	// test messages.
	Delivery delivery.Config
	// TemporalUIURL, when set, links each case's page in the web UI to its
	// workflow in the Temporal Web UI.
	TemporalUIURL string
	// PublicURL is the pages' address, for the rating links the API issues
	// and the links printed on documents.
	PublicURL string
	// RatingURL, when set, is the rating link a reply letter's QR code
	// carries; nil: the lead deputy's own rating link for the letter
	// (cases.LetterRatingURL).
	RatingURL documents.RatingURL
	// Intake stores new cases before their workflows start
	// (activities.Activities).
	Intake cases.Recorder
}

// Server is the HTTP API.
type Server struct {
	e        *echo.Echo
	store    *store.Store
	temporal client.Client
	policy   policy.Policy
	log      *slog.Logger
	now      func() time.Time
	cases    *cases.Service
	accounts *accounts.Service
	roster   *roster.Service
	delivery delivery.Config
	importer *roster.Importer
	// attachments keeps the files of cases (package attachments).
	attachments *attachments.Service
	docs        *documents.Service

	writes  *throttle.Writes
	codec   http.Handler
	metrics *metrics.Registry
	tracing bool
}

// New builds the API with every route.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	cmds := cases.New(cases.Deps{Store: d.Store, Temporal: d.Temporal, Policy: d.Policy, Logger: d.Logger, Now: d.Now, PublicURL: d.PublicURL, Intake: d.Intake})
	s := &Server{e: echo.New(), store: d.Store, temporal: d.Temporal, policy: d.Policy, log: d.Logger, now: d.Now, cases: cmds,
		accounts: accounts.New(d.Store, d.Policy, d.Now), roster: roster.New(d.Store, d.Now), delivery: d.Delivery, importer: roster.NewImporter(d.Store, cmds), writes: throttle.New(d.WriteRate, d.WriteBurst), codec: d.Codec, metrics: d.Metrics, tracing: d.Tracing}
	s.attachments = attachments.New(d.Store, cmds.CurrentPolicy, d.Now)
	if d.RatingURL == nil {
		// The reply letter's QR code is the lead deputy's rating link.
		d.RatingURL = cmds.LetterRatingURL
	}
	s.docs = documents.New(d.Store, cmds.CurrentPolicy, d.PublicURL, d.RatingURL, d.Now)
	s.e.HideBanner, s.e.HidePort = true, true
	s.e.HTTPErrorHandler = s.errorHandler
	// The client's address is the connection's: a header a client sets
	// (X-Forwarded-For) would let it dodge the sign-in hold-off.
	s.e.IPExtractor = echo.ExtractIPDirect()
	s.e.Use(middleware.Recover())
	if s.tracing {
		s.e.Use(s.traceRequests)
	}
	if s.metrics != nil {
		s.e.Use(s.timeRequests)
	}
	// Uploads for an import have a larger limit of their own (see
	// uploadRequest); everything else keeps this one.
	s.e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: strconv.Itoa(maxBodyBytes/1024) + "K", Skipper: uploadRequest}))
	s.e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: requestTimeout}))
	s.routes()
	pages, err := web.New(web.Deps{Store: d.Store, Cases: cmds, Accounts: s.accounts, Roster: s.roster, Importer: s.importer, Attachments: s.attachments, Delivery: d.Delivery, Temporal: d.Temporal, Policy: d.Policy, Logger: d.Logger,
		Now: d.Now, Writes: s.writes, TemporalUIURL: d.TemporalUIURL, Documents: s.docs})
	if err != nil {
		// The templates are embedded: failing to parse them is a build bug.
		panic(fmt.Errorf("web pages: %w", err))
	}
	s.mountPages(pages)
	return s
}

// mountPages serves the pages (package web) under /ui/ and the public
// board. They are wildcard routes with their own mux inside, so they stay
// out of the API's route table (which the OpenAPI document and the
// access-matrix test walk) while still passing the server's recovery,
// metrics, body-limit and timeout middleware.
func (s *Server) mountPages(pages http.Handler) {
	h := echo.WrapHandler(pages)
	s.e.Any("/ui/*", h)
	s.e.GET("/board", h)
	s.e.GET("/board.pdf", h)
	s.e.GET("/r/:token", h)
	s.e.POST("/r/:token", h)
	// "/" and "/ui" are not routes of their own (they would have to be in
	// the API's OpenAPI document); they are redirected before routing.
	s.e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := c.Request().URL.Path
			if (p == "/" || p == "/ui") && c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusFound, "/ui/")
			}
			// A case's short link, as notices and text messages carry it.
			if id, ok := strings.CutPrefix(p, domain.CaseLinkPath); ok && id != "" && !strings.Contains(id, "/") && c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusFound, "/ui/suggestions/"+url.PathEscape(id))
			}
			return next(c)
		}
	})
}

// Handler is the http.Handler of the API.
func (s *Server) Handler() http.Handler { return s.e }

// RecoverIntakes starts the workflows of stored cases whose start was cut
// off (cases.Service.RecoverIntakes).
func (s *Server) RecoverIntakes(ctx context.Context, all bool) (int, error) {
	return s.cases.RecoverIntakes(ctx, all)
}

// Route is a method and a path, as the router holds it.
type Route struct{ Method, Path string }

// Routes lists every route, for the OpenAPI check.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.e.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}

func (s *Server) routes() {
	s.e.GET("/livez", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	s.e.GET("/readyz", s.readyz)
	if s.metrics != nil {
		s.e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{})))
	}
	s.e.GET("/api/openapi.yaml", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/yaml", openapiYAML) })

	if s.codec != nil {
		s.e.Any("/codec/*", echo.WrapHandler(http.StripPrefix("/codec", s.codec)), s.loopbackOnly)
	}
	// The public board needs no token: it holds the five publics only.
	s.e.GET("/api/v1/public/board", s.publicBoard)
	s.e.POST("/api/v1/sessions", s.signIn)
	// A rating link is its own credential: one deputy, one reply, once.
	s.e.GET("/api/v1/public/rating-links/:token", s.openRatingLink)
	s.e.POST("/api/v1/public/rating-links/:token/rating", s.rateByLink)
	g := s.e.Group("/api/v1", s.authenticate, s.audit, s.authorize, s.limitWrites)
	g.POST("/deputies", s.createDeputy)
	g.GET("/deputies", s.listDeputies)
	g.GET("/deputies/:id", s.getDeputy)
	g.PATCH("/deputies/:id", s.patchDeputy)
	g.POST("/units", s.createUnit)
	g.GET("/units", s.listUnits)
	g.GET("/units/:id", s.getUnit)
	g.PATCH("/units/:id", s.patchUnit)
	g.POST("/imports/:kind", s.importRecords)
	g.GET("/imports/:kind/template.xlsx", s.importTemplate)

	g.POST("/suggestions", s.submit)
	g.GET("/suggestions", s.listSuggestions)
	g.GET("/suggestions/:id", s.getSuggestion)
	g.POST("/suggestions/:id/review", caseAction(s, (*cases.Service).Review))
	g.POST("/suggestions/:id/assignment", caseAction(s, (*cases.Service).Assign))
	g.POST("/suggestions/:id/assignment-return", caseAction(s, (*cases.Service).ReturnAssignment))
	g.POST("/suggestions/:id/co-opinions", caseAction(s, (*cases.Service).CoOpinion))
	g.POST("/suggestions/:id/consultations", caseAction(s, (*cases.Service).Consult))
	g.POST("/suggestions/:id/progress-reports", caseAction(s, (*cases.Service).ProgressReport))
	g.POST("/suggestions/:id/extension-requests", caseAction(s, (*cases.Service).RequestExtension))
	g.POST("/suggestions/:id/extension-decision", caseAction(s, (*cases.Service).DecideExtension))
	g.POST("/suggestions/:id/reply", caseAction(s, (*cases.Service).Reply))
	g.POST("/suggestions/:id/ratings", caseAction(s, (*cases.Service).Rate))
	g.POST("/suggestions/:id/completion", caseAction(s, (*cases.Service).Complete))
	g.GET("/suggestions/:id/messages", s.messages)
	g.POST("/suggestions/:id/ending-review", caseAction(s, (*cases.Service).ReviewEnding))
	g.POST("/suggestions/:id/referral", caseAction(s, (*cases.Service).Refer))
	g.POST("/suggestions/:id/referral-answer", caseAction(s, (*cases.Service).AnswerReferral))
	g.POST("/suggestions/:id/merge", caseAction(s, (*cases.Service).Merge))
	g.GET("/suggestions/:id/similar", s.similar)
	g.GET("/suggestions/:id/documents/assignment.pdf", s.caseDocument((*documents.Service).Assignment))
	g.GET("/suggestions/:id/documents/reply.pdf", s.caseDocument((*documents.Service).Reply))
	g.GET("/suggestions/:id/documents/extension.pdf", s.caseDocument((*documents.Service).Extension))
	g.POST("/suggestions/:id/rating-links", s.issueRatingLink)
	g.GET("/suggestions/:id/rating-links", s.listRatingLinks)
	g.DELETE("/rating-links/:id", s.revokeRatingLink)
	g.POST("/suggestions/:id/attachments", s.addAttachment)
	g.GET("/suggestions/:id/attachments", s.listAttachments)
	g.GET("/attachments/:id", s.getAttachment)

	g.GET("/meetings", s.listMeetings)
	g.POST("/meetings", s.callMeeting)
	g.GET("/meetings/:id", s.getMeeting)
	g.GET("/meetings/:id/notice.ics", s.meetingICS)
	g.GET("/meetings/:id/notice.pdf", s.meetingNoticePDF)
	g.POST("/meetings/:id/minutes", s.minutes)

	g.GET("/calendar/due", s.calendarDue)

	g.DELETE("/sessions/current", s.signOut)
	g.GET("/me", s.me)
	g.PUT("/me/password", s.changePassword)
	g.POST("/accounts", s.createAccount)
	g.GET("/accounts", s.listAccounts)
	g.GET("/accounts/:id", s.getAccount)
	g.PATCH("/accounts/:id", s.patchAccount)
	g.POST("/accounts/:id/tokens", s.createToken)
	g.GET("/accounts/:id/tokens", s.listTokens)
	g.DELETE("/tokens/:id", s.revokeToken)
	g.GET("/audit", s.auditLog)

	g.GET("/settings", s.getSettings)
	g.PUT("/settings/policy/:key", s.setSetting)
	g.POST("/settings/channels/:channel/test", s.testChannel)
	g.GET("/stats", s.stats)
	g.POST("/complaints", s.createComplaint)
	g.GET("/complaints", s.listComplaints)
	g.PATCH("/complaints/:id", s.patchComplaint)
	g.POST("/questionnaires", s.setQuestionnaire)
	g.GET("/evaluations", s.listEvaluations)
	g.POST("/evaluations", s.evaluate)
	g.GET("/rankings", s.ranking)
	g.GET("/rankings/:year/bulletin.pdf", s.bulletinPDF)
	g.POST("/deputies/:id/visits", s.createVisit)
	g.GET("/deputies/:id/record", s.deputyRecord)
	g.GET("/deputies/:id/record.pdf", s.deputyRecordPDF)
	g.PUT("/opinions/:id", s.linkOpinion)
	g.POST("/inspections", s.createInspection)
	g.GET("/inspections", s.listInspections)
	g.POST("/group-meetings", s.createGroupMeeting)
	g.GET("/group-meetings", s.listGroupMeetings)
	g.GET("/commendations", s.commendations)
	g.GET("/calendar/days", s.calendarDays)
	g.PUT("/calendar/days/:date", s.setCalendarDay)
	g.GET("/calendar/years", s.calendarYears)
	g.PUT("/calendar/years/:year", s.setCalendarYear)
	g.GET("/reports", s.listReports)
	g.GET("/reports/:id", s.getReport)
	g.GET("/messages", s.listMessages)
	g.GET("/inbox", s.inbox)
	g.GET("/preferences", s.getPreference)
	g.PUT("/preferences", s.setPreference)
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "temporal": "ok"}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		checks["database"] = err.Error()
		status = http.StatusServiceUnavailable
	}
	if _, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		checks["temporal"] = err.Error()
		status = http.StatusServiceUnavailable
	}
	if status != http.StatusOK {
		c.Response().Header().Set("Retry-After", "5")
	}
	return c.JSON(status, checks)
}

// page reads page and page_size.
func page(c echo.Context) (store.Page, error) {
	p := store.Page{Number: 1, Size: defaultPageSize}
	var fields []refusal.Field
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			fields = append(fields, refusal.FieldOf("page", refusal.PageNumber))
		}
		p.Number = n
	}
	if v := c.QueryParam("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			fields = append(fields, refusal.FieldOf("page_size", refusal.PageSize, "max", strconv.Itoa(maxPageSize)))
		}
		p.Size = n
	}
	if len(fields) > 0 {
		return p, refusal.Fields(fields...)
	}
	return p, nil
}

type list[T any] struct {
	Items    []T   `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

// listed answers one page of a plain list.
func listed[T any](c echo.Context, object string, fetch func(context.Context, store.Page) ([]T, int64, error)) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, total, err := fetch(c.Request().Context(), p)
	if err != nil {
		return store.Refused(err, object)
	}
	return c.JSON(http.StatusOK, list[T]{Items: items, Total: total, Page: p.Number, PageSize: p.Size})
}

// timeRequests records each request's duration by route and status.
func (s *Server) timeRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := statusOf(c, err)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.HTTPDuration.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
		return err
	}
}

// statusOf is the status a request ends with, whether its handler wrote
// the answer or returned an error for the error handler to write.
func statusOf(c echo.Context, err error) int {
	if err == nil {
		return c.Response().Status
	}
	if r, ok := refusalOf(err, c.Request().Method, c.Request().URL.Path); ok {
		return r.Kind.Status()
	}
	return http.StatusInternalServerError
}

// traceRequests starts a server span for each request, continuing the
// caller's trace; Temporal calls made with the request's context carry it
// into the workflows and activities.
func (s *Server) traceRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx := otel.GetTextMapPropagator().Extract(req.Context(), propagation.HeaderCarrier(req.Header))
		ctx, span := tracing.Tracer().Start(ctx, req.Method+" "+c.Path(), trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		c.SetRequest(req.WithContext(ctx))
		err := next(c)
		status := statusOf(c, err)
		span.SetAttributes(attribute.String("http.route", c.Path()), attribute.Int("http.response.status_code", status))
		if id := c.Param("id"); id != "" {
			span.SetAttributes(attribute.String("suggestflow.object_id", id))
		}
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		return err
	}
}
