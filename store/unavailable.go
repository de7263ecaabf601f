package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	gomysql "github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"
)

// MySQL server errors that say "not now" rather than "not this": the
// server is going away, full, or gave up on a lock.
var transientMySQL = map[uint16]bool{
	1040: true,                                     // too many connections
	1053: true,                                     // server shutdown in progress
	1205: true,                                     // lock wait timeout
	1213: true,                                     // deadlock; the statement may be tried again
	2002: true, 2003: true, 2006: true, 2013: true, // cannot connect / gone away / lost
}

// Unavailable reports whether err means the database could not be reached
// or could not take the statement right now — something worth trying again
// after a pause, as opposed to a statement it refused.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	var myErr *gomysql.MySQLError
	var liteErr *sqlite.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, gomysql.ErrInvalidConn),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &netErr):
		return true
	case errors.As(err, &myErr):
		return transientMySQL[myErr.Number]
	case errors.As(err, &liteErr):
		// SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
		code := liteErr.Code() & 0xff
		return code == 5 || code == 6
	}
	return false
}
