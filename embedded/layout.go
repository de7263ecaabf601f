package embedded

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"

	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"

	_ "modernc.org/sqlite" // the engine Temporal's SQLite plugin uses, driver "sqlite"
)

// Layout is how the server spreads its work. Some of it cannot change once
// the server has data: a task left in a task queue partition that is no
// longer read would wait forever. So a data file records the layout it was
// created with, in a table of its own beside Temporal's, and keeps it.
type Layout struct {
	// ReadPartitions and WritePartitions are the partitions of every task
	// queue. One worker process polls best from one partition: with four,
	// most tasks missed a waiting poller, went to the backlog and were
	// forwarded between partitions, and a case's first answer took
	// seconds (BENCHMARKS.md).
	ReadPartitions, WritePartitions int
}

// currentLayout is the layout of a data file created now.
var currentLayout = Layout{ReadPartitions: 1, WritePartitions: 1}

// legacyLayout is that of a data file created before layouts were
// recorded, with the server's default of four partitions. It writes to
// one partition only and reads all four, so that nothing left in the other
// three is stranded; the file keeps reading them.
var legacyLayout = Layout{ReadPartitions: 4, WritePartitions: 1}

const layoutTable = "suggestflow_layout"

// dynamicConfig is the server's setting of the layout.
func (l Layout) dynamicConfig() map[string]any {
	return map[string]any{
		"matching.numTaskqueueReadPartitions":  l.ReadPartitions,
		"matching.numTaskqueueWritePartitions": l.WritePartitions,
	}
}

// prepare creates the data file with Temporal's schema and the current
// layout when it does not exist, and reads the layout of one that does.
func prepare(file string, pragmas map[string]string) (Layout, error) {
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		conf := config.SQL{PluginName: sqliteplugin.PluginName, DatabaseName: file, ConnectAttributes: map[string]string{"mode": "rwc"}}
		for k, v := range pragmas {
			conf.ConnectAttributes[k] = v
		}
		if err := sqliteschema.SetupSchema(&conf); err != nil {
			return Layout{}, fmt.Errorf("create the temporal database %s: %w", file, err)
		}
		if err := writeLayout(file, currentLayout); err != nil {
			return Layout{}, err
		}
		return currentLayout, nil
	} else if err != nil {
		return Layout{}, fmt.Errorf("temporal database %s: %w", file, err)
	}
	return readLayout(file)
}

func openFile(file string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("open the temporal database %s: %w", file, err)
	}
	return db, nil
}

func writeLayout(file string, l Layout) error {
	db, err := openFile(file)
	if err != nil {
		return err
	}
	defer db.Close()
	stmts := []string{
		"CREATE TABLE " + layoutTable + " (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
		"INSERT INTO " + layoutTable + " (name, value) VALUES ('read_partitions', " + strconv.Itoa(l.ReadPartitions) + "), ('write_partitions', " + strconv.Itoa(l.WritePartitions) + ")",
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("record the temporal database's layout: %w", err)
		}
	}
	return nil
}

func readLayout(file string) (Layout, error) {
	db, err := openFile(file)
	if err != nil {
		return Layout{}, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", layoutTable).Scan(&n); err != nil {
		return Layout{}, fmt.Errorf("read the temporal database's layout: %w", err)
	}
	if n == 0 {
		return legacyLayout, nil
	}
	rows, err := db.Query("SELECT name, value FROM " + layoutTable)
	if err != nil {
		return Layout{}, fmt.Errorf("read the temporal database's layout: %w", err)
	}
	defer rows.Close()
	l := Layout{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return Layout{}, fmt.Errorf("read the temporal database's layout: %w", err)
		}
		v, err := strconv.Atoi(value)
		if err != nil || v < 1 {
			return Layout{}, fmt.Errorf("the temporal database's layout has %s = %q", name, value)
		}
		switch name {
		case "read_partitions":
			l.ReadPartitions = v
		case "write_partitions":
			l.WritePartitions = v
		}
	}
	if err := rows.Err(); err != nil {
		return Layout{}, fmt.Errorf("read the temporal database's layout: %w", err)
	}
	if l.ReadPartitions == 0 || l.WritePartitions == 0 || l.WritePartitions > l.ReadPartitions {
		return Layout{}, fmt.Errorf("the temporal database's layout is incomplete: %+v", l)
	}
	return l, nil
}
