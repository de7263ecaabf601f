package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"suggestflow/domain"
)

// searchFixture stores three cases on a roster of two deputies and two
// units; the first is assigned through Record, as a workflow step would.
//
//	sg_a 关于农村电网增容的建议 (基础设施): 王西林 with 韩玉平, 供电所
//	sg_b 关于村道硬化的建议 (交通): 韩玉平, 水利站
//	sg_c 饮水安全 (民生), content mentions 农村电网, 水泵 and 增容 apart: 韩玉平
func searchFixture(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for _, d := range []domain.Deputy{{ID: "dp_w", Name: "王西林", Level: "county"}, {ID: "dp_h", Name: "韩玉平", Level: "township"}} {
		if err := s.CreateDeputy(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []domain.Unit{{ID: "un_g", Name: "供电所"}, {ID: "un_s", Name: "水利站"}} {
		if err := s.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		id, title, content, category, lead string
		co                                 []string
		unit                               string
	}{
		{"sg_a", "关于农村电网增容的建议", "三个村用电高峰电压不足，建议增容。", "基础设施", "dp_w", []string{"dp_h"}, "un_g"},
		{"sg_b", "关于村道硬化的建议", "东岭村至西坡村道路坑洼，雨天无法通行。", "交通", "dp_h", nil, "un_s"},
		{"sg_c", "饮水安全", "农村电网老化，水泵时常停转，需增容。", "民生", "dp_h", nil, ""},
	}
	for i, c := range cases {
		sg := domain.Suggestion{ID: c.id, Title: c.title, Content: c.content, Category: c.category, Kind: "suggestion",
			LeadDeputyID: c.lead, CoSignerIDs: c.co, SubmittedIn: "session", Status: domain.StatusSubmitted,
			SubmittedAt: at.Add(time.Duration(i) * time.Hour)}
		n, err := s.CreateSuggestion(ctx, sg, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if c.unit == "" {
			continue
		}
		sg.Number, sg.Seq, sg.Status = n, 2, domain.StatusHandling
		sg.Assignment = &domain.Assignment{LeadUnitID: c.unit}
		if err := s.Record(ctx, domain.Step{Suggestion: &sg}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// search lists the ids a query finds, in order, and the total.
func search(t *testing.T, s *Store, f SuggestionFilter, page Page) ([]string, int64) {
	t.Helper()
	items, total, err := s.Suggestions(context.Background(), f, page)
	if err != nil {
		t.Fatalf("search %q: %v", f.Query, err)
	}
	got := ids(items)
	if got == nil {
		got = []string{}
	}
	return got, total
}

func TestSearchFindsContentNumberCategoryAndNames(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		searchFixture(t, s)
		for _, c := range []struct {
			name, q string
			want    []string
		}{
			{"a word only in the content", "坑洼", []string{"sg_b"}},
			{"a place only in the content", "东岭村", []string{"sg_b"}},
			{"the lead deputy's name", "王西林", []string{"sg_a"}},
			{"a co-signer's name", "韩玉平", []string{"sg_c", "sg_b", "sg_a"}},
			{"the unit's name, given at assignment", "供电所", []string{"sg_a"}},
			{"part of a unit's name", "水利", []string{"sg_b"}},
			{"the category", "交通", []string{"sg_b"}},
			{"the number", "2026-002", []string{"sg_b"}},
			{"a word, not its parts apart", "电网增容", []string{"sg_a"}},
			{"six characters, one piece", "农村电网增容", []string{"sg_a"}},
			{"six characters, the same first four", "农村电网老化", []string{"sg_c"}},
			{"eight characters, two pieces", "关于农村电网增容", []string{"sg_a"}},
			{"one character inside a word", "洼", []string{"sg_b"}},
			{"one character ending a run", "足", []string{"sg_a"}},
			{"one character of a name", "林", []string{"sg_a"}},
			{"full-width letters and digits", "２０２６－００２", []string{"sg_b"}},
			{"nothing", "高铁", []string{}},
			{"punctuation only", "，。", []string{}},
		} {
			got, total := search(t, s, SuggestionFilter{Query: c.q}, Page{Number: 1, Size: 10})
			if !slices.Equal(got, c.want) || total != int64(len(c.want)) {
				t.Errorf("%s (%q): found %v of %d, want %v", c.name, c.q, got, total, c.want)
			}
		}
	})
}

func TestSearchRanksAndPages(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		searchFixture(t, s)
		// A title match before a content match, though the content one is
		// newer.
		if got, total := search(t, s, SuggestionFilter{Query: "农村电网"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_a", "sg_c"}) || total != 2 {
			t.Errorf("农村电网: %v of %d, want sg_a (title) then sg_c (content)", got, total)
		}
		// Both words before one, though the one is in a title.
		if got, _ := search(t, s, SuggestionFilter{Query: "电网 水泵"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_c", "sg_a"}) {
			t.Errorf("电网 水泵: %v, want sg_c (both words) then sg_a (one, in the title)", got)
		}
		// Pages run across the ranks.
		if got, total := search(t, s, SuggestionFilter{Query: "农村电网"}, Page{Number: 2, Size: 1}); !slices.Equal(got, []string{"sg_c"}) || total != 2 {
			t.Errorf("page 2 of 农村电网: %v of %d", got, total)
		}
		if got, total := search(t, s, SuggestionFilter{Query: "农村电网"}, Page{Number: 3, Size: 1}); len(got) != 0 || total != 2 {
			t.Errorf("page 3 of 农村电网: %v of %d", got, total)
		}
		// Among other filters, ranked the same.
		if got, total := search(t, s, SuggestionFilter{Query: "农村电网", DeputyID: "dp_h"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_a", "sg_c"}) || total != 2 {
			t.Errorf("农村电网 of 韩玉平: %v of %d", got, total)
		}
		if got, total := search(t, s, SuggestionFilter{Query: "农村电网", Status: "submitted"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_c"}) || total != 1 {
			t.Errorf("农村电网, submitted: %v of %d", got, total)
		}
		if got, total := search(t, s, SuggestionFilter{Query: "韩玉平", ScopeUnitID: "un_s"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_b"}) || total != 1 {
			t.Errorf("韩玉平 in 水利站's scope: %v of %d", got, total)
		}
	})
}

func TestSearchFollowsRenamesAndIsBackfilled(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		searchFixture(t, s)
		// Names are read from the roster at search time: nothing to
		// re-index when a unit is renamed.
		u, err := s.Unit(ctx, "un_g")
		if err != nil {
			t.Fatal(err)
		}
		u.Name = "供电服务站"
		if err := s.UpdateUnit(ctx, u, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, s, SuggestionFilter{Query: "供电服务站"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_a"}) {
			t.Errorf("the new name finds %v", got)
		}
		if got, _ := search(t, s, SuggestionFilter{Query: "供电所"}, Page{Number: 1, Size: 10}); len(got) != 0 {
			t.Errorf("the old name still finds %v", got)
		}
		// Cases stored before the index existed are indexed when migrating.
		clear := []string{"DELETE FROM search_docs", "DELETE FROM search_fts"}
		if s.dialect == "mysql" {
			clear[1] = "DELETE FROM search_grams"
		}
		for _, q := range clear {
			if err := s.db.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := search(t, s, SuggestionFilter{Query: "坑洼"}, Page{Number: 1, Size: 10}); len(got) != 0 {
			t.Fatalf("an emptied index still finds %v", got)
		}
		if err := s.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, s, SuggestionFilter{Query: "坑洼"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_b"}) {
			t.Errorf("after the backfill, 坑洼 finds %v", got)
		}
		if got, _ := search(t, s, SuggestionFilter{Query: "水利站"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_b"}) {
			t.Errorf("after the backfill, the unit given at assignment finds %v", got)
		}
		var docs int64
		if err := s.db.Model(&searchDocRow{}).Count(&docs).Error; err != nil || docs != 3 {
			t.Errorf("%d documents after the backfill (%v)", docs, err)
		}
	})
}

// A step that changes none of the indexed fields leaves the document alone,
// and one that adds a party indexes it.
func TestSearchDocumentFollowsSteps(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		searchFixture(t, s)
		sg, err := s.Suggestion(ctx, "sg_c")
		if err != nil {
			t.Fatal(err)
		}
		var before searchDocRow
		if err := s.db.Where("suggestion_id = ?", "sg_c").Take(&before).Error; err != nil {
			t.Fatal(err)
		}
		sg.Seq, sg.Status = 2, domain.StatusAccepted
		if err := s.Record(ctx, domain.Step{Suggestion: &sg}, nil); err != nil {
			t.Fatal(err)
		}
		var after searchDocRow
		if err := s.db.Where("suggestion_id = ?", "sg_c").Take(&after).Error; err != nil || after != before {
			t.Errorf("a status change rewrote the document: %+v, was %+v (%v)", after, before, err)
		}
		sg.Seq, sg.Status = 3, domain.StatusHandling
		sg.Assignment = &domain.Assignment{LeadUnitID: "un_g"}
		if err := s.Record(ctx, domain.Step{Suggestion: &sg}, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, s, SuggestionFilter{Query: "供电所"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_c", "sg_a"}) {
			t.Errorf("after sg_c's assignment, 供电所 finds %v", got)
		}
		if got, _ := search(t, s, SuggestionFilter{Query: "水泵"}, Page{Number: 1, Size: 10}); !slices.Equal(got, []string{"sg_c"}) {
			t.Errorf("after re-indexing, 水泵 finds %v", got)
		}
	})
}

// TestPlainListTotalCountsEveryYear: the total of the unfiltered list
// comes from the yearly number counters, so it must count the cases of
// every year, and only cases.
func TestPlainListTotalCountsEveryYear(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.CreateDeputy(ctx, domain.Deputy{ID: "dp_w", Name: "王西林", Level: "county"}); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 12, 31, 8, 0, 0, 0, time.UTC)
		for i, year := range []int{2025, 2026, 2026} {
			sg := domain.Suggestion{ID: fmt.Sprintf("sg_%d", i), Title: fmt.Sprintf("建议%d", i), Kind: "suggestion",
				LeadDeputyID: "dp_w", SubmittedIn: "session", Status: domain.StatusSubmitted, SubmittedAt: at.Add(time.Duration(i) * time.Hour)}
			if _, err := s.CreateSuggestion(ctx, sg, year); err != nil {
				t.Fatal(err)
			}
		}
		got, total := search(t, s, SuggestionFilter{}, Page{Number: 1, Size: 2})
		if total != 3 || !slices.Equal(got, []string{"sg_2", "sg_1"}) {
			t.Errorf("unfiltered list: %v of %d, want [sg_2 sg_1] of 3", got, total)
		}
	})
}
