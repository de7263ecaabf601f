// Package documents turns what the store holds into the official
// documents a township people's congress office prints: the assignment
// form (交办单), the reply letter (答复函), the extension request form
// (延办反馈书), the meeting notice (约见通知), a deputy's record of the
// year (履职档案) and the ranking bulletin (通报). The words are Chinese,
// the dates in the township's zone; package printout draws them. The API
// and the pages both call this package, so each rule (what a document
// says, and when it does not exist yet) is written once.
package documents

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"suggestflow/domain"
	"suggestflow/i18n"
	"suggestflow/notices"
	"suggestflow/period"
	"suggestflow/policy"
	"suggestflow/printout"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/supervision"
)

// RatingURL is the address the reply letter's QR code opens: where the
// lead deputy rates a round's reply.
type RatingURL func(ctx context.Context, suggestionID, deputyID string, round int) (string, error)

// CasePageURL is the rating address until single-use rating links exist:
// the case's page, where the signed-in deputy rates.
func CasePageURL(publicURL string) RatingURL {
	base := strings.TrimRight(publicURL, "/")
	return func(_ context.Context, suggestionID, _ string, _ int) (string, error) {
		return base + "/ui/suggestions/" + suggestionID, nil
	}
}

// Service builds the documents.
type Service struct {
	store *store.Store
	// policy is the policy in force (the file's values with the settings
	// page's changes): the township's name and zone.
	policy    func(ctx context.Context) (policy.Policy, error)
	ratingURL RatingURL
	now       func() time.Time
}

// New builds the documents service; ratingURL nil means CasePageURL of
// publicURL.
func New(st *store.Store, current func(ctx context.Context) (policy.Policy, error), publicURL string, ratingURL RatingURL, now func() time.Time) *Service {
	if ratingURL == nil {
		ratingURL = CasePageURL(publicURL)
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, policy: current, ratingURL: ratingURL, now: now}
}

// File is a rendered document: its bytes and a file name.
type File struct {
	Name string
	PDF  []byte
}

// render draws d as a PDF named name.
func render(name string, d printout.Document) (File, error) {
	var buf bytes.Buffer
	if err := d.WritePDF(&buf); err != nil {
		return File{}, fmt.Errorf("%s as PDF: %w", name, err)
	}
	return File{Name: name, PDF: buf.Bytes()}, nil
}

// frame is what every document needs of the policy: the office that signs
// and the zone its dates are in.
type frame struct {
	presidium string
	loc       *time.Location
	pol       policy.Policy
}

func (s *Service) frame(ctx context.Context) (frame, error) {
	pol, err := s.policy(ctx)
	if err != nil {
		return frame{}, fmt.Errorf("the policy in force: %w", err)
	}
	return frame{presidium: notices.Presidium(pol.Township), loc: pol.Location(), pol: pol}, nil
}

// date is a day as the documents write it: 2026年12月2日.
func (f frame) date(t time.Time) string { return t.In(f.loc).Format("2006年1月2日") }

func (f frame) dateTime(t time.Time) string { return t.In(f.loc).Format("2006年1月2日 15:04") }

func zh(key string) string { return i18n.T(i18n.ZH, key) }

// orNone is v, or a dash for a blank on the form.
func orNone(v string) string {
	if strings.TrimSpace(v) == "" {
		return "—"
	}
	return v
}

// names reads the names of the units and deputies a document names.
type names struct {
	units    map[string]domain.Unit
	deputies map[string]domain.Deputy
}

func (s *Service) names(ctx context.Context, unitIDs, deputyIDs []string) (names, error) {
	u, d, err := s.store.Names(ctx, unitIDs, deputyIDs)
	if err != nil {
		return names{}, fmt.Errorf("names on the document: %w", err)
	}
	return names{units: u, deputies: d}, nil
}

func (n names) unit(id string) string {
	if u, ok := n.units[id]; ok {
		return u.Name
	}
	return id
}

