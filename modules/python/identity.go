package python

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/pipe-run/pipe/modules"
)

// A Python module declares itself dangerous in its own file, in either of
// two ways pipe reads without running any of it:
//
//	PIPE_DANGEROUS = True        # a module-level assignment, at column 0
//	# pipe: dangerous            # a comment among the file's first lines
var (
	// Compiled on first use, not in an init: inits run at every start of pipe.
	dangerousAssign  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^PIPE_DANGEROUS\s*(:\s*bool\s*)?=\s*True\b`) })
	dangerousComment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#\s*pipe:\s*dangerous\b`) })
)

// commentLines is how far down the file the comment is looked for.
const commentLines = 30

// maxScan bounds how much of a file is read: a module's declaration is
// near its top, and a generated file of many megabytes is not read whole.
const maxScan = 1 << 20

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
	sc := bufio.NewScanner(io.LimitReader(f, maxScan))
	sc.Buffer(make([]byte, 0, 4096), maxScan)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if dangerousAssign().Match(line) || (n <= commentLines && dangerousComment().Match(line)) {
			return modules.Identity{Dangerous: true, Why: fmt.Sprintf("%s:%d declares it dangerous", shown, n)}
		}
	}
	return modules.Identity{}
}
