package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"suggestflow/config"
	"suggestflow/contract"
	"suggestflow/store"
)

// RoleReconcile compares the database with Temporal once and reports.
const RoleReconcile = "reconcile"

// Reconciliation compares the cases in the database with the suggestion
// workflows in Temporal. Each row must have a workflow (intake stores a case
// just before it starts the workflow, and recoverIntakes starts those whose
// start was cut off); a workflow must have its row unless its intake never
// arrived (a start of the older Update-With-Start intake cut off before the
// submission was taken: it ends by itself after an hour and was never
// answered as accepted).
type Reconciliation struct {
	Cases     int `json:"cases"`
	Workflows int `json:"workflows"`
	// RowsWithoutWorkflow are cases no workflow keeps: their deadlines
	// would never fire.
	RowsWithoutWorkflow []string `json:"rows_without_workflow"`
	// WorkflowsWithoutRow are open workflows whose case is not stored yet;
	// a few seconds after a restart there may be some, catching up.
	WorkflowsWithoutRow []string `json:"workflows_without_row"`
	// AbandonedIntakes are closed workflows that never received their
	// submission; nothing was accepted for them.
	AbandonedIntakes []string `json:"abandoned_intakes"`
}

// Consistent reports whether every case has its workflow and every
// workflow its case.
func (r Reconciliation) Consistent() bool {
	return len(r.RowsWithoutWorkflow) == 0 && len(r.WorkflowsWithoutRow) == 0
}

// Reconcile lists both sides and compares them by id.
func Reconcile(ctx context.Context, st *store.Store, c client.Client, namespace string) (Reconciliation, error) {
	var r Reconciliation
	ids, err := st.CaseIDs(ctx)
	if err != nil {
		return r, err
	}
	rows := make(map[string]bool, len(ids))
	for _, id := range ids {
		rows[id] = true
	}
	r.Cases = len(ids)
	// A case that continued as new has several runs: one id, the newest
	// run's status decides.
	open := map[string]bool{}
	seen := map[string]bool{}
	req := &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, PageSize: 1000,
		Query: fmt.Sprintf("WorkflowType = '%s'", contract.SuggestionWorkflowName)}
	for {
		resp, err := c.ListWorkflow(ctx, req)
		if err != nil {
			return r, fmt.Errorf("list suggestion workflows: %w", err)
		}
		for _, e := range resp.Executions {
			id := e.GetExecution().GetWorkflowId()
			seen[id] = true
			if e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				open[id] = true
			}
		}
		if len(resp.NextPageToken) == 0 {
			break
		}
		req.NextPageToken = resp.NextPageToken
	}
	r.Workflows = len(seen)
	for id := range rows {
		if !seen[id] {
			r.RowsWithoutWorkflow = append(r.RowsWithoutWorkflow, id)
		}
	}
	for id := range seen {
		switch {
		case rows[id]:
		case open[id]:
			r.WorkflowsWithoutRow = append(r.WorkflowsWithoutRow, id)
		default:
			r.AbandonedIntakes = append(r.AbandonedIntakes, id)
		}
	}
	slices.Sort(r.RowsWithoutWorkflow)
	slices.Sort(r.WorkflowsWithoutRow)
	slices.Sort(r.AbandonedIntakes)
	return r, nil
}

// RunReconcile connects to the database and to Temporal (the configured
// cluster, or the all-in-one process's server on its listen address),
// compares them and prints the result. Temporal's list lags a moment
// behind, so it looks again for up to wait before calling a case missing.
func RunReconcile(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer, wait time.Duration) (Reconciliation, error) {
	st, err := store.Open(ctx, cfg.DBDSN)
	if err != nil {
		return Reconciliation{}, err
	}
	defer st.Close()
	addr := cfg.TemporalAddress
	if addr == "" {
		addr = cfg.TemporalListen
	}
	tlsCfg, err := cfg.TemporalTLS()
	if err != nil {
		return Reconciliation{}, err
	}
	c, err := dial(ctx, addr, cfg.TemporalNamespace, nil, nil, log, func(o *client.Options) {
		o.ConnectionOptions.TLS = tlsCfg
		if cfg.TemporalAPIKey != "" {
			o.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
		}
	})
	if err != nil {
		return Reconciliation{}, err
	}
	defer c.Close()
	deadline := time.Now().Add(wait)
	for {
		r, err := Reconcile(ctx, st, c, cfg.TemporalNamespace)
		if err != nil {
			return r, err
		}
		if r.Consistent() || time.Now().After(deadline) {
			fmt.Fprintf(out, "cases in the database: %d\nsuggestion workflows:  %d\n", r.Cases, r.Workflows)
			fmt.Fprintf(out, "cases without a workflow: %d %v\n", len(r.RowsWithoutWorkflow), r.RowsWithoutWorkflow)
			fmt.Fprintf(out, "open workflows without a case: %d %v\n", len(r.WorkflowsWithoutRow), r.WorkflowsWithoutRow)
			fmt.Fprintf(out, "intakes that never arrived (nothing accepted): %d\n", len(r.AbandonedIntakes))
			if !r.Consistent() {
				return r, fmt.Errorf("the database and Temporal disagree")
			}
			fmt.Fprintln(out, "consistent: every case has its workflow and every workflow its case")
			return r, nil
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// intakeRecoveryEvery is how often the API looks for stored cases whose
// workflow start was cut off.
const intakeRecoveryEvery = 30 * time.Second

// recoverIntakes starts, at once, the workflows of every case stored
// without one when the process last stopped, then keeps looking, in the
// background, for cases whose start failed since. It returns the stop.
func recoverIntakes(ctx context.Context, srv interface {
	RecoverIntakes(ctx context.Context, all bool) (int, error)
}, log *slog.Logger) func() {
	if _, err := srv.RecoverIntakes(ctx, true); err != nil {
		log.Warn("cases stored without a workflow were not all started; trying again later", "error", err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(intakeRecoveryEvery)
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				if _, err := srv.RecoverIntakes(rctx, false); err != nil && rctx.Err() == nil {
					log.Warn("cases stored without a workflow were not all started; trying again later", "error", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}
