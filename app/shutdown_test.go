package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"suggestflow/store"
)

// TestShutdownFinishesRequestsInFlight stops the process while writes are
// under way: every request either completes or is never taken, and every
// one answered 201 is in the database afterwards.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	cfg := testConfig(t, t.TempDir(), "")
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a, err := Start(context.Background(), cfg, RoleAll, log)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + a.HTTPAddr
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, refused, other := 0, 0, map[int]int{}
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := fmt.Sprintf(`{"name":"代表%d","level":"township"}`, i)
			req, _ := http.NewRequest("POST", base+"/api/v1/deputies", bytes.NewBufferString(body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			res, err := http.DefaultClient.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				refused++
				return
			}
			res.Body.Close()
			if res.StatusCode == 201 {
				created++
			} else {
				other[res.StatusCode]++
			}
		}(i)
		if i == 20 {
			go a.Stop()
		}
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	a.Stop()
	if len(other) > 0 {
		t.Errorf("answers other than 201 during shutdown: %v", other)
	}
	if created == 0 {
		t.Fatal("no request completed; the test proves nothing")
	}
	st, err := store.Open(context.Background(), cfg.DBDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, total, err := st.Deputies(context.Background(), store.RosterFilter{}, store.Page{Number: 1, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if int(total) != created {
		t.Errorf("%d answered 201 but %d are stored (%d refused)", created, total, refused)
	}
}
