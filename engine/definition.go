package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"strings"
	"sync"

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
// pipeline node, its sub-pipeline's own definition; for a node whose
// expressions read `pipeline`, the pipeline's name, description and file
// (the path it was run as). Left out, as they do
// not change what a node that succeeded gave: timeout, retries,
// continue_on_error, description, tags, cache (its key is checked apart),
// dangerous (the gate is checked apart), and a foreach's max_parallel
// and fail_fast. Config values are not in it: a resumed run compares
// those it reads apart (see configChanges).

// definitionLen is how many hex digits of the SHA-256 a digest keeps:
// as Record.FileHash does, 64 bits, ample to tell a node's versions apart.
const definitionLen = 16

// parallelDefinitions is the node count from which a plan's definitions
// are made on every P.
const parallelDefinitions = 4096

// definition returns node i's definition digest, made once per plan
// (plans are shared by the runs, and sub-runs, that use them).
func (p *Plan) definition(i int) string {
	p.defsOnce.Do(p.makeDefinitions)
	return p.defs[i]
}

// makeDefinitions hashes every node's definition. The digests are slices
// of one string, and the canonical text of each is written in one buffer:
// a plan of 100,000 nodes makes them in a handful of allocations.
func (p *Plan) makeDefinitions() {
	all := make([]byte, len(p.nodes)*definitionLen)
	// A big plan's digests are made a chunk per P: the first node to end
	// waits for them all (0.2 µs a node on one core).
	chunks := 1
	if len(p.nodes) >= parallelDefinitions {
		chunks = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for c := range chunks {
		from, to := c*len(p.nodes)/chunks, (c+1)*len(p.nodes)/chunks
		wg.Go(func() {
			var d defWriter
			for i := from; i < to; i++ {
				d.b = d.b[:0]
				p.writeNodeDefinition(&d, i)
				sum := sha256.Sum256(d.b)
				hex.Encode(all[i*definitionLen:(i+1)*definitionLen], sum[:definitionLen/2])
			}
		})
	}
	wg.Wait()
	text := string(all)
	p.defs = make([]string, len(p.nodes))
	for i := range p.defs {
		p.defs[i] = text[i*definitionLen : (i+1)*definitionLen]
	}
}

// writeNodeDefinition writes node i's canonical definition (see above).
func (p *Plan) writeNodeDefinition(d *defWriter, i int) {
	// The node as written: a pipeline node's planNode holds a copy whose
	// file is resolved against the base directory, which may move.
	n := p.Pipeline.Nodes[i]
	d.string("", "module", n.Module)
	for _, in := range d.sortedInputs(n.With) {
		d.value("with.", in.Key, in.Value)
	}
	if len(n.Needs) > 0 {
		d.refs("needs", n.Needs)
	}
	if n.When != "" {
		d.string("", "when", n.When)
	}
	if f := n.Foreach; f != nil {
		d.foreach(f)
	}
	if len(n.Files) > 0 {
		d.refs("files", n.Files)
	}
	for _, o := range n.Outputs {
		d.string("outputs.", o.Name, o.Type)
	}
	if p.Pipeline.BaseDir != "" {
		d.string("", "base_dir", p.Pipeline.BaseDir)
	}
	if sub := p.nodes[i].sub; sub != nil {
		d.string("", "pipeline", sub.pipelineDefinition())
	}
	if pn := &p.nodes[i]; pn.readsPipeline || pn.each != nil && pn.each.pipeline {
		// What it reads of the pipeline: its name, description and file
		// (the path it was run as).
		pl := p.Pipeline
		d.string("", "pipeline.name", pl.Name)
		d.string("", "pipeline.description", pl.Description)
		if pl.Source != nil {
			d.string("", "pipeline.file", pl.Source.Name)
		}
	}
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
	var d defWriter
	for _, i := range ids {
		d.string("node.", p.nodes[i].id, p.definition(i))
	}
	for _, c := range p.Pipeline.Config {
		d.value("config.", c.Key, c.Value)
	}
	for _, out := range d.sortedInputs(p.Pipeline.Outputs) {
		d.value("output.", out.Key, out.Value)
	}
	sum := sha256.Sum256(d.b)
	return hex.EncodeToString(sum[:definitionLen/2])
}

// defWriter writes a canonical definition: a line per field, its name,
// =, and its value in canonical JSON, so that no value can pass for
// another field. Its buffers are reused from node to node.
type defWriter struct {
	b       []byte
	ids     []string
	scratch []schema.Input
}

func (d *defWriter) name(prefix, name string) {
	d.b = append(d.b, prefix...)
	d.b = append(d.b, name...)
	d.b = append(d.b, '=')
}

func (d *defWriter) string(prefix, name, s string) {
	d.name(prefix, name)
	d.b = appendString(d.b, s)
	d.b = append(d.b, '\n')
}

// value writes a decoded YAML value as JSON with maps by sorted key, as
// the record writes values (NaN and ±Infinity as their text); any other
// value, none that YAML decodes to, as Python's JSON, else its text.
func (d *defWriter) value(prefix, name string, v any) {
	d.name(prefix, name)
	mark := len(d.b)
	var err error
	if d.b, err = appendValue(d.b, v); err != nil {
		d.b = d.b[:mark]
		if data, err := modules.MarshalPythonJSON(v); err == nil {
			d.b = append(d.b, data...)
		} else {
			d.b = appendString(d.b, modules.Text(v))
		}
	}
	d.b = append(d.b, '\n')
}

// refs writes the ids of refs, sorted: needs and files are sets.
func (d *defWriter) refs(name string, refs []schema.Ref) {
	d.ids = d.ids[:0]
	for _, r := range refs {
		d.ids = append(d.ids, r.ID)
	}
	slices.Sort(d.ids)
	d.strings(name, d.ids)
}

func (d *defWriter) strings(name string, list []string) {
	d.name("", name)
	d.b = appendStrings(d.b, list)
	d.b = append(d.b, '\n')
}

func (d *defWriter) foreach(f *schema.Foreach) {
	if f.Expr != nil {
		d.string("", "foreach", f.Expr.Text)
		return
	}
	d.value("", "foreach", f.Value)
	if len(f.Keys) > 0 {
		d.strings("foreach.keys", f.Keys)
	}
}

// sortedInputs returns ins sorted by key: ins itself when it is, else a
// sorted copy in the writer's scratch, valid until its next call.
func (d *defWriter) sortedInputs(ins []schema.Input) []schema.Input {
	byKey := func(a, b schema.Input) int { return strings.Compare(a.Key, b.Key) }
	if slices.IsSortedFunc(ins, byKey) {
		return ins
	}
	d.scratch = append(d.scratch[:0], ins...)
	slices.SortFunc(d.scratch, byKey)
	return d.scratch
}
