package delivery

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFromEnvNothingConfigured(t *testing.T) {
	cfg, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	chs, err := Channels(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if chs == nil || len(chs) != 0 {
		t.Errorf("Channels = %#v, want an empty list", chs)
	}
}

func TestFromEnvEverything(t *testing.T) {
	cfg, err := FromEnv(env(map[string]string{
		"SUGGESTFLOW_SMTP_URL":         " smtp://u:p-SECRET@mail.example.org:587?from=n@example.org&starttls=required ",
		"SUGGESTFLOW_WEBHOOK_URL":      "https://hooks.example.org/sf",
		"SUGGESTFLOW_WEBHOOK_SECRET":   "ws-SECRET",
		"SUGGESTFLOW_WECOM_WEBHOOK":    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-SECRET",
		"SUGGESTFLOW_DINGTALK_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=t-SECRET",
		"SUGGESTFLOW_DINGTALK_SECRET":  "SECx-SECRET",
		"SUGGESTFLOW_SMS_URL":          "https://sms.example.org/send",
		"SUGGESTFLOW_SMS_TEMPLATE":     `{"to":{{json .Phone}},"msg":{{json .Text}}}`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP == nil || cfg.SMTP.Host != "mail.example.org" || cfg.SMTP.StartTLS != StartTLSRequired {
		t.Errorf("SMTP = %+v", cfg.SMTP)
	}
	if cfg.WebhookSecret != "ws-SECRET" || cfg.DingTalkSecret != "SECx-SECRET" || !strings.Contains(cfg.SMSTemplate, ".Phone") {
		t.Errorf("cfg = %+v", cfg)
	}
	if s := fmt.Sprint(cfg); strings.Contains(s, "SECRET") || !strings.Contains(s, "dingtalk=https://oapi.dingtalk.com (signed)") {
		t.Errorf("Config prints as %s", s)
	}
	chs, err := Channels(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ch := range chs {
		names = append(names, ch.Name())
	}
	if got := strings.Join(names, ","); got != "email,webhook,wecom,dingtalk,sms" {
		t.Errorf("channels %s", got)
	}
}

func TestFromEnvErrors(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SUGGESTFLOW_SMTP_URL": "smtp://u:s3cret@mail.example.org?from=a@b.c"}, "SUGGESTFLOW_SMTP_URL: SMTP URL: port is missing"},
		{map[string]string{"SUGGESTFLOW_WEBHOOK_SECRET": "s3cret"}, "SUGGESTFLOW_WEBHOOK_URL is empty"},
		{map[string]string{"SUGGESTFLOW_DINGTALK_SECRET": "s3cret"}, "SUGGESTFLOW_DINGTALK_WEBHOOK is empty"},
		{map[string]string{"SUGGESTFLOW_SMS_TEMPLATE": "{}"}, "SUGGESTFLOW_SMS_URL is empty"},
		{map[string]string{"SUGGESTFLOW_WECOM_WEBHOOK": "qyapi.weixin.qq.com/send?key=s3cret"}, "SUGGESTFLOW_WECOM_WEBHOOK"},
		{map[string]string{"SUGGESTFLOW_WEBHOOK_URL": "ftp://x/s3cret"}, "SUGGESTFLOW_WEBHOOK_URL: webhook: scheme"},
		{map[string]string{"SUGGESTFLOW_SMS_URL": "https://sms.example.org/s3cret",
			"SUGGESTFLOW_SMS_TEMPLATE": `{"text":"{{.Text}}"}`}, "SUGGESTFLOW_SMS_TEMPLATE: SMS template"},
	}
	for _, tc := range cases {
		_, err := FromEnv(env(tc.env))
		if err == nil {
			t.Errorf("FromEnv(%v) succeeded", tc.env)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("FromEnv(%v) = %q, want it to mention %q", tc.env, err, tc.want)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("FromEnv(%v) error reveals a secret: %v", tc.env, err)
		}
	}
}

func TestPermanent(t *testing.T) {
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
	base := io.ErrUnexpectedEOF
	if IsPermanent(base) || IsPermanent(nil) {
		t.Error("unmarked error is permanent")
	}
	wrapped := fmt.Errorf("send x %s: %w", "id", Permanent(base))
	if !IsPermanent(wrapped) || !errors.Is(wrapped, base) || wrapped.Error() != "send x id: unexpected EOF" {
		t.Errorf("wrapped = %v", wrapped)
	}
	if twice := Permanent(wrapped); twice != wrapped {
		t.Error("Permanent re-wrapped a permanent error")
	}
}
