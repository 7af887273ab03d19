// Package schema owns the pipeline file: its Go types, loading YAML with
// line:col positions, the static checks that need nothing but the file, and
// the JSON Schema that editors validate against.
package schema

import (
	"sort"
	"time"
)

// Pipeline is one pipeline file, decoded. Every part keeps the position it
// was read from so that later checks (graph, modules, expressions) can
// report problems at the right place.
type Pipeline struct {
	Source      *Source
	Name        string
	Description string
	// Config holds the typed defaults in file order. Values are bool, int,
	// float64, string or nil.
	Config []ConfigVar
	// Secrets lists the config keys marked secret in the file; keys named
	// like credentials are secret too (see IsSecret).
	Secrets []Ref
	// DotEnv are the file's `dotenv:` entries as written: .env files
	// whose keys override the config defaults before a --config file's,
	// each relative to the file's directory unless absolute (see
	// engine.DotEnvFiles).
	DotEnv      []Ref
	Nodes       []*Node
	MaxParallel int
	Timeout     time.Duration
	// BaseDir is the file's `base_dir`: the directory relative paths in
	// the pipeline resolve against, itself relative to the file's
	// directory; "" for the default (see engine.BaseDir).
	BaseDir    string
	BaseDirPos Pos
	// Outputs are the pipeline's declared outputs, in file order: what a
	// node that runs it as `module: pipeline` gives as its outputs. Each
	// value holds `${{ }}` over the pipeline's config and nodes, evaluated
	// once every node has ended.
	Outputs []Input
}

// ConfigVar is one `config` entry.
type ConfigVar struct {
	Key   string
	Value any
	Pos   Pos
	// Description says what the key is for: the long form's
	// `description`, else the YAML comment on the key's line or above it.
	// pipe run FILE --help shows it.
	Description string
}

// Node is one entry of `nodes`.
type Node struct {
	ID  string
	Pos Pos
	// Module is the module name; it defaults to the node id.
	Module    string
	ModulePos Pos
	Needs     []Ref
	// When is the expression source, rebuilt from a YAML tag when the user
	// wrote it unquoted (`when: !config.X`).
	When    string
	WhenPos Pos
	// WhenMarks place When's words in the file when it is not written
	// there as it reads (a block, a string over several lines): see
	// Template.Marks.
	WhenMarks []Mark
	// EmptyWhen is where a `when` with nothing in it (~, "", blanks) is
	// written, zero for none. The node runs as if it had no when, and
	// validate warns: a pipeline an earlier pipe ran with one stays valid
	// (a Temporal run replays it).
	EmptyWhen       Pos
	With            []Input
	Timeout         time.Duration
	Retry           Retry
	ContinueOnError bool
	Dangerous       bool
	Description     string
	// Cache is the node's `cache:`: nil when unset (the module decides,
	// see modules.Info.Deterministic), else true or false.
	Cache    *bool
	CachePos Pos
	// Files are the node's `files:` globs, relative to the base
	// directory: a cached node's key holds the contents of what they match.
	Files []Ref
	// Tags say what the node is (web, ml...), for selection by tag
	// (--tags, --skip-tags, --no-web); the module's own tags add to them.
	Tags []Ref
	// Foreach is the node's `foreach:`: nil when the node runs once, else
	// the items it fans out over, one instance each (see Foreach).
	Foreach *Foreach
	// FanOutWritten is set when the node has foreach: or matrix:, valid or
	// not: an invalid one is reported once, not again at each read of item.
	FanOutWritten bool
	// MaxParallel bounds how many of a foreach node's instances run at
	// once (0: only the run's own bound); FailFast cancels the instances
	// not started yet once one fails.
	MaxParallel int
	FailFast    bool
	// Outputs are the outputs the node promises (`outputs:`), in file
	// order; nil when it promises none. See Promise.
	Outputs []Promise
	// Partial is set when the node could not be read whole; checks that
	// need the node's content skip it rather than report knock-on errors.
	Partial bool
}

// Foreach is what a node fans out over: a literal list or map, or one
// `${{ }}` expression decided at run time (over config, or over an
// upstream node's outputs).
type Foreach struct {
	Pos Pos
	// Value is the literal []any or map[string]any; nil when Expr is set.
	Value any
	// Expr is the `${{ }}` string, positioned, when the items come from
	// an expression.
	Expr *Template
	// Keys name the instances of a `matrix:` (its combinations' values,
	// "england,elo"), one per item of Value; nil for a foreach.
	Keys []string
}

// Ref names another node at a position (an entry of `needs`).
type Ref struct {
	ID  string
	Pos Pos
}

// Input is one key of a node's `with`.
type Input struct {
	Key string
	Pos Pos
	// Value is the decoded YAML value: string, int, float64, bool, nil,
	// []any or map[string]any.
	Value any
	// Templates lists every string inside Value that holds `${{`.
	Templates []Template
	// Keys are the positions of the keys of mappings inside Value, by
	// path (".set.league"), for checks of what a mapping may hold.
	Keys []Template
}

// Template is a string inside a `with` value that holds `${{ }}`.
type Template struct {
	// Path locates the string inside the input's value: "" for the value
	// itself, then ".key" and "[i]" steps.
	Path string
	// Pos is where the string starts: expressions inside are positioned
	// from it.
	Pos  Pos
	Text string
	// Marks anchor Text to the file when it is not written there as it
	// reads: in a quoted string, each place from which escapes or folding
	// shift it (so every byte is placed exactly); in a folded or literal
	// block or a plain string over several lines, each ${{. Nil
	// otherwise.
	Marks []Mark
}

// Mark is where byte Off of a Template's Text is in the file.
type Mark struct {
	Off int
	Pos Pos
}

// PosAt returns the file position of byte off of t's Text: counted from
// the last Mark at or before it, else from Pos. Past a line break in a
// string not written as it reads, the column is a guess.
func (t *Template) PosAt(off int) Pos {
	pos, from := t.Pos, 0
	if k := sort.Search(len(t.Marks), func(k int) bool { return t.Marks[k].Off > off }) - 1; k >= 0 {
		pos, from = t.Marks[k].Pos, t.Marks[k].Off
	}
	for _, r := range t.Text[from:min(off, len(t.Text))] {
		if r == '\n' {
			pos.Line++
			pos.Col = 1
		} else {
			pos.Col++
		}
	}
	return pos
}

// Retry is a node's retry policy: Limit more attempts after the first,
// waiting Backoff, then Backoff*Factor, ... up to MaxBackoff.
type Retry struct {
	Limit      int
	Backoff    time.Duration
	Factor     float64
	MaxBackoff time.Duration
}

// Default retry back-off, as documented in the README.
const (
	DefaultBackoff    = time.Second
	DefaultFactor     = 2.0
	DefaultMaxBackoff = time.Minute
)

// Delay returns the wait before retry number n (1-based).
func (r Retry) Delay(n int) time.Duration {
	d := float64(r.Backoff)
	for i := 1; i < n; i++ {
		d *= r.Factor
		if d >= float64(r.MaxBackoff) {
			return r.MaxBackoff
		}
	}
	return min(time.Duration(d), r.MaxBackoff)
}

// NodeIDs returns the node ids in file order.
func (p *Pipeline) NodeIDs() []string {
	ids := make([]string, len(p.Nodes))
	for i, n := range p.Nodes {
		ids[i] = n.ID
	}
	return ids
}

// ConfigKeys returns the config keys in file order.
func (p *Pipeline) ConfigKeys() []string {
	keys := make([]string, len(p.Config))
	for i, c := range p.Config {
		keys[i] = c.Key
	}
	return keys
}
