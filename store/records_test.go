package store

import (
	"context"
	"testing"
	"time"

	"suggestflow/domain"
)

// TestDutyRecordsAndYearFacts: inspections and group meetings are stored
// and listed with their attendees and opinions, an opinion raised there is
// linked like a visit's, and the year's facts count what the commendation
// scores, returned suggestions left out.
func TestDutyRecordsAndYearFacts(t *testing.T) {
	each(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 20, 1, 0, 0, 0, time.UTC)
		for _, d := range []domain.Deputy{{ID: "dp_1", Name: "王", Level: "township", Group: "第一组"},
			{ID: "dp_2", Name: "韩", Level: "township", Group: "第一组"}, {ID: "dp_3", Name: "李", Level: "county", Group: "第二组"}} {
			if err := s.CreateDeputy(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		groups, err := s.DeputyGroups(ctx)
		if err != nil || len(groups) != 2 || groups[0] != "第一组" {
			t.Fatalf("groups: %v %v", groups, err)
		}
		if _, err := s.CreateSuggestion(ctx, suggestion("sg_1", "dp_1", at), 2026); err != nil {
			t.Fatal(err)
		}
		ret := suggestion("sg_2", "dp_1", at)
		if _, err := s.CreateSuggestion(ctx, ret, 2026); err != nil {
			t.Fatal(err)
		}
		ret.Status, ret.Seq = domain.StatusReturned, 3
		if err := s.Record(ctx, domain.Step{Suggestion: &ret}, nil); err != nil {
			t.Fatal(err)
		}
		if missing, err := s.MissingSuggestions(ctx, []string{"sg_1", "sg_x"}); err != nil || len(missing) != 1 || missing[0] != "sg_x" {
			t.Errorf("missing suggestions: %v %v", missing, err)
		}
		if err := s.CreateVisit(ctx, Visit{ID: "vi_1", DeputyID: "dp_1", VisitedAt: at.Add(-24 * time.Hour),
			Opinions: []Opinion{{ID: "op_v1", Content: "路灯"}, {ID: "op_v2", Content: "修路"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LinkOpinion(ctx, "op_v2", "sg_1"); err != nil {
			t.Fatal(err)
		}
		meeting := DutyRecord{ID: "dr_1", Kind: RecordGroupMeeting, HeldAt: at, Place: "村委会", Group: "第一组", AttendeeIDs: []string{"dp_1", "dp_2"},
			Others: []string{"张镇长"}, Findings: "汇总意见", SuggestionIDs: []string{},
			Opinions: []RecordOpinion{{ID: "op_r1", Content: "电压不足", DeputyID: "dp_2"}, {ID: "op_r2", Content: "路灯"}}, CreatedAt: at}
		inspection := DutyRecord{ID: "dr_2", Kind: RecordInspection, HeldAt: at.Add(24 * time.Hour), Place: "三组", AttendeeIDs: []string{"dp_3"},
			SuggestionIDs: []string{"sg_1"}, Findings: "施工已开始", CreatedAt: at}
		lastYear := DutyRecord{ID: "dr_0", Kind: RecordGroupMeeting, HeldAt: at.AddDate(-1, 0, 0), Group: "第一组", AttendeeIDs: []string{"dp_1"}, CreatedAt: at}
		for _, r := range []DutyRecord{meeting, inspection, lastYear} {
			if err := s.CreateDutyRecord(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.LinkOpinion(ctx, "op_r1", "sg_1"); err != nil {
			t.Fatal(err)
		}
		year := Period{From: time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)}
		list, total, err := s.DutyRecords(ctx, DutyRecordFilter{Kind: RecordGroupMeeting, From: year.From, To: year.To}, Page{Number: 1, Size: 10})
		if err != nil || total != 1 || len(list) != 1 {
			t.Fatalf("group meetings of the year: %d %v", total, err)
		}
		got := list[0]
		if got.Group != "第一组" || len(got.AttendeeIDs) != 2 || len(got.Opinions) != 2 || got.Opinions[0].SuggestionID != "sg_1" || got.Others[0] != "张镇长" {
			t.Errorf("group meeting: %+v", got)
		}
		if list, _, _ := s.DutyRecords(ctx, DutyRecordFilter{DeputyID: "dp_3"}, Page{Number: 1, Size: 10}); len(list) != 1 || list[0].SuggestionIDs[0] != "sg_1" {
			t.Errorf("dp_3's records: %+v", list)
		}
		y, err := s.DutyYearFacts(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		if len(y.Deputies) != 3 || len(y.VisitTimes["dp_1"]) != 1 || y.Opinions["dp_1"] != 2 {
			t.Errorf("visits and opinions: %+v", y)
		}
		if y.OpinionsLinked["dp_1"] != 1 || y.OpinionsLinked["dp_2"] != 1 || y.GroupOpinionsLinked["第一组"] != 1 {
			t.Errorf("linked opinions: %v %v", y.OpinionsLinked, y.GroupOpinionsLinked)
		}
		if y.Led["dp_1"] != 1 || y.CoSigned["dp_co"] != 1 {
			t.Errorf("suggestions (the returned one left out): led %v co-signed %v", y.Led, y.CoSigned)
		}
		if y.GroupMeetings["dp_1"] != 1 || y.GroupMeetings["dp_2"] != 1 || y.Inspections["dp_3"] != 1 || len(y.GroupMeetingTimes["第一组"]) != 1 {
			t.Errorf("attendance: %v %v %v", y.GroupMeetings, y.Inspections, y.GroupMeetingTimes)
		}
		rec, err := s.DeputyYear(ctx, "dp_1", 2026, year)
		if err != nil || rec.GroupMeetings != 1 || rec.Inspections != 0 || rec.Opinions != 2 {
			t.Errorf("dp_1's record: %+v %v", rec, err)
		}
	})
}
