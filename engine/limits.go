package engine

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

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

// MaxRunValueBytes bounds the outputs a run holds, all its nodes' together,
// as JSON: modules.MaxValueBytes bounds one node's, but a foreach of many
// instances multiplies it (100 instances of 4 MB peaked at 3.3 GB and
// wrote an 800 MB record; 300 ran pipe out of memory before it wrote
// any). Every node's outputs stay in memory until the run ends, for the
// nodes below and for the record, which holds them all and which pipe
// show, pipe runs and --resume read back whole. 256 MiB is 64 nodes at the
// per-node limit, far past what runs of values use (100,000 nodes of 50 bytes
// each hold 5 MB), and keeps pipe's peak under 1 GB at the
// bound (the values, and the record as it is encoded and written: 0.7-0.8
// GB measured for 100 to 2,000 instances of 4 MB), which a small CI runner
// has. Past it, the node whose outputs would cross it fails
// (RunValuesError).
const MaxRunValueBytes = 256 << 20

// charge counts size bytes of node or instance i's outputs against the
// run's limit for values. An instance's count twice: its node's fan-in
// lists them again (sharing the values in memory, but writing them again
// in the record). Over the limit nothing is counted and the error says so;
// a node kept from an earlier run (force) is counted whatever the total,
// since it cannot fail now.
func (c *core) charge(i int, size int64, force bool) error {
	if size <= 0 {
		return nil
	}
	twice := i >= len(c.plan.nodes)
	n := size
	if twice {
		n *= 2
	}
	limit := c.opts.valueLimit
	if limit <= 0 {
		limit = MaxRunValueBytes
	}
	if !force && c.values+n > limit {
		return &RunValuesError{Size: size, Total: c.values + n, Limit: limit, Twice: twice}
	}
	c.values += n
	return nil
}

// valuesSize is the size of outputs encoded as JSON, as the record writes
// them (appendValue), counted without encoding the plain values.
func valuesSize(outputs map[string]any) int64 {
	if len(outputs) == 0 {
		return 0
	}
	return jsonSize(outputs)
}

func jsonSize(v any) int64 {
	switch x := v.(type) {
	case nil:
		return 4
	case string:
		return stringSize(x)
	case bool:
		if x {
			return 4
		}
		return 5
	case int:
		return intSize(int64(x))
	case int64:
		return intSize(x)
	case float64:
		var b [32]byte
		return int64(len(appendFloat(b[:0], x)))
	case []any:
		n := int64(2)
		if len(x) > 1 {
			n += int64(len(x) - 1) // commas
		}
		for _, item := range x {
			n += jsonSize(item)
		}
		return n
	case map[string]any:
		n := int64(2)
		if len(x) > 1 {
			n += int64(len(x) - 1)
		}
		for k, item := range x {
			n += stringSize(k) + 1 + jsonSize(item)
		}
		return n
	}
	b, err := modules.MarshalJSON(v) // not a plain value: a Go module's
	if err != nil {
		return 0 // the record cannot hold it either: the record says so
	}
	return int64(len(b))
}

func intSize(x int64) int64 {
	var b [24]byte
	return int64(len(strconv.AppendInt(b[:0], x, 10)))
}

// stringSize is the length of s quoted as appendString quotes it.
func stringSize(s string) int64 {
	n := int64(len(s)) + 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n += int64(escapeExtra[c])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 5 // one byte written as \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 3 // three bytes written as six
		}
		i += size
	}
	return n
}

// escapeExtra is how many bytes appendString adds to each ASCII byte.
var escapeExtra = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t':
			t[c] = 1
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			t[c] = 5
		}
	}
	return t
}()

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
	if children, ok := out.Values[childrenKey]; ok {
		// A pipeline node's sub-pipeline records are no value a node
		// reads: the record holds them, as it holds a run's own nodes
		// (each cut there), and they are as many as its nodes.
		var c counter
		if err := json.NewEncoder(&c).Encode(children); err == nil && n-c <= modules.MaxValueBytes {
			return nil
		}
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
