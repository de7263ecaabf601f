package delivery

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// Group robots post into a group chat: they ignore Envelope.To, and they
// have no idempotency key, so a retried send after a lost answer may post
// twice. Callers should route a notice to a robot once, not once per
// recipient.

// wecomMaxContent is WeCom's documented limit for text.content, in bytes.
const wecomMaxContent = 2048

// robotText is the text message body shared by WeCom and DingTalk robots.
type robotText struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

func newRobotText(content string) ([]byte, error) {
	var m robotText
	m.MsgType = "text"
	m.Text.Content = content
	return json.Marshal(m)
}

// RobotError is a robot's refusal: HTTP 200 with a non-zero errcode.
type RobotError struct {
	Code    int
	Message string
}

func (e *RobotError) Error() string {
	return fmt.Sprintf("robot refused: errcode %d: %s", e.Code, e.Message)
}

// checkRobotAnswer reads a robot's {"errcode":..,"errmsg":..} answer. A
// refusal is permanent unless its code is in transient: the robots answer
// 200 to everything, so this code is the only hint of a rate limit.
func checkRobotAnswer(answer []byte, transient map[int]bool) error {
	var a struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(answer, &a); err != nil || a.ErrCode == nil {
		// Not a robot's answer (a proxy page?): the message may not have
		// been posted, and a later attempt may reach the robot.
		return fmt.Errorf("robot answer without errcode (%d bytes)", len(answer))
	}
	if *a.ErrCode == 0 {
		return nil
	}
	err := &RobotError{Code: *a.ErrCode, Message: truncate(a.ErrMsg, 200)}
	if transient[err.Code] {
		return err
	}
	return Permanent(err)
}

// truncate cuts s to at most max bytes without splitting a character,
// marking the cut with an ellipsis.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ellipsis = "…"
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// WeCom posts text messages to a WeCom (企业微信) group robot webhook,
// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=....
type WeCom struct {
	url    string
	client *http.Client
}

// wecomTransient are WeCom error codes that a later attempt may not get:
// -1 system busy, 45009 API frequency limit.
var wecomTransient = map[int]bool{-1: true, 45009: true}

// NewWeCom returns a WeCom robot channel; a nil client means one with
// DefaultTimeout.
func NewWeCom(webhookURL string, client *http.Client) (*WeCom, error) {
	if err := checkURL("WeCom webhook", webhookURL); err != nil {
		return nil, err
	}
	return &WeCom{url: webhookURL, client: defaultClient(client)}, nil
}

// Name implements Channel.
func (w *WeCom) Name() string { return "wecom" }

// Send implements Channel. Text longer than WeCom's 2048-byte limit is cut
// rather than refused, so that the group still learns of the notice.
func (w *WeCom) Send(ctx context.Context, e Envelope) error {
	id := e.Message.ID
	if id == "" {
		return fmt.Errorf("send wecom: %w", Permanent(errNoID))
	}
	body, err := newRobotText(truncate(text(e), wecomMaxContent))
	if err != nil {
		return fmt.Errorf("send wecom %s: %w", id, Permanent(err))
	}
	answer, err := post(ctx, w.client, w.url, "application/json", body, nil)
	if err != nil {
		return fmt.Errorf("send wecom %s: %w", id, err)
	}
	if err := checkRobotAnswer(answer, wecomTransient); err != nil {
		return fmt.Errorf("send wecom %s: %w", id, err)
	}
	return nil
}

// DingTalk posts text messages to a DingTalk (钉钉) custom group robot,
// https://oapi.dingtalk.com/robot/send?access_token=....
type DingTalk struct {
	url    string
	secret string
	client *http.Client
}

// dingtalkTransient are DingTalk error codes that a later attempt may not
// get: -1 system busy, 130101 more than 20 messages a minute.
var dingtalkTransient = map[int]bool{-1: true, 130101: true}

// NewDingTalk returns a DingTalk robot channel. With a secret (the robot's
// 加签 security setting) every request is signed; a nil client means one
// with DefaultTimeout.
func NewDingTalk(webhookURL, secret string, client *http.Client) (*DingTalk, error) {
	if err := checkURL("DingTalk webhook", webhookURL); err != nil {
		return nil, err
	}
	return &DingTalk{url: webhookURL, secret: secret, client: defaultClient(client)}, nil
}

// Name implements Channel.
func (d *DingTalk) Name() string { return "dingtalk" }

// Send implements Channel.
func (d *DingTalk) Send(ctx context.Context, e Envelope) error {
	id := e.Message.ID
	if id == "" {
		return fmt.Errorf("send dingtalk: %w", Permanent(errNoID))
	}
	body, err := newRobotText(text(e))
	if err != nil {
		return fmt.Errorf("send dingtalk %s: %w", id, Permanent(err))
	}
	// Signed afresh on every attempt: DingTalk refuses timestamps more
	// than an hour old, so a retry must not reuse the first signature.
	target, err := d.signedURL()
	if err != nil {
		return fmt.Errorf("send dingtalk %s: %w", id, Permanent(err))
	}
	answer, err := post(ctx, d.client, target, "application/json", body, nil)
	if err != nil {
		return fmt.Errorf("send dingtalk %s: %w", id, err)
	}
	if err := checkRobotAnswer(answer, dingtalkTransient); err != nil {
		return fmt.Errorf("send dingtalk %s: %w", id, err)
	}
	return nil
}

// signedURL adds DingTalk's timestamp and sign query parameters when a
// secret is set: sign = urlencode(base64(HMAC-SHA256(key=secret,
// timestamp+"\n"+secret))), timestamp in milliseconds.
func (d *DingTalk) signedURL() (string, error) {
	if d.secret == "" {
		return d.url, nil
	}
	u, err := url.Parse(d.url)
	if err != nil {
		return "", fmt.Errorf("DingTalk webhook: not a URL: %w", unwrapURLError(err))
	}
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	q := u.Query()
	q.Set("timestamp", ts)
	// Values.Encode URL-encodes the base64 (+, / and =) as DingTalk expects.
	q.Set("sign", dingtalkSign(ts, d.secret))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// dingtalkSign is the base64 HMAC-SHA256 of timestamp+"\n"+secret, keyed by
// the secret, before URL encoding.
func dingtalkSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
