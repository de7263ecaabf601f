package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/mysql"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	// The pure-Go SQLite engine, registered as "sqlite"; the embedded
	// Temporal server links the same one.
	_ "modernc.org/sqlite"

	"suggestflow/domain"
)

// ErrNotFound is returned for an unknown id.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when a unique value is taken.
var ErrDuplicate = errors.New("already exists")

// Store is the application database.
type Store struct {
	db      *gorm.DB
	dialect string
}

// Open connects to a DSN: "mysql://user:pass@tcp(host:3306)/db?parseTime=true"
// or "sqlite://path". It runs the migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var dial gorm.Dialector
	var dialect string
	switch {
	case strings.HasPrefix(dsn, "mysql://"):
		d := strings.TrimPrefix(dsn, "mysql://")
		if !strings.Contains(d, "parseTime") {
			d += sep(d) + "parseTime=true"
		}
		if !strings.Contains(d, "charset") {
			d += "&charset=utf8mb4"
		}
		dial = mysql.Open(d)
		dialect = "mysql"
	case strings.HasPrefix(dsn, "sqlite://"):
		path := strings.TrimPrefix(dsn, "sqlite://")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database dir: %w", err)
			}
		}
		// The Temporal server links modernc's pure-Go driver under the name
		// "sqlite"; the app shares it. WAL and a busy timeout let the API
		// read while a worker writes.
		d := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
		dial = sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: d})
		dialect = "sqlite"
	default:
		return nil, fmt.Errorf("database DSN must start with mysql:// or sqlite://")
	}
	db, err := gorm.Open(dial, &gorm.Config{
		TranslateError: true,
		// SQLite compares times as text, so every time is kept in UTC.
		NowFunc: func() time.Time { return time.Now().UTC() },
		Logger: logger.New(slogWriter{}, logger.Config{SlowThreshold: time.Second, LogLevel: logger.Warn,
			IgnoreRecordNotFoundError: true}),
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle: %w", err)
	}
	if dialect == "sqlite" {
		sqlDB.SetMaxOpenConns(4)
	} else {
		sqlDB.SetMaxOpenConns(50)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	}
	s := &Store{db: db, dialect: dialect}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func sep(s string) string {
	if strings.Contains(s, "?") {
		return "&"
	}
	return "?"
}

func (s *Store) migrate(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if s.dialect == "mysql" {
		// Chinese text needs utf8mb4 whatever the database's default is.
		db = db.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	var err error
	// Processes starting together on an empty database race to create the
	// tables; the loser finds them made and carries on.
	for attempt := 0; attempt < 5; attempt++ {
		if err = db.AutoMigrate(allModels()...); err == nil {
			return s.backfill(ctx)
		}
		if !strings.Contains(err.Error(), "already exists") {
			break
		}
		time.Sleep(time.Duration(200*(attempt+1)) * time.Millisecond)
	}
	return fmt.Errorf("migrate: %w", err)
}

// backfill fills columns added after rows were written: parties stored
// before they carried the submission time and status get them from their
// case.
func (s *Store) backfill(ctx context.Context) error {
	for _, col := range []string{"submitted_at", "status"} {
		err := s.db.WithContext(ctx).Exec(fmt.Sprintf(`UPDATE suggestion_parties SET %[1]s =
			(SELECT %[1]s FROM suggestions WHERE suggestions.id = suggestion_parties.suggestion_id)
			WHERE %[1]s IS NULL`, col)).Error
		if err != nil {
			return fmt.Errorf("migrate: backfill party %s: %w", col, err)
		}
	}
	return nil
}

// Close releases the connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Dialect is "sqlite" or "mysql".
func (s *Store) Dialect() string { return s.dialect }

func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey),
		// modernc's SQLite errors are not among those GORM translates.
		strings.Contains(err.Error(), "UNIQUE constraint failed"):
		return ErrDuplicate
	}
	return err
}

// --- deputies and units ---

// CreateDeputy stores a new deputy.
func (s *Store) CreateDeputy(ctx context.Context, d domain.Deputy) error {
	row := deputyRow{ID: d.ID, Name: d.Name, Level: d.Level, Group: d.Group, Phone: d.Phone, Email: d.Email}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create deputy: %w", translate(err))
	}
	return nil
}

func (r deputyRow) domain() domain.Deputy {
	return domain.Deputy{ID: r.ID, Name: r.Name, Level: r.Level, Group: r.Group, Phone: r.Phone, Email: r.Email}
}

// Deputy finds one deputy.
func (s *Store) Deputy(ctx context.Context, id string) (domain.Deputy, error) {
	var row deputyRow
	if err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error; err != nil {
		return domain.Deputy{}, fmt.Errorf("deputy %s: %w", id, translate(err))
	}
	return row.domain(), nil
}

