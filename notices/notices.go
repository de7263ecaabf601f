// Package notices renders the Chinese text of every notice the rules call
// for. The workflows decide what is said to whom; this package says it.
package notices

import (
	"bytes"
	"fmt"
	"text/template"
	"time"

	"suggestflow/i18n"
)

type text struct{ subject, body string }

// The texts follow the forms a township office would use: the case number
// and title, what is due and by when.
var texts = map[string]text{
	"submitted":           {"新建议待审查：{{.number}}", "代表建议《{{.title}}》（{{.number}}）已提交，请于{{time .due_at}}前完成审查。"},
	"review_due":          {"建议审查已超期：{{.number}}", "代表建议《{{.title}}》（{{.number}}）应于{{time .due_at}}前审查，至今未审查，请尽快处理。"},
	"accepted":            {"您的建议已立案：{{.number}}", "您领衔提出的建议《{{.title}}》已审查立案，编号{{.number}}，将交有关单位办理。"},
	"returned":            {"您的建议未予立案：{{.number}}", "您领衔提出的建议《{{.title}}》经审查不予立案。理由：{{.reason}}"},
	"assigned":            {"交办通知：{{.number}}", "现将代表建议《{{.title}}》（{{.number}}）交由贵单位办理。请先与领衔代表面商，再作答复，并于{{time .due_at}}前书面答复；办理期间每两个月报告一次进展情况。"},
	"assigned_deputy":     {"建议已交办：{{.number}}", "您的建议《{{.title}}》已交承办单位办理，答复期限为{{time .due_at}}。承办单位将先与您面商。"},
	"assignment_returned": {"承办单位申请退回交办：{{.number}}", "承办单位申请退回建议《{{.title}}》（{{.number}}）的交办，理由：{{.reason}}。请重新交办。"},
	"co_opinion_filed":    {"会办单位意见已提交：{{.number}}", "会办单位已就建议《{{.title}}》（{{.number}}）提交会办意见，请主办单位在答复中统筹考虑。"},
	"co_opinion_due":      {"请提交会办意见：{{.number}}", "贵单位作为会办单位，应于{{time .due_at}}前向主办单位提出建议《{{.title}}》（{{.number}}）的会办意见，至今未提交。"},
	"reminder_due":        {"答复期限提醒：{{.number}}", "代表建议《{{.title}}》（{{.number}}）的答复期限为{{time .due_at}}，请抓紧办理。未与代表面商的，不得答复。"},
	"overdue":             {"建议办理已逾期：{{.number}}", "代表建议《{{.title}}》（{{.number}}）的答复期限{{time .due_at}}已过，尚未答复。{{presidium}}将约见承办单位负责人。"},
	"extension_requested": {"延期办理申请待审批：{{.number}}", "承办单位申请将建议《{{.title}}》（{{.number}}）的答复期限延至{{time .new_due_at}}，请审批。"},
	"extension_decided":   {"延期申请审批结果：{{.number}}", "建议《{{.title}}》（{{.number}}）的延期申请{{if eq .decision \"approved\"}}已批准，答复期限为{{time .due_at}}{{else}}未获批准，答复期限仍为{{time .due_at}}{{end}}。{{.comment}}"},
	"rating_request":      {"请对办理结果进行评价：{{.number}}", "您的建议《{{.title}}》已答复（{{.class}}类）。请于{{time .due_at}}前对办理态度和办理结果作出满意、基本满意或不满意的评价。"},
	"rating_reminder":     {"评价提醒：{{.number}}", "您的建议《{{.title}}》已答复，尚未收到您的评价，请于近日评价；逾期未评价的，按“无反馈”办结。"},
	"closed_no_feedback":  {"建议按无反馈办结：{{.number}}", "建议《{{.title}}》（{{.number}}）答复后代表在规定期限内未作评价，按“无反馈”办结。"},
	"rated":               {"代表评价结果：{{.number}}", "代表对建议《{{.title}}》（{{.number}}）的评价：办理态度{{rating .attitude}}，办理结果{{rating .result}}。"},
	"rehandling":          {"重新办理通知：{{.number}}", "代表对建议《{{.title}}》（{{.number}}）的办理结果不满意，请重新办理，再次与代表面商后于{{time .due_at}}前重新答复。代表意见：{{.reasons}}"},
	"progress_reminder":   {"请报告办理进展：{{.number}}", "建议《{{.title}}》（{{.number}}）应于{{time .due_at}}前报告办理进展情况。"},
	"progress_missed":     {"办理进展未按时报告：{{.number}}", "建议《{{.title}}》（{{.number}}）未按期报告办理进展情况（应报时间{{time .due_at}}），将计入承办单位考核。"},
	"promise_due":         {"承诺办理期限已到：{{.number}}", "建议《{{.title}}》（{{.number}}）承诺于{{time .due_at}}前解决，至今未报告完成情况，请报告落实情况。"},
	"completed":           {"建议办理完成：{{.number}}", "建议《{{.title}}》（{{.number}}）承诺事项{{if eq .kept \"true\"}}已落实完成{{else}}因客观原因无法落实，承办单位负责人已书面说明{{end}}。"},
	"meeting_notice":      {"约见通知：{{.number}}", "{{presidium}}定于{{time .scheduled_at}}在{{.place}}约见承办单位负责人，就建议《{{.title}}》（{{.number}}）当面答复代表并接受询问。议程：{{.agenda}}"},
	"meeting_reminder":    {"约见提醒：{{.number}}", "提醒：{{time .scheduled_at}}在{{.place}}就建议《{{.title}}》（{{.number}}）举行约见，请准时参加。"},
	"minutes_due":         {"请记录约见纪要：{{.number}}", "就建议《{{.title}}》（{{.number}}）的约见（{{time .scheduled_at}}）尚未记录纪要，请及时记录。"},
	"minutes_recorded":    {"约见纪要：{{.number}}", "就建议《{{.title}}》（{{.number}}）的约见已举行。结果：{{.outcome}}"},
	"referred":            {"您的建议已转交：{{.number}}", "您提出的建议《{{.title}}》（{{.number}}）所提事项不属于本级职权范围，{{presidium}}已于{{date .sent_at}}转交{{.to}}研究处理。理由：{{.reason}}。收到答复后将及时告知您。"},
	"referral_answered":   {"转交事项已答复：{{.number}}", "您提出的建议《{{.title}}》（{{.number}}）转交{{.to}}后，已于{{date .received_at}}收到答复：{{.content}}"},
	"referral_unanswered": {"转交事项尚未答复：{{.number}}", "建议《{{.title}}》（{{.number}}）于{{date .sent_at}}转交{{.to}}，{{duration .within}}内未收到答复，请督促。"},
	"merged":              {"您的建议已并案办理：{{.number}}", "您提出的建议《{{.title}}》（{{.number}}）与建议《{{.into_title}}》（{{.into_number}}）反映同一事项，经{{presidium}}决定并案办理。您已列为该件的联名代表，将收到其办理情况，并可对答复作出评价。理由：{{.reason}}"},
	"merged_in":           {"其他建议并入您的建议：{{.number}}", "建议《{{.from_title}}》（{{.from_number}}）已并入您领衔的建议《{{.title}}》（{{.number}}）一并办理，新增联名代表{{.count}}名。"},

	// The presidium's recurring work.
	"progress_hearing":     {"建议办理进展情况汇报会通知（{{.period}}）", "{{presidium}}定于{{time .scheduled_at}}在{{.place}}听取各承办单位建议办理进展情况汇报。贵单位在办建议{{.open}}件，其中逾期{{.overdue}}件，本期未报告进展{{.missing}}件。请单位负责人到会汇报。"},
	"site_inspection":      {"建议办理视察活动通知（{{.period}}）", "{{presidium}}定于{{time .scheduled_at}}组织代表、政府领导和承办单位负责人视察建议办理现场，涉及建议{{.cases}}件（逾期、不满意及重点承诺事项）：{{.items}}。请准时参加。"},
	"group_meeting":        {"代表小组会议通知（{{.period}}）", "请于{{time .scheduled_at}}参加{{.span}}代表小组会议，汇总{{.span}}走访收集的群众意见，形成代表建议。"},
	"evaluation_published": {"承办单位综合评议结果（{{.period}}）", "{{.period}}承办单位综合评议已完成，共{{.units}}个单位，最高分{{.best}}，最低分{{.worst}}。详见评议结果。"},
	"board_published":      {"建议办理情况公开（{{.period}}）", "{{.period}}代表建议办理情况“五公开”已生成，共{{.items}}件，请在政务公开栏张贴：{{.link}}"},
	"ranking_published":    {"承办单位年度排名通报（{{.period}}）", "{{.period}}承办单位年度排名已产生。“群众信得过单位”：{{.best}}。排名靠后的单位：{{.worst}}。"},
	"deputies_commended":   {"代表履职年度评分（{{.period}}）", "{{.period}}年度代表履职评分已产生。按表彰规则拟表彰代表：{{.deputies}}；拟表彰代表小组：{{.groups}}。详见履职评分报告，请主席团研究确定。"},
	"visit_reminder":       {"走访选民提醒（{{.period}}）", "您{{.period}}走访选民{{.visits}}次，少于每月{{.minimum}}次的要求，请及时走访并记录收集的群众意见。"},
}

