package cases

import (
	"context"
	"errors"
	"strings"

	"suggestflow/access"
	"suggestflow/delivery"
	"suggestflow/domain"
	"suggestflow/policy"
	"suggestflow/refusal"
	"suggestflow/store"
)

// Setting is one policy key as the settings page shows it: its value now,
// the policy file's (or the default) beneath it, and where it is set.
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Base is the value without the settings page's: the policy file's,
	// or the built-in default.
	Base string `json:"base"`
	// SetIn is "default", "file" or "settings".
	SetIn    string `json:"set_in"`
	Editable bool   `json:"editable"`
}

// Settings lists every policy key.
func (s *Service) Settings(ctx context.Context) ([]Setting, error) {
	values, err := s.store.PolicyValues(ctx)
	if err != nil {
		return nil, store.Refused(err, "policy")
	}
	now, err := s.CurrentPolicy(ctx)
	if err != nil {
		return nil, err
	}
	def := policy.Default()
	out := make([]Setting, 0, len(policy.Keys()))
	for _, key := range policy.Keys() {
		v, err := now.Value(key)
		if err != nil {
			return nil, err
		}
		base, err := s.policy.Value(key)
		if err != nil {
			return nil, err
		}
		st := Setting{Key: key, Value: v, Base: base, SetIn: "default", Editable: policy.Editable(key)}
		if d, _ := def.Value(key); d != base {
			st.SetIn = "file"
		}
		if _, ok := values[key]; ok {
			st.SetIn = "settings"
		}
		out = append(out, st)
	}
	return out, nil
}

// SetPolicyValue sets a key's value (YAML, as in the policy file) for
// what starts from now on: new cases, new rounds' deadlines as each case
// computes them from its own policy, the pages. An empty value clears it.
func (s *Service) SetPolicyValue(ctx context.Context, p access.Principal, key, value string) (Setting, error) {
	if !policy.Editable(key) {
		return Setting{}, refusal.OnField("key", refusal.PolicyNotEditable, "key", key)
	}
	value = strings.TrimSpace(value)
	if len(value) > 4000 {
		return Setting{}, refusal.OnField("value", refusal.TooLong, "max", "4000")
	}
	values, err := s.store.PolicyValues(ctx)
	if err != nil {
		return Setting{}, store.Refused(err, "policy")
	}
	if value == "" {
		delete(values, key)
	} else {
		values[key] = value
	}
	if _, err := policy.Apply(s.policy, values); err != nil {
		return Setting{}, refusal.OnField("value", refusal.PolicyValue, "key", key, "error", err.Error())
	}
	if value == "" {
		err = s.store.ClearPolicyValue(ctx, key)
	} else {
		err = s.store.SetPolicyValue(ctx, key, value, p.AccountID, s.now().UTC())
	}
	if err != nil {
		return Setting{}, store.Refused(err, "policy")
	}
	all, err := s.Settings(ctx)
	if err != nil {
		return Setting{}, err
	}
	for _, st := range all {
		if st.Key == key {
			return st, nil
		}
	}
	return Setting{}, refusal.OnField("key", refusal.PolicyNotEditable, "key", key)
}

// TestChannel sends a test message through a delivery channel now, so
// that the office sees a configured channel work (or why not).
func (s *Service) TestChannel(ctx context.Context, cfg delivery.Config, channel string, to delivery.Address) error {
	pol, err := s.CurrentPolicy(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	to.Name = pol.Township + "人大主席团"
	msg := domain.Message{ID: domain.NewID("test_"), Kind: "test", Recipient: domain.RecipientPresidium, Channel: channel,
		Subject: pol.Township + "代表建议办理系统测试消息",
		Body:    "这是一条测试消息，发送于 " + now.In(pol.Location()).Format("2006-01-02 15:04") + "。收到即说明此渠道可用。",
		Status:  domain.MessageQueued, CreatedAt: now.UTC(), HoldUntil: now.UTC()}
	switch err := delivery.SendTest(ctx, cfg, channel, to, msg); {
	case err == nil:
		return nil
	case errors.Is(err, delivery.ErrNotConfigured):
		return refusal.New(refusal.Conflict, refusal.ChannelOff).WithCause(err)
	case errors.Is(err, delivery.ErrNoAddress):
		return refusal.OnField("email", refusal.Required)
	default:
		return refusal.New(refusal.Unavailable, refusal.ChannelFailed, "error", err.Error()).WithCause(err)
	}
}
