package store

import (
	"context"
	"errors"
	"fmt"

	"suggestflow/refusal"
)

// Refused turns a store error into what the caller is told: an unknown id
// is 404, a duplicate 409, a database that is down or a request out of time
// 503 with the cause kept for the log; anything else stays an error, with
// the object named.
func Refused(err error, object string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound):
		return refusal.New(refusal.NotFound, refusal.NotFoundObject, "object", object).WithCause(err)
	case errors.Is(err, ErrDuplicate):
		return refusal.New(refusal.Conflict, refusal.Duplicate, "object", object).WithCause(err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), Unavailable(err):
		return refusal.DependencyDown(fmt.Errorf("%s: %w", object, err))
	}
	return fmt.Errorf("%s: %w", object, err)
}
