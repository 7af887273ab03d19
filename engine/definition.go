package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// This file holds a node's definition digest (NodeRecord.Definition):
// what its pipeline file says of it that decides what it does, hashed in
// a canonical form, so that a resumed run (pipe run --resume) keeps a
// node only while it is the node that ran, whatever else in the file
// changed: comments, key order, quoting, blank lines, other nodes.
//
// In it: the module; each input as decoded (so `"x"` and `x` are one
// value, and `${{ }}` templates are their text); needs, as a set; when;
// foreach or matrix; files (a cached node's key reads them, and listing
// one says the node reads it); outputs (what the nodes below are checked
// against); the pipeline's base_dir (where programs run); and, for a
// pipeline node, its sub-pipeline's own definition. Left out, as they do
// not change what a node that succeeded gave: timeout, retries,
// continue_on_error, description, tags, cache (its key is checked apart),
// dangerous (the gate is checked apart), and a foreach's max_parallel
// and fail_fast. Config values are not in it: a resumed run compares
// those it reads apart (see configChanges).

// definitionLen is how many hex digits of the SHA-256 a digest keeps:
// as Record.FileHash does, 64 bits, ample to tell a node's versions apart.
const definitionLen = 16

// definition returns node i's definition digest, made once per plan
// (plans are shared by the runs, and sub-runs, that use them).
func (p *Plan) definition(i int) string {
	p.defsOnce.Do(func() {
		p.defs = make([]string, len(p.nodes))
		for j := range p.nodes {
			p.defs[j] = p.nodeDefinition(j)
		}
	})
	return p.defs[i]
}

// nodeDefinition hashes node i's canonical definition (see above).
func (p *Plan) nodeDefinition(i int) string {
	// The node as written: a pipeline node's planNode holds a copy whose
	// file is resolved against the base directory, which may move.
	n := p.Pipeline.Nodes[i]
	var b []byte
	b = defString(b, "module", n.Module)
	for _, in := range sortedInputs(n.With) {
		b = defValue(b, "with."+in.Key, in.Value)
	}
	if len(n.Needs) > 0 {
		b = defStrings(b, "needs", refIDs(n.Needs))
	}
	if n.When != "" {
		b = defString(b, "when", n.When)
	}
	if f := n.Foreach; f != nil {
		b = defForeach(b, f)
	}
	if len(n.Files) > 0 {
		b = defStrings(b, "files", refIDs(n.Files))
	}
	for _, o := range n.Outputs {
		b = defString(b, "outputs."+o.Name, o.Type)
	}
	if p.Pipeline.BaseDir != "" {
		b = defString(b, "base_dir", p.Pipeline.BaseDir)
	}
	if sub := p.nodes[i].sub; sub != nil {
		b = defString(b, "pipeline", sub.pipelineDefinition())
	}
	return digestHex(b)
}

// pipelineDefinition hashes what a pipeline node's sub-pipeline is: its
// nodes' definitions by id, its config defaults (what a key not set gets)
// and its outputs.
func (p *Plan) pipelineDefinition() string {
	ids := make([]int, len(p.nodes))
	for i := range ids {
		ids[i] = i
	}
	slices.SortFunc(ids, func(a, b int) int { return strings.Compare(p.nodes[a].id, p.nodes[b].id) })
	var b []byte
	for _, i := range ids {
		b = defString(b, "node."+p.nodes[i].id, p.definition(i))
	}
	for _, c := range p.Pipeline.Config {
		b = defValue(b, "config."+c.Key, c.Value)
	}
	for _, out := range sortedInputs(p.Pipeline.Outputs) {
		b = defValue(b, "output."+out.Key, out.Value)
	}
	return digestHex(b)
}

func defForeach(b []byte, f *schema.Foreach) []byte {
	if f.Expr != nil {
		return defString(b, "foreach", f.Expr.Text)
	}
	b = defValue(b, "foreach", f.Value)
	if len(f.Keys) > 0 {
		b = defStrings(b, "foreach.keys", f.Keys)
	}
	return b
}

// defString appends field name with value s, one line each, quoted as
// JSON: no value can pass for another field.
func defString(b []byte, name, s string) []byte {
	b = append(b, name...)
	b = append(b, '=')
	b = appendString(b, s)
	return append(b, '\n')
}

func defStrings(b []byte, name string, list []string) []byte {
	b = append(b, name...)
	b = append(b, '=')
	b = appendStrings(b, list)
	return append(b, '\n')
}

// defValue appends an input's decoded value in canonical JSON (maps by
// sorted key, numbers as JSON writes them). A value JSON cannot hold
// (none that YAML decodes to) stands as its Go text.
func defValue(b []byte, name string, v any) []byte {
	b = append(b, name...)
	b = append(b, '=')
	if s, ok := v.(string); ok { // most inputs: no allocation
		b = appendString(b, s)
	} else if data, err := modules.MarshalPythonJSON(v); err == nil {
		b = append(b, data...)
	} else {
		b = appendString(b, modules.Text(v))
	}
	return append(b, '\n')
}

// sortedInputs returns ins sorted by key, ins itself when already sorted.
func sortedInputs(ins []schema.Input) []schema.Input {
	byKey := func(a, b schema.Input) int { return strings.Compare(a.Key, b.Key) }
	if slices.IsSortedFunc(ins, byKey) {
		return ins
	}
	return slices.SortedFunc(slices.Values(ins), byKey)
}

// refIDs returns the ids of refs, sorted: needs and files are sets.
func refIDs(refs []schema.Ref) []string {
	ids := make([]string, len(refs))
	for k, r := range refs {
		ids[k] = r.ID
	}
	slices.Sort(ids)
	return ids
}

func digestHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:definitionLen/2])
}