func (n names) deputy(id string) string {
	if d, ok := n.deputies[id]; ok {
		return d.Name
	}
	return id
}

func (n names) deputyList(ids []string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, n.deputy(id))
	}
	return orNone(strings.Join(out, "、"))
}

func (n names) unitList(ids []string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, n.unit(id))
	}
	return orNone(strings.Join(out, "、"))
}

func caseUnitIDs(sg domain.Suggestion) []string {
	if sg.Assignment == nil {
		return nil
	}
	return append([]string{sg.Assignment.LeadUnitID}, sg.Assignment.CoUnitIDs...)
}

func caseDeputyIDs(sg domain.Suggestion) []string {
	return append([]string{sg.LeadDeputyID}, sg.CoSignerIDs...)
}

// Ready says which of a case's documents exist: the assignment form once
// the case is assigned, the reply letter once the unit replied, the
// extension request once the unit asked for one. The pages show their
// links by it, and the documents refuse by it.
type Ready struct {
	Assignment, Reply, Extension bool
}

// ReadyOf is Ready for a case and its records.
func ReadyOf(sg domain.Suggestion, f store.CaseFile) Ready {
	assigned := sg.Assignment != nil
	return Ready{Assignment: assigned, Reply: assigned && len(f.Replies) > 0, Extension: assigned && len(f.Extensions) > 0}
}

// caseParts are what a case's documents are drawn from: its records, the
// township's frame and the parties' names.
type caseParts struct {
	file store.CaseFile
	f    frame
	n    names
}

// parts reads a case's parts for a document, or refuses with the code
// when ready says its step has not happened yet (409).
func (s *Service) parts(ctx context.Context, sg domain.Suggestion, ready func(Ready) bool, code string) (caseParts, error) {
	file, err := s.store.CaseFile(ctx, sg.ID)
	if err != nil {
		return caseParts{}, fmt.Errorf("the records of %s: %w", sg.ID, err)
	}
	if !ready(ReadyOf(sg, file)) {
		return caseParts{}, refusal.New(refusal.Conflict, code, "number", sg.Number)
	}
	f, err := s.frame(ctx)
	if err != nil {
		return caseParts{}, err
	}
	n, err := s.names(ctx, caseUnitIDs(sg), caseDeputyIDs(sg))
	if err != nil {
		return caseParts{}, err
	}
	return caseParts{file: file, f: f, n: n}, nil
}

// Assignment is the assignment form (交办单) the presidium sends the lead
// unit; 409 before the case is assigned.
func (s *Service) Assignment(ctx context.Context, sg domain.Suggestion) (File, error) {
	a := sg.Assignment
	p, err := s.parts(ctx, sg, func(r Ready) bool { return r.Assignment }, refusal.DocumentNotAssigned)
	if err != nil {
		return File{}, err
	}
	f, n := p.f, p.n
	due := "—"
	if sg.DueAt != nil {
		due = f.date(*sg.DueAt)
	}
	kind := "一般建议"
	if a.Complex {
		kind = "重点或复杂建议"
	}
	d := printout.Document{
		Title:  "代表建议交办单",
		Number: "编号：" + sg.Number,
		To:     n.unit(a.LeadUnitID),
		Blocks: []printout.Block{
			{Paragraphs: []string{fmt.Sprintf("现将%s代表领衔提出的《%s》交由你单位主办，请认真研究办理，与代表面商沟通，并于%s前书面答复代表，同时抄送%s。",
				n.deputy(sg.LeadDeputyID), sg.Title, due, f.presidium)}},
			{Fields: []printout.Field{
				{Label: "建议编号", Value: sg.Number},
				{Label: "建议标题", Value: sg.Title},
				{Label: "领衔代表", Value: n.deputy(sg.LeadDeputyID)},
				{Label: "联名代表", Value: n.deputyList(sg.CoSignerIDs)},
				{Label: "收到日期", Value: f.date(sg.SubmittedAt)},
				{Label: "交办日期", Value: f.date(a.AssignedAt)},
				{Label: "主办单位", Value: n.unit(a.LeadUnitID)},
				{Label: "协办单位", Value: n.unitList(a.CoUnitIDs)},
				{Label: "分管领导", Value: orNone(a.Leader)},
				{Label: "专办人员", Value: orNone(a.Handler)},
				{Label: "办理类别", Value: kind},
				{Label: "答复期限", Value: due},
			}},
		},
		Signer:  []string{f.presidium},
		Date:    f.date(a.AssignedAt),
		Footer:  f.presidium + " · 代表建议交办单 " + sg.Number,
		Author:  f.presidium,
		Created: s.now(),
	}
	return render("assignment-"+sg.Number+".pdf", d)
}

