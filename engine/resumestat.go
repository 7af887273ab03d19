package engine

import (
	"context"
	"os"
	"strings"
	"time"
)

// What a resumed run compares of a big file that a node which does not
// cache reads (resumefiles.go): not its content, hashed as every node
// starts whether or not a run is ever resumed (200 MB cost 0.17 s at
// each start, more from a cold disk), but its stat signature, as
// Nextflow's default -resume and make compare files: its size, modified
// and changed times, and inode. Any write changes the changed time,
// which no program can set back, so a file whose signature is the same
// was not written: a resumed run keeps no node that read a stale file.
// A file touched, or rewritten with the same content, reads as changed:
// its node runs again, which costs a run, never a wrong output.

// contentLimit is the largest file whose content is hashed for a
// resumed run: hashing it costs about a millisecond.
const contentLimit = 1 << 20

// racyWindow is how recent a file's times may be for its signature to
// be trusted: a file systems' clock ticks coarsely (a few milliseconds),
// so a write in the tick its signature was taken in could leave it the
// same. A file written that recently is hashed (as git does with a file
// as new as its index).
var racyWindow = 2 * time.Second // a var for tests, which cannot wait for a file to age

// statPrefix starts a stat signature, where a digest is otherwise.
const statPrefix = "stat:"

// resumeFileDigest is what a resumed run compares of the file at path:
// the hash of its content (linkOrFileDigest) when it is small, new, not
// a regular file, or cannot be looked at; else its stat signature.
func resumeFileDigest(ctx context.Context, path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() <= contentLimit {
		return linkOrFileDigest(ctx, path)
	}
	sig, ok := statSignature(path, fi, time.Now())
	if !ok {
		return linkOrFileDigest(ctx, path)
	}
	return sig, nil
}

func isStatSignature(digest string) bool { return strings.HasPrefix(digest, statPrefix) }
