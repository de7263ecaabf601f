package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"suggestflow/domain"
)

func outboxRowOf(m domain.Message) outboxRow {
	// Times are kept in UTC: SQLite compares them as text.
	hold := m.HoldUntil.UTC()
	if hold.IsZero() {
		hold = m.CreatedAt.UTC()
	}
	return outboxRow{ID: m.ID, NoticeID: m.NoticeID, SuggestionID: m.SuggestionID, MeetingID: m.MeetingID, Kind: m.Kind,
		Recipient: string(m.Recipient), Channel: m.Channel, Subject: m.Subject, Body: m.Body, Link: m.Link, Status: m.Status, CreatedAt: m.CreatedAt.UTC(),
		HoldUntil: hold, NextAttemptAt: hold, Attempts: m.Attempts, LastError: m.LastError, SentAt: m.SentAt}
}

func (r outboxRow) domain() domain.Message {
	return domain.Message{ID: r.ID, NoticeID: r.NoticeID, SuggestionID: r.SuggestionID, MeetingID: r.MeetingID, Kind: r.Kind,
		Recipient: domain.Recipient(r.Recipient), Channel: r.Channel, Subject: r.Subject, Body: r.Body, Link: r.Link, Status: r.Status, CreatedAt: r.CreatedAt,
		HoldUntil: r.HoldUntil, Attempts: r.Attempts, LastError: r.LastError, SentAt: r.SentAt}
}

// DueMessages are queued messages whose hold and backoff have passed.
func (s *Store) DueMessages(ctx context.Context, now time.Time, limit int) ([]domain.Message, error) {
	var rows []outboxRow
	now = now.UTC()
	err := s.db.WithContext(ctx).Where("status = ? AND hold_until <= ? AND next_attempt_at <= ?", domain.MessageQueued, now, now).
		Order("hold_until, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("due messages: %w", err)
	}
	return convert(rows, outboxRow.domain), nil
}

// NextHeld is when the earliest queued message comes due, if any.
func (s *Store) NextHeld(ctx context.Context) (*time.Time, error) {
	var row outboxRow
	err := s.db.WithContext(ctx).Select("hold_until, next_attempt_at").Where("status = ?", domain.MessageQueued).
		Order("next_attempt_at").Limit(1).Find(&row).Error
	if err != nil {
		return nil, fmt.Errorf("next held message: %w", err)
	}
	if row.NextAttemptAt.IsZero() {
		return nil, nil
	}
	t := row.NextAttemptAt
	if row.HoldUntil.After(t) {
		t = row.HoldUntil
	}
	return &t, nil
}

// Delivered reports whether a key was already sent on a channel.
func (s *Store) Delivered(ctx context.Context, key, channel string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("`key` = ? AND channel = ? AND status = ?", key, channel, domain.MessageSent).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("delivered: %w", err)
	}
	return n > 0, nil
}

// RecordDelivery stores one attempt's outcome on a channel, with its
// timeline event.
func (s *Store) RecordDelivery(ctx context.Context, key, messageID, channel, status, lastErr string, at time.Time, event *domain.Event) error {
	row := deliveryRow{Key: key, Channel: channel, MessageID: messageID, Status: status, Attempts: 1, LastError: trim(lastErr, 400)}
	if status == domain.MessageSent {
		row.SentAt = &at
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "key"}, {Name: "channel"}},
		DoUpdates: clause.Assignments(map[string]any{"status": row.Status, "last_error": row.LastError, "sent_at": row.SentAt,
			"attempts": clause.Expr{SQL: "deliveries.attempts + 1"}}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	if event != nil {
		row := eventRowOf(*event, 0)
		if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return fmt.Errorf("record delivery event: %w", err)
		}
	}
	return nil
}