// Reply is the reply letter (答复函) of the latest round to the lead
// deputy, with the QR code of the rating link; 409 before any reply.
func (s *Service) Reply(ctx context.Context, sg domain.Suggestion) (File, error) {
	p, err := s.parts(ctx, sg, func(r Ready) bool { return r.Reply }, refusal.DocumentNoReply)
	if err != nil {
		return File{}, err
	}
	f, n := p.f, p.n
	r := p.file.Replies[len(p.file.Replies)-1]
	url, err := s.ratingURL(ctx, sg.ID, sg.LeadDeputyID, r.Round)
	if err != nil {
		return File{}, fmt.Errorf("rating link of %s: %w", sg.ID, err)
	}
	unit := n.unit(sg.Assignment.LeadUnitID)
	fields := []printout.Field{
		{Label: "建议编号", Value: sg.Number},
		{Label: "建议标题", Value: sg.Title},
		{Label: "领衔代表", Value: n.deputy(sg.LeadDeputyID)},
		{Label: "联名代表", Value: n.deputyList(sg.CoSignerIDs)},
		{Label: "办理结果", Value: zh("class." + r.ResultClass)},
	}
	if r.PromisedAt != nil {
		fields = append(fields, printout.Field{Label: "承诺完成时间", Value: f.date(*r.PromisedAt)})
	}
	if r.Round > 1 {
		fields = append(fields, printout.Field{Label: "办理轮次", Value: fmt.Sprintf("第%d次办理", r.Round)})
	}
	var paras []string
	for _, p := range strings.Split(r.Content, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	d := printout.Document{
		Title:  "代表建议答复函",
		Number: "编号：" + sg.Number,
		To:     n.deputy(sg.LeadDeputyID) + "代表",
		Blocks: []printout.Block{
			{Paragraphs: []string{fmt.Sprintf("您领衔提出的《%s》（%s）收悉。经认真研究办理，现将办理情况答复如下：", sg.Title, sg.Number)}},
			{Paragraphs: paras},
			{Fields: fields},
			{Paragraphs: []string{"感谢您对我们工作的关心和支持。请扫描下方二维码，对本件建议的办理工作作出评价。"}},
		},
		Signer:    []string{unit},
		Date:      f.date(r.RepliedAt),
		QR:        url,
		QRCaption: "扫码评价办理结果",
		Footer:    unit + " · 代表建议答复函 " + sg.Number,
		Author:    unit,
		Created:   s.now(),
	}
	return render("reply-"+sg.Number+".pdf", d)
}

// Extension is the lead unit's latest extension request (延办反馈书) with
// the presidium's decision once there is one; 409 when the unit asked for
// none.
func (s *Service) Extension(ctx context.Context, sg domain.Suggestion) (File, error) {
	p, err := s.parts(ctx, sg, func(r Ready) bool { return r.Extension }, refusal.DocumentNoExtension)
	if err != nil {
		return File{}, err
	}
	f, n := p.f, p.n
	x := p.file.Extensions[len(p.file.Extensions)-1]
	unit := n.unit(sg.Assignment.LeadUnitID)
	decision := "待主席团审批"
	switch x.Decision {
	case "approved":
		decision = "同意延期办理，答复期限延至" + f.date(x.NewDueAt)
	case "rejected":
		decision = "不同意延期，仍按原期限" + f.date(x.OldDueAt) + "答复"
	}
	if x.Comment != "" {
		decision += "。" + x.Comment
	}
	decided := "—"
	if x.DecidedAt != nil {
		decided = f.date(*x.DecidedAt)
	}
	d := printout.Document{
		Title:  "代表建议延办反馈书",
		Number: "编号：" + sg.Number,
		To:     f.presidium,
		Blocks: []printout.Block{
			{Paragraphs: []string{fmt.Sprintf("我单位主办的%s代表领衔提出的《%s》，因下列原因不能在规定期限内办结答复，特申请延期办理。",
				n.deputy(sg.LeadDeputyID), sg.Title)}},
			{Fields: []printout.Field{
				{Label: "建议编号", Value: sg.Number},
				{Label: "建议标题", Value: sg.Title},
				{Label: "领衔代表", Value: n.deputy(sg.LeadDeputyID)},
				{Label: "主办单位", Value: unit},
				{Label: "原答复期限", Value: f.date(x.OldDueAt)},
				{Label: "申请延期至", Value: f.date(x.NewDueAt)},
				{Label: "延期理由", Value: orNone(x.Reason)},
				{Label: "已采取的措施", Value: orNone(x.Measures)},
				{Label: "申请日期", Value: f.date(x.At)},
			}},
			{Heading: "主席团意见", Fields: []printout.Field{
				{Label: "审批意见", Value: decision},
				{Label: "审批日期", Value: decided},
			}},
		},
		Signer:  []string{unit},
		Date:    f.date(x.At),
		Footer:  unit + " · 代表建议延办反馈书 " + sg.Number,
		Author:  unit,
		Created: s.now(),
	}
	return render("extension-"+sg.Number+".pdf", d)
}

// Notice is the meeting notice (约见通知) as both the printable page and
// the PDF show it, so that the two say the same.
type Notice struct {
	Number, Title string
	// To is the unit summoned and its head; Body the words of the notice
	// the workflow sent.
	To, Body                    string
	Reason, When, Place, Agenda string
	Attendees                   []string
	// Signer is the presidium, Issued the day the notice went out.
	Signer, Issued string
}

// NoticeOf is the notice of a meeting.
func (s *Service) NoticeOf(ctx context.Context, m domain.Meeting) (Notice, error) {
	f, err := s.frame(ctx)
	if err != nil {
		return Notice{}, err
	}
	_, body, err := notices.Render("meeting_notice", map[string]string{"number": m.Number, "title": m.Title,
		"scheduled_at": m.ScheduledAt.UTC().Format(time.RFC3339), "place": m.Place, "agenda": m.Agenda}, f.loc, f.pol.Township)
	if err != nil {
		return Notice{}, fmt.Errorf("meeting notice: %w", err)
	}
	var unitIDs []string
	if m.UnitID != "" {
		unitIDs = []string{m.UnitID}
	}
	n, err := s.names(ctx, unitIDs, m.DeputyIDs)
	if err != nil {
		return Notice{}, err
	}
	to := "—"
	if u, ok := n.units[m.UnitID]; ok {
		to = strings.TrimSpace(u.Name + " " + u.Head)
	}
	attendees := make([]string, 0, len(m.Attendees))
	for _, a := range m.Attendees {
		switch a.Kind() {
		case domain.KindPresidium:
			attendees = append(attendees, f.presidium)
		case domain.KindDeputy:
			attendees = append(attendees, n.deputy(a.ID())+"代表")
		case domain.KindUnitHead:
			u := n.units[a.ID()]
			attendees = append(attendees, fmt.Sprintf(zh("meeting.unit_head"), n.unit(a.ID()), u.Head))
		}
	}
	issued := m.CalledAt
	if m.NoticeSentAt != nil {
		issued = *m.NoticeSentAt
	}
	return Notice{Number: m.Number, Title: m.Title, To: to, Body: body, Reason: zh("mreason." + m.Reason),
		When: f.dateTime(m.ScheduledAt), Place: orNone(m.Place), Agenda: orNone(m.Agenda), Attendees: attendees,
		Signer: f.presidium, Issued: f.date(issued)}, nil
}

// MeetingNotice is the meeting notice as a PDF.
func (s *Service) MeetingNotice(ctx context.Context, m domain.Meeting) (File, error) {
	nt, err := s.NoticeOf(ctx, m)
	if err != nil {
		return File{}, err
	}
	d := printout.Document{
		Title:  "约见通知",
		Number: "编号：" + nt.Number,
		To:     nt.To,
		Blocks: []printout.Block{
			{Paragraphs: []string{nt.Body}},
			{Fields: []printout.Field{
				{Label: "建议事项", Value: "《" + nt.Title + "》（" + nt.Number + "）"},
				{Label: "约见事由", Value: nt.Reason},
				{Label: "时间", Value: nt.When},
				{Label: "地点", Value: nt.Place},
				{Label: "议程", Value: nt.Agenda},
				{Label: "参加人员", Value: orNone(strings.Join(nt.Attendees, "、"))},
			}},
		},
		Signer:  []string{nt.Signer},
		Date:    nt.Issued,
		Footer:  nt.Signer + " · 约见通知 " + nt.Number,
		Author:  nt.Signer,
		Created: s.now(),
	}
	return render("meeting-notice-"+nt.Number+".pdf", d)
}

// maxPage is the store's largest page, for reading whole lists.
const maxPage = 100

// all reads every page of a list.
func all[T any](fetch func(store.Page) ([]T, int64, error)) ([]T, error) {
	var out []T
	for n := 1; ; n++ {
		items, total, err := fetch(store.Page{Number: n, Size: maxPage})
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if len(items) < maxPage || int64(len(out)) >= total {
			return out, nil
		}
	}
}

// YearOf is the year named by label ("" for this year) in the township's
// zone; a malformed year is refused on the field.
func (s *Service) YearOf(ctx context.Context, field, label string) (period.Range, error) {
	f, err := s.frame(ctx)
	if err != nil {
		return period.Range{}, err
	}
	if label == "" {
		label = strconv.Itoa(s.now().In(f.loc).Year())
	}
	return period.YearField(field, label, f.loc)
}

// DeputyRecord is a deputy's record of the year (履职档案): the
// suggestions led and co-signed with their status and the deputy's
// rating, the meetings attended, the visits to constituents and the
// inspections and group meetings recorded.
func (s *Service) DeputyRecord(ctx context.Context, deputyID string, y period.Range) (File, error) {
	f, err := s.frame(ctx)
	if err != nil {
		return File{}, err
	}
	dep, err := s.store.Deputy(ctx, deputyID)
	if err != nil {
		return File{}, store.Refused(err, "deputy")
	}
	year, err := strconv.Atoi(y.Label)
	if err != nil {
		return File{}, refusal.OnField("year", refusal.YearFormat)
	}
	counts, err := s.store.DeputyYear(ctx, deputyID, year, y)
	if err != nil {
		return File{}, store.Refused(err, "deputy")
	}
	sgs, err := all(func(p store.Page) ([]domain.Suggestion, int64, error) {
		return s.store.Suggestions(ctx, store.SuggestionFilter{DeputyID: deputyID}, p)
	})
	if err != nil {
		return File{}, store.Refused(err, "suggestion")
	}
	var led, coSigned [][]string
	for _, sg := range sgs {
		if sg.SubmittedAt.Before(y.From) || !sg.SubmittedAt.Before(y.To) {
			continue
		}
		rating := "未评价"
		for _, r := range sg.Ratings {
			if r.DeputyID == deputyID {
				rating = zh("rating." + r.Result)
			}
		}
		row := []string{sg.Number, sg.Title, zh("status." + string(sg.Status)), rating}
		if sg.LeadDeputyID == deputyID {
			led = append(led, row)
		} else {
			coSigned = append(coSigned, row)
		}
	}
	meetings, err := all(func(p store.Page) ([]domain.Meeting, int64, error) {
		return s.store.Meetings(ctx, store.MeetingFilter{DeputyID: deputyID, Status: domain.MeetingHeld}, p)
	})
	if err != nil {
		return File{}, store.Refused(err, "meeting")
	}
	var met [][]string
	for _, m := range meetings {
		if m.ScheduledAt.Before(y.From) || !m.ScheduledAt.Before(y.To) {
			continue
		}
		met = append(met, []string{f.date(m.ScheduledAt), m.Number + " " + m.Title, orNone(m.Place)})
	}
	visits, err := all(func(p store.Page) ([]store.Visit, int64, error) { return s.store.Visits(ctx, deputyID, p) })
	if err != nil {
		return File{}, store.Refused(err, "visit")
	}
	var visited [][]string
	for i := len(visits) - 1; i >= 0; i-- { // oldest first, as a record reads
		v := visits[i]
		if v.VisitedAt.Before(y.From) || !v.VisitedAt.Before(y.To) {
			continue
		}
		visited = append(visited, []string{f.date(v.VisitedAt), orNone(v.Place), strconv.Itoa(len(v.Opinions))})
	}
	records, err := all(func(p store.Page) ([]store.DutyRecord, int64, error) {
		return s.store.DutyRecords(ctx, store.DutyRecordFilter{DeputyID: deputyID, From: y.From, To: y.To}, p)
	})
	if err != nil {
		return File{}, store.Refused(err, "record")
	}
	var duties [][]string
	for _, r := range records {
		kind := "视察"
		if r.Kind == store.RecordGroupMeeting {
			kind = "代表小组活动"
		}
		duties = append(duties, []string{f.date(r.HeldAt), kind, orNone(r.Place)})
	}
	suggestionCols := []printout.Column{{Heading: "编号", Width: 16}, {Heading: "标题", Width: 48}, {Heading: "办理状态", Width: 16}, {Heading: "评价", Width: 14}}
	d := printout.Document{
		Title:  "人大代表履职档案",
		Number: fmt.Sprintf("%s · %d年度", dep.Name, year),
		Blocks: []printout.Block{
			{Fields: []printout.Field{
				{Label: "姓名", Value: dep.Name},
				{Label: "代表层级", Value: orNone(zh("level." + dep.Level))},
				{Label: "代表小组", Value: orNone(dep.Group)},
				{Label: "年度", Value: fmt.Sprintf("%d年", year)},
			}},
			{Heading: "履职情况统计", Fields: []printout.Field{
				{Label: "领衔建议", Value: fmt.Sprintf("%d件", counts.SuggestionsLed)},
				{Label: "联名建议", Value: fmt.Sprintf("%d件", counts.CoSigned)},
				{Label: "参加约见", Value: fmt.Sprintf("%d次", counts.MeetingsAttended)},
				{Label: "走访选民", Value: fmt.Sprintf("%d次，收集意见%d条，转化为建议%d条", counts.Visits, counts.Opinions, counts.OpinionsLinked)},
				{Label: "参加视察", Value: fmt.Sprintf("%d次", counts.Inspections)},
				{Label: "参加小组活动", Value: fmt.Sprintf("%d次", counts.GroupMeetings)},
				{Label: "评价办理结果", Value: fmt.Sprintf("%d次", counts.RatingsGiven)},
			}},
			{Heading: "一、领衔提出的建议", Grid: &printout.Grid{Columns: suggestionCols, Rows: led, Empty: "本年度无"}},
			{Heading: "二、联名提出的建议", Grid: &printout.Grid{Columns: suggestionCols, Rows: coSigned, Empty: "本年度无"}},
			{Heading: "三、参加的约见", Grid: &printout.Grid{Columns: []printout.Column{{Heading: "日期", Width: 20}, {Heading: "建议", Width: 50}, {Heading: "地点", Width: 24}},
				Rows: met, Empty: "本年度无"}},
			{Heading: "四、走访选民", Grid: &printout.Grid{Columns: []printout.Column{{Heading: "日期", Width: 20}, {Heading: "地点", Width: 54}, {Heading: "收集意见（条）", Width: 20}},
				Rows: visited, Empty: "本年度无"}},
			{Heading: "五、视察和代表小组活动", Grid: &printout.Grid{Columns: []printout.Column{{Heading: "日期", Width: 20}, {Heading: "类别", Width: 24}, {Heading: "地点", Width: 50}},
				Rows: duties, Empty: "本年度无"}},
		},
		Signer:  []string{f.presidium},
		Date:    f.date(s.now()),
		Footer:  fmt.Sprintf("%s · %s %d年度履职档案", f.presidium, dep.Name, year),
		Author:  f.presidium,
		Created: s.now(),
	}
	return render(fmt.Sprintf("record-%s-%d.pdf", dep.ID, year), d)
}

// Bulletin is the bulletin (通报) of the year's unit ranking: every unit
// with its rank (ties share one), the units commended and the last.
func (s *Service) Bulletin(ctx context.Context, y period.Range) (File, error) {
	f, err := s.frame(ctx)
	if err != nil {
		return File{}, err
	}
	r, err := supervision.RankYear(ctx, s.store, f.pol.Evaluation, y)
	if err != nil {
		return File{}, store.Refused(err, "ranking")
	}
	rows := make([][]string, 0, len(r.Units))
	for _, u := range r.Units {
		note := "—"
		switch {
		case u.Award:
			note = "群众信得过单位"
		case !u.Eligible:
			note = fmt.Sprintf("不满意办结%d件，取消评优资格", len(u.Counted))
		}
		rows = append(rows, []string{strconv.Itoa(u.Rank), u.Head, strconv.FormatFloat(u.Total, 'f', 2, 64), note})
	}
	list := func(units []string) string { return orNone(strings.Join(units, "、")) }
	var best, worst []string
	for _, u := range r.Best {
		best = append(best, u.Head)
	}
	for _, u := range r.Worst {
		worst = append(worst, u.Head)
	}
	d := printout.Document{
		Title:  fmt.Sprintf("关于%s年度代表建议办理工作考评结果的通报", y.Label),
		Number: y.Label + "年度",
		To:     "各承办单位",
		Blocks: []printout.Block{
			{Paragraphs: []string{fmt.Sprintf("根据代表建议办理工作考评办法，%s对各承办单位%s年度代表建议办理工作进行了综合评议。现将考评结果通报如下：",
				f.presidium, y.Label)}},
			{Heading: "一、考评排名", Grid: &printout.Grid{Columns: []printout.Column{{Heading: "名次", Width: 10}, {Heading: "承办单位及负责人", Width: 48},
				{Heading: "年度总分", Width: 14}, {Heading: "备注", Width: 28}}, Rows: rows, Empty: "本年度无考评结果"}},
			{Heading: "二、通报表扬", Paragraphs: []string{"评为“群众信得过单位”：" + list(best)}},
			{Heading: "三、通报批评", Paragraphs: []string{"考评总分末位：" + list(worst)}},
			{Paragraphs: []string{"希望受到表扬的单位再接再厉；排名靠后的单位要认真查找问题，切实改进代表建议办理工作。"}},
		},
		Signer:  []string{f.presidium},
		Date:    f.date(s.now()),
		Footer:  fmt.Sprintf("%s · %s年度考评通报", f.presidium, y.Label),
		Author:  f.presidium,
		Created: s.now(),
	}
	return render("bulletin-"+y.Label+".pdf", d)
}
