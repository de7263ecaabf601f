// Package demo fills a running SuggestFlow with a township modelled on the
// source articles: deputies in groups, handling units, and suggestions in
// every state, some about to fall overdue, so that a newcomer sees a living
// system at once.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"suggestflow/accounts"
	"time"
)

// Policy is the demo's fast clock: replies are due minutes after
// assignment, so reminders, deadlines and escalations happen while one
// watches.
const Policy = `reply_within: PT3M
rehandle_within: PT5M
remind_before_due: [PT1M]
progress_report_every: PT2M
progress_report_grace: PT1M
evaluation_within: PT10M
evaluation_grace: PT5M
meeting_within: PT10M
meeting_notice_ahead: PT1M
meeting_remind_before: PT1M
quiet_hours: ""
`

// Client talks to the API with the admin token.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// do sends one request. A 429 (the token's write limit) changed nothing:
// the client waits as long as Retry-After says and sends it again.
func (c *Client) do(ctx context.Context, method, path string, body any, token ...string) (map[string]any, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	tok := c.Token
	if len(token) > 0 {
		tok = token[0]
	}
	for {
		req, err := http.NewRequestWithContext(ctx, method, c.Base+path, bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := c.HTTP.Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		answer, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s %s: read the answer: %w", method, path, err)
		}
		if res.StatusCode == http.StatusTooManyRequests {
			if err := wait(ctx, retryAfter(res.Header.Get("Retry-After"))); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			continue
		}
		if res.StatusCode >= 300 {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, answer)
		}
		var out map[string]any
		if len(answer) > 0 {
			if err := json.Unmarshal(answer, &out); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
		}
		return out, nil
	}
}

// retryAfter reads a Retry-After in seconds; one second when absent.
func retryAfter(v string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return time.Second
}

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) id(ctx context.Context, method, path string, body any) (string, error) {
	out, err := c.do(ctx, method, path, body)
	if err != nil {
		return "", err
	}
	return out["id"].(string), nil
}

// Result names what the demo made, for the welcome message.
type Result struct {
	Suggestions int
	// Logins are the accounts to try the other roles with.
	Logins []Login
}

// Login is a demo account: who it acts for, its user name and password.
type Login struct {
	Role     string
	Name     string
	Username string
	Password string
}

// demoTownship is the demo's township, made up.
const demoTownship = "青石镇"

