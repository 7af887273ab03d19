package engine

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// logFile is node id's log file in the run's LogDir. A node id that is an
// identifier (every node of a file; not an instance, node[key]) is put
// after logPrefix as it is: filepath.Join, which cleans the whole path,
// was 30 ms of a 100,000-node run.
func (c *core) logFile(id string) string {
	if c.logPrefix != "" && schema.IsIdentifier(id) {
		return c.logPrefix + id + ".log"
	}
	return logFile(c.opts.LogDir, id)
}

// logPrefix is what filepath.Join(dir, name) puts before name, for a name
// that is one plain path element: "" without a dir.
func logPrefix(dir string) string {
	if dir == "" {
		return ""
	}
	p := filepath.Join(dir, "x")
	return p[:len(p)-1]
}

// logFile is node id's log file in dir, or "" without a dir. Node ids in
// pipeline files are identifiers; a plan built in code may use any string,
// which must not reach outside dir.
func logFile(dir, id string) string {
	if dir == "" {
		return ""
	}
	safe := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, id)
	if safe == "" || safe == "." || safe == ".." {
		safe = "_" + safe
	}
	return filepath.Join(dir, safe+".log")
}

// checkSize fails outputs over modules.MaxValueBytes of JSON. Most outputs
// are small: an upper bound of their size, found without encoding, settles
// it; only outputs that may be over the limit are encoded to be measured.
func checkSize(out *modules.Output) error {
	if out == nil || len(out.Values) == 0 {
		return nil
	}
	if sizeBound(out.Values, modules.MaxValueBytes) <= modules.MaxValueBytes {
		return nil
	}
	var n counter
	if err := json.NewEncoder(&n).Encode(out.Values); err != nil {
		return err
	}
	if n <= modules.MaxValueBytes {
		return nil
	}
	return modules.TooLarge("outputs are", int64(n))
}

// dropLargeValues empties the outputs a failing module gave with its error
// when they are over the limit: the record would hold them otherwise.
func dropLargeValues(err error) {
	var me *modules.Error
	if !errors.As(err, &me) || me.Values == nil {
		return
	}
	if e := checkSize(&modules.Output{Values: me.Values}); e != nil {
		me.Values = map[string]any{"error": "outputs dropped: " + e.Error()}
	}
}

// sizeBound is at least the size of v encoded as JSON (a string may
// escape each byte to six), counting no further than past limit.
func sizeBound(v any, limit int) int {
	switch x := v.(type) {
	case string:
		return 6*len(x) + 2
	case map[string]any:
		n := 2
		for k, item := range x {
			n += 6*len(k) + 4 + sizeBound(item, limit-n)
			if n > limit {
				return n
			}
		}
		return n
	case []any:
		n := 2
		for _, item := range x {
			n += 1 + sizeBound(item, limit-n)
			if n > limit {
				return n
			}
		}
		return n
	case nil, bool, int, float64:
		return 24 // the longest number: -1.2345678901234567e-308
	}
	return limit + 1 // not a plain value: measure it
}

// counter counts the bytes written to it.
type counter int

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}
