package cases

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode"

	"suggestflow/domain"
	"suggestflow/rules"
	"suggestflow/store"
)

// SimilarCase is another open suggestion that may be the same matter.
type SimilarCase struct {
	ID           string        `json:"id"`
	Number       string        `json:"number"`
	Title        string        `json:"title"`
	Category     string        `json:"category"`
	Status       domain.Status `json:"status"`
	LeadDeputyID string        `json:"lead_deputy_id"`
	SubmittedAt  time.Time     `json:"submitted_at"`
	// Score is how alike the titles are, from 0 to 1.
	Score float64 `json:"score"`
}

// similarMin is the title likeness from which a case is shown as similar;
// similarMax how many are shown; similarScan how many candidates of the
// category are compared.
const (
	similarMin  = 0.3
	similarMax  = 5
	similarScan = 500
)

// Similar lists the open suggestions that may be the same matter as this
// one (same category, a similar title) and could take it in by a merge:
// those not assigned yet. A case that can no longer be merged has none.
func (s *Service) Similar(ctx context.Context, id string) ([]SimilarCase, error) {
	out := []SimilarCase{}
	sg, err := s.store.Suggestion(ctx, id)
	if err != nil {
		return out, store.Refused(err, "suggestion")
	}
	if !rules.Merge.Allows(sg.Status) {
		return out, nil
	}
	candidates, err := s.store.BeforeAssignment(ctx, sg.Category, sg.ID, similarScan)
	if err != nil {
		return out, store.Refused(err, "suggestion")
	}
	for _, c := range candidates {
		if score := TitleSimilarity(sg.Title, c.Title); score >= similarMin {
			out = append(out, SimilarCase{ID: c.ID, Number: c.Number, Title: c.Title, Category: c.Category, Status: c.Status,
				LeadDeputyID: c.LeadDeputyID, SubmittedAt: c.SubmittedAt, Score: score})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Number < out[j].Number
	})
	if len(out) > similarMax {
		out = out[:similarMax]
	}
	return out, nil
}

// boilerplate are the words most titles share (关于……的建议), which say
// nothing about the matter.
var boilerplate = []string{"关于", "的建议", "的议案", "的意见", "的批评", "建议", "议案", "意见", "请求", "要求"}

// TitleSimilarity is the Dice coefficient of two titles' character
// bigrams, after the boilerplate and punctuation are dropped: Chinese has
// no spaces between words, and two characters in common are the smallest
// unit that says the same thing (电网, 道路).
func TitleSimilarity(a, b string) float64 {
	ga, gb := bigrams(a), bigrams(b)
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	common := 0
	left := map[string]int{}
	for _, g := range gb {
		left[g]++
	}
	for _, g := range ga {
		if left[g] > 0 {
			left[g]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(ga)+len(gb))
}

func bigrams(title string) []string {
	for _, w := range boilerplate {
		title = strings.ReplaceAll(title, w, " ")
	}
	var out []string
	for _, part := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		rs := []rune(part)
		if len(rs) == 1 {
			out = append(out, part)
			continue
		}
		for i := 0; i+1 < len(rs); i++ {
			out = append(out, string(rs[i:i+2]))
		}
	}
	return out
}
