package printouttest

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// QR is the content of the QR code on the first page of pdf, read from the
// page as poppler renders it (150 dpi): what a phone's camera would read
// from the printed sheet, not what the writer meant to draw.
func QR(t testing.TB, pdf []byte) string {
	t.Helper()
	img := Page(t, pdf, 150)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("bitmap of the page: %v", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code read on the first page: %v", err)
	}
	return res.GetText()
}

// Page is the first page of pdf rendered by poppler at dpi, as a phone's
// camera or a reader's eye would see the sheet.
func Page(t testing.TB, pdf []byte, dpi int) image.Image {
	t.Helper()
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatalf("pdftoppm is needed to render the PDF: run scripts/test, which installs poppler-utils: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "-png", "-r", strconv.Itoa(dpi), "-f", "1", "-l", "1", "-singlefile", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode the rendered page: %v", err)
	}
	return img
}
