package codec

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"
)

func newCodec(t *testing.T) *AESGCM {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	c, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTripHidesPlaintext(t *testing.T) {
	c := newCodec(t)
	dc := c.DataConverter()
	secret := "村民张三 13800000000"
	p, err := dc.ToPayload(map[string]string{"opinion": secret})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("13800000000")) || string(p.Metadata["encoding"]) != EncodingEncrypted {
		t.Fatal("the payload is not encrypted")
	}
	var back map[string]string
	if err := dc.FromPayload(p, &back); err != nil {
		t.Fatal(err)
	}
	if back["opinion"] != secret {
		t.Fatalf("round trip: %v", back)
	}
	if _, err := newCodec(t).Decode(mustEncode(t, c)); err == nil {
		t.Error("another key decoded the payload")
	}
}

func mustEncode(t *testing.T, c *AESGCM) []*commonpbPayload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload("x")
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Encode([]*commonpbPayload{p})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseKey(t *testing.T) {
	for _, ok := range []string{strings.Repeat("ab", 32), "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="} {
		if _, err := ParseKey(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "short", strings.Repeat("ab", 16)} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The Web UI decodes through the SDK's codec HTTP handler.
func TestCodecEndpoint(t *testing.T) {
	c := newCodec(t)
	srv := httptest.NewServer(converter.NewPayloadCodecHTTPHandler(c))
	defer srv.Close()
	enc := mustEncode(t, c)
	body, err := marshalPayloads(enc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(srv.URL+"/decode", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	if res.StatusCode != 200 || !strings.Contains(out.String(), "anNvbi9wbGFpbg==") /* json/plain */ {
		t.Fatalf("decode endpoint: %d %s", res.StatusCode, out.String())
	}
}
