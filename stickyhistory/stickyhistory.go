// Package stickyhistory completes the history a worker reads back when its
// cache no longer holds a case that was sent a speculative workflow task.
//
// Temporal server v1.29 (the version this project pins) runs an update on
// a waiting workflow in a speculative workflow task: its Scheduled and
// Started events live only in the server's memory and travel in the poll's
// answer. A case evicted from the SDK's cache still gets that task on its
// sticky queue with only the new events; the SDK then reads the whole
// history with GetWorkflowExecutionHistory, which in v1.29 leaves those two
// events out, and fails the task ("premature end of stream",
// temporalio/temporal#7741, fixed in later servers by temporalio/temporal#9138).
// The update then waits for a second workflow task, and under load for
// the server's limits. The worker has the missing events in the poll's
// answer: this client interceptor keeps them for the task in hand and
// appends them to the history read back for it, as the fixed server does.
package stickyhistory

import (
	"context"
	"sync"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
)

// maxHeld bounds the tasks remembered at once. A worker holds as many
// tasks as it has slots, and each is forgotten when answered; a task never
// answered (its worker stopped) stays, so past the bound all are dropped,
// which only gives the tasks in hand the SDK's own behaviour back.
const maxHeld = 4096

// Splicer is a gRPC unary client interceptor; its zero value is not
// usable, New makes one.
type Splicer struct {
	mu sync.Mutex
	// byRun is the tail of the history of each task in hand, by run id;
	// byToken finds it from the task's token when the task is answered.
	byRun   map[string]held
	byToken map[string]string
}

type held struct {
	token   string
	started int64
	events  []*historypb.HistoryEvent
}

// New returns an empty Splicer.
func New() *Splicer {
	return &Splicer{byRun: map[string]held{}, byToken: map[string]string{}}
}

// DialOption installs the splicer on a client connection.
func (s *Splicer) DialOption() grpc.DialOption {
	return grpc.WithChainUnaryInterceptor(s.Intercept)
}

// Intercept is the grpc.UnaryClientInterceptor.
func (s *Splicer) Intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	switch r := req.(type) {
	case *workflowservice.RespondWorkflowTaskCompletedRequest:
		s.forget(r.GetTaskToken())
	case *workflowservice.RespondWorkflowTaskFailedRequest:
		s.forget(r.GetTaskToken())
	}
	if err := invoker(ctx, method, req, reply, cc, opts...); err != nil {
		return err
	}
	switch r := reply.(type) {
	case *workflowservice.PollWorkflowTaskQueueResponse:
		s.remember(r)
	case *workflowservice.GetWorkflowExecutionHistoryResponse:
		if q, ok := req.(*workflowservice.GetWorkflowExecutionHistoryRequest); ok {
			s.complete(q, r)
		}
	}
	return nil
}

// remember keeps the events of a task that carries only the history's
// tail (a sticky task): those are the ones a read-back may lack.
func (s *Splicer) remember(r *workflowservice.PollWorkflowTaskQueueResponse) {
	events := r.GetHistory().GetEvents()
	run := r.GetWorkflowExecution().GetRunId()
	if len(events) == 0 || events[0].GetEventId() <= 1 || run == "" || len(r.GetTaskToken()) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byRun[run]; ok {
		delete(s.byToken, old.token)
	}
	if len(s.byRun) >= maxHeld {
		clear(s.byRun)
		clear(s.byToken)
	}
	token := string(r.GetTaskToken())
	s.byRun[run] = held{token: token, started: r.GetStartedEventId(), events: events}
	s.byToken[token] = run
}

// forget drops a task once it is answered.
func (s *Splicer) forget(token []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	run, ok := s.byToken[string(token)]
	if !ok {
		return
	}
	delete(s.byToken, string(token))
	delete(s.byRun, run)
}

// complete appends to the last page of a history read back the events of
// the task in hand that the server left out, when they follow on from it.
func (s *Splicer) complete(q *workflowservice.GetWorkflowExecutionHistoryRequest, r *workflowservice.GetWorkflowExecutionHistoryResponse) {
	if len(r.GetNextPageToken()) > 0 || r.GetHistory() == nil || q.GetWaitNewEvent() ||
		q.GetHistoryEventFilterType() == enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT {
		return
	}
	s.mu.Lock()
	h, ok := s.byRun[q.GetExecution().GetRunId()]
	s.mu.Unlock()
	events := r.History.Events
	if !ok || len(events) == 0 {
		return
	}
	last := events[len(events)-1].GetEventId()
	if last >= h.started {
		return
	}
	for _, e := range h.events {
		id := e.GetEventId()
		if id <= last {
			continue
		}
		if id != last+1 {
			// A gap: the server lost more than this task's events, and
			// the SDK's own error is the right answer.
			return
		}
		events = append(events, e)
		last = id
	}
	if last == h.started {
		r.History.Events = events
	}
}
