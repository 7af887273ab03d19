//go:build linux

package engine

import (
	"fmt"
	"io/fs"
	"syscall"
	"time"
)

// statSignature is fi's size, modified and changed times (in
// nanoseconds) and inode; ok is false when fi does not have them, or
// its times are within racyWindow of now.
func statSignature(fi fs.FileInfo, now time.Time) (string, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	changed := time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec))
	if now.Sub(fi.ModTime()) < racyWindow || now.Sub(changed) < racyWindow {
		return "", false
	}
	return fmt.Sprintf("%ssize=%d,mtime=%d,ctime=%d,ino=%d", statPrefix, fi.Size(), fi.ModTime().UnixNano(), changed.UnixNano(), st.Ino), true
}
