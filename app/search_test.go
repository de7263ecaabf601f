package app

import (
	"net/url"
	"strings"
	"testing"
)

// GET /api/v1/suggestions?q= over the real server: a word of the content
// only, a deputy's name, a unit's name given at assignment; ranked, with the
// total.
func TestSearchOverHTTP(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, _ := c.setup()
	first := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co))["id"].(string)
	road := submission(co)
	road["title"], road["content"] = "关于村道硬化的建议", "东岭村道路坑洼，雨天无法通行，涉及农村电网线杆。"
	second := c.must(201, "POST", "/api/v1/suggestions", road)["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+first+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+first+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张镇长", "handler": "李干事"})

	found := func(q string) []string {
		t.Helper()
		l := c.must(200, "GET", "/api/v1/suggestions?q="+url.QueryEscape(q), nil)
		var got []string
		for _, it := range l["items"].([]any) {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		if int(l["total"].(float64)) != len(got) {
			t.Errorf("q=%s: total %v for %d items", q, l["total"], len(got))
		}
		return got
	}
	for q, want := range map[string][]string{
		"坑洼":     {second},        // only in the content
		"王西林":    {first},         // the lead deputy
		"韩玉平":    {second, first}, // lead of one, co-signer of the other; newest first
		"供电所":    {first},         // the unit, from the assignment step
		"农村电网":   {first, second}, // the title match first, though the other is newer
		"电压 坑洼":  {second, first}, // one word each: newest first
		"没有这样的词": nil,
	} {
		if got := found(q); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("q=%s: %v, want %v", q, got, want)
		}
	}
	if r := c.do("GET", "/api/v1/suggestions?q="+strings.Repeat("路", 201), nil); r.status != 422 {
		t.Errorf("a query of 201 characters: %d %s", r.status, r.body)
	}
}
