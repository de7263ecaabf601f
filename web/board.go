package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"suggestflow/board"
	"suggestflow/i18n"
	"suggestflow/notices"
	"suggestflow/printout"
	"suggestflow/store"
)

// The board's words are Chinese only: it is pinned up in the township.
func statusName(s string) string { return tr(i18n.ZH, "status."+s) }

func className(c string) string { return tr(i18n.ZH, "bclass."+c) }

func satisfactionName(s string) string {
	if s == "" {
		return tr(i18n.ZH, "board.unrated")
	}
	return tr(i18n.ZH, "rating."+s)
}

var boardTemplate = template.Must(template.New("board").Funcs(template.FuncMap{
	"status":       statusName,
	"class":        className,
	"satisfaction": satisfactionName,
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>代表建议办理情况公开栏 {{.Period}}</title>
<style>
  @page { size: A4 landscape; margin: 15mm; }
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif; color: #111; margin: 1.5em; }
  h1 { font-size: 22pt; text-align: center; margin: 0 0 .2em; }
  p.sub { text-align: center; margin: 0 0 1em; color: #444; }
  table { width: 100%; border-collapse: collapse; font-size: 11pt; }
  th, td { border: 1px solid #333; padding: 4px 6px; vertical-align: top; }
  th { background: #eee; }
  td.n { white-space: nowrap; }
  small.earlier { display: block; margin-top: .3em; font-size: 9pt; color: #555; }
  footer { margin-top: 1em; font-size: 10pt; color: #444; }
  @media print { body { margin: 0; } .noprint { display: none; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>代表建议办理情况“五公开”</h1>
<p class="sub">{{.Label}}（{{.From}} 至 {{.To}}）· Public notice of deputies' suggestions, {{.Period}}</p>
<table>
<thead><tr><th>编号<br><small>No.</small></th><th>建议事项<br><small>Item</small></th><th>承办单位<br><small>Unit</small></th><th>办理期限<br><small>Due</small></th><th>办理结果<br><small>Result</small></th><th>代表满意度<br><small>Satisfaction</small></th></tr></thead>
<tbody>
{{range .Items}}<tr><td class="n">{{.Number}}</td><td>{{.Title}}</td><td>{{.Unit}}</td><td class="n">{{.Due}}</td><td>{{if .ResultClass}}{{class .ResultClass}}<br>{{end}}{{status .Status}}{{if .Earlier}}<small class="earlier">{{.Earlier}}</small>{{end}}</td><td>{{satisfaction .Satisfaction}}</td></tr>
{{else}}<tr><td colspan="6">本期无代表建议。No suggestions in this period.</td></tr>
{{end}}</tbody>
</table>
<p class="noprint"><a id="board-pdf" href="/board.pdf?period={{.Period}}" download>下载 PDF · Download PDF</a></p>
<footer>{{.Presidium}} · 共 {{len .Items}} 件 · 生成于 {{.Generated}}</footer>
</body>
</html>
`))

// boardRow is one case on the board: the result and the satisfaction of
// its current round, and its earlier rounds (Earlier) apart and smaller.
type boardRow struct {
	Number, Title, Unit, Due, Status, ResultClass, Satisfaction, Earlier string
}

// boardUnit is who answers for a case: its lead unit, the higher body it
// was referred to, or nobody yet.
func boardUnit(it store.BoardEntry) string {
	switch {
	case it.ReferredTo != "":
		return fmt.Sprintf(tr(i18n.ZH, "board.referred_to"), it.ReferredTo)
	case it.Unit != "":
		return it.Unit
	}
	return tr(i18n.ZH, "board.unassigned")
}

// earlierRounds says a re-handled case's rounds before the current one, in
// one line: 此前：第1轮 D 留作参考，不满意.
func earlierRounds(rounds []store.BoardRound) string {
	if len(rounds) == 0 {
		return ""
	}
	parts := make([]string, len(rounds))
	for i, r := range rounds {
		parts[i] = fmt.Sprintf(tr(i18n.ZH, "board.round"), r.Round, className(r.ResultClass), satisfactionName(r.Satisfaction))
	}
	return fmt.Sprintf(tr(i18n.ZH, "board.earlier"), strings.Join(parts, "；"))
}

// boardDoc is the board as both printouts show it: dates in the policy's
// time zone, words in Chinese.
type boardDoc struct {
	// Presidium signs the board, with the township's name.
	Presidium                          string
	Period, Label, From, To, Generated string
	Items                              []boardRow
}

func (w *web) boardDoc(r *http.Request) (boardDoc, error) {
	loc := w.policy.Location()
	b, err := board.Load(r.Context(), w.store, r.URL.Query().Get("period"), w.now(), loc)
	if err != nil {
		return boardDoc{}, err
	}
	rows := make([]boardRow, 0, len(b.Items))
	for _, it := range b.Items {
		due := "—"
		if it.DueAt != nil {
			due = it.DueAt.In(loc).Format("2006年1月2日")
		}
		rows = append(rows, boardRow{Number: it.Number, Title: it.Title, Unit: boardUnit(it), Due: due, Status: it.Status,
			ResultClass: it.ResultClass, Satisfaction: it.Satisfaction, Earlier: earlierRounds(it.EarlierRounds)})
	}
	label := b.Period
	if len(label) == 7 && label[5] == 'H' {
		label = label[:4] + "年" + map[byte]string{'1': "上半年", '2': "下半年"}[label[6]]
	}
	return boardDoc{Presidium: notices.Presidium(w.township(r)), Period: b.Period, Label: label, Items: rows,
		From: b.From.In(loc).Format("2006年1月2日"), To: b.To.In(loc).Add(-time.Second).Format("2006年1月2日"),
		Generated: w.now().In(loc).Format("2006年1月2日 15:04")}, nil
}

// boardPage is the public board as a printable A4 page, in Chinese.
func (w *web) boardPage(rw http.ResponseWriter, r *http.Request) {
	d, err := w.boardDoc(r)
	if err != nil {
		w.webError(rw, r, nil, err)
		return
	}
	var buf bytes.Buffer
	if err := boardTemplate.Execute(&buf, d); err != nil {
		w.webError(rw, r, nil, fmt.Errorf("render the board: %w", err))
		return
	}
	w.send(rw, r, "text/html; charset=utf-8", buf.Bytes())
}

// boardPDF is the same board as a PDF with its fonts inside, for offices
// that pin up or forward a file rather than print a web page.
func (w *web) boardPDF(rw http.ResponseWriter, r *http.Request) {
	d, err := w.boardDoc(r)
	if err != nil {
		w.webError(rw, r, nil, err)
		return
	}
	t := printout.Table{
		Title:    "代表建议办理情况“五公开”",
		Subtitle: fmt.Sprintf("%s（%s 至 %s）· Public notice of deputies' suggestions, %s", d.Label, d.From, d.To, d.Period),
		Footer:   fmt.Sprintf("%s · 共 %d 件 · 生成于 %s", d.Presidium, len(d.Items), d.Generated),
		Columns: []printout.Column{{Heading: "编号\nNo.", Width: 11}, {Heading: "建议事项\nItem", Width: 34},
			{Heading: "承办单位\nUnit", Width: 17}, {Heading: "办理期限\nDue", Width: 12},
			{Heading: "办理结果\nResult", Width: 15}, {Heading: "代表满意度\nSatisfaction", Width: 11}},
		Empty:   "本期无代表建议。No suggestions in this period.",
		Author:  d.Presidium,
		Created: w.now(),
	}
	for _, it := range d.Items {
		result := statusName(it.Status)
		if it.ResultClass != "" {
			result = className(it.ResultClass) + "\n" + result
		}
		t.Rows = append(t.Rows, []string{it.Number, it.Title, it.Unit, it.Due, result, satisfactionName(it.Satisfaction)})
		t.Notes = append(t.Notes, it.Earlier)
	}
	var buf bytes.Buffer
	if err := t.WritePDF(&buf); err != nil {
		w.webError(rw, r, nil, fmt.Errorf("board %s as PDF: %w", d.Period, err))
		return
	}
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="board-%s.pdf"`, d.Period))
	w.send(rw, r, "application/pdf", buf.Bytes())
}
