//go:build linux

package engine

import (
	"fmt"
	"io/fs"
	"syscall"
	"time"
)

// statSignature is fi's size, modified and changed times (in
// nanoseconds), device and inode; ok is false when fi does not have
// them, its times are within racyWindow of now, or path is on a network
// file system, whose clients cache a file's times for seconds to a
// minute (NFS, SMB, FUSE mounts): a file rewritten from another machine
// shortly before could show its old times there.
func statSignature(path string, fi fs.FileInfo, now time.Time) (string, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	var sfs syscall.Statfs_t
	if syscall.Statfs(path, &sfs) != nil || networkFS[int64(sfs.Type)] {
		return "", false
	}
	changed := time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec))
	if now.Sub(fi.ModTime()) < racyWindow || now.Sub(changed) < racyWindow {
		return "", false
	}
	return fmt.Sprintf("%ssize=%d,mtime=%d,ctime=%d,dev=%d,ino=%d", statPrefix, fi.Size(), fi.ModTime().UnixNano(), changed.UnixNano(), st.Dev, st.Ino), true
}

// networkFS are the statfs(2) types of file systems whose clients cache
// files' attributes: NFS, SMB/CIFS (two), FUSE (sshfs and others), Ceph,
// AFS, 9P.
var networkFS = map[int64]bool{
	0x6969: true, 0xFF534D42: true, 0xFE534D42: true, 0x517B: true,
	0x65735546: true, 0x00C36400: true, 0x5346414F: true, 0x01021997: true,
}
