package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"suggestflow/domain"
)

// Config is the delivery part of the configuration (CONTRACT.md); an empty
// field leaves its channel off.
type Config struct {
	SMTP            *SMTPConfig // SUGGESTFLOW_SMTP_URL, parsed; nil: no email
	WebhookURL      string      // SUGGESTFLOW_WEBHOOK_URL
	WebhookSecret   string      // SUGGESTFLOW_WEBHOOK_SECRET
	WeComWebhook    string      // SUGGESTFLOW_WECOM_WEBHOOK
	DingTalkWebhook string      // SUGGESTFLOW_DINGTALK_WEBHOOK
	DingTalkSecret  string      // SUGGESTFLOW_DINGTALK_SECRET
	SMSURL          string      // SUGGESTFLOW_SMS_URL
	SMSTemplate     string      // SUGGESTFLOW_SMS_TEMPLATE; empty: DefaultSMSTemplate

	// HTTPClient is shared by the HTTP channels; nil means a client with
	// DefaultTimeout. Not read from the environment.
	HTTPClient *http.Client
}

// String lists the configured channels without their secrets (URLs are
// cut to scheme and host), so that the configuration can be logged.
func (c Config) String() string {
	var parts []string
	if c.SMTP != nil {
		parts = append(parts, "email="+c.SMTP.String())
	}
	if c.WebhookURL != "" {
		parts = append(parts, "webhook="+redactURL(c.WebhookURL)+signed(c.WebhookSecret))
	}
	if c.WeComWebhook != "" {
		parts = append(parts, "wecom="+redactURL(c.WeComWebhook))
	}
	if c.DingTalkWebhook != "" {
		parts = append(parts, "dingtalk="+redactURL(c.DingTalkWebhook)+signed(c.DingTalkSecret))
	}
	if c.SMSURL != "" {
		parts = append(parts, "sms="+redactURL(c.SMSURL))
	}
	if len(parts) == 0 {
		return "no delivery channels"
	}
	return strings.Join(parts, " ")
}

func signed(secret string) string {
	if secret == "" {
		return ""
	}
	return " (signed)"
}

// FromEnv reads the configuration with getenv (os.Getenv, or a map's
// lookup in tests) and checks it, so that a bad value stops the start with
// a message naming the variable. The messages never quote secrets.
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		WebhookURL:      get("SUGGESTFLOW_WEBHOOK_URL"),
		WebhookSecret:   get("SUGGESTFLOW_WEBHOOK_SECRET"),
		WeComWebhook:    get("SUGGESTFLOW_WECOM_WEBHOOK"),
		DingTalkWebhook: get("SUGGESTFLOW_DINGTALK_WEBHOOK"),
		DingTalkSecret:  get("SUGGESTFLOW_DINGTALK_SECRET"),
		SMSURL:          get("SUGGESTFLOW_SMS_URL"),
		// Not trimmed: the template is the request body, byte for byte.
		SMSTemplate: getenv("SUGGESTFLOW_SMS_TEMPLATE"),
	}
	var errs []error
	if raw := get("SUGGESTFLOW_SMTP_URL"); raw != "" {
		smtp, err := ParseSMTPURL(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("SUGGESTFLOW_SMTP_URL: %w", err))
		} else {
			c.SMTP = &smtp
		}
	}
	// A secret without its URL is most likely a typo in the URL's name;
	// saying so beats silently sending unsigned, or not at all.
	if c.WebhookSecret != "" && c.WebhookURL == "" {
		errs = append(errs, errors.New("SUGGESTFLOW_WEBHOOK_SECRET is set but SUGGESTFLOW_WEBHOOK_URL is empty"))
	}
	if c.DingTalkSecret != "" && c.DingTalkWebhook == "" {
		errs = append(errs, errors.New("SUGGESTFLOW_DINGTALK_SECRET is set but SUGGESTFLOW_DINGTALK_WEBHOOK is empty"))
	}
	if strings.TrimSpace(c.SMSTemplate) != "" && c.SMSURL == "" {
		errs = append(errs, errors.New("SUGGESTFLOW_SMS_TEMPLATE is set but SUGGESTFLOW_SMS_URL is empty"))
	}
	// Building the channels checks the URLs and the SMS template.
	if _, err := Channels(c); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// Channels builds the configured channels, in a stable order: email,
// webhook, wecom, dingtalk, sms. None configured is an empty list.
func Channels(cfg Config) ([]Channel, error) {
	var out []Channel
	var errs []error
	add := func(name string, ch Channel, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			return
		}
		out = append(out, ch)
	}
	if cfg.SMTP != nil {
		ch, err := NewEmail(*cfg.SMTP)
		add("SUGGESTFLOW_SMTP_URL", ch, err)
	}
	if cfg.WebhookURL != "" {
		ch, err := NewWebhook(cfg.WebhookURL, cfg.WebhookSecret, cfg.HTTPClient)
		add("SUGGESTFLOW_WEBHOOK_URL", ch, err)
	}
	if cfg.WeComWebhook != "" {
		ch, err := NewWeCom(cfg.WeComWebhook, cfg.HTTPClient)
		add("SUGGESTFLOW_WECOM_WEBHOOK", ch, err)
	}
	if cfg.DingTalkWebhook != "" {
		ch, err := NewDingTalk(cfg.DingTalkWebhook, cfg.DingTalkSecret, cfg.HTTPClient)
		add("SUGGESTFLOW_DINGTALK_WEBHOOK", ch, err)
	}
	if cfg.SMSURL != "" {
		// Checked apart so that the error names the variable at fault.
		if err := checkURL("SMS gateway", cfg.SMSURL); err != nil {
			add("SUGGESTFLOW_SMS_URL", nil, err)
		} else {
			ch, err := NewSMS(cfg.SMSURL, cfg.SMSTemplate, cfg.HTTPClient)
			add("SUGGESTFLOW_SMS_TEMPLATE", ch, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if out == nil {
		out = []Channel{}
	}
	return out, nil
}

// Names are the channels' names that cfg configures, in Channels' order.
func Names(cfg Config) []string {
	channels, err := Channels(cfg)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(channels))
	for _, ch := range channels {
		out = append(out, ch.Name())
	}
	return out
}

// SendTest sends one test message through the named channel now, to
// whom the channel needs an address for (email and SMS; the robots and
// the webhook need none).
func SendTest(ctx context.Context, cfg Config, name string, to Address, msg domain.Message) error {
	channels, err := Channels(cfg)
	if err != nil {
		return err
	}
	for _, ch := range channels {
		if ch.Name() == name {
			return ch.Send(ctx, Envelope{Message: msg, To: to})
		}
	}
	return fmt.Errorf("channel %q: %w", name, ErrNotConfigured)
}

// ErrNotConfigured is a channel the configuration leaves off.
var ErrNotConfigured = errors.New("not configured")
