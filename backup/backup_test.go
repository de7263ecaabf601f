package backup

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// liveDB is an SQLite database in WAL mode with a row in it.
func liveDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE cases (id TEXT PRIMARY KEY); INSERT INTO cases VALUES ('sg_1')"); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCreateVerifyRestore(t *testing.T) {
	live := t.TempDir()
	app := liveDB(t, filepath.Join(live, AppFile))
	liveDB(t, filepath.Join(live, TemporalFile))
	dir := filepath.Join(t.TempDir(), "b")
	m, err := Create(context.Background(), Sources{App: filepath.Join(live, AppFile), Temporal: filepath.Join(live, TemporalFile)}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 2 || m.Versions["go"] == "" || m.CreatedAt.IsZero() {
		t.Fatalf("manifest: %+v", m)
	}
	// A write after the backup is not in it.
	if _, err := app.Exec("INSERT INTO cases VALUES ('sg_2')"); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(context.Background(), Sources{App: filepath.Join(live, AppFile)}, dir); err == nil {
		t.Error("a backup into a folder that holds one already was not refused")
	}

	target := t.TempDir()
	if err := os.WriteFile(filepath.Join(target, AppFile), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	to := Targets{App: filepath.Join(target, AppFile), Temporal: filepath.Join(target, TemporalFile)}
	if _, err := Restore(dir, to, target); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+to.App)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM cases").Scan(&n); err != nil || n != 1 {
		t.Errorf("restored cases: %d, %v", n, err)
	}
	aside, _ := filepath.Glob(filepath.Join(target, "before-restore-*", AppFile))
	if len(aside) != 1 {
		t.Errorf("the replaced file was not kept aside: %v", aside)
	}
}

func TestRestoreRefusesDamagedForeignAndRunning(t *testing.T) {
	live := t.TempDir()
	liveDB(t, filepath.Join(live, AppFile))
	good := filepath.Join(t.TempDir(), "b")
	if _, err := Create(context.Background(), Sources{App: filepath.Join(live, AppFile)}, good); err != nil {
		t.Fatal(err)
	}
	copyDir := func() string {
		dir := t.TempDir()
		for _, n := range []string{ManifestName, AppFile} {
			raw, err := os.ReadFile(filepath.Join(good, n))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, n), raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	damaged := copyDir()
	raw, _ := os.ReadFile(filepath.Join(damaged, AppFile))
	raw[len(raw)/2] ^= 0xff
	_ = os.WriteFile(filepath.Join(damaged, AppFile), raw, 0o600)

	foreign := copyDir()
	var m map[string]any
	raw, _ = os.ReadFile(filepath.Join(foreign, ManifestName))
	_ = json.Unmarshal(raw, &m)
	m["format"] = "otherapp-backup/1"
	raw, _ = json.Marshal(m)
	_ = os.WriteFile(filepath.Join(foreign, ManifestName), raw, 0o600)

	unfinished := copyDir()
	_ = os.Remove(filepath.Join(unfinished, ManifestName))

	for name, tc := range map[string]struct{ dir, want string }{
		"damaged":    {damaged, "damaged"},
		"foreign":    {foreign, "not a SuggestFlow backup"},
		"unfinished": {unfinished, "not a SuggestFlow backup"},
	} {
		target := t.TempDir()
		_, err := Restore(tc.dir, Targets{App: filepath.Join(target, AppFile)}, target)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s copy: %v, want an error saying %q", name, err, tc.want)
		}
		if _, err := os.Stat(filepath.Join(target, AppFile)); err == nil {
			t.Errorf("%s copy: a file was put in place", name)
		}
	}

	running := t.TempDir()
	unlock, err := Lock(running)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := Restore(good, Targets{App: filepath.Join(running, AppFile)}, running); err == nil || !strings.Contains(err.Error(), "running") {
		t.Errorf("restore onto a locked data dir: %v", err)
	}
}

func TestPruneKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"suggestflow-20261101-023000", "suggestflow-20261102-023000", "suggestflow-20261103-023000", "suggestflow-20261104-023000"} {
		_ = os.MkdirAll(filepath.Join(dir, n), 0o750)
		_ = os.WriteFile(filepath.Join(dir, n, ManifestName), []byte("{}"), 0o600)
	}
	_ = os.MkdirAll(filepath.Join(dir, "suggestflow-20261105-023000"), 0o750) // being written
	_ = os.MkdirAll(filepath.Join(dir, "other"), 0o750)
	removed, err := Prune(dir, "suggestflow-", 2)
	if err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(dir)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	want := "other suggestflow-20261103-023000 suggestflow-20261104-023000 suggestflow-20261105-023000"
	if strings.Join(names, " ") != want {
		t.Errorf("left %v (removed %v), want %s", names, removed, want)
	}
}
