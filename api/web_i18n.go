package api

import (
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// The UI's words. Simplified Chinese is the default; English is one click
// away (?lang=en, kept in a cookie). Every UI string is in these two maps,
// one per language, under the same keys.
const (
	langZH = "zh"
	langEN = "en"
)

var uiText = map[string]map[string]string{langZH: uiZH, langEN: uiEN}

var uiZH = map[string]string{
	"app.name":   "代表建议办理系统",
	"app.footer": "人大主席团 · 代表建议办理 · 五公开",

	"nav.dashboard":   "首页",
	"nav.suggestions": "建议",
	"nav.meetings":    "约见",
	"nav.evaluations": "综合评议",
	"nav.board":       "公开栏",
	"nav.logout":      "退出",

	"login.title":    "登录",
	"login.help":     "请输入系统发给您的访问令牌（与接口使用的令牌相同）。",
	"login.token":    "访问令牌",
	"login.submit":   "登录",
	"login.bad":      "令牌无效、已过期或已吊销。",
	"logout.confirm": "确认退出",

	"err.title":    "出错了",
	"err.internal": "系统内部错误，已记录，请稍后再试。",
	"err.400":      "请求格式有误",
	"err.401":      "请先登录",
	"err.403":      "无权执行此操作",
	"err.404":      "未找到，或您无权查看",
	"err.409":      "当前状态不允许此操作",
	"err.413":      "提交的内容过长",
	"err.422":      "填写有误，请修改后重新提交",
	"err.429":      "操作过于频繁，请稍后再试",
	"err.500":      "系统内部错误",
	"err.503":      "服务暂时不可用，请稍后重试",

	"role.admin":  "管理员",
	"role.staff":  "主席团",
	"role.unit":   "承办单位",
	"role.deputy": "代表",
	"role.system": "系统",

	"status.submitted":    "待审查",
	"status.returned":     "不予立案",
	"status.accepted":     "已立案",
	"status.handling":     "办理中",
	"status.replied":      "已答复",
	"status.rehandling":   "重新办理",
	"status.following_up": "跟踪落实",
	"status.closed":       "已办结",

	"flag.overdue":           "逾期",
	"flag.escalated":         "已约见",
	"flag.extension_pending": "延期待批",

	"kind.suggestion": "建议",
	"kind.motion":     "议案",
	"kind.criticism":  "批评和意见",
	"in.session":      "人代会期间",
	"in.recess":       "闭会期间",

	"class.A": "A 类（已解决或采纳）",
	"class.B": "B 类（正在解决）",
	"class.C": "C 类（列入计划解决）",
	"class.D": "D 类（留作参考）",

	"rating.satisfied":           "满意",
	"rating.basically_satisfied": "基本满意",
	"rating.unsatisfied":         "不满意",

	"method.in_person": "当面",
	"method.phone":     "电话",
	"method.on_site":   "现场",
	"method.video":     "视频",

	"rc.outside_competence": "不属本级职权范围（转交上级）",
	"rc.personal_affair":    "代表本人或亲属个人事务",
	"rc.court_case":         "具体司法案件",
	"rc.forwarded_letter":   "转交来信",
	"rc.no_content":         "无实质内容",
	"rc.other":              "其他",

	"closed.satisfied":     "满意办结",
	"closed.no_feedback":   "无反馈办结",
	"closed.completed":     "承诺落实办结",
	"closed.unfulfillable": "承诺无法落实（书面说明）",

	"mreason.overdue":     "逾期未答复",
	"mreason.unsatisfied": "代表再次不满意",
	"mreason.manual":      "主席团约见",
	"mstatus.scheduled":   "待举行",
	"mstatus.held":        "已举行",

	"rate.consultation": "面商率",
	"rate.resolution":   "解决率",
	"rate.satisfaction": "满意率",
	"rate.on_time":      "按期答复率",

	"rule.base":                    "基础分",
	"rule.overdue_reply":           "逾期答复",
	"rule.missed_progress_report":  "未按期报告进展",
	"rule.unsatisfied_rating":      "代表不满意",
	"rule.substantiated_complaint": "群众投诉属实",
	"rule.questionnaire":           "代表问卷",
	"rule.floor":                   "扣完为止",

	"ev.submitted":            "提交建议",
	"ev.accepted":             "审查立案",
	"ev.returned":             "不予立案",
	"ev.review_overdue":       "审查超期",
	"ev.assigned":             "交办",
	"ev.assignment_returned":  "申请退回交办",
	"ev.co_opinion":           "会办意见",
	"ev.co_opinion_overdue":   "会办意见超期",
	"ev.consultation":         "面商",
	"ev.progress_report":      "进展报告",
	"ev.progress_reminder":    "进展报告提醒",
	"ev.progress_missed":      "未按期报告进展",
	"ev.reminder":             "到期提醒",
	"ev.extension_requested":  "申请延期",
	"ev.extension_approved":   "批准延期",
	"ev.extension_rejected":   "不批准延期",
	"ev.overdue":              "逾期",
	"ev.replied":              "答复",
	"ev.rated":                "代表评价",
	"ev.rating_reminder":      "评价提醒",
	"ev.rehandling":           "重新办理",
	"ev.following_up":         "跟踪落实",
	"ev.promise_due":          "承诺到期",
	"ev.completed":            "承诺落实",
	"ev.unfulfillable":        "承诺无法落实",
	"ev.closed":               "办结",
	"ev.meeting_called":       "约见",
	"ev.meeting_notice":       "约见通知",
	"ev.meeting_reminder":     "约见提醒",
	"ev.meeting_held":         "约见举行",
	"ev.minutes_due":          "待记录纪要",
	"ev.deadlines_recomputed": "期限重算",
	"ev.notice":               "通知",
	"ev.delivery":             "通知送达",
	"ev.error":                "系统错误",

	"dash.title":         "工作台",
	"dash.total":         "建议总数",
	"dash.overdue":       "逾期",
	"dash.due_soon":      "7 日内到期",
	"dash.open_meetings": "待举行约见",
	"dash.by_status":     "按状态",
	"dash.rates":         "四率",
	"dash.unit_rates":    "本单位",
	"dash.none_due":      "7 日内没有到期的建议。",
	"dash.ranking":       "承办单位综合评议排名",
	"dash.no_ranking":    "尚无评议结果。",
	"dash.documents":     "文书下载",

	"doc.ledger":      "建议办理台账",
	"doc.hearing":     "办理进展汇报（最近一期）",
	"doc.board":       "“五公开”公开栏",
	"doc.board_print": "可打印（A4）",
	"doc.no_hearing":  "尚无办理进展汇报。",

	"rank.rank":       "名次",
	"rank.unit":       "承办单位",
	"rank.total":      "总分",
	"rank.award":      "评先",
	"rank.trusted":    "群众信得过单位",
	"rank.ineligible": "取消评先资格",

	"list.title":       "代表建议",
	"list.any":         "全部",
	"list.yes":         "是",
	"list.no":          "否",
	"list.search":      "搜索",
	"list.search_hint": "标题或编号",
	"list.filter":      "筛选",
	"list.count":       "共 %d 件",
	"list.new":         "提出新建议",
	"list.empty":       "没有符合条件的建议。",
	"list.prev":        "上一页",
	"list.next":        "下一页",
	"list.page":        "第 %d / %d 页",

	"new.title":         "提出建议",
	"new.submit":        "提交",
	"new.multi_hint":    "按住 Ctrl（Mac 上为 ⌘）可多选。",
	"new.cosigner_hint": "联名代表会在建议页看到本件并可评价办理结果。",
	"new.opinions_hint": "每行一条。群众姓名等个人信息只保存在本系统，不公开。",

	"f.number":            "编号",
	"f.title":             "标题",
	"f.content":           "内容",
	"f.kind":              "类别",
	"f.category":          "分类",
	"f.status":            "状态",
	"f.unit":              "承办单位",
	"f.unassigned":        "待交办",
	"f.due_at":            "答复期限",
	"f.lead_deputy":       "领衔代表",
	"f.co_signers":        "联名代表",
	"f.submitted_in":      "提出时间",
	"f.submitted_at":      "提交时间",
	"f.return_reason":     "不予立案理由",
	"f.review_due":        "审查期限",
	"f.pending_extension": "申请延至",
	"f.progress_due":      "下次进展报告",
	"f.rating_due":        "评价期限",
	"f.promised_at":       "承诺完成日期",
	"f.closed_at":         "办结时间",
	"f.lead_unit":         "主办单位",
	"f.co_units":          "会办单位",
	"f.leader":            "分管领导",
	"f.handler":           "专办人员",
	"f.assigned_at":       "交办时间",
	"f.complex":           "情况复杂（六个月内答复）",
	"f.consulted":         "本轮已面商",
	"f.result_class":      "答复类别",
	"f.replied_at":        "答复时间",
	"f.round":             "轮次",
	"f.deputy":            "代表",
	"f.attitude":          "办理态度",
	"f.result":            "办理结果",
	"f.reasons":           "意见和理由",
	"f.reason":            "理由",
	"f.decision":          "决定",
	"f.return_category":   "不予立案类别",
	"f.opinion":           "会办意见",
	"f.held_at":           "时间",
	"f.method":            "方式",
	"f.participants":      "参加人员",
	"f.notes":             "情况记录",
	"f.measures":          "拟采取的措施",
	"f.new_due_at":        "延至日期",
	"f.comment":           "意见",
	"f.reply_content":     "答复内容",
	"f.kept":              "承诺落实情况",
	"f.evidence":          "佐证材料",
	"f.signed_by":         "单位负责人签字（无法落实时必填）",
	"f.scheduled_at":      "约见时间",
	"f.place":             "地点",
	"f.agenda":            "议程",
	"f.reason_m":          "事由",
	"f.attendees":         "参加人员",
	"f.called_at":         "发起时间",
	"f.notice_sent_at":    "通知发出",
	"f.outcome":           "结果",
	"f.suggestion":        "建议",
	"f.opinions":          "群众意见",
	"f.idempotency_key":   "重复提交标识",

	"sg.basics":           "基本情况",
	"sg.deadlines":        "期限",
	"sg.missed":           "已漏报 %d 次",
	"sg.workflow":         "流程实时状态",
	"sg.workflow_unknown": "暂时无法获取",
	"sg.history":          "（%d 个事件）",
	"sg.temporal_ui":      "在 Temporal 中查看",
	"sg.assignment":       "交办（三落实）",
	"sg.reply":            "答复",
	"sg.on_time":          "按期",
	"sg.late":             "逾期答复",
	"sg.ratings":          "代表评价",
	"sg.lead":             "领衔",
	"sg.completion":       "承诺落实",
	"sg.actions":          "办理",
	"sg.timeline":         "办理过程",
	"sg.deputy_hidden":    "代表（不显示）",

	"wf.running":    "运行中",
	"wf.completed":  "已结束",
	"wf.failed":     "失败",
	"wf.canceled":   "已取消",
	"wf.terminated": "已终止",
	"wf.continued":  "已续转",
	"wf.timed_out":  "已超时",

	"act.review":              "审查",
	"act.assign":              "交办",
	"act.assignment_return":   "申请退回交办",
	"act.co_opinion":          "提交会办意见",
	"act.consult":             "记录面商",
	"act.progress":            "报告办理进展",
	"act.extension_request":   "申请延期（延办反馈书）",
	"act.extension_decision":  "审批延期申请",
	"act.reply":               "答复代表",
	"act.rate":                "评价办理结果",
	"act.complete":            "报告承诺落实",
	"act.meeting":             "约见承办单位负责人",
	"act.minutes":             "记录约见纪要",
	"act.submit":              "提交",
	"act.done":                "已提交：%s",
	"review.accept":           "立案",
	"review.return":           "不予立案",
	"ext.approve":             "批准",
	"ext.reject":              "不批准",
	"complete.kept":           "已落实",
	"complete.not_kept":       "无法落实",
	"hint.lines":              "每行一人，或用逗号分隔。",
	"hint.promised":           "B、C 类答复须填写承诺完成日期。",
	"hint.unsatisfied":        "不满意的，请写明理由；将重新办理。",
	"msg.submitted":           "建议已提交，编号 %s。",
	"msg.evaluated":           "%s 综合评议已计算。",
	"msg.minutes":             "约见纪要已记录。",
	"meetings.title":          "约见",
	"meetings.empty":          "没有约见。",
	"meeting.title":           "约见",
	"meeting.notice":          "约见通知（打印）",
	"meeting.ics":             "加入日历（.ics）",
	"meeting.minutes":         "约见纪要",
	"meeting.presidium":       "人大主席团",
	"meeting.unit_head":       "%s 负责人（%s）",
	"eval.title":              "承办单位综合评议",
	"eval.quarter":            "季度",
	"eval.rule":               "项目",
	"eval.count":              "件次",
	"eval.points":             "得分",
	"eval.explanation":        "说明",
	"eval.none":               "%s 尚无评议结果。",
	"eval.run":                "计算 %s 评议",
	"sheet.ledger":            "建议办理台账",
	"xl.assigned_date":        "交办日期",
	"xl.satisfaction":         "满意度",
	"xl.overdue":              "是否逾期",
	"xl.hearing_title":        "建议办理进展情况汇报（%s，汇报会 %s）",
	"xl.open":                 "在办件数",
	"xl.overdue_n":            "逾期件数",
	"xl.reported":             "已报告进展",
	"xl.missing":              "未报告进展",
	"xl.open_numbers":         "在办建议编号",
	"xl.overdue_numbers":      "逾期建议编号",
	"xl.missing_numbers":      "未报告进展的建议编号",
	"sheet.hearing":           "办理进展汇报",
	"problem.not_translated":  "（%s）",
	"problem.field":           "%s：%s",
	"problem.rate_limited":    "操作过于频繁，请稍后再试",
	"problem.csrf":            "表单已失效，请刷新页面后重试",
	"problem.login_expired":   "登录表单已过期，请刷新后重试",
	"problem.no_page":         "没有这个页面",
	"problem.deputy_self":     "代表只能以本人名义提出建议",
	"problem.rate_self":       "代表只能以本人名义评价",
	"problem.co_opinion_self": "承办单位只能以本单位名义提交会办意见",
	"problem.bad_time":        "时间格式应为 2006-01-02 15:04",
	"problem.bad_date":        "日期格式应为 2006-01-02",
}

var uiEN = map[string]string{
	"app.name":   "Deputies' Suggestions",
	"app.footer": "Presidium of the township people's congress · the five publics",

	"nav.dashboard":   "Dashboard",
	"nav.suggestions": "Suggestions",
	"nav.meetings":    "Meetings",
	"nav.evaluations": "Evaluation",
	"nav.board":       "Public board",
	"nav.logout":      "Sign out",

	"login.title":    "Sign in",
	"login.help":     "Enter the access token you were given (the same token as for the API).",
	"login.token":    "Access token",
	"login.submit":   "Sign in",
	"login.bad":      "The token is unknown, expired or revoked.",
	"logout.confirm": "Sign out now",

	"err.title":    "Error",
	"err.internal": "An internal error occurred; it has been logged. Please try again later.",
	"err.400":      "The request is malformed",
	"err.401":      "Please sign in",
	"err.403":      "You may not do this",
	"err.404":      "Not found, or not yours to see",
	"err.409":      "Not possible in the current state",
	"err.413":      "What you sent is too long",
	"err.422":      "Some fields are invalid; please correct them",
	"err.429":      "Too many changes; please wait a moment",
	"err.500":      "Internal error",
	"err.503":      "The service is not available right now; please try again shortly",

	"role.admin":  "administrator",
	"role.staff":  "presidium",
	"role.unit":   "handling unit",
	"role.deputy": "deputy",
	"role.system": "system",

	"status.submitted":    "Submitted",
	"status.returned":     "Returned",
	"status.accepted":     "Accepted",
	"status.handling":     "Handling",
	"status.replied":      "Replied",
	"status.rehandling":   "Re-handling",
	"status.following_up": "Following up",
	"status.closed":       "Closed",

	"flag.overdue":           "overdue",
	"flag.escalated":         "escalated",
	"flag.extension_pending": "extension pending",

	"kind.suggestion": "Suggestion",
	"kind.motion":     "Motion",
	"kind.criticism":  "Criticism or opinion",
	"in.session":      "During the session",
	"in.recess":       "In recess",

	"class.A": "A (solved or adopted)",
	"class.B": "B (being solved)",
	"class.C": "C (planned)",
	"class.D": "D (kept for reference)",

	"rating.satisfied":           "Satisfied",
	"rating.basically_satisfied": "Basically satisfied",
	"rating.unsatisfied":         "Unsatisfied",

	"method.in_person": "In person",
	"method.phone":     "Phone",
	"method.on_site":   "On site",
	"method.video":     "Video",

	"rc.outside_competence": "Outside the township's competence (refer upward)",
	"rc.personal_affair":    "A personal affair of the deputy or relatives",
	"rc.court_case":         "A specific court case",
	"rc.forwarded_letter":   "A forwarded letter",
	"rc.no_content":         "No real content",
	"rc.other":              "Other",

	"closed.satisfied":     "closed satisfied",
	"closed.no_feedback":   "closed without feedback",
	"closed.completed":     "closed, promise completed",
	"closed.unfulfillable": "promise cannot be kept (signed statement)",

	"mreason.overdue":     "Overdue reply",
	"mreason.unsatisfied": "Unsatisfied again",
	"mreason.manual":      "Called by the presidium",
	"mstatus.scheduled":   "Scheduled",
	"mstatus.held":        "Held",

	"rate.consultation": "Consultation",
	"rate.resolution":   "Resolution",
	"rate.satisfaction": "Satisfaction",
	"rate.on_time":      "On-time reply",

	"rule.base":                    "Base score",
	"rule.overdue_reply":           "Overdue replies",
	"rule.missed_progress_report":  "Missed progress reports",
	"rule.unsatisfied_rating":      "Unsatisfied ratings",
	"rule.substantiated_complaint": "Substantiated complaints",
	"rule.questionnaire":           "Deputies' questionnaire",
	"rule.floor":                   "Floor (deductions stop at the base)",

	"ev.submitted":            "Submitted",
	"ev.accepted":             "Accepted",
	"ev.returned":             "Returned",
	"ev.review_overdue":       "Review overdue",
	"ev.assigned":             "Assigned",
	"ev.assignment_returned":  "Assignment returned",
	"ev.co_opinion":           "Co-handling opinion",
	"ev.co_opinion_overdue":   "Co-handling opinion overdue",
	"ev.consultation":         "Consultation",
	"ev.progress_report":      "Progress report",
	"ev.progress_reminder":    "Progress report reminder",
	"ev.progress_missed":      "Progress report missed",
	"ev.reminder":             "Due reminder",
	"ev.extension_requested":  "Extension requested",
	"ev.extension_approved":   "Extension approved",
	"ev.extension_rejected":   "Extension rejected",
	"ev.overdue":              "Overdue",
	"ev.replied":              "Replied",
	"ev.rated":                "Rated",
	"ev.rating_reminder":      "Rating reminder",
	"ev.rehandling":           "Re-handling",
	"ev.following_up":         "Following up",
	"ev.promise_due":          "Promise due",
	"ev.completed":            "Promise completed",
	"ev.unfulfillable":        "Promise cannot be kept",
	"ev.closed":               "Closed",
	"ev.meeting_called":       "Meeting called",
	"ev.meeting_notice":       "Meeting notice",
	"ev.meeting_reminder":     "Meeting reminder",
	"ev.meeting_held":         "Meeting held",
	"ev.minutes_due":          "Minutes due",
	"ev.deadlines_recomputed": "Deadlines recomputed",
	"ev.notice":               "Notice",
	"ev.delivery":             "Delivery",
	"ev.error":                "System error",

	"dash.title":         "Dashboard",
	"dash.total":         "Suggestions",
	"dash.overdue":       "Overdue",
	"dash.due_soon":      "Due within 7 days",
	"dash.open_meetings": "Scheduled meetings",
	"dash.by_status":     "By status",
	"dash.rates":         "The four rates",
	"dash.unit_rates":    "Your unit",
	"dash.none_due":      "Nothing is due within 7 days.",
	"dash.ranking":       "Unit evaluation ranking",
	"dash.no_ranking":    "No evaluation yet.",
	"dash.documents":     "Documents",

	"doc.ledger":      "Ledger of suggestions",
	"doc.hearing":     "Progress hearing (latest)",
	"doc.board":       "Public board (five publics)",
	"doc.board_print": "printable (A4)",
	"doc.no_hearing":  "No progress hearing yet.",

	"rank.rank":       "Rank",
	"rank.unit":       "Unit",
	"rank.total":      "Total",
	"rank.award":      "Award",
	"rank.trusted":    "Trusted by the people",
	"rank.ineligible": "Not eligible",

	"list.title":       "Suggestions",
	"list.any":         "All",
	"list.yes":         "Yes",
	"list.no":          "No",
	"list.search":      "Search",
	"list.search_hint": "title or number",
	"list.filter":      "Filter",
	"list.count":       "%d in all",
	"list.new":         "New suggestion",
	"list.empty":       "No suggestion matches.",
	"list.prev":        "Previous",
	"list.next":        "Next",
	"list.page":        "Page %d of %d",

	"new.title":         "New suggestion",
	"new.submit":        "Submit",
	"new.multi_hint":    "Hold Ctrl (⌘ on a Mac) to choose several.",
	"new.cosigner_hint": "Co-signers see this case on their pages and may rate its result.",
	"new.opinions_hint": "One per line. Constituents' names stay inside this system and are never published.",

	"f.number":            "No.",
	"f.title":             "Title",
	"f.content":           "Content",
	"f.kind":              "Kind",
	"f.category":          "Category",
	"f.status":            "Status",
	"f.unit":              "Unit",
	"f.unassigned":        "not assigned",
	"f.due_at":            "Reply due",
	"f.lead_deputy":       "Lead deputy",
	"f.co_signers":        "Co-signers",
	"f.submitted_in":      "Submitted",
	"f.submitted_at":      "Submitted at",
	"f.return_reason":     "Reason for return",
	"f.review_due":        "Review due",
	"f.pending_extension": "Extension asked to",
	"f.progress_due":      "Next progress report",
	"f.rating_due":        "Rating due",
	"f.promised_at":       "Promised date",
	"f.closed_at":         "Closed at",
	"f.lead_unit":         "Lead unit",
	"f.co_units":          "Co-handling units",
	"f.leader":            "Leader in charge",
	"f.handler":           "Named handler",
	"f.assigned_at":       "Assigned at",
	"f.complex":           "Complex (reply within 6 months)",
	"f.consulted":         "Consulted this round",
	"f.result_class":      "Result class",
	"f.replied_at":        "Replied at",
	"f.round":             "Round",
	"f.deputy":            "Deputy",
	"f.attitude":          "Attitude",
	"f.result":            "Result",
	"f.reasons":           "Reasons",
	"f.reason":            "Reason",
	"f.decision":          "Decision",
	"f.return_category":   "Why not a suggestion",
	"f.opinion":           "Opinion",
	"f.held_at":           "Held at",
	"f.method":            "Method",
	"f.participants":      "Participants",
	"f.notes":             "Notes",
	"f.measures":          "Measures",
	"f.new_due_at":        "New due date",
	"f.comment":           "Comment",
	"f.reply_content":     "Reply",
	"f.kept":              "Promise",
	"f.evidence":          "Evidence",
	"f.signed_by":         "Signed by the unit head (when not kept)",
	"f.scheduled_at":      "Scheduled at",
	"f.place":             "Place",
	"f.agenda":            "Agenda",
	"f.reason_m":          "Reason",
	"f.attendees":         "Attendees",
	"f.called_at":         "Called at",
	"f.notice_sent_at":    "Notice sent",
	"f.outcome":           "Outcome",
	"f.suggestion":        "Suggestion",
	"f.opinions":          "Constituents' opinions",
	"f.idempotency_key":   "Submission key",

	"sg.basics":           "The suggestion",
	"sg.deadlines":        "Deadlines",
	"sg.missed":           "%d missed",
	"sg.workflow":         "Live workflow status",
	"sg.workflow_unknown": "not available right now",
	"sg.history":          "(%d events)",
	"sg.temporal_ui":      "Open in Temporal",
	"sg.assignment":       "Assignment",
	"sg.reply":            "Reply",
	"sg.on_time":          "on time",
	"sg.late":             "late",
	"sg.ratings":          "Ratings",
	"sg.lead":             "lead",
	"sg.completion":       "Promise completed",
	"sg.actions":          "Actions",
	"sg.timeline":         "Timeline",
	"sg.deputy_hidden":    "a deputy (not shown)",

	"wf.running":    "Running",
	"wf.completed":  "Completed",
	"wf.failed":     "Failed",
	"wf.canceled":   "Canceled",
	"wf.terminated": "Terminated",
	"wf.continued":  "Continued as new",
	"wf.timed_out":  "Timed out",

	"act.review":              "Review",
	"act.assign":              "Assign",
	"act.assignment_return":   "Return the assignment",
	"act.co_opinion":          "File a co-handling opinion",
	"act.consult":             "Record a consultation",
	"act.progress":            "Report progress",
	"act.extension_request":   "Request an extension",
	"act.extension_decision":  "Decide the extension request",
	"act.reply":               "Reply to the deputy",
	"act.rate":                "Rate the reply",
	"act.complete":            "Report the promise completed",
	"act.meeting":             "Call an escalation meeting",
	"act.minutes":             "Record the minutes",
	"act.submit":              "Submit",
	"act.done":                "Done: %s",
	"review.accept":           "Accept",
	"review.return":           "Return",
	"ext.approve":             "Approve",
	"ext.reject":              "Reject",
	"complete.kept":           "Kept",
	"complete.not_kept":       "Cannot be kept",
	"hint.lines":              "One per line, or separated by commas.",
	"hint.promised":           "A B or C reply needs the promised date.",
	"hint.unsatisfied":        "An unsatisfied rating needs reasons; the case is handled again.",
	"msg.submitted":           "Submitted as %s.",
	"msg.evaluated":           "The evaluation of %s is computed.",
	"msg.minutes":             "The minutes are recorded.",
	"meetings.title":          "Escalation meetings",
	"meetings.empty":          "No meetings.",
	"meeting.title":           "Meeting",
	"meeting.notice":          "Notice (print)",
	"meeting.ics":             "Add to calendar (.ics)",
	"meeting.minutes":         "Minutes",
	"meeting.presidium":       "The presidium",
	"meeting.unit_head":       "Head of %s (%s)",
	"eval.title":              "Unit evaluation",
	"eval.quarter":            "Quarter",
	"eval.rule":               "Rule",
	"eval.count":              "Count",
	"eval.points":             "Points",
	"eval.explanation":        "Explanation",
	"eval.none":               "No evaluation for %s yet.",
	"eval.run":                "Compute %s",
	"sheet.ledger":            "Ledger",
	"xl.assigned_date":        "Assigned on",
	"xl.satisfaction":         "Satisfaction",
	"xl.overdue":              "Overdue",
	"xl.hearing_title":        "Progress hearing (%s, hearing at %s)",
	"xl.open":                 "Open",
	"xl.overdue_n":            "Overdue",
	"xl.reported":             "Progress reported",
	"xl.missing":              "Progress missing",
	"xl.open_numbers":         "Open (numbers)",
	"xl.overdue_numbers":      "Overdue (numbers)",
	"xl.missing_numbers":      "Progress missing (numbers)",
	"sheet.hearing":           "Progress hearing",
	"problem.not_translated":  "(%s)",
	"problem.field":           "%s: %s",
	"problem.rate_limited":    "Too many changes; please wait a moment",
	"problem.csrf":            "The form has expired; reload the page and try again",
	"problem.login_expired":   "The sign-in form has expired; reload it",
	"problem.no_page":         "No such page",
	"problem.deputy_self":     "A deputy submits suggestions only in their own name",
	"problem.rate_self":       "A deputy rates only in their own name",
	"problem.co_opinion_self": "A unit files co-handling opinions only for itself",
	"problem.bad_time":        "must be a time such as 2006-01-02 15:04",
	"problem.bad_date":        "must be a date such as 2006-01-02",
}

// langOf is the request's language: ?lang=, else the cookie, else Chinese.
func langOf(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == langEN || l == langZH {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langEN || c.Value == langZH) {
		return c.Value
	}
	return langZH
}

// rememberLang keeps a ?lang= choice in a cookie.
func rememberLang(rw http.ResponseWriter, r *http.Request) {
	if l := r.URL.Query().Get("lang"); l == langEN || l == langZH {
		http.SetCookie(rw, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
	}
}

// tr is the text of a key in a language. A key built from data (a status
// or event type the UI does not know yet) falls back to the other language
// and then to the raw value, never to nothing.
func tr(lang, key string) string {
	if s, ok := uiText[lang][key]; ok {
		return s
	}
	if s, ok := uiZH[key]; ok {
		return s
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// webFuncs are the template functions; t is bound per request.
func webFuncs(t func(string) string, loc *time.Location) template.FuncMap {
	if loc == nil {
		loc = time.UTC
	}
	format := func(layout string) func(v any) string {
		return func(v any) string {
			switch x := v.(type) {
			case time.Time:
				if x.IsZero() {
					return "—"
				}
				return x.In(loc).Format(layout)
			case *time.Time:
				if x == nil || x.IsZero() {
					return "—"
				}
				return x.In(loc).Format(layout)
			}
			return fmt.Sprint(v)
		}
	}
	return template.FuncMap{
		"t":        t,
		"date":     format("2006-01-02"),
		"datetime": format("2006-01-02 15:04"),
	}
}

// problemSummary is a problem's message for people, in their language.
func problemSummary(lang string, p *Problem, loc *time.Location) string {
	if p == nil {
		return ""
	}
	head := tr(lang, fmt.Sprintf("err.%d", p.Status))
	if len(p.Errors) > 0 {
		return head
	}
	detail := localizeMessage(lang, p.Detail, loc)
	if detail == "" {
		return head
	}
	return head + (map[string]string{langZH: "：", langEN: ": "})[lang] + detail
}

// problemLines are a problem's field errors, "field: message", the field
// named as the form labels it.
func problemLines(lang string, p *Problem, loc *time.Location) []string {
	if p == nil {
		return nil
	}
	out := make([]string, 0, len(p.Errors))
	for _, fe := range p.Errors {
		out = append(out, fmt.Sprintf(tr(lang, "problem.field"), fieldLabel(lang, fe.Field), localizeMessage(lang, fe.Message, loc)))
	}
	return out
}

// fieldLabel names an API field as its form does.
func fieldLabel(lang, field string) string {
	key := map[string]string{
		"lead_deputy_id": "f.lead_deputy", "co_signer_ids": "f.co_signers", "lead_unit_id": "f.lead_unit",
		"co_unit_ids": "f.co_units", "unit_id": "f.unit", "deputy_id": "f.deputy", "new_due_at": "f.new_due_at",
		"content": "f.content", "title": "f.title", "kind": "f.kind", "category": "f.category",
		"submitted_in": "f.submitted_in", "decision": "f.decision", "reason": "f.reason", "return_category": "f.return_category",
		"leader": "f.leader", "handler": "f.handler", "held_at": "f.held_at", "method": "f.method",
		"participants": "f.participants", "notes": "f.notes", "measures": "f.measures", "approve": "f.decision",
		"comment": "f.comment", "result_class": "f.result_class", "promised_at": "f.promised_at", "attitude": "f.attitude",
		"result": "f.result", "reasons": "f.reasons", "evidence": "f.evidence", "kept": "f.kept", "signed_by": "f.signed_by",
		"scheduled_at": "f.scheduled_at", "place": "f.place", "agenda": "f.agenda", "outcome": "f.outcome",
		"opinions": "f.opinions", "suggestion_id": "f.suggestion", "Idempotency-Key": "f.idempotency_key",
	}[strings.SplitN(strings.SplitN(field, "[", 2)[0], ".", 2)[0]]
	if key == "" {
		return field
	}
	return tr(lang, key)
}

// zhMessages turn the API's and the workflows' English messages into
// Chinese; the API stays the one source of every rule and its wording.
// Times in them are shown in the township's zone by localizeMessage.
var zhMessages = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`^is required$`), "必须填写"},
	{regexp.MustCompile(`^must be at most (\d+) characters$`), "最多 $1 个字符"},
	{regexp.MustCompile(`^must have at most (\d+) items$`), "最多 $1 项"},
	{regexp.MustCompile(`^must be one of: (.*)$`), "须为以下之一：$1"},
	{regexp.MustCompile(`^must be an email address$`), "须为电子邮件地址"},
	{regexp.MustCompile(`^is invalid \((.*)\)$`), "无效（$1）"},
	{regexp.MustCompile(`^no (unit|deputy|suggestion) with (?:id|this id) ?(.*)$`), "没有此$1 $2"},
	{regexp.MustCompile(`^a deputy appears twice, or is also the lead deputy$`), "代表重复，或与领衔代表相同"},
	{regexp.MustCompile(`^a unit appears twice, or is also the lead unit$`), "单位重复，或与主办单位相同"},
	{regexp.MustCompile(`^a returned suggestion needs a reason$`), "不予立案须说明理由"},
	{regexp.MustCompile(`^a consultation cannot be recorded before it is held$`), "面商尚未发生，不能记录（时间晚于现在）"},
	{regexp.MustCompile(`^the consultation was held before this handling round began$`), "面商时间早于本轮办理开始时间"},
	{regexp.MustCompile(`^must be later than the current due time (.*)$`), "须晚于当前答复期限 $1"},
	{regexp.MustCompile(`^extensions may add up to at most (.*): the latest possible due time is (.*)$`), "延期累计不得超过 $1，最晚可延至 $2"},
	{regexp.MustCompile(`^a B or C reply needs the promised date$`), "B、C 类答复须填写承诺完成日期"},
	{regexp.MustCompile(`^the promised date must be in the future$`), "承诺完成日期须在今后"},
	{regexp.MustCompile(`^this deputy is neither the lead deputy nor a co-signer of the suggestion$`), "该代表不是本件的领衔代表或联名代表"},
	{regexp.MustCompile(`^an unsatisfied rating needs reasons$`), "评价为不满意的，须写明理由"},
	{regexp.MustCompile(`^a promise that cannot be kept needs a statement signed by the unit head$`), "承诺无法落实的，须由单位负责人签字说明"},
	{regexp.MustCompile(`^must be at least (.*) from now, so that the notice goes out in time \(earliest (.*)\)$`), "须至少提前 $1，以便按时发出通知（最早 $2）"},
	{regexp.MustCompile(`^this unit is not a co-handling unit of the suggestion$`), "该单位不是本件的会办单位"},
	{regexp.MustCompile(`^a consultation with the lead deputy must be recorded before replying$`), "答复前须先记录与领衔代表的面商（先面商、再答复）"},
	{regexp.MustCompile(`^cannot (.*) a suggestion that is (\w+)$`), "建议当前为“$2”状态，不能执行此操作"},
	{regexp.MustCompile(`^cannot call a meeting on a suggestion that is (\w+)$`), "建议当前为“$1”状态，不能约见"},
	{regexp.MustCompile(`^an extension request is already waiting for a decision$`), "已有延期申请等待审批"},
	{regexp.MustCompile(`^an extension must be requested before the due time (.*)$`), "延期须在答复期限 $1 之前申请"},
	{regexp.MustCompile(`^there is no extension request waiting for a decision$`), "没有待审批的延期申请"},
	{regexp.MustCompile(`^there is no reply to rate yet$`), "尚无可评价的答复"},
	{regexp.MustCompile(`^this deputy has already rated this reply$`), "该代表已评价过本次答复"},
	{regexp.MustCompile(`^the time to rate this reply has passed$`), "本次答复的评价期限已过"},
	{regexp.MustCompile(`^only the first assignment can be returned$`), "只有首次交办可以申请退回"},
	{regexp.MustCompile(`^an assignment can only be returned until (.*)$`), "申请退回交办的期限为 $1"},
	{regexp.MustCompile(`^this case is no longer open for actions \(it is closed or returned\)$`), "此件已办结或不予立案，不能再操作"},
	{regexp.MustCompile(`^the minutes of this meeting are already recorded$`), "本次约见的纪要已记录"},
	{regexp.MustCompile(`^an open suggestion with this title from this deputy already exists: (.*)$`), "该代表已有同一标题的在办建议：$1"},
	{regexp.MustCompile(`^this Idempotency-Key was already used for a different request$`), "此表单已提交过不同内容，请刷新后重新填写"},
	{regexp.MustCompile(`^a dependency is not available; try again shortly$`), "依赖的服务暂不可用，请稍后重试"},
	{regexp.MustCompile(`^too many changes from this token; slow down and try again$`), "操作过于频繁，请稍后再试"},
	{regexp.MustCompile(`^a deputy submits suggestions only as their lead deputy$`), "代表只能以本人名义领衔提出建议"},
	{regexp.MustCompile(`^a deputy rates only in their own name$`), "代表只能以本人名义评价"},
	{regexp.MustCompile(`^a unit files co-handling opinions only for itself$`), "承办单位只能以本单位名义提交会办意见"},
	{regexp.MustCompile(`^the form has no valid CSRF token; reload the page and try again$`), "表单已失效，请刷新页面后重试"},
	{regexp.MustCompile(`^the sign-in form has expired; reload it$`), "登录表单已过期，请刷新后重试"},
	{regexp.MustCompile(`^no such page$`), "没有这个页面"},
	{regexp.MustCompile(`^there is no progress hearing report yet$`), "尚无办理进展汇报"},
	{regexp.MustCompile(`^this account may not (.*)$`), "当前账号无权进行此操作"},
	{regexp.MustCompile(`^unknown status$`), "未知状态"},
	{regexp.MustCompile(`^no (\w+) with this id$`), "没有找到"},
	{regexp.MustCompile(`^this account may see this (\w+) but not do this to it$`), "您可以查看，但无权执行此操作"},
	{regexp.MustCompile(`^must be a time such as (.*)$`), "时间格式应为 $1"},
	{regexp.MustCompile(`^must be a date such as (.*)$`), "日期格式应为 $1"},
}

var rfc3339 = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)

// localizeMessage is an API message in the language: English as the API
// says it; Chinese when the message is known, else the English kept in
// brackets. Chinese shows RFC 3339 times in the township's zone.
func localizeMessage(lang, msg string, loc *time.Location) string {
	if lang == langEN || msg == "" {
		return msg
	}
	for _, m := range zhMessages {
		if !m.re.MatchString(msg) {
			continue
		}
		out := m.re.ReplaceAllString(msg, m.zh)
		out = quotedStatus.ReplaceAllStringFunc(out, func(q string) string {
			return "“" + tr(langZH, "status."+strings.Trim(q, "“”")) + "”"
		})
		return rfc3339.ReplaceAllStringFunc(out, func(s string) string {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil || loc == nil {
				return s
			}
			return t.In(loc).Format("2006-01-02 15:04")
		})
	}
	return fmt.Sprintf(tr(lang, "problem.not_translated"), msg)
}

var quotedStatus = regexp.MustCompile(`“[a-z_]+”`)
