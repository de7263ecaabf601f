package documents

import (
	"context"
	"testing"

	"suggestflow/domain"
	"suggestflow/store"
)

func TestCasePageURLIsTheRatingAddressUntilRatingLinks(t *testing.T) {
	got, err := CasePageURL("https://rd.example.org/")(context.Background(), "sg_1", "dp_1", 2)
	if err != nil || got != "https://rd.example.org/ui/suggestions/sg_1" {
		t.Fatalf("rating address %q, %v", got, err)
	}
}

func TestReadyFollowsTheStepsTaken(t *testing.T) {
	sg := domain.Suggestion{ID: "sg_1"}
	if r := ReadyOf(sg, store.CaseFile{Replies: []domain.Reply{{}}}); r != (Ready{}) {
		t.Errorf("a case not assigned has documents: %+v", r)
	}
	sg.Assignment = &domain.Assignment{LeadUnitID: "u1"}
	if r := ReadyOf(sg, store.CaseFile{}); r != (Ready{Assignment: true}) {
		t.Errorf("assigned, nothing else: %+v", r)
	}
	f := store.CaseFile{Extensions: []domain.ExtensionRequest{{}}, Replies: []domain.Reply{{}}}
	if r := ReadyOf(sg, f); r != (Ready{Assignment: true, Reply: true, Extension: true}) {
		t.Errorf("assigned, extended and replied: %+v", r)
	}
}
