// Package throttle limits how fast one token writes, for the API and the
// pages alike: one limiter per token, shared by both.
package throttle

import (
	"sync"

	"golang.org/x/time/rate"
)

// Writes holds a token bucket per token. A zero rate means no limit.
type Writes struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	by    map[string]*rate.Limiter
}

// New limits each token to perSecond sustained writes and burst at once.
func New(perSecond float64, burst int) *Writes {
	if burst <= 0 {
		burst = 20
	}
	return &Writes{rate: rate.Limit(perSecond), burst: burst, by: map[string]*rate.Limiter{}}
}

// Allow says whether the token may write now, and counts the write.
func (w *Writes) Allow(tokenID string) bool {
	if w == nil || w.rate <= 0 {
		return true
	}
	w.mu.Lock()
	l, ok := w.by[tokenID]
	if !ok {
		l = rate.NewLimiter(w.rate, w.burst)
		w.by[tokenID] = l
	}
	w.mu.Unlock()
	return l.Allow()
}
