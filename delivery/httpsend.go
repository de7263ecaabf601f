package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// maxAnswer bounds how much of an answer is read: robots answer with a few
// bytes of JSON, and nobody else's answer body is used at all.
const maxAnswer = 64 << 10

// userAgent names the sender, for the receivers' logs.
const userAgent = "SuggestFlow-Delivery/1"

// StatusError is a non-2xx HTTP answer. It is permanent for 4xx answers
// (except 408 and 429, which ask the sender to come back later).
type StatusError struct {
	StatusCode int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// post POSTs body to rawURL and returns the answer's body when the status
// is 2xx. Errors are classified (see StatusError) and never contain the URL
// beyond its scheme and host, because group-robot and gateway URLs carry
// their access tokens in the path or query.
func post(ctx context.Context, client *http.Client, rawURL, contentType string, body []byte, header http.Header) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		// The URLs were checked at construction; only a bad context or
		// method gets here, and neither improves with time.
		return nil, Permanent(fmt.Errorf("build request to %s: %w", redactURL(rawURL), unwrapURLError(err)))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", userAgent)

	resp, err := client.Do(req)
	if err != nil {
		// Network errors, timeouts and cancellations are all transient.
		return nil, fmt.Errorf("post to %s: %w", redactURL(rawURL), unwrapURLError(err))
	}
	defer resp.Body.Close()
	answer, readErr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))

	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		if readErr != nil {
			return nil, fmt.Errorf("read answer from %s: %w", redactURL(rawURL), readErr)
		}
		return answer, nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
		return nil, fmt.Errorf("post to %s: %w", redactURL(rawURL), &StatusError{StatusCode: code})
	case code >= 400 && code < 500:
		// The receiver refused this request as such: sending it again
		// would be refused again.
		return nil, Permanent(fmt.Errorf("post to %s: %w", redactURL(rawURL), &StatusError{StatusCode: code}))
	default:
		// 5xx, and 1xx/3xx that the client could not resolve.
		return nil, fmt.Errorf("post to %s: %w", redactURL(rawURL), &StatusError{StatusCode: code})
	}
}

// unwrapURLError drops the *url.Error layer, whose message repeats the full
// URL with its secrets; the cause (timeout, refused connection, context
// error) is kept for errors.Is.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactURL keeps only the scheme and host of a URL, enough to tell which
// receiver failed without revealing the token in its path or query.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host
}

// checkURL validates a configured endpoint. The error names what is wrong
// but not the URL itself, which may hold a secret.
func checkURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s: not a URL: %w", what, unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s: scheme must be http or https, got %q", what, u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("%s: URL has no host", what)
	}
	return nil
}