// Deputies lists deputies by name.
func (s *Store) Deputies(ctx context.Context, page Page) ([]domain.Deputy, int64, error) {
	var rows []deputyRow
	var total int64
	q := s.db.WithContext(ctx).Model(&deputyRow{})
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count deputies: %w", err)
	}
	if err := q.Order("name, id").Offset(page.offset()).Limit(page.Size).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list deputies: %w", err)
	}
	out := make([]domain.Deputy, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, total, nil
}

// MissingDeputies returns those of ids that are not deputies.
func (s *Store) MissingDeputies(ctx context.Context, ids []string) ([]string, error) {
	return s.missing(ctx, &deputyRow{}, ids)
}

// MissingUnits returns those of ids that are not units.
func (s *Store) MissingUnits(ctx context.Context, ids []string) ([]string, error) {
	return s.missing(ctx, &unitRow{}, ids)
}

func (s *Store) missing(ctx context.Context, model any, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var found []string
	if err := s.db.WithContext(ctx).Model(model).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return nil, fmt.Errorf("look up ids: %w", err)
	}
	have := map[string]bool{}
	for _, id := range found {
		have[id] = true
	}
	var out []string
	for _, id := range ids {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// CreateUnit stores a new unit.
func (s *Store) CreateUnit(ctx context.Context, u domain.Unit) error {
	row := unitRow{ID: u.ID, Name: u.Name, Head: u.Head, Phone: u.Phone, Email: u.Email}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create unit: %w", translate(err))
	}
	return nil
}

func (r unitRow) domain() domain.Unit {
	return domain.Unit{ID: r.ID, Name: r.Name, Head: r.Head, Phone: r.Phone, Email: r.Email}
}

// Unit finds one unit.
func (s *Store) Unit(ctx context.Context, id string) (domain.Unit, error) {
	var row unitRow
	if err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error; err != nil {
		return domain.Unit{}, fmt.Errorf("unit %s: %w", id, translate(err))
	}
	return row.domain(), nil
}

// Units lists units by name.
func (s *Store) Units(ctx context.Context, page Page) ([]domain.Unit, int64, error) {
	var rows []unitRow
	var total int64
	q := s.db.WithContext(ctx).Model(&unitRow{})
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count units: %w", err)
	}
	if err := q.Order("name, id").Offset(page.offset()).Limit(page.Size).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list units: %w", err)
	}
	out := make([]domain.Unit, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, total, nil
}

// Page is a page of a list, counted from 1.
type Page struct {
	Number int
	Size   int
}

func (p Page) offset() int { return (p.Number - 1) * p.Size }

// --- accounts ---

// EnsureAdmin creates the bootstrap admin account with the token hash if
// no admin exists; it reports whether it created one.
func (s *Store) EnsureAdmin(ctx context.Context, tokenHash string) (bool, error) {
	created := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&accountRow{}).Where("id = ?", "admin").Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := tx.Create(&accountRow{ID: "admin", Role: "admin", Name: "presidium administrator"}).Error; err != nil {
			return err
		}
		created = true
		return tx.Create(&tokenRow{ID: "admin-bootstrap", AccountID: "admin", Hash: tokenHash}).Error
	})
	if err != nil {
		return false, fmt.Errorf("ensure admin: %w", err)
	}
	return created, nil
}

// SetAdminToken replaces the bootstrap token's hash (a configured token).
func (s *Store) SetAdminToken(ctx context.Context, tokenHash string) error {
	err := s.db.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", "admin-bootstrap").Update("hash", tokenHash).Error
	if err != nil {
		return fmt.Errorf("set admin token: %w", err)
	}
	return nil
}

// Account is who a token belongs to.
type Account struct {
	TokenID  string
	ID       string
	Role     string
	Name     string
	UnitID   string
	DeputyID string
}

// AccountByTokenHash finds the account of a live token.
func (s *Store) AccountByTokenHash(ctx context.Context, hash string, at time.Time) (Account, error) {
	var tok tokenRow
	err := s.db.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", hash, at).
		First(&tok).Error
	if err != nil {
		return Account{}, fmt.Errorf("token: %w", translate(err))
	}
	var acc accountRow
	if err := s.db.WithContext(ctx).First(&acc, "id = ?", tok.AccountID).Error; err != nil {
		return Account{}, fmt.Errorf("account of token: %w", translate(err))
	}
	return Account{TokenID: tok.ID, ID: acc.ID, Role: acc.Role, Name: acc.Name, UnitID: acc.UnitID, DeputyID: acc.DeputyID}, nil
}

// --- suggestions ---

// SaveOpinions keeps a suggestion's constituent opinions (personal data,
// never sent to Temporal). Idempotent.
func (s *Store) SaveOpinions(ctx context.Context, suggestionID string, opinions []string) error {
	if len(opinions) == 0 {
		return nil
	}
	rows := make([]opinionRow, 0, len(opinions))
	for i, o := range opinions {
		rows = append(rows, opinionRow{ID: fmt.Sprintf("%s-%d", suggestionID, i+1), SuggestionID: suggestionID, Content: o})
	}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return fmt.Errorf("save opinions of %s: %w", suggestionID, err)
	}
	return nil
}

