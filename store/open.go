package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/mysql"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	// The pure-Go SQLite engine, registered as "sqlite"; the embedded
	// Temporal server links the same one.
	_ "modernc.org/sqlite"
)

// ErrNotFound is returned for an unknown id.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when a unique value is taken.
var ErrDuplicate = errors.New("already exists")

// Store is the application database.
type Store struct {
	db      *gorm.DB
	dialect string
	// blobs keeps new attachments' bytes; nil: the database (attachments.go).
	blobs Blobs
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
			err = s.migrateSearch(ctx, db)
		}
		if err == nil {
			return s.backfill(ctx)
		}
		if !strings.Contains(err.Error(), "already exists") {
			break
		}
		time.Sleep(time.Duration(200*(attempt+1)) * time.Millisecond)
	}
	return fmt.Errorf("migrate: %w", err)
}

// migrateSearch creates the search index of the dialect (search_sqlite.go,
// search_mysql.go); GORM cannot declare an FTS5 table.
func (s *Store) migrateSearch(ctx context.Context, db *gorm.DB) error {
	if s.dialect == "mysql" {
		return db.AutoMigrate(&searchGramRow{})
	}
	return s.migrateSearchSQLite(ctx)
}

// backfill fills what was added after rows were written: parties stored
// before they carried the submission time and status get them from their
// case, the statistics counters are filled once, and suggestions without a
// search document get one.
func (s *Store) backfill(ctx context.Context) error {
	for _, col := range []string{"submitted_at", "status"} {
		err := s.db.WithContext(ctx).Exec(fmt.Sprintf(`UPDATE suggestion_parties SET %[1]s =
			(SELECT %[1]s FROM suggestions WHERE suggestions.id = suggestion_parties.suggestion_id)
			WHERE %[1]s IS NULL`, col)).Error
		if err != nil {
			return fmt.Errorf("migrate: backfill party %s: %w", col, err)
		}
	}
	if err := s.backfillStats(ctx); err != nil {
		return err
	}
	return s.backfillSearch(ctx)
}

// Close releases the connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("database handle: %w", err)
	}
	if err := sqlDB.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("database handle: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
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

// slogWriter sends GORM's warnings (slow queries, errors) to slog.
type slogWriter struct{}

func (slogWriter) Printf(format string, args ...any) {
	slog.Warn("database", "message", strings.TrimSpace(fmt.Sprintf(format, args...)))
}
