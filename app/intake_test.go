package app

import (
	"context"
	"testing"
	"time"

	"suggestflow/activities"
	"suggestflow/contract"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/workflows"
)

// TestIntakeCutOffIsStartedAtTheNextStart stores two cases as intake does
// and stops short of their workflows, as a crash would: one before its
// first step was written, one after. The next start of the process must
// start both workflows, with the first step written once, so that each
// case answers its next action and Temporal and the database agree.
func TestIntakeCutOffIsStartedAtTheNextStart(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), "")
	c := startWith(t, cfg)
	lead, _, _, _ := c.setup()
	ctx := context.Background()
	pol, err := policy.Load(cfg.PolicyFile)
	if err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{Store: c.app.Store, Policy: pol}
	actor := domain.Actor{ID: "presidium", Role: "presidium"}
	cut := func(id, title string, withStep bool) {
		st := workflows.NewCase(id, contract.RulesVersion)
		at := time.Now().UTC()
		workflows.IntakeState(&st, domain.SubmitInput{Title: title, Content: "路面破损。", Kind: "suggestion", LeadDeputyID: lead,
			SubmittedIn: "recess"}, at, pol)
		number, created, err := acts.CreateIntake(ctx, st, actor)
		if err != nil || !created || number == "" {
			t.Fatalf("store %s: %q %v %v", id, number, created, err)
		}
		st.Number = number
		if withStep {
			if err := acts.Record(ctx, workflows.IntakeStep(&st, actor, at)); err != nil {
				t.Fatal(err)
			}
		}
	}
	cut("sg_cutbeforestep", "关于东岭村道路维修的建议", false)
	cut("sg_cutafterstep", "关于西岭村路灯的建议", true)
	if r, err := Reconcile(ctx, c.app.Store, c.app.Temporal, cfg.TemporalNamespace); err != nil || len(r.RowsWithoutWorkflow) != 2 {
		t.Fatalf("before the restart: %+v, %v; want the two cases without a workflow", r, err)
	}
	c.app.Stop()

	c = startWith(t, cfg)
	// The workflows are started before the process serves; Temporal's
	// list of workflows (its visibility store) shows them a moment later.
	var r Reconciliation
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		r, err = Reconcile(ctx, c.app.Store, c.app.Temporal, cfg.TemporalNamespace)
		if err == nil && r.Consistent() && r.Cases == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart: %+v, %v; want both cases with their workflows", r, err)
		}
	}
	for _, id := range []string{"sg_cutbeforestep", "sg_cutafterstep"} {
		got := c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
		if got["status"] != "accepted" {
			t.Fatalf("%s after review: %v", id, got["status"])
		}
		sg := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
		n := 0
		for _, typ := range types(sg) {
			if typ == "submitted" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d submitted events, want 1: %v", id, n, types(sg))
		}
	}
	if pending, err := c.app.Store.PendingIntakes(ctx, time.Now().Add(time.Hour), 10); err != nil || len(pending) != 0 {
		t.Errorf("intake marks left: %v %v", pending, err)
	}
}