var ratingNames = map[string]string{"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}

// Render gives the subject and body of a notice of a kind, with its data,
// times shown in loc, from the presidium of the township named.
func Render(kind string, data map[string]string, loc *time.Location, township string) (subject, body string, err error) {
	t, ok := texts[kind]
	if !ok {
		return "", "", fmt.Errorf("no text for notice kind %q", kind)
	}
	funcs := template.FuncMap{
		"presidium": func() string { return Presidium(township) },
		"time": func(s string) string {
			ts, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return s
			}
			return ts.In(loc).Format("2006年1月2日 15:04")
		},
		"duration": func(s string) string { return i18n.Duration(i18n.ZH, s) },
		"date": func(s string) string {
			ts, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return s
			}
			return ts.In(loc).Format("2006年1月2日")
		},
		"rating": func(s string) string {
			if n, ok := ratingNames[s]; ok {
				return n
			}
			return s
		},
	}
	render := func(src string) (string, error) {
		tpl, err := template.New(kind).Funcs(funcs).Option("missingkey=zero").Parse(src)
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		if err := tpl.Execute(&b, data); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	if subject, err = render(t.subject); err != nil {
		return "", "", fmt.Errorf("render %s subject: %w", kind, err)
	}
	if body, err = render(t.body); err != nil {
		return "", "", fmt.Errorf("render %s body: %w", kind, err)
	}
	return subject, body, nil
}

// Kinds lists the notice kinds with a text.
func Kinds() []string {
	out := make([]string, 0, len(texts))
	for k := range texts {
		out = append(out, k)
	}
	return out
}

// Presidium is the name the presidium signs with: the township's, then
// 人大主席团.
func Presidium(township string) string { return township + "人大主席团" }
