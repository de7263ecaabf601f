// Package backup copies the embedded databases of a running service (the
// application's SQLite file and the embedded Temporal server's) into a
// folder with a manifest, checks such a copy, and puts it back in place on
// a stopped service.
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go engine the service and Temporal use, driver "sqlite"
)

// Format marks a SuggestFlow backup's manifest; a folder without it is not
// one and is refused.
const Format = "suggestflow-backup/1"

// ManifestName is the manifest's file name inside a backup folder.
const ManifestName = "manifest.json"

// The files of a backup.
const (
	AppFile      = "suggestflow.db"
	TemporalFile = "temporal.db"
)

// Manifest describes a backup.
type Manifest struct {
	Format    string    `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	// Versions of the program that wrote it and of what it links.
	Versions map[string]string `json:"versions"`
	Files    []File            `json:"files"`
}

// File is one database copy.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Source is where it was copied from.
	Source string `json:"source"`
}

// Sources are the live database files to copy; an empty one is skipped.
type Sources struct {
	App      string // the application's SQLite file
	Temporal string // the embedded Temporal server's SQLite file
}

// Create writes a consistent copy of each source into dir, which must not
// exist or be empty, and the manifest last: a folder without a manifest is
// an unfinished backup.
//
// The application's database is copied first and Temporal's second. Each
// copy is one snapshot (VACUUM INTO reads in one transaction, beside the
// running writers). A case's workflow is started before its row is
// written, so every case in the copy has its workflow; a workflow started
// in the moment between the two copies may lack its case row, which
// `suggestflow reconcile` reports after a restore.
func Create(ctx context.Context, src Sources, dir string) (Manifest, error) {
	m := Manifest{Format: Format, CreatedAt: time.Now().UTC(), Versions: versions()}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return m, fmt.Errorf("create backup folder: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return m, fmt.Errorf("read backup folder: %w", err)
	}
	if len(entries) > 0 {
		return m, fmt.Errorf("backup folder %s is not empty", dir)
	}
	for _, f := range []struct{ name, path string }{{AppFile, src.App}, {TemporalFile, src.Temporal}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return m, fmt.Errorf("database to back up: %w", err)
		}
		dst := filepath.Join(dir, f.name)
		if err := vacuumInto(ctx, f.path, dst); err != nil {
			return m, err
		}
		sum, size, err := checksum(dst)
		if err != nil {
			return m, err
		}
		m.Files = append(m.Files, File{Name: f.name, Size: size, SHA256: sum, Source: f.path})
	}
	if len(m.Files) == 0 {
		return m, errors.New("nothing to back up: no embedded database")
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeFileSync(filepath.Join(dir, ManifestName), append(raw, '\n')); err != nil {
		return m, fmt.Errorf("write manifest: %w", err)
	}
	return m, nil
}

// vacuumInto writes a transactionally consistent copy of the database at
// src into the new file dst, while other connections keep writing.
func vacuumInto(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(30000)")
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	// The copy must be whole on disk before the manifest names it.
	f, err := os.Open(dst)
	if err != nil {
		return fmt.Errorf("open copy: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync copy %s: %w", dst, err)
	}
	return nil
}

// Verify reads a backup's manifest and checks that it is a SuggestFlow
// backup whose every file is there, with its checksum; a damaged or
// foreign copy is an error saying why.
func Verify(dir string) (Manifest, error) {
	var m Manifest
	raw, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return m, fmt.Errorf("%s is not a SuggestFlow backup (no %s), or its backup did not finish", dir, ManifestName)
	}
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%s is not a SuggestFlow backup: its manifest does not read: %w", dir, err)
	}
	if m.Format != Format {
		return m, fmt.Errorf("%s is not a SuggestFlow backup of this kind: format %q, want %q", dir, m.Format, Format)
	}
	if len(m.Files) == 0 {
		return m, fmt.Errorf("%s: the manifest lists no database", dir)
	}
	for _, f := range m.Files {
		if f.Name != AppFile && f.Name != TemporalFile {
			return m, fmt.Errorf("%s: the manifest lists %q, which is no database of SuggestFlow", dir, f.Name)
		}
		sum, size, err := checksum(filepath.Join(dir, f.Name))
		if err != nil {
			return m, fmt.Errorf("%s is damaged: %w", dir, err)
		}
		if sum != f.SHA256 || size != f.Size {
			return m, fmt.Errorf("%s is damaged: %s has sha256 %s and %d bytes, the manifest says %s and %d", dir, f.Name, sum, size, f.SHA256, f.Size)
		}
	}
	return m, nil
}

// Targets are where a restore puts each file.
type Targets struct {
	App      string
	Temporal string
}

// Restore checks the backup in dir and puts its files in place. Files
// already at the targets (with their -wal and -shm companions) are moved
// into a folder beside them, never deleted. The service must be stopped:
// lock is the data dir's lock, held while the files move.
func Restore(dir string, to Targets, lockDir string) (Manifest, error) {
	m, err := Verify(dir)
	if err != nil {
		return m, err
	}
	unlock, err := Lock(lockDir)
	if err != nil {
		return m, err
	}
	defer unlock()
	aside := filepath.Join(lockDir, "before-restore-"+time.Now().UTC().Format("20060102-150405"))
	for _, f := range m.Files {
		target := to.App
		if f.Name == TemporalFile {
			target = to.Temporal
		}
		if target == "" {
			return m, fmt.Errorf("the backup holds %s, but this configuration has no embedded database for it", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
			return m, fmt.Errorf("create %s: %w", filepath.Dir(target), err)
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			old := target + suffix
			if _, err := os.Stat(old); err == nil {
				if err := os.MkdirAll(aside, 0o750); err != nil {
					return m, fmt.Errorf("create %s: %w", aside, err)
				}
				if err := os.Rename(old, filepath.Join(aside, filepath.Base(old))); err != nil {
					return m, fmt.Errorf("move %s aside: %w", old, err)
				}
			}
		}
		if err := copyFile(filepath.Join(dir, f.Name), target); err != nil {
			return m, err
		}
	}
	return m, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer in.Close()
	tmp := dst + ".restoring"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy to %s: %w", tmp, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("put %s in place: %w", dst, err)
	}
	return nil
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func checksum(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// versions are the program's and the Temporal modules' versions.
func versions() map[string]string {
	out := map[string]string{"go": runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return out
	}
	out["suggestflow"] = info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			out["suggestflow"] += " " + s.Value
		}
	}
	for _, d := range info.Deps {
		switch d.Path {
		case "go.temporal.io/server", "go.temporal.io/sdk", "modernc.org/sqlite":
			out[d.Path] = d.Version
		}
	}
	return out
}

// Prune keeps the newest keep backups named prefix* in dir (by their
// manifests' time) and removes the older ones; folders without a manifest
// (unfinished) older than the newest kept one go too.
func Prune(dir, prefix string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			names = append(names, e.Name())
		}
	}
	// The names carry the time in a sortable form.
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	var removed []string
	kept := 0
	for _, n := range names {
		_, err := os.Stat(filepath.Join(dir, n, ManifestName))
		if err == nil && kept < keep {
			kept++
			continue
		}
		if err != nil && kept == 0 {
			continue // an unfinished one newer than every finished one may be running
		}
		if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
			return removed, fmt.Errorf("remove old backup %s: %w", n, err)
		}
		removed = append(removed, n)
	}
	return removed, nil
}
