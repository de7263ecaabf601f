package attachments

import (
	"archive/zip"
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"suggestflow/access"
	"suggestflow/refusal"
	"suggestflow/store"
)

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func docxBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`,
	} {
		f, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// elfBytes is the start of a 64-bit Linux program.
func elfBytes() []byte {
	b := make([]byte, 128)
	copy(b, "\x7fELF\x02\x01\x01\x00")
	b[16], b[18] = 2, 0x3e // an executable for x86-64
	return b
}

// peBytes is the start of a Windows program.
func peBytes() []byte {
	b := make([]byte, 256)
	copy(b, "MZ")
	b[0x3c] = 0x80
	copy(b[0x80:], "PE\x00\x00")
	return b
}

func TestJudgeByContent(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		want string
		ok   bool
	}{
		"png":  {pngBytes(t), "image/png", true},
		"pdf":  {[]byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), "application/pdf", true},
		"docx": {docxBytes(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", true},
		"text": {[]byte("办理情况说明\n"), "text/plain; charset=utf-8", true},
		"elf":  {elfBytes(), "application/x-executable", false},
		"pe":   {peBytes(), "application/vnd.microsoft.portable-executable", false},
		"html": {[]byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "text/html; charset=utf-8", false},
		"zip":  {zipOnly(t), "application/zip", false},
	} {
		got, ok := Judge(c.data)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: Judge = %q, %v; want %q, %v", name, got, ok, c.want, c.ok)
		}
	}
}

func zipOnly(t *testing.T) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	f, _ := z.Create("a.txt")
	f.Write([]byte("a"))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func form(t *testing.T, fields [][2]string, fileName string, data []byte) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/", &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

// A renamed program reads as a file (its name is only a name); the type
// check refuses it. A file one byte over the limit is refused as too
// large, one at the limit is read whole.
func TestReadWithinTheLimit(t *testing.T) {
	l := Limits{MaxBytes: 100, MaxPerStep: 3}
	up, err := Read(httptest.NewRecorder(), form(t, [][2]string{{"csrf", "tok"}, {"step", "completion"}}, `C:\photos\照片.jpg`, elfBytes()[:100]), l)
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "照片.jpg" || up.Step != "completion" || len(up.Data) != 100 || up.Fields["csrf"][0] != "tok" {
		t.Errorf("Read = %q %q %d bytes %v", up.Name, up.Step, len(up.Data), up.Fields)
	}
	if _, ok := Judge(up.Data); ok {
		t.Error("an ELF program named .jpg is taken")
	}
	up, err = Read(httptest.NewRecorder(), form(t, [][2]string{{"csrf", "tok"}}, "big.txt", bytes.Repeat([]byte("a"), 101)), l)
	rf, ok := refusal.As(err)
	if !ok || rf.Kind.Status() != http.StatusRequestEntityTooLarge || rf.Code != refusal.AttachmentTooLarge {
		t.Fatalf("101 bytes over a limit of 100: %v", err)
	}
	if up.Fields["csrf"][0] != "tok" || up.Data != nil {
		t.Errorf("a refused upload keeps %d bytes, fields %v", len(up.Data), up.Fields)
	}
	if _, err := Read(httptest.NewRecorder(), form(t, nil, "empty.txt", nil), l); !isCode(err, refusal.AttachmentFileRequired) {
		t.Errorf("an empty file: %v", err)
	}
}

func isCode(err error, code string) bool {
	rf, ok := refusal.As(err)
	return ok && rf.Code == code
}

func TestWhoMayUploadWhichStep(t *testing.T) {
	o := access.Object{LeadDeputyID: "dp_1", CoSignerIDs: []string{"dp_2"}, LeadUnitID: "un_1", CoUnitIDs: []string{"un_2"}}
	for _, c := range []struct {
		p    access.Principal
		want []string
	}{
		{access.Principal{Role: access.RoleStaff}, Steps},
		{access.Principal{Role: access.RoleDeputy, DeputyID: "dp_1"}, []string{StepSubmission}},
		{access.Principal{Role: access.RoleDeputy, DeputyID: "dp_2"}, nil},
		{access.Principal{Role: access.RoleUnit, UnitID: "un_1"}, []string{StepConsultation, StepProgress, StepReply, StepCompletion}},
		{access.Principal{Role: access.RoleUnit, UnitID: "un_2"}, []string{StepConsultation, StepProgress}},
		{access.Principal{Role: access.RoleUnit, UnitID: "un_3"}, nil},
		{access.Principal{Role: access.RoleUnit}, nil},
	} {
		if got := UploadSteps(c.p, o); !slices.Equal(got, c.want) {
			t.Errorf("%+v: UploadSteps = %v, want %v", c.p, got, c.want)
		}
	}
	if MayUpload(access.Principal{Role: access.RoleUnit, UnitID: "un_2"}, o, StepCompletion) {
		t.Error("a co-handling unit may file the lead unit's completion")
	}
}

func TestDisposition(t *testing.T) {
	got := Disposition(store.Attachment{Name: `现场 "照片".png`, ContentType: "image/png"})
	if !strings.HasPrefix(got, "inline;") || !strings.Contains(got, "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%22%E7%85%A7%E7%89%87%22.png") {
		t.Errorf("Disposition = %s", got)
	}
	if got := Disposition(store.Attachment{Name: "a.pdf", ContentType: "application/pdf"}); !strings.HasPrefix(got, "attachment;") {
		t.Errorf("a PDF is %s, want an attachment", got)
	}
}
