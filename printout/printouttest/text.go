// Package printouttest reads PDFs back for tests, with poppler's pdftotext:
// a reader independent of the library that wrote them.
package printouttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Text is the text of pdf as pdftotext reads it, pages separated by \f.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is needed to read the PDF back: run scripts/test, which installs it (or apt-get install -y poppler-utils): %v", err)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}
