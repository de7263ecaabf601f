package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// attach posts a file to a step of a case, as the API's multipart form.
func (c *apiClient) attach(caseID, step, name string, data []byte) response {
	c.t.Helper()
	body, contentType := multipartForm(c.t, [][2]string{{"step", step}}, name, data)
	return c.do("POST", "/api/v1/suggestions/"+caseID+"/attachments", body.String(), "Content-Type", contentType)
}

// multipartForm is a form of fields and one file, as a browser sends it.
func multipartForm(t *testing.T, fields [][2]string, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, mw.FormDataContentType()
}

// photo is a small PNG, as a phone's photo of the work done would be.
func photo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := 0; x < 32; x++ {
		for y := 0; y < 24; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 8), G: uint8(y * 10), B: 120, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// elfProgram is the start of a Linux program.
func elfProgram() []byte {
	b := make([]byte, 512)
	copy(b, "\x7fELF\x02\x01\x01\x00")
	b[16], b[18] = 2, 0x3e
	return b
}

// TestAttachmentsOverHTTP: the lead unit keeps a photo as its completion
// evidence and reads back the same bytes with the headers that keep a
// browser from taking them for anything else; another unit is told there
// is no such case or file; a renamed program and a file over the limit
// are refused and leave the list as it was.
func TestAttachmentsOverHTTP(t *testing.T) {
	// A limit of 3 MiB: above the server's 1 MiB for other bodies, so that
	// a file between the two shows the upload has a limit of its own.
	const limit = 3 << 20
	c := startApp(t, "attachment_max_bytes: 3145728\nattachment_max_per_step: 2\n")
	w := buildWorld(t, c)
	sg := w.suggestion
	lead, foreign := w.as("unitLead"), w.as("unitForeign")
	list := func(who *apiClient) []any {
		t.Helper()
		return who.must(200, "GET", "/api/v1/suggestions/"+sg+"/attachments", nil)["items"].([]any)
	}
	if n := len(list(lead)); n != 0 {
		t.Fatalf("a new case has %d attachments", n)
	}

	img := photo(t)
	sum := sha256.Sum256(img)
	r := lead.attach(sg, "completion", "现场照片.png", img)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	a := r.json(t)
	if a["content_type"] != "image/png" || a["size"].(float64) != float64(len(img)) || a["sha256"] != hex.EncodeToString(sum[:]) ||
		a["step"] != "completion" || a["name"] != "现场照片.png" || a["created_at"] == nil {
		t.Errorf("upload answered %v", a)
	}
	id := a["id"].(string)

	got := lead.do("GET", "/api/v1/attachments/"+id, nil)
	if got.status != 200 || !bytes.Equal(got.body, img) {
		t.Fatalf("download: %d, %d bytes, want the %d uploaded", got.status, len(got.body), len(img))
	}
	if ct := got.header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := got.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("现场照片.png")) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if got.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got.header.Get("X-Content-Type-Options"))
	}
	// The deputy who leads the case sees it too.
	if n := len(list(w.as("deputyLead"))); n != 1 {
		t.Errorf("the lead deputy lists %d attachments", n)
	}

	// Another unit: the case and its files do not exist for it.
	for _, res := range []response{
		foreign.do("GET", "/api/v1/suggestions/"+sg+"/attachments", nil),
		foreign.do("GET", "/api/v1/attachments/"+id, nil),
		foreign.attach(sg, "completion", "x.png", img),
	} {
		if res.status != 404 {
			t.Errorf("another unit: %d %s, want 404", res.status, res.body)
		}
	}

	kept := 1
	refused := func(res response, status int, code string) {
		t.Helper()
		if res.status != status || !strings.Contains(string(res.body), `"code":"`+code+`"`) {
			t.Errorf("got %d %s, want %d %s", res.status, res.body, status, code)
		}
		if n := len(list(lead)); n != kept {
			t.Errorf("after a refusal the case has %d attachments, want %d", n, kept)
		}
	}
	refused(lead.attach(sg, "completion", "photo.jpg", elfProgram()), 415, "attachment_type")
	big := append(append([]byte{}, img...), make([]byte, limit+1-len(img))...)
	refused(lead.attach(sg, "completion", "big.png", big), 413, "attachment_too_large")
	// At the limit it is taken, and comes back whole from its chunks.
	scan := big[:limit]
	r = lead.attach(sg, "progress", "扫描件.png", scan)
	if r.status != 201 {
		t.Fatalf("a file of %d bytes under a limit of %d: %d %s", len(scan), limit, r.status, r.body)
	}
	if got := lead.do("GET", "/api/v1/attachments/"+r.json(t)["id"].(string), nil); got.status != 200 || !bytes.Equal(got.body, scan) {
		t.Fatalf("the %d-byte file came back as %d bytes (%d)", len(scan), len(got.body), got.status)
	}
	kept = 2
	// A co-handling unit may not file the lead unit's completion.
	refused(w.as("unitCo").attach(sg, "completion", "x.png", img), 403, "attachment_step_not_yours")
	refused(lead.attach(sg, "minutes", "x.png", img), 403, "attachment_step_not_yours")
	refused(lead.attach(sg, "elsewhere", "x.png", img), 422, "invalid_fields")

	// The step holds two files at most (the policy says so here).
	if r := lead.attach(sg, "completion", "说明.txt", []byte("路灯已修复，共更换灯杆 3 根。\n")); r.status != 201 {
		t.Fatalf("a second file: %d %s", r.status, r.body)
	}
	kept = 3
	refused(lead.attach(sg, "completion", "third.png", img), 409, "attachment_too_many")

	// The timeline names the file and its SHA-256.
	found := false
	for _, e := range c.must(200, "GET", "/api/v1/suggestions/"+sg, nil)["timeline"].([]any) {
		ev := e.(map[string]any)
		if ev["type"] == "attached" && strings.Contains(ev["detail"].(string), "现场照片.png") && strings.Contains(ev["detail"].(string), hex.EncodeToString(sum[:])) {
			found = true
		}
	}
	if !found {
		t.Error("no timeline event names the photo and its SHA-256")
	}
}