// OpenDuplicate finds an open suggestion with the same lead deputy and
// title, so a resubmission without a key is caught.
func (s *Store) OpenDuplicate(ctx context.Context, leadDeputyID, title string) (string, error) {
	var row suggestionRow
	err := s.db.WithContext(ctx).Select("id").
		Where("lead_deputy_id = ? AND title = ? AND status NOT IN ?", leadDeputyID, title, []string{"returned", "closed"}).
		First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find duplicate: %w", err)
	}
	return row.ID, nil
}

// CreateSuggestion inserts a new suggestion and gives it the next number
// of its year. A second call for the same id returns the first number.
func (s *Store) CreateSuggestion(ctx context.Context, sg domain.Suggestion, year int) (string, error) {
	var number string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing suggestionRow
		err := tx.Select("number").First(&existing, "id = ?", sg.ID).Error
		if err == nil {
			number = existing.Number
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		name := fmt.Sprintf("suggestion-%d", year)
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&counterRow{Name: name}).Error; err != nil {
			return err
		}
		if err := tx.Model(&counterRow{}).Where("name = ?", name).Update("value", gorm.Expr("value + 1")).Error; err != nil {
			return err
		}
		var c counterRow
		if err := tx.First(&c, "name = ?", name).Error; err != nil {
			return err
		}
		number = fmt.Sprintf("%d-%03d", year, c.Value)
		sg.Number = number
		row, parties, err := suggestionRows(sg)
		if err != nil {
			return err
		}
		row.Seq = -1
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return tx.Create(&parties).Error
	})
	if err != nil {
		return "", fmt.Errorf("create suggestion %s: %w", sg.ID, translate(err))
	}
	return number, nil
}

func suggestionRows(sg domain.Suggestion) (suggestionRow, []partyRow, error) {
	state, err := json.Marshal(sg)
	if err != nil {
		return suggestionRow{}, nil, err
	}
	row := suggestionRow{
		ID: sg.ID, Number: sg.Number, Title: sg.Title, Kind: sg.Kind, Category: sg.Category,
		LeadDeputyID: sg.LeadDeputyID, SubmittedIn: sg.SubmittedIn, Status: string(sg.Status),
		Overdue: sg.Overdue, Escalated: sg.Escalated, ExtensionPending: sg.PendingExtension != nil,
		LeadUnitID: sg.LeadUnitID(), Round: sg.Round, DueAt: sg.DueAt, SubmittedAt: sg.SubmittedAt,
		ClosedAt: sg.ClosedAt, ClosedAs: sg.ClosedAs, Seq: sg.Seq, State: string(state),
	}
	party := func(id, role string) partyRow {
		return partyRow{SuggestionID: sg.ID, PartyID: id, Role: role, SubmittedAt: sg.SubmittedAt, Status: string(sg.Status)}
	}
	parties := []partyRow{party(sg.LeadDeputyID, "lead_deputy")}
	for _, d := range sg.CoSignerIDs {
		parties = append(parties, party(d, "co_signer"))
	}
	if a := sg.Assignment; a != nil {
		parties = append(parties, party(a.LeadUnitID, "lead_unit"))
		for _, u := range a.CoUnitIDs {
			parties = append(parties, party(u, "co_unit"))
		}
	}
	return row, parties, nil
}

