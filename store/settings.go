package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// policySettingRow is a policy value set on the settings page: the key's
// value written in YAML, as in the policy file, which it overrides.
type policySettingRow struct {
	Key       string `gorm:"primaryKey;column:setting_key;size:64"`
	Value     string `gorm:"type:text"`
	UpdatedBy string `gorm:"size:64"`
	UpdatedAt time.Time
}

func (policySettingRow) TableName() string { return "policy_settings" }

// PolicyValues are the policy values set on the settings page, by key.
func (s *Store) PolicyValues(ctx context.Context) (map[string]string, error) {
	var rows []policySettingRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("policy settings: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out, nil
}

// SetPolicyValue stores a key's value.
func (s *Store) SetPolicyValue(ctx context.Context, key, value, by string, at time.Time) error {
	row := policySettingRow{Key: key, Value: value, UpdatedBy: by, UpdatedAt: at}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "setting_key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value", "updated_by", "updated_at"})}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("set policy %s: %w", key, err)
	}
	return nil
}

// ClearPolicyValue drops a key's value: the policy file's, or the
// default, holds again.
func (s *Store) ClearPolicyValue(ctx context.Context, key string) error {
	if err := s.db.WithContext(ctx).Delete(&policySettingRow{}, "setting_key = ?", key).Error; err != nil {
		return fmt.Errorf("clear policy %s: %w", key, err)
	}
	return nil
}