// pageUpload posts the case page's upload form from a signed-in session,
// with the CSRF token given.
func (s *webSession) pageUpload(caseID, csrf, step, name string, data []byte) (int, string) {
	s.t.Helper()
	body, contentType := multipartForm(s.t, [][2]string{{"csrf", csrf}, {"step", step}}, name, data)
	req, _ := http.NewRequest(http.MethodPost, s.base+"/ui/suggestions/"+caseID+"/attachments", body)
	req.Header.Set("Content-Type", contentType)
	status, page, _ := s.do(req)
	return status, page
}

// TestWebAttachmentUploadHTTP: the page's upload form needs the session's
// CSRF token, refuses what the API refuses with the reason on the page,
// and its files are served to whoever sees the case and to nobody else.
func TestWebAttachmentUploadHTTP(t *testing.T) {
	c := startApp(t, "")
	w := buildWorld(t, c)
	sg := w.suggestion
	count := func() int {
		t.Helper()
		return len(c.must(200, "GET", "/api/v1/suggestions/"+sg+"/attachments", nil)["items"].([]any))
	}
	s := signIn(t, c.base, w.logins["unitLead"])
	if status, _ := s.pageUpload(sg, "wrong", "completion", "a.png", photo(t)); status != 403 || count() != 0 {
		t.Errorf("an upload without the session's CSRF token: %d, %d files kept", status, count())
	}
	if status, page := s.pageUpload(sg, s.csrf, "completion", "photo.jpg", elfProgram()); status != 415 || !strings.Contains(page, "不接受此类文件") || count() != 0 {
		t.Errorf("a renamed program from the page: %d, %d files kept", status, count())
	}
	status, page := s.pageUpload(sg, s.csrf, "completion", "现场照片.png", photo(t))
	if status != 200 || !strings.Contains(page, "已上传附件“现场照片.png”") || count() != 1 {
		t.Fatalf("an upload from the page: %d, %d files kept: %.300s", status, count(), page)
	}
	id := c.must(200, "GET", "/api/v1/suggestions/"+sg+"/attachments", nil)["items"].([]any)[0].(map[string]any)["id"].(string)
	if !strings.Contains(page, `src="/ui/attachments/`+id+`"`) {
		t.Error("the case page shows no thumbnail of the photo")
	}
	status, body, h := signIn(t, c.base, w.logins["deputyLead"]).download("/ui/attachments/" + id)
	if status != 200 || !bytes.Equal(body, photo(t)) || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Type") != "image/png" {
		t.Errorf("the lead deputy's thumbnail: %d, %d bytes, %v", status, len(body), h)
	}
	if status, _, _ := signIn(t, c.base, w.logins["unitForeign"]).download("/ui/attachments/" + id); status != 404 {
		t.Errorf("another unit's look at the photo: %d, want 404", status)
	}
}

