//go:build !unix

package engine

import (
	"errors"
	"os"
)

// haveLocks says whether tryLock works here.
const haveLocks = false

// errNoLocks says this system has no file locks pipe can use: a journal
// left behind cannot be told from a live run's, so it is not recovered.
var errNoLocks = errors.New("file locks are not supported on this system")

func tryLock(*os.File) (bool, error) { return false, errNoLocks }