// Record writes one workflow step in one transaction. Every row has a
// deterministic id, so a retried step writes nothing twice, and a state
// older than the stored one is not written back.
func (s *Store) Record(ctx context.Context, step domain.Step, messages []domain.Message) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// A fresh statement each time: a GORM chain must not be reused.
		ignore := func() *gorm.DB { return tx.Clauses(clause.OnConflict{DoNothing: true}) }
		if sg := step.Suggestion; sg != nil {
			row, parties, err := suggestionRows(*sg)
			if err != nil {
				return err
			}
			res := tx.Model(&suggestionRow{}).Where("id = ? AND seq <= ?", row.ID, row.Seq).
				Select("*").Omit("id", "updated_at").Updates(&row)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				if err := tx.Where("suggestion_id = ?", sg.ID).Delete(&partyRow{}).Error; err != nil {
					return err
				}
				if err := tx.Create(&parties).Error; err != nil {
					return err
				}
			}
		}
		if m := step.Meeting; m != nil {
			state, err := json.Marshal(m)
			if err != nil {
				return err
			}
			row := meetingRow{ID: m.ID, SuggestionID: m.SuggestionID, UnitID: m.UnitID, Reason: m.Reason, Status: m.Status,
				ScheduledAt: m.ScheduledAt, Seq: m.Seq, State: string(state), UpdatedAt: time.Now()}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
				return err
			}
			if err := tx.Model(&meetingRow{}).Where("id = ? AND seq <= ?", m.ID, m.Seq).
				Updates(map[string]any{"status": m.Status, "scheduled_at": m.ScheduledAt, "seq": m.Seq, "state": string(state), "updated_at": time.Now()}).Error; err != nil {
				return err
			}
		}
		if r := step.Round; r != nil && step.Suggestion != nil {
			id := fmt.Sprintf("%s-r%d", step.Suggestion.ID, r.Number)
			if !r.StartedAt.IsZero() {
				row := roundRow{ID: id, SuggestionID: step.Suggestion.ID, Number: r.Number, StartedAt: r.StartedAt, DueAt: r.DueAt}
				if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
					DoUpdates: clause.AssignmentColumns([]string{"started_at", "due_at", "overdue", "replied_at"})}).Create(&row).Error; err != nil {
					return err
				}
			}
			if r.Overdue {
				if err := tx.Model(&roundRow{}).Where("id = ?", id).Update("overdue", true).Error; err != nil {
					return err
				}
			}
			if r.RepliedAt != nil {
				if err := tx.Model(&roundRow{}).Where("id = ?", id).Update("replied_at", r.RepliedAt).Error; err != nil {
					return err
				}
			}
		}
		sid := ""
		if step.Suggestion != nil {
			sid = step.Suggestion.ID
		}
		if c := step.Consultation; c != nil {
			parts, _ := json.Marshal(c.Participants)
			if err := ignore().Create(&consultationRow{ID: c.ID, SuggestionID: sid, Round: c.Round, HeldAt: c.HeldAt,
				Method: c.Method, Participants: string(parts), Notes: c.Notes, RecordedAt: c.RecordedAt}).Error; err != nil {
				return err
			}
		}
		if p := step.ProgressReport; p != nil {
			if err := ignore().Create(&progressReportRow{ID: p.ID, SuggestionID: sid, Round: p.Round, Content: p.Content, At: p.At}).Error; err != nil {
				return err
			}
		}
		if x := step.Extension; x != nil {
			row := extensionRow{ID: x.ID, SuggestionID: sid, Round: x.Round, Reason: x.Reason, Measures: x.Measures,
				OldDueAt: x.OldDueAt, NewDueAt: x.NewDueAt, At: x.At, Decision: x.Decision, Comment: x.Comment, DecidedAt: x.DecidedAt}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
				DoUpdates: clause.AssignmentColumns([]string{"decision", "comment", "decided_at"})}).Create(&row).Error; err != nil {
				return err
			}
		}
		if r := step.Reply; r != nil {
			if err := ignore().Create(&replyRow{ID: r.ID, SuggestionID: sid, Round: r.Round, ResultClass: r.ResultClass,
				Content: r.Content, PromisedAt: r.PromisedAt, RepliedAt: r.RepliedAt, DueAt: r.DueAt, OnTime: r.OnTime,
				Consulted: r.Consulted}).Error; err != nil {
				return err
			}
		}
		if r := step.Rating; r != nil {
			if err := ignore().Create(&ratingRow{ID: r.ID, SuggestionID: sid, Round: r.Round, DeputyID: r.DeputyID, Lead: r.Lead,
				Attitude: r.Attitude, Result: r.Result, Reasons: r.Reasons, At: r.At}).Error; err != nil {
				return err
			}
		}
		if o := step.CoOpinion; o != nil {
			if err := ignore().Create(&coOpinionRow{ID: o.ID, SuggestionID: sid, UnitID: o.UnitID, Content: o.Content, At: o.At}).Error; err != nil {
				return err
			}
		}
		if c := step.Completion; c != nil {
			if err := ignore().Create(&completionRow{ID: c.ID, SuggestionID: sid, Content: c.Content, Evidence: c.Evidence,
				Kept: c.Kept, SignedBy: c.SignedBy, At: c.At}).Error; err != nil {
				return err
			}
		}
		if len(step.Events) > 0 {
			rows := make([]eventRow, 0, len(step.Events))
			for i, e := range step.Events {
				rows = append(rows, eventRow{ID: e.ID, SuggestionID: e.SuggestionID, MeetingID: e.MeetingID, At: e.At, Ord: i,
					ActorID: e.Actor.ID, ActorRole: e.Actor.Role, Type: e.Type, Detail: e.Detail})
			}
			if err := ignore().Create(&rows).Error; err != nil {
				return err
			}
		}
		if len(messages) > 0 {
			rows := make([]outboxRow, 0, len(messages))
			for _, m := range messages {
				rows = append(rows, outboxRowOf(m))
			}
			if err := ignore().Create(&rows).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record step: %w", err)
	}
	return nil
}