// Seed creates the township.
func Seed(ctx context.Context, c *Client) (Result, error) {
	var res Result
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	deputies := []struct{ name, level, group, phone string }{
		{"望西林", "county", "第一代表小组", "13900000001"},
		{"韩玉平", "county", "第一代表小组", "13900000002"},
		{"周德明", "township", "第一代表小组", "13900000003"},
		{"李春兰", "township", "第二代表小组", "13900000004"},
		{"陈国庆", "township", "第二代表小组", "13900000005"},
		{"杨秀英", "township", "第三代表小组", "13900000006"},
		{"刘建华", "township", "第三代表小组", "13900000007"},
		{"黄桂芳", "township", "第四代表小组", "13900000008"},
	}
	// The township's name heads the pages and signs the notices and
	// documents, as a real township's would.
	if _, err := c.do(ctx, "PUT", "/api/v1/settings/policy/township", map[string]any{"value": demoTownship}); err != nil {
		return res, err
	}
	dep := map[string]string{}
	for _, d := range deputies {
		id, err := c.id(ctx, "POST", "/api/v1/deputies", map[string]any{"name": d.name, "level": d.level, "group": d.group, "phone": d.phone})
		if err != nil {
			return res, err
		}
		dep[d.name] = id
	}
	units := []struct{ name, head string }{
		{"镇供电所", "李所长"}, {"镇移民工作站", "王站长"}, {"镇交通管理站", "赵站长"},
		{"镇水利站", "孙站长"}, {"镇农业服务中心", "钱主任"}, {"镇村镇建设办公室", "吴主任"},
	}
	unit := map[string]string{}
	for _, u := range units {
		id, err := c.id(ctx, "POST", "/api/v1/units", map[string]any{"name": u.name, "head": u.head})
		if err != nil {
			return res, err
		}
		unit[u.name] = id
	}
	now := func() string { return time.Now().UTC().Format(time.RFC3339) }
	type step struct {
		path string
		body map[string]any
	}
	type cases struct {
		title, content, category, lead string
		co                             []string
		unit                           string
		steps                          func(id string) []step
	}
	accept := step{"review", map[string]any{"decision": "accept"}}
	assign := func(u string) step {
		return step{"assignment", map[string]any{"lead_unit_id": unit[u], "leader": "分管副镇长", "handler": "经办人"}}
	}
	consult := step{"consultations", map[string]any{"held_at": "", "method": "on_site", "participants": []string{"领衔代表", "承办单位负责人"}, "notes": "现场察看并听取群众意见"}}
	all := []cases{
		{"关于农村电网增容的建议", "三个村用电高峰期电压不足，空调、抽水设备无法正常使用，建议对台区变压器增容改造。", "基础设施", "望西林",
			[]string{"韩玉平", "周德明", "李春兰", "陈国庆", "杨秀英", "刘建华"}, "镇供电所", func(id string) []step {
				return []step{accept, assign("镇供电所"), consult,
					{"reply", map[string]any{"result_class": "A", "content": "已完成三个台区变压器增容，电压恢复正常。"}},
					{"ratings", map[string]any{"deputy_id": dep["望西林"], "attitude": "satisfied", "result": "satisfied"}},
					{"ratings", map[string]any{"deputy_id": dep["韩玉平"], "attitude": "satisfied", "result": "basically_satisfied"}}}
			}},
		{"关于妥善解决库区移民后扶问题的建议", "部分调出原承包地用于安置移民的非移民人口未能享受后期扶持政策，建议纳入扶持范围。", "民生保障", "韩玉平",
			[]string{"望西林"}, "镇移民工作站", func(id string) []step {
				return []step{accept, assign("镇移民工作站"), consult,
					{"reply", map[string]any{"result_class": "B", "content": "已完成审核、公示、汇总并上报省政府，待批准后执行。",
						"promised_at": time.Now().AddDate(0, 6, 0).UTC().Format(time.RFC3339)}},
					{"ratings", map[string]any{"deputy_id": dep["韩玉平"], "attitude": "satisfied", "result": "basically_satisfied"}}}
			}},
		{"关于硬化三组村道的建议", "三组通组道路为泥结石路面，雨季泥泞，学生上学不便，建议硬化。", "交通", "周德明", nil, "镇交通管理站",
			func(id string) []step { return []step{accept, assign("镇交通管理站")} }},
		{"关于修缮灌溉渠道的建议", "二组灌溉渠渗漏严重，影响春耕用水，建议修缮。", "农业", "李春兰", []string{"陈国庆"}, "镇水利站",
			func(id string) []step {
				return []step{accept, assign("镇水利站"), consult, {"progress-reports", map[string]any{"content": "已完成勘测，正在编制修缮方案。"}}}
			}},
		{"关于发展柑橘产业的建议", "建议统一引进优良品种并提供技术培训，扩大柑橘种植规模。", "产业发展", "杨秀英", nil, "镇农业服务中心",
			func(id string) []step {
				return []step{accept, assign("镇农业服务中心"), consult,
					{"reply", map[string]any{"result_class": "D", "content": "受资金限制，留作今后工作参考。"}},
					{"ratings", map[string]any{"deputy_id": dep["杨秀英"], "attitude": "basically_satisfied", "result": "unsatisfied", "reasons": "未提出任何具体措施，希望至少组织一次技术培训。"}}}
			}},
		{"关于集镇建设规划公开的建议", "建议将集镇建设规划在政务公开栏公示并听取群众意见。", "城镇建设", "刘建华", nil, "",
			func(id string) []step { return nil }},
		{"关于增设客运招呼站的建议", "四组至集镇无客运招呼站，群众出行不便。", "交通", "黄桂芳", nil, "",
			func(id string) []step { return []step{accept} }},
		{"关于解决本人子女就业问题的建议", "希望镇政府帮助安排子女工作。", "其他", "陈国庆", nil, "",
			func(id string) []step {
				return []step{{"review", map[string]any{"decision": "return", "reason": "属个人事务，不属于代表建议", "return_category": "personal_affair"}}}
			}},
		{"关于整治集镇占道经营的建议", "集镇主街占道经营严重，影响通行和安全。", "城镇管理", "望西林", []string{"黄桂芳"}, "镇村镇建设办公室",
			func(id string) []step { return []step{accept, assign("镇村镇建设办公室")} }},
	}
	for _, cs := range all {
		co := []string{}
		for _, n := range cs.co {
			co = append(co, dep[n])
		}
		id, err := c.id(ctx, "POST", "/api/v1/suggestions", map[string]any{"title": cs.title, "content": cs.content, "kind": "suggestion",
			"category": cs.category, "lead_deputy_id": dep[cs.lead], "co_signer_ids": co, "submitted_in": "session"})
		if err != nil {
			return res, err
		}
		res.Suggestions++
		for _, st := range cs.steps(id) {
			if st.path == "consultations" {
				st.body["held_at"] = now()
			}
			if _, err := c.do(ctx, "POST", "/api/v1/suggestions/"+id+"/"+st.path, st.body); err != nil {
				return res, err
			}
		}
	}
	// Deputies' visits to constituents this month.
	for _, n := range []string{"望西林", "韩玉平", "李春兰"} {
		_, err := c.do(ctx, "POST", "/api/v1/deputies/"+dep[n]+"/visits", map[string]any{
			"visited_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "place": "村委会",
			"opinions": []map[string]any{{"constituent": "村民", "content": "希望村里通组路早日硬化"}}})
		if err != nil {
			return res, err
		}
	}
	// Accounts to try the other roles. Each signs in once and changes the
	// first password staff gave it, as its holder would, so that the
	// printed password is its own and asks for no change.
	for _, a := range []struct{ role, name, username, field, id string }{
		{"unit", "镇供电所", "gongdiansuo", "unit_id", unit["镇供电所"]},
		{"deputy", "望西林", "wangxilin", "deputy_id", dep["望西林"]},
	} {
		first, password := accounts.Generate(), accounts.Generate()
		if _, err := c.do(ctx, "POST", "/api/v1/accounts", map[string]any{"role": a.role, "name": a.name,
			"username": a.username, "password": first, a.field: a.id}); err != nil {
			return res, err
		}
		sess, err := c.do(ctx, "POST", "/api/v1/sessions", map[string]any{"username": a.username, "password": first}, "")
		if err != nil {
			return res, err
		}
		tok, _ := sess["token"].(string)
		if _, err := c.do(ctx, "PUT", "/api/v1/me/password", map[string]any{"current": first, "new": password}, tok); err != nil {
			return res, err
		}
		if _, err := c.do(ctx, "DELETE", "/api/v1/sessions/current", nil, tok); err != nil {
			return res, err
		}
		res.Logins = append(res.Logins, Login{Role: a.role, Name: a.name, Username: a.username, Password: password})
	}
	return res, nil
}
