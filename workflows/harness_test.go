package workflows

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// start is a Tuesday morning in Shanghai.
var start = time.Date(2026, 3, 10, 9, 0, 0, 0, shanghai)

// harness runs one suggestion's workflow in the time-skipping test
// environment, with the activities replaced by recorders.
type harness struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	pol   policy.Policy
	mu    sync.Mutex
	steps []domain.Step
	id    string
	n     int
	cur   time.Duration
}

func newHarness(t *testing.T, pol policy.Policy) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.SetTestTimeout(30 * time.Second)
	h := &harness{t: t, env: env, pol: pol, id: "sg_test1"}
	env.RegisterWorkflowWithOptions(SuggestionWorkflow, workflow.RegisterOptions{Name: contract.SuggestionWorkflowName})
	env.RegisterWorkflowWithOptions(MeetingWorkflow, workflow.RegisterOptions{Name: contract.MeetingWorkflowName})
	env.RegisterActivityWithOptions(func(s domain.Suggestion) (string, error) { return "2026-001", nil },
		activity.RegisterOptions{Name: contract.ActivityCreateSuggestion})
	env.RegisterActivityWithOptions(func(step domain.Step) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.steps = append(h.steps, step)
		return nil
	}, activity.RegisterOptions{Name: contract.ActivityRecord})
	// The test environment cannot signal its root workflow from a child
	// by itself: deliver the meeting's report as the server would.
	env.OnSignalExternalWorkflow(mock.Anything, h.id, "", contract.SignalMeetingHeld, mock.Anything).Return(
		func(_, _, _, _ string, arg interface{}) error {
			env.RegisterDelayedCallback(func() { env.SignalWorkflow(contract.SignalMeetingHeld, arg) }, 0)
			return nil
		})
	return h
}

// at moves the script's clock to an offset from the start; the actions
// after it run there, one second apart, in order.
func (h *harness) at(d time.Duration) { h.cur = d }

func (h *harness) next() time.Duration {
	d := h.cur
	h.cur += time.Second
	return d
}

// then runs f at the script's clock.
func (h *harness) then(f func()) { h.env.RegisterDelayedCallback(f, h.next()) }

func (h *harness) updateID() string {
	h.n++
	return fmt.Sprintf("u%d", h.n)
}

// act sends an update that must succeed, then checks its result.
func (h *harness) act(name string, arg any, check func(domain.Suggestion)) {
	h.actf(name, func() any { return arg }, check)
}

// actf is act with the argument made when the action runs.
func (h *harness) actf(name string, arg func() any, check func(domain.Suggestion)) {
	h.then(func() {
		h.env.UpdateWorkflow(name, h.updateID(), &testsuite.TestUpdateCallback{
			OnReject: func(err error) { h.t.Errorf("%s rejected: %v", name, err) },
			OnAccept: func() {},
			OnComplete: func(r interface{}, err error) {
				if err != nil {
					h.t.Errorf("%s failed: %v", name, err)
					return
				}
				if check != nil {
					check(r.(domain.Suggestion))
				}
			},
		}, arg())
	})
}

// refuse sends an update that must be refused with the error type and
// must write nothing.
func (h *harness) refuse(name string, arg any, errType string) {
	h.then(func() {
		before := h.stepCount()
		refused := func(err error) {
			var app *temporal.ApplicationError
			if !errors.As(err, &app) || app.Type() != errType {
				h.t.Errorf("%s: expected an application error %s, got %v", name, errType, err)
			}
			if h.stepCount() != before {
				h.t.Errorf("%s: a refused action wrote %d steps", name, h.stepCount()-before)
			}
		}
		h.env.UpdateWorkflow(name, h.updateID(), &testsuite.TestUpdateCallback{
			OnReject: refused,
			OnAccept: func() {},
			OnComplete: func(_ interface{}, err error) {
				if err == nil {
					h.t.Errorf("%s: expected a refusal (%s), got success", name, errType)
					return
				}
				refused(err)
			},
		}, arg)
	})
}

func (h *harness) stepCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.steps)
}

// query reads the workflow's state.
func (h *harness) query() domain.Suggestion {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(contract.QueryState)
	if err != nil {
		h.t.Fatalf("query: %v", err)
	}
	var s domain.Suggestion
	if err := v.Get(&s); err != nil {
		h.t.Fatalf("query decode: %v", err)
	}
	return s
}

func (h *harness) submit(check func(domain.Suggestion)) {
	h.act(contract.UpdateSubmit, domain.SubmitInput{Title: "农村电网增容", Content: "建议对三个村的电网增容", Kind: "suggestion",
		LeadDeputyID: "dp_lead", CoSignerIDs: []string{"dp_co1", "dp_co2"}, SubmittedIn: "session", RequestHash: "h1",
		Actor: domain.Actor{ID: "admin", Role: "admin"}}, check)
}

func (h *harness) acceptAndAssign(complex bool, check func(domain.Suggestion)) {
	h.act(contract.UpdateReview, domain.ReviewInput{Decision: "accept"}, nil)
	h.act(contract.UpdateAssign, domain.AssignInput{LeadUnitID: "un_power", CoUnitIDs: []string{"un_water"},
		Leader: "张镇长", Handler: "小李", Complex: complex}, check)
}

func (h *harness) consult() {
	h.actf(contract.UpdateConsult, func() any {
		return domain.ConsultationInput{HeldAt: h.env.Now(), Method: "in_person", Participants: []string{"王代表"}}
	}, nil)
}

func (h *harness) run() (domain.Suggestion, error) {
	return h.runWith(contract.SuggestionInput{ID: h.id, Policy: h.pol, Rules: contract.RulesVersion})
}

// runWith runs the workflow with its input.
func (h *harness) runWith(in contract.SuggestionInput) (domain.Suggestion, error) {
	h.env.ExecuteWorkflow(contract.SuggestionWorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatalf("workflow did not complete")
	}
	var out domain.Suggestion
	err := h.env.GetWorkflowError()
	if err == nil {
		if gerr := h.env.GetWorkflowResult(&out); gerr != nil {
			h.t.Fatalf("result: %v", gerr)
		}
	}
	return out, err
}

// events returns the recorded events of a type, in order.
func (h *harness) events(typ string) []domain.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []domain.Event
	for _, s := range h.steps {
		for _, e := range s.Events {
			if e.Type == typ {
				out = append(out, e)
			}
		}
	}
	return out
}

// notices returns the recorded notices of a kind, in order.
func (h *harness) notices(kind string) []domain.Notice {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []domain.Notice
	for _, s := range h.steps {
		for _, n := range s.Notices {
			if n.Kind == kind {
				out = append(out, n)
			}
		}
	}
	return out
}

// meetings returns the meeting snapshots recorded, last first per id.
func (h *harness) meetings() map[string]domain.Meeting {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]domain.Meeting{}
	for _, s := range h.steps {
		if s.Meeting != nil {
			out[s.Meeting.ID] = *s.Meeting
		}
	}
	return out
}

func endOfDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, shanghai).UTC()
}

// nineAM is 09:00 of a day in the township's zone: when a reminder
// counted in days falls (policy remind_at).
func nineAM(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 9, 0, 0, 0, shanghai).UTC()
}

func eq(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s: got %s, want %s", what, got.In(shanghai), want.In(shanghai))
	}
}
