package notices

import (
	"strings"
	"testing"
	"time"
)

// TestReferralAndMergeNotices: what the deputies and the presidium are
// told of a referral and a merge, in Chinese, with dates in the
// township's zone and durations in words.
func TestReferralAndMergeNotices(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"number": "2026-001", "title": "县道拓宽"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, c := range []struct {
		kind string
		data map[string]string
		want []string
	}{
		{"referred", with("to", "县交通运输局", "sent_at", "2026-03-09T16:00:00Z", "reason", "县级事权"), []string{"县交通运输局", "2026年3月10日", "县级事权", "望城镇人大主席团已于"}},
		{"referral_answered", with("to", "县交通运输局", "received_at", "2026-06-01T02:00:00Z", "content", "已列入计划"), []string{"已列入计划", "2026年6月1日"}},
		{"referral_unanswered", with("to", "县交通运输局", "sent_at", "2026-03-09T16:00:00Z", "within", "P3M"), []string{"3 个月", "县交通运输局"}},
		{"merged", with("into_number", "2026-002", "into_title", "三村电网", "reason", "同一事项"), []string{"2026-002", "联名代表", "评价"}},
		{"merged_in", with("from_number", "2026-003", "from_title", "电网增容", "count", "2"), []string{"2026-003", "2名"}},
	} {
		subject, body, err := Render(c.kind, c.data, loc, "望城镇")
		if err != nil || !strings.Contains(subject, "2026-001") {
			t.Fatalf("%s: %q %v", c.kind, subject, err)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: %q lacks %q", c.kind, body, w)
			}
		}
	}
}
