package cases

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"go.temporal.io/api/serviceerror"
)

// An update the server aborts is tried again with the same id until it
// answers; any other answer, a refusal included, is returned at once.
func TestWhileAbortedTriesAgainOnlyWhenUnavailable(t *testing.T) {
	aborted := serviceerror.NewUnavailable("workflow update was aborted")
	calls := 0
	err := whileAborted(context.Background(), discard, func() error {
		calls++
		if calls < 3 {
			return aborted
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("aborted twice then answered: err %v after %d calls, want nil after 3", err, calls)
	}

	refused := errors.New("refused")
	calls = 0
	err = whileAborted(context.Background(), discard, func() error { calls++; return refused })
	if !errors.Is(err, refused) || calls != 1 {
		t.Fatalf("a refusal: err %v after %d calls, want it after 1", err, calls)
	}

	calls = 0
	err = whileAborted(context.Background(), discard, func() error { calls++; return aborted })
	if !errors.Is(err, aborted) || calls != len(abortRetries)+1 {
		t.Fatalf("always aborted: err %v after %d calls, want it after %d", err, calls, len(abortRetries)+1)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	err = whileAborted(ctx, discard, func() error { calls++; return aborted })
	if !errors.Is(err, aborted) || calls != 1 {
		t.Fatalf("past its deadline: err %v after %d calls, want it after 1", err, calls)
	}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))
