package i18n

// The policy keys as the settings page explains them: what each means,
// and where its default comes from (DOMAIN.md, and the rule it cites).
var policyTexts = map[string]struct{ meaning, source pair }{
	"township":                     {pair{"乡镇名称，显示在每个页面、通知和文书上", "the township's name, on every page, notice and document"}, pair{"本地设置", "local"}},
	"timezone":                     {pair{"时区，所有时间按此显示和计算", "the time zone every time is shown and counted in"}, pair{"DOMAIN.md §8", "DOMAIN.md §8"}},
	"review_within":                {pair{"收到建议后审查的期限", "time to review a submitted suggestion"}, pair{"DOMAIN.md §3 第2条；上海市代表建议办理规定第11条", "DOMAIN.md §3 rule 2; Shanghai regulation art. 11"}},
	"return_assignment_within":     {pair{"承办单位申请退回交办的期限", "time for a unit to ask to return a wrong assignment"}, pair{"DOMAIN.md §3 第3条；上海市规定第14条", "DOMAIN.md §3 rule 3; Shanghai art. 14"}},
	"co_opinion_within":            {pair{"协办单位向主办单位提出意见的期限", "time for a co-handling unit to give its opinion"}, pair{"DOMAIN.md §3 第3条；上海市规定第17条", "DOMAIN.md §3 rule 3; Shanghai art. 17"}},
	"reply_within":                 {pair{"交办后答复代表的期限", "time to reply after assignment"}, pair{"DOMAIN.md §3 第3条；代表法第51—52条", "DOMAIN.md §3 rule 3; Deputies Law art. 51–52"}},
	"reply_within_complex":         {pair{"复杂建议的答复期限", "time to reply to a suggestion marked complex"}, pair{"DOMAIN.md §3 第3条", "DOMAIN.md §3 rule 3"}},
	"remind_before_due":            {pair{"答复期限前提醒承办单位的时间点", "when before the due time the unit is reminded"}, pair{"DOMAIN.md §3 第6条", "DOMAIN.md §3 rule 6"}},
	"progress_report_every":        {pair{"办理进展报告的周期", "how often the lead unit reports progress"}, pair{"DOMAIN.md §3 第5条；每两个月听取一次办理进展汇报", "DOMAIN.md §3 rule 5; the seed's hearing every two months"}},
	"progress_report_grace":        {pair{"进展报告逾期后计入考评前的宽限", "grace after a missed report before it counts against the unit"}, pair{"DOMAIN.md §3 第5条", "DOMAIN.md §3 rule 5"}},
	"extension_max":                {pair{"一件建议各次延期合计的上限", "the most all extensions of one suggestion may add up to"}, pair{"DOMAIN.md §3 第7条；上海市规定第19条", "DOMAIN.md §3 rule 7; Shanghai art. 19"}},
	"evaluation_within":            {pair{"答复后代表评价的期限", "time for the deputy to rate a reply"}, pair{"DOMAIN.md §3 第10条", "DOMAIN.md §3 rule 10"}},
	"evaluation_grace":             {pair{"提醒评价后再等待的时间，之后按“无反馈”办结", "wait after the rating reminder before closing as no feedback"}, pair{"DOMAIN.md §3 第10条", "DOMAIN.md §3 rule 10"}},
	"rehandle_within":              {pair{"代表不满意后重新办理的期限", "time to re-handle after an unsatisfied rating"}, pair{"DOMAIN.md §3 第11条；上海市规定第21条", "DOMAIN.md §3 rule 11; Shanghai art. 21"}},
	"escalate_after_unsatisfied":   {pair{"第几次不满意时约见单位负责人", "at which unsatisfied rating the unit head is summoned"}, pair{"DOMAIN.md §3 第12条", "DOMAIN.md §3 rule 12"}},
	"meeting_within":               {pair{"约见须在触发后多久内举行", "how soon after its cause a meeting is held"}, pair{"DOMAIN.md §3 第12条", "DOMAIN.md §3 rule 12"}},
	"meeting_notice_ahead":         {pair{"约见通知提前发出的时间", "how long before a meeting its notice goes out"}, pair{"DOMAIN.md §3 第12条", "DOMAIN.md §3 rule 12"}},
	"meeting_remind_before":        {pair{"约见前再次提醒的时间", "how long before a meeting the reminder goes out"}, pair{"DOMAIN.md §3 第12条", "DOMAIN.md §3 rule 12"}},
	"meeting_place":                {pair{"约见的默认地点", "where meetings are held unless said otherwise"}, pair{"本地设置", "local"}},
	"referral_answer_within":       {pair{"转交上级机关后等待答复、到期提醒的时间", "how long to wait for a higher body's answer before a reminder"}, pair{"DOMAIN.md §3 第2条（转交）", "DOMAIN.md §3 rule 2 (referral)"}},
	"rating_link_valid":            {pair{"答复通知和答复函上的评价链接（二维码）的有效期", "how long the rating link in a reply notice and on the reply letter stays valid"}, pair{"本地设置", "local"}},
	"quiet_hours":                  {pair{"免打扰时段，非紧急通知在此之后发出", "quiet hours: non-urgent notices wait until they end"}, pair{"本地设置", "local"}},
	"remind_at":                    {pair{"按天计的到期提醒在工作日的几点发出（如 09:00，提前 1 天即前一个工作日 09:00）", "the time of day a reminder counted in days goes out on a working day (09:00: one day ahead is 09:00 the working day before)"}, pair{"本地设置", "local"}},
	"calendar_overrides":           {pair{"本地调整的工作日和休息日（在“工作日历”页修改）", "local working and rest days (changed on the calendar page)"}, pair{"DOMAIN.md §8", "DOMAIN.md §8"}},
	"evaluation":                   {pair{"综合评议规则：基础分、各项扣分、问卷权重、评先名额、不满意件数上限", "the unit evaluation rules: base, deductions, questionnaire weight, award size, unsatisfied limit"}, pair{"DOMAIN.md §5", "DOMAIN.md §5"}},
	"progress_hearing_cron":        {pair{"办理进展汇报会的时间表", "when the progress hearings are held"}, pair{"DOMAIN.md §4", "DOMAIN.md §4"}},
	"site_inspection_cron":         {pair{"视察活动的时间表", "when the site inspections are held"}, pair{"DOMAIN.md §4", "DOMAIN.md §4"}},
	"group_meeting_cron":           {pair{"代表小组会议的时间表", "when the deputy groups meet"}, pair{"DOMAIN.md §4、§6", "DOMAIN.md §4, §6"}},
	"evaluation_cron":              {pair{"季度综合评议的时间表", "when the quarterly evaluation runs"}, pair{"DOMAIN.md §4、§5", "DOMAIN.md §4, §5"}},
	"board_cron":                   {pair{"公开栏发布的时间表", "when the public board is published"}, pair{"DOMAIN.md §4", "DOMAIN.md §4"}},
	"ranking_cron":                 {pair{"年度排名的时间表", "when the yearly ranking runs"}, pair{"DOMAIN.md §4", "DOMAIN.md §4"}},
	"visit_check_cron":             {pair{"检查代表走访次数的时间表", "when the deputies' visits are checked"}, pair{"DOMAIN.md §6", "DOMAIN.md §6"}},
	"session_idle":                 {pair{"登录后多久不操作自动退出", "how long a sign-in lasts without use"}, pair{"本地设置", "local"}},
	"sign_in_failures_per_account": {pair{"同一账号连续输错密码几次后暂停登录", "wrong passwords in a row before an account is held off"}, pair{"本地设置", "local"}},
	"sign_in_failures_per_client":  {pair{"同一地址连续登录失败几次后暂停登录", "failed sign-ins in a row before an address is held off"}, pair{"本地设置", "local"}},
	"sign_in_block":                {pair{"暂停登录的时长", "how long a held-off sign-in waits"}, pair{"本地设置", "local"}},
	"visits_per_month":             {pair{"每位代表每月至少走访选民的次数", "visits to constituents each deputy makes a month at least"}, pair{"DOMAIN.md §6", "DOMAIN.md §6"}},
	"group_meeting_every":          {pair{"代表小组会议的周期", "how often each deputy group meets"}, pair{"DOMAIN.md §6", "DOMAIN.md §6"}},
	"commendation":                 {pair{"年终表彰代表和代表小组的计分规则", "the year-end commendation's scoring rule"}, pair{"DOMAIN.md §6", "DOMAIN.md §6"}},
	"commendation_cron":            {pair{"年终表彰的时间表", "when the commendation is scored"}, pair{"DOMAIN.md §6", "DOMAIN.md §6"}},
	"attachment_max_bytes":         {pair{"单个附件的最大字节数", "the largest attachment, in bytes"}, pair{"本地设置；办理事项 #15", "local; issue #15"}},
	"attachment_max_per_step":      {pair{"一件建议每个环节最多上传的附件数", "the most attachments one step of a case may hold"}, pair{"本地设置；办理事项 #15", "local; issue #15"}},
}

// PolicyMeaning is what a policy key means, in the language.
func PolicyMeaning(lang, key string) string { return policyTexts[key].meaning.pick(lang) }

// PolicySource is where a policy key's default comes from.
func PolicySource(lang, key string) string { return policyTexts[key].source.pick(lang) }

// HasPolicyTexts says whether a key is explained.
func HasPolicyTexts(key string) bool {
	_, ok := policyTexts[key]
	return ok
}
