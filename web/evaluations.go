package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"suggestflow/access"
	"suggestflow/evaluation"
	"suggestflow/period"
	"suggestflow/refusal"
	"suggestflow/store"
	"suggestflow/supervision"
)

// --- evaluations ---

func (w *web) evaluations(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	w.showEvaluations(rw, r, wc, http.StatusOK, "")
}

type scoreView struct {
	Unit  string
	Total float64
	Parts []evaluation.Part
}

func (w *web) showEvaluations(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, errMsg string) {
	w.showEvaluationsWith(rw, r, wc, status, errMsg, nil)
}

// showEvaluationsWith is the page with the questionnaire form as sent,
// when it was refused.
func (w *web) showEvaluationsWith(rw http.ResponseWriter, r *http.Request, wc *webCtx, status int, errMsg string, qf *formState) {
	if may(wc.p, routeEvals, nil) != access.Allow {
		w.webError(rw, r, wc, refusal.New(refusal.Forbidden, refusal.NotPermitted, "action", "see_evaluations"))
		return
	}
	ctx := r.Context()
	loc := w.policy.Location()
	now := w.now()
	// The choice: the last four quarters and the current one.
	var quarters []string
	for q, t := 0, now; q < 5; q++ {
		quarters = append(quarters, period.Quarter(t, loc).Label)
		t = period.Quarter(t, loc).From.Add(-time.Hour)
	}
	label := r.FormValue("quarter")
	if _, err := period.QuarterField("quarter", label, loc); err != nil || label == "" {
		label = period.Previous(period.Quarter, now, loc).Label
	}
	scores, _, err := w.store.Scores(ctx, []string{label})
	if err != nil {
		w.webError(rw, r, wc, store.Refused(err, "evaluation"))
		return
	}
	units, unitList, err := w.unitNames(ctx)
	if err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	views := make([]scoreView, 0, len(scores))
	for _, sc := range scores {
		views = append(views, scoreView{Unit: units[sc.UnitID], Total: sc.Total, Parts: sc.Parts})
	}
	sort.SliceStable(views, func(i, j int) bool { return views[i].Total > views[j].Total })
	d := map[string]any{"Quarters": quarters, "Quarter": label, "Scores": views, "Error": errMsg,
		"CanEvaluate": may(wc.p, routeEvaluate, nil) == access.Allow, "CanScore": may(wc.p, routeQuestionnaire, nil) == access.Allow}
	if qf == nil {
		qf = &formState{Defaults: map[string]string{"quarter": label}}
	}
	active := []option{}
	for _, u := range unitList {
		if u.Active {
			active = append(active, option{u.ID, u.Name})
		}
	}
	d["Questionnaire"], d["QuestionnaireUnits"] = qf, active
	if may(wc.p, routeRankings, nil) == access.Allow {
		year, rows, err := w.latestRanking(ctx, now)
		if err != nil {
			w.webError(rw, r, wc, err)
			return
		}
		d["Year"], d["Ranking"] = year, rows
		if len(rows) > 0 && may(wc.p, routeBulletinPDF, nil) == access.Allow {
			d["Bulletin"] = "/ui/rankings/" + year + "/bulletin.pdf"
		}
	}
	w.render(rw, r, wc, status, "evaluations", "eval.title", d)
}

// runEvaluation computes a quarter's scores now, as POST /api/v1/evaluations.
func (w *web) runEvaluation(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	lang := langOf(r)
	if err := w.allowWrite(wc, routeEvaluate, nil); err != nil {
		w.webError(rw, r, wc, err)
		return
	}
	q, err := period.QuarterField("quarter", r.PostFormValue("quarter"), w.policy.Location())
	if err == nil {
		_, err = supervision.EvaluateQuarter(r.Context(), w.store, w.policy.Evaluation, q, w.now().UTC())
		if err != nil {
			err = store.Refused(err, "evaluation")
		}
	}
	w.audit(r, wc, "/ui/evaluations", "", err)
	if err != nil {
		rf, ok := refusal.As(err)
		if !ok {
			w.webError(rw, r, wc, err)
			return
		}
		w.showEvaluations(rw, r, wc, rf.Kind.Status(), summary(lang, rf, w.policy.Location()))
		return
	}
	w.setFlash(r, wc, fmt.Sprintf(tr(lang, "msg.evaluated"), q.Label))
	http.Redirect(rw, r, "/ui/evaluations?quarter="+url.QueryEscape(q.Label), http.StatusSeeOther)
}

const routeQuestionnaire = "POST /api/v1/questionnaires"

// setQuestionnaire records the deputies' questionnaire score of a unit for
// a quarter, as POST /api/v1/questionnaires.
func (w *web) setQuestionnaire(rw http.ResponseWriter, r *http.Request, wc *webCtx) {
	err := w.allowWrite(wc, routeQuestionnaire, nil)
	in := supervision.QuestionnaireInput{UnitID: r.PostFormValue("unit_id"), Quarter: r.PostFormValue("quarter")}
	if err == nil {
		if v := strings.TrimSpace(r.PostFormValue("score")); v != "" {
			f, perr := strconv.ParseFloat(v, 64)
			if perr != nil {
				err = refusal.OnField("score", refusal.InvalidValue, "rule", "number")
			}
			in.Score = &f
		}
	}
	if err == nil {
		err = supervision.SetQuestionnaire(r.Context(), w.store, in, w.policy.Location())
	}
	w.audit(r, wc, routeQuestionnaire, in.UnitID, err)
	if w.refuse(rw, r, wc, "questionnaire", err, func(status int, f *formState) { w.showEvaluationsWith(rw, r, wc, status, "", f) }) {
		return
	}
	w.setFlash(r, wc, tr(langOf(r), "eval.score_saved"))
	http.Redirect(rw, r, "/ui/evaluations?quarter="+url.QueryEscape(in.Quarter)+"#questionnaire", http.StatusSeeOther)
}