// TestWebAttachmentsOnAPhone: at 390×844 the lead unit adds a photo from
// the case page's form; a renamed program is refused next to the form,
// which the page opens at; the deputy then sees the photo's thumbnail on
// the case page, served with the case's access check.
func TestWebAttachmentsOnAPhone(t *testing.T) {
	c := startApp(t, "")
	lead, co, unit, _ := c.setup()
	sg := c.must(201, "POST", "/api/v1/suggestions", submission(lead, co))["id"].(string)
	c.must(200, "POST", "/api/v1/suggestions/"+sg+"/review", map[string]any{"decision": "accept"})
	c.must(200, "POST", "/api/v1/suggestions/"+sg+"/assignment", map[string]any{"lead_unit_id": unit, "leader": "张镇长", "handler": "李干事"})
	_, unitLogin := c.account(map[string]any{"role": "unit", "name": "供电所经办人", "unit_id": unit})
	_, deputy := c.account(map[string]any{"role": "deputy", "name": "王西林", "deputy_id": lead})

	b := newBrowser(t, c.base, 390, 844)
	b.signIn(unitLogin)
	// The unit's own home and list work on a phone too.
	b.phoneOK("the unit's home")
	b.shot("phone-unit-home")
	b.open("/ui/suggestions")
	b.phoneOK("the unit's list")
	b.open("/ui/suggestions/" + sg)
	b.expect("#attachments", "附件", "尚无附件")
	b.phoneOK("case page with the upload form")
	steps, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#attach-step option")].map(o => o.value)`))
	if err != nil || strings.Join(steps, ",") != "consultation,progress,reply,completion" {
		t.Errorf("the lead unit may choose the steps %v (%v)", steps, err)
	}
	b.set("#attach-step", "completion")
	b.upload("#attach-file", writeFile(t, "现场照片.png", photo(t)))
	b.submit("#attach-submit")
	b.expect("#attach-completion", "现场照片.png", "照片", "供电所经办人")

	b.set("#attach-step", "completion")
	b.upload("#attach-file", writeFile(t, "photo.jpg", elfProgram()))
	b.submit("#attach-submit")
	// Before expect, which unfolds every part of the page.
	if !b.onFirstScreen("#attach-upload .error") {
		t.Error("the refused upload's page does not open at the form")
	}
	b.expect("#attach-upload .error", "不接受此类文件")
	b.phoneOK("refused upload")
	b.shot("phone-attach-refused")
	if n := len(c.must(200, "GET", "/api/v1/suggestions/"+sg+"/attachments", nil)["items"].([]any)); n != 1 {
		t.Errorf("after the refused upload the case has %d files, want 1", n)
	}
	b.signOut()

	b.signIn(deputy)
	b.open("/ui/suggestions/" + sg)
	b.expect("#attach-completion", "现场照片.png")
	width, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`(async () => { const i = document.querySelector("#attach-completion img");
	  i.loading = "eager"; await i.decode(); return i.naturalWidth; })()`, chromedp.EvalAwaitPromise))
	if err != nil || width != 32 {
		t.Errorf("the deputy's thumbnail is %d px wide (%v), want the photo's 32", width, err)
	}
	b.phoneOK("case page with a thumbnail")
	b.shot("phone-attach-thumbnail")
	// The deputy may add to the submission only.
	steps, err = chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#attach-step option")].map(o => o.value)`))
	if err != nil || strings.Join(steps, ",") != "submission" {
		t.Errorf("the lead deputy may choose the steps %v (%v)", steps, err)
	}
}
