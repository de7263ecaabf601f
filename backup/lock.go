package backup

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// LockName is the lock file in the data dir that a running service holds.
const LockName = "suggestflow.lock"

// Lock takes the data dir's lock, held by a running service with the
// embedded databases, so that a restore never swaps files under it and
// two services never share one data dir. The lock ends with the process,
// even after SIGKILL.
func Lock(dataDir string) (unlock func(), err error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dataDir, LockName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("a SuggestFlow service is running on the data dir %s (its lock %s is held); stop it first", dataDir, LockName)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
