package holiday

import (
	"testing"
	"time"
)

// TestPinnedVersionKeepsItsYears: a calendar pinned to a data version
// judges the years after that version's last one as years without data,
// even when the linked data has them, so a case started before an upgrade
// of lunar-go keeps its deadlines. Version 0 (a case from before versions)
// is version 1.
func TestPinnedVersionKeepsItsYears(t *testing.T) {
	const older = 1000
	dataThrough[older] = 2026
	defer delete(dataThrough, older)

	national := time.Date(2027, 10, 1, 10, 0, 0, 0, time.UTC) // a Friday, National Day
	pinned, err := Build(Data{Version: older})
	if err != nil {
		t.Fatal(err)
	}
	if pinned.Source(2027) != SourceNone || !pinned.IsWorkingDay(national) ||
		pinned.Explain(national) != "working day (no official holiday data for 2027)" {
		t.Errorf("pinned to a version ending 2026: 2027 is %s, %s", pinned.Source(2027), pinned.Explain(national))
	}
	if pinned.Source(2026) != SourceBuiltin {
		t.Errorf("pinned: 2026 is %s", pinned.Source(2026))
	}
	// A schedule loaded for the year reaches the pinned case all the same.
	loaded, err := Build(Data{Version: older, Years: []Schedule{{Year: 2027, DaysOff: []string{"2027-10-01"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Source(2027) != SourceLoaded || loaded.IsWorkingDay(national) {
		t.Error("a loaded 2027 does not reach a calendar pinned before it")
	}
	for _, v := range []int{0, 1, DataVersion} {
		c, err := Build(Data{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		if c.Source(2027) != SourceBuiltin || c.IsWorkingDay(national) {
			t.Errorf("version %d does not have 2027", v)
		}
	}
}
