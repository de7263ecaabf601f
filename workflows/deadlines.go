package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"suggestflow/domain"
)

// alarm is one timed step a workflow waits for.
type alarm struct {
	key string
	at  time.Time
	run func(ctx workflow.Context, step *domain.Step)
}

// earliest is the first alarm not yet taken; ties go by key, so the order
// is the same on every replay.
func earliest(alarms []alarm, done []string) (alarm, bool) {
	var best alarm
	found := false
	for _, a := range alarms {
		if slices.Contains(done, a.key) {
			continue
		}
		if !found || a.at.Before(best.at) || (a.at.Equal(best.at) && a.key < best.key) {
			best, found = a, true
		}
	}
	return best, found
}

// deadlines is the one deadline loop of the suggestion and meeting
// workflows: compute the next moment anything is due from the state, wait
// until then or until the state changes, take what is due, repeat. The
// workflow says what is due (alarms), which steps it took (done) and how a
// step is stored (persist); an action that changes the state bumps version
// to wake the wait.
type deadlines struct {
	mu      workflow.Mutex
	version int
	alarms  func() []alarm
	done    func() *[]string
	persist func(workflow.Context, *domain.Step) error
}

// wait returns once the earliest pending alarm is due or the state has
// changed.
func (d *deadlines) wait(ctx workflow.Context) error {
	seen := d.version
	changed := func() bool { return d.version != seen }
	next, ok := earliest(d.alarms(), *d.done())
	if !ok {
		return workflow.Await(ctx, changed)
	}
	if wait := next.at.Sub(now(ctx)); wait > 0 {
		_, err := workflow.AwaitWithTimeout(ctx, wait, changed)
		return err
	}
	return nil
}

// fireDue takes every timed step whose moment has come, in order, each
// stored as its own step, under the state lock.
func (d *deadlines) fireDue(ctx workflow.Context) error {
	if err := d.mu.Lock(ctx); err != nil {
		return err
	}
	defer d.mu.Unlock()
	for {
		a, ok := earliest(d.alarms(), *d.done())
		if !ok || a.at.After(now(ctx)) {
			return nil
		}
		step := &domain.Step{}
		*d.done() = append(*d.done(), a.key)
		a.run(ctx, step)
		if err := d.persist(ctx, step); err != nil {
			return err
		}
	}
}
