package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"suggestflow/domain"
)

// A database that stopped answering is "unavailable"; a statement the
// database refused is not.
func TestUnavailableTellsOutagesFromRefusals(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Nothing listens on port 1.
	_, err := Open(ctx, "mysql://root@tcp(127.0.0.1:1)/none?timeout=2s")
	if err == nil {
		t.Fatal("opened a database on a closed port")
	}
	if !Unavailable(err) {
		t.Errorf("a refused connection is not unavailable: %v", err)
	}
	if !Unavailable(fmt.Errorf("list: %w", context.DeadlineExceeded)) {
		t.Error("a timeout is not unavailable")
	}
	each(t, func(t *testing.T, s *Store) {
		d := domain.Deputy{ID: "dp_1", Name: "王代表", Level: "township"}
		if err := s.CreateDeputy(ctx, d); err != nil {
			t.Fatal(err)
		}
		err := s.CreateDeputy(ctx, d)
		if !errors.Is(err, ErrDuplicate) || Unavailable(err) {
			t.Errorf("a duplicate is unavailable or not a duplicate: %v", err)
		}
		if _, err := s.Deputy(ctx, "nobody"); Unavailable(err) {
			t.Errorf("not found is unavailable: %v", err)
		}
	})
}
