package exec

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/proc"
)

// maxStdoutValue is the most of a program's text output the `stdout`
// output holds whole. It is below modules.MaxValueBytes because JSON
// escaping can make a string longer, and an output printed by a program
// should not fail its node; past it, the output is an excerpt.
const maxStdoutValue = 1 << 20

// excerptPart is how much of each end of a long output an excerpt keeps.
const excerptPart = 16 << 10

// stdoutValue is the `stdout` output: the program's output, or for a long
// one its first and last lines around a marker that says how much was cut
// and where the whole output is.
func stdoutValue(res *proc.Result, logFile string) string {
	if !res.StdoutCut() && len(res.Stdout) <= maxStdoutValue {
		return strings.TrimRight(string(res.Stdout), "\n")
	}
	tail := res.StdoutTail
	if tail == nil {
		tail = res.Stdout
	}
	head := firstLines(res.Stdout, excerptPart)
	end := lastLines(tail, excerptPart)
	cut := res.StdoutSize - int64(len(head)) - int64(len(end))
	where := "not kept: the node has no log file"
	switch {
	case logFile != "" && res.LogCut:
		// The log's bound counts its timestamped lines, not the output's
		// bytes: say what it holds, not how much of the output that is.
		where = "its start is in " + logFile + " (a log is kept to " + modules.Size(proc.MaxLog) + ")"
	case logFile != "":
		where = "the whole output is in " + logFile
	}
	var b strings.Builder
	b.Write(head)
	if len(head) > 0 && head[len(head)-1] != '\n' {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "[... %s cut; %s ...]\n", modules.Size(cut), where)
	b.Write(bytes.TrimRight(end, "\n"))
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// firstLines returns the whole lines at the start of b within n bytes, or
// n bytes of a first line longer than that.
func firstLines(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	if i := bytes.LastIndexByte(b[:n], '\n'); i >= 0 {
		return b[:i+1]
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}

// lastLines returns the whole lines at the end of b within n bytes, or the
// last n bytes of a last line longer than that.
func lastLines(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	start := len(b) - n
	if i := bytes.IndexByte(b[start:len(b)-1], '\n'); i >= 0 {
		return b[start+i+1:]
	}
	for start < len(b) && !utf8.RuneStart(b[start]) {
		start++
	}
	return b[start:]
}
