package cases

import "testing"

func TestTitleSimilarity(t *testing.T) {
	for _, c := range []struct {
		a, b    string
		similar bool
	}{
		{"关于农村电网增容的建议", "关于三个村电网增容改造的建议", true},
		{"关于修缮村道的建议", "建议尽快修缮村道", true},
		{"关于农村电网增容的建议", "关于增设公交站点的建议", false},
		// The boilerplate alone makes no likeness.
		{"关于路灯的建议", "关于学校的建议", false},
		{"", "关于学校的建议", false},
	} {
		got := TitleSimilarity(c.a, c.b)
		if (got >= similarMin) != c.similar {
			t.Errorf("TitleSimilarity(%q, %q) = %.2f, similar want %t", c.a, c.b, got, c.similar)
		}
		if back := TitleSimilarity(c.b, c.a); back != got {
			t.Errorf("not symmetric: %.2f and %.2f", got, back)
		}
	}
	if got := TitleSimilarity("关于农村电网增容的建议", "关于农村电网增容的建议"); got != 1 {
		t.Errorf("the same title: %.2f", got)
	}
}
