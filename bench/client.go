package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// apiClient talks to the API like any client would, over loopback HTTP.
type apiClient struct {
	base  string
	token string
	hc    *http.Client
	// unavailable counts the answers 503 (the application found Temporal
	// or the database unavailable), busy the answers 429; the run reports
	// both, since a person would have seen them.
	unavailable, busy atomic.Int64
}

func newAPIClient(addr, token string) *apiClient {
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	return &apiClient{base: "http://" + addr, token: token, hc: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}
}

type httpError struct {
	status int
	method string
	path   string
	body   string
}

func (e *httpError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, oneLine(e.body))
}

func statusOf(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.status
	}
	return 0
}

// call sends one request and returns the status and body.
func (c *apiClient) call(ctx context.Context, method, path string, body any, headers ...string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	switch res.StatusCode {
	case http.StatusServiceUnavailable:
		c.unavailable.Add(1)
	case http.StatusTooManyRequests:
		c.busy.Add(1)
	}
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

// do sends a request that must answer with want, decoding the body into out.
func (c *apiClient) do(ctx context.Context, want int, method, path string, body, out any, headers ...string) error {
	status, raw, err := c.call(ctx, method, path, body, headers...)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if status != want {
		return &httpError{status: status, method: method, path: path, body: string(raw)}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// retry repeats a request that failed for want of capacity (transport
// error, 429, 502-504). It reports whether it had to retry, so that a 409
// after a retry can be read as "the first attempt did apply".
func (c *apiClient) retry(ctx context.Context, want int, method, path string, body, out any, headers ...string) (retried bool, err error) {
	for attempt := 0; ; attempt++ {
		err = c.do(ctx, want, method, path, body, out, headers...)
		if err == nil || attempt >= 4 || ctx.Err() != nil {
			return attempt > 0, err
		}
		switch statusOf(err) {
		case 0, http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			time.Sleep(time.Duration(attempt+1) * time.Second)
			continue
		}
		return attempt > 0, err
	}
}

// suggestionResp is what the harness reads of a suggestion.
type suggestionResp struct {
	ID       string     `json:"id"`
	Number   string     `json:"number"`
	Status   string     `json:"status"`
	Flags    []string   `json:"flags"`
	DueAt    *time.Time `json:"due_at"`
	Timeline []struct {
		At   time.Time `json:"at"`
		Type string    `json:"type"`
	} `json:"timeline"`
}

type listResp struct {
	Total int64 `json:"total"`
}

// parallel runs f(0..n-1) on conc goroutines and returns the errors.
func parallel(ctx context.Context, n, conc int, f func(i int) error) []error {
	var next atomic.Int64
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

func firstErrors(errs []error, n int) string {
	var out []string
	for i, e := range errs {
		if i >= n {
			break
		}
		out = append(out, oneLine(e.Error()))
	}
	return fmt.Sprint(out)
}