// FinishMessage sets a message's outcome: sent, failed, or queued again
// for a later attempt.
func (s *Store) FinishMessage(ctx context.Context, id, status, lastErr string, next, at time.Time) error {
	updates := map[string]any{"status": status, "last_error": trim(lastErr, 400), "attempts": clause.Expr{SQL: "attempts + 1"}, "next_attempt_at": next.UTC()}
	if status == domain.MessageSent {
		updates["sent_at"] = at
	}
	if err := s.db.WithContext(ctx).Model(&outboxRow{}).Where("id = ?", id).Updates(updates).Error; err != nil {
		return fmt.Errorf("finish message %s: %w", id, err)
	}
	return nil
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// MessageFilter narrows the outbox.
type MessageFilter struct {
	SuggestionID string
	Status       string
	Recipients   []string
}

// MessageList lists outbox messages with their deliveries, newest first.
func (s *Store) MessageList(ctx context.Context, f MessageFilter, page Page) ([]domain.Message, int64, error) {
	q := s.db.WithContext(ctx).Model(&outboxRow{})
	q = whereSet(q, "suggestion_id = ?", f.SuggestionID)
	q = whereSet(q, "status = ?", f.Status)
	if f.Recipients != nil {
		q = q.Where("recipient IN ?", f.Recipients)
	}
	out, total, err := paged(q, "messages", "created_at DESC, id DESC", page, always(outboxRow.domain))
	if err != nil {
		return nil, 0, err
	}
	ids := convert(out, func(m domain.Message) string { return m.ID })
	if len(ids) > 0 {
		var ds []deliveryRow
		if err := s.db.WithContext(ctx).Where("message_id IN ?", ids).Order("channel").Find(&ds).Error; err != nil {
			return nil, 0, fmt.Errorf("deliveries: %w", err)
		}
		byMsg := map[string][]domain.Delivery{}
		for _, d := range ds {
			byMsg[d.MessageID] = append(byMsg[d.MessageID], domain.Delivery{Channel: d.Channel, Status: d.Status, Attempts: d.Attempts,
				LastError: d.LastError, SentAt: d.SentAt})
		}
		for i := range out {
			out[i].Deliveries = byMsg[out[i].ID]
		}
	}
	return out, total, nil
}

// Messages lists the outbox messages of a suggestion.
func (s *Store) Messages(ctx context.Context, suggestionID string) ([]domain.Message, error) {
	var rows []outboxRow
	if err := s.db.WithContext(ctx).Where("suggestion_id = ?", suggestionID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("messages of %s: %w", suggestionID, err)
	}
	return convert(rows, outboxRow.domain), nil
}

// preferenceRow is a recipient's choice of personal channels.
type preferenceRow struct {
	Recipient string `gorm:"primaryKey;size:100"`
	Channels  string `gorm:"size:200"`
	UpdatedAt time.Time
}

func (preferenceRow) TableName() string { return "channel_preferences" }

// Preference is a recipient's personal channels; Set is false when the
// recipient has not chosen, and then every channel with an address is used.
type Preference struct {
	Recipient string   `json:"recipient"`
	Channels  []string `json:"channels"`
	Set       bool     `json:"set"`
}

// SetPreference stores a recipient's channels.
func (s *Store) SetPreference(ctx context.Context, recipient string, channels []string) error {
	row := preferenceRow{Recipient: recipient, Channels: strings.Join(channels, ",")}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "recipient"}},
		DoUpdates: clause.AssignmentColumns([]string{"channels", "updated_at"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set preference: %w", err)
	}
	return nil
}

// PreferenceOf reads a recipient's channels.
func (s *Store) PreferenceOf(ctx context.Context, recipient string) (Preference, error) {
	var rows []preferenceRow
	if err := s.db.WithContext(ctx).Where("recipient = ?", recipient).Limit(1).Find(&rows).Error; err != nil {
		return Preference{}, fmt.Errorf("preference: %w", err)
	}
	p := Preference{Recipient: recipient, Channels: []string{}}
	if len(rows) == 1 {
		p.Set = true
		if rows[0].Channels != "" {
			p.Channels = strings.Split(rows[0].Channels, ",")
		}
	}
	return p, nil
}
