package python

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/pipe-run/pipe/modules"
)

// A Python module declares itself dangerous in its own file, in either of
// two ways pipe reads without running any of it:
//
//	PIPE_DANGEROUS = True        # a module-level assignment, at column 0
//	# pipe: dangerous            # a comment among the file's first lines
//
// The check fails closed: an assignment of anything but a plain false
// value (False, 0, None, an empty string) declares the module dangerous,
// the whole file is read however long it or its lines are, and a
// byte-order mark before the first line is skipped, as Python does.
var (
	// Compiled on first use, not in an init: inits run at every start of pipe.
	dangerousAssign  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^PIPE_DANGEROUS\s*(:[^=]*)?=([^=].*)?$`) })
	dangerousComment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#\s*pipe:\s*dangerous\b`) })
)

// commentLines is how far down the file the comment is looked for.
const commentLines = 30

// linePrefix is how much of each line is matched: a declaration is short,
// and a line of megabytes is not held whole.
const linePrefix = 4096

// inspect is the module's Info.Inspect: the node is dangerous when its
// Python file (path, relative to dir) declares itself so.
func inspect(with map[string]any, dir string) modules.Identity {
	path, _ := with["path"].(string)
	if path == "" {
		return modules.Identity{}
	}
	full := path
	if !filepath.IsAbs(full) {
		full = filepath.Join(dir, path)
	}
	return declared(full, path)
}

// declared reads the file at full (named shown in messages) for a
// declaration; a file that cannot be read declares nothing (the run says
// it is missing).
func declared(full, shown string) modules.Identity {
	f, err := os.Open(full)
	if err != nil {
		return modules.Identity{}
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, linePrefix)
	for n := 1; ; n++ {
		line, err := firstOfLine(r)
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if dangerousLine(line, n) {
			return modules.Identity{Dangerous: true, Why: fmt.Sprintf("%s:%d declares it dangerous", shown, n)}
		}
		if err != nil {
			return modules.Identity{}
		}
	}
}

// dangerousLine reports whether line n of a module declares it dangerous.
func dangerousLine(line []byte, n int) bool {
	line = bytes.TrimRight(line, "\r\n")
	if n <= commentLines && dangerousComment().Match(line) {
		return true
	}
	m := dangerousAssign().FindSubmatch(line)
	if m == nil {
		return false
	}
	value := string(m[2])
	if i := strings.IndexByte(value, '#'); i >= 0 {
		value = value[:i]
	}
	value = strings.Trim(strings.TrimSpace(value), "() \t")
	switch value {
	case "False", "0", "None", `""`, "''":
		return false
	}
	return true
}

// firstOfLine returns the first linePrefix bytes of the next line, and
// skips the rest of it; the error is the reader's at the file's end.
func firstOfLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	out := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		_, err = r.ReadSlice('\n')
	}
	return out, err
}
