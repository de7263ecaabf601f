package app

import (
	"strings"
	"testing"
)

// TestRosterEditRetireAndDuplicates: deputies and units are edited and
// retired through PATCH; a likely duplicate is 409 naming the record it
// duplicates; lists hide retired ones unless asked; a retired deputy
// cannot submit or co-sign and a retired unit cannot be assigned (422
// retired), while past cases keep their names.
func TestRosterEditRetireAndDuplicates(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, unit2 := c.setup()

	// Same name in the same group; same phone in another group.
	for _, body := range []map[string]any{
		{"name": "王西林", "level": "township", "group": "第一组"},
		{"name": "王东林", "level": "township", "group": "第二组", "phone": "13800000001"},
	} {
		r := c.do("POST", "/api/v1/deputies", body)
		p := r.json(t)
		if r.status != 409 || p["code"] != "duplicate" || !strings.Contains(p["detail"].(string), lead) || !strings.Contains(p["detail"].(string), "王西林") {
			t.Fatalf("duplicate %v: %d %s", body, r.status, r.body)
		}
	}
	// The same name in another group is another person.
	c.must(201, "POST", "/api/v1/deputies", map[string]any{"name": "王西林", "level": "township", "group": "第二组"})
	if r := c.do("POST", "/api/v1/units", map[string]any{"name": "供电所", "head": "某"}); r.status != 409 || !strings.Contains(string(r.body), unit) {
		t.Fatalf("duplicate unit: %d %s", r.status, r.body)
	}

	// Edit: a new phone; the leader in charge and the handler with contacts.
	d := c.must(200, "PATCH", "/api/v1/deputies/"+co, map[string]any{"phone": "13900000009"})
	if d["phone"] != "13900000009" || d["name"] != "韩玉平" || d["active"] != true {
		t.Fatalf("patched deputy = %v", d)
	}
	u := c.must(200, "PATCH", "/api/v1/units/"+unit, map[string]any{"leader": "张镇长", "leader_phone": "13700000001",
		"handler": "李干事", "handler_email": "li@example.org"})
	if u["leader_phone"] != "13700000001" || u["handler_email"] != "li@example.org" || u["head"] != "李所长" {
		t.Fatalf("patched unit = %v", u)
	}
	c.must(422, "PATCH", "/api/v1/units/"+unit, map[string]any{"handler_email": "not-an-address"})
	c.must(422, "PATCH", "/api/v1/deputies/"+co, map[string]any{"unknown": 1})
	if r := c.do("PATCH", "/api/v1/deputies/"+co, map[string]any{"phone": "13800000001"}); r.status != 409 {
		t.Fatalf("patch to another's phone: %d %s", r.status, r.body)
	}

	// A case submitted before the retirements keeps its names.
	id := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co))["id"].(string)
	c.must(200, "PATCH", "/api/v1/deputies/"+co, map[string]any{"active": false})
	c.must(200, "PATCH", "/api/v1/units/"+unit2, map[string]any{"active": false})

	for path, gone := range map[string]string{"/api/v1/deputies": co, "/api/v1/units": unit2} {
		if listed(c.must(200, "GET", path, nil), gone) {
			t.Errorf("%s lists the retired %s", path, gone)
		}
		if !listed(c.must(200, "GET", path+"?include_retired=true", nil), gone) {
			t.Errorf("%s?include_retired=true does not list %s", path, gone)
		}
	}
	if !listed(c.must(200, "GET", "/api/v1/deputies?q=王西", nil), lead) || listed(c.must(200, "GET", "/api/v1/deputies?group=第二组", nil), lead) {
		t.Errorf("deputy search or group filter is wrong")
	}

	sub := submission(lead, co)
	sub["title"] = "另一件建议"
	if r := c.do("POST", "/api/v1/suggestions", sub); r.status != 422 || !strings.Contains(string(r.body), `"retired"`) {
		t.Fatalf("co-signed by a retired deputy: %d %s", r.status, r.body)
	}
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/review", map[string]any{"decision": "accept"})
	r := c.do("POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit2, "leader": "张", "handler": "李"})
	if r.status != 422 || !strings.Contains(string(r.body), `"retired"`) {
		t.Fatalf("assigned to a retired unit: %d %s", r.status, r.body)
	}
	c.must(200, "POST", "/api/v1/suggestions/"+id+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张", "handler": "李"})
	sg := c.must(200, "GET", "/api/v1/suggestions/"+id, nil)
	if cs := sg["co_signer_ids"].([]any); len(cs) != 1 || cs[0] != co {
		t.Errorf("the case lost its retired co-signer: %v", sg["co_signer_ids"])
	}
	// Bringing a deputy back makes them selectable again.
	c.must(200, "PATCH", "/api/v1/deputies/"+co, map[string]any{"active": true})
	c.must(201, "POST", "/api/v1/suggestions", sub)
}

func listed(page map[string]any, id string) bool {
	for _, it := range page["items"].([]any) {
		if it.(map[string]any)["id"] == id {
			return true
		}
	}
	return false
}
