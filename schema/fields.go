package schema

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// The keys a pipeline file may use. The tables below are the one list of
// pipeline and node keys: the loader reads each key through its entry,
// the names (PipelineKeys, NodeKeys) and the unknown-key hints come from
// them, and tests hold schema/pipeline.schema.json and the README's key
// tables to them (schema_test.go, fields_test.go).

// pipelineKey is one top-level key and how it is read into l.p.
type pipelineKey struct {
	name string
	read func(l *loader, v *yaml.Node)
}

var pipelineKeys = []pipelineKey{
	{"name", (*loader).name},
	{"description", func(l *loader, v *yaml.Node) { l.p.Description, _ = l.str(v, "description") }},
	{"config", (*loader).config},
	{"dotenv", func(l *loader, v *yaml.Node) { l.p.DotEnv = l.dotenv(v) }},
	{"nodes", func(l *loader, v *yaml.Node) {
		l.nodesAt = v
		if v.Kind != yaml.MappingNode {
			l.errorf(posOf(v), "write `nodes:` as a mapping of node id to node", "nodes must be a mapping, not %s", kindName(v))
			l.nodesAt = nil
		}
	}},
	{"max_parallel", func(l *loader, v *yaml.Node) {
		if n, ok := l.int(v, "max_parallel"); ok {
			if n < 0 {
				l.errorf(posOf(v), "0 means the default (the number of CPUs)", "max_parallel must not be negative")
			}
			l.p.MaxParallel = n
		}
	}},
	{"timeout", func(l *loader, v *yaml.Node) { l.p.Timeout, _ = l.duration(v, "timeout") }},
	{"secrets", func(l *loader, v *yaml.Node) { l.p.Secrets = l.secrets(v) }},
	{"base_dir", func(l *loader, v *yaml.Node) {
		if s, ok := l.str(v, "base_dir"); ok {
			l.p.BaseDir, l.p.BaseDirPos = s, posOf(v)
		}
	}},
	{"outputs", func(l *loader, v *yaml.Node) { l.p.Outputs = l.outputs(v) }},
}

// nodeKey is one key of a node and how it is read into n.
type nodeKey struct {
	name string
	// fan marks keys that apply to a foreach node's instances only.
	fan  bool
	read func(l *loader, n *Node, v *yaml.Node)
}

var nodeKeys = []nodeKey{
	{name: "module", read: func(l *loader, n *Node, v *yaml.Node) {
		if s, ok := l.str(v, "module"); ok && s == "" {
			l.errorf(posOf(v), "name a module (pipe modules lists them), or leave module out to use the node id", "module is empty")
			n.Partial = true // not the node id's module: no second error
		} else if ok {
			n.Module, n.ModulePos = s, posOf(v)
		} else {
			n.Partial = true // said why: not the node id's module either
		}
	}},
	{name: "needs", read: func(l *loader, n *Node, v *yaml.Node) { n.Needs = l.needs(v) }},
	{name: "when", read: func(l *loader, n *Node, v *yaml.Node) {
		n.When, n.WhenPos, n.WhenMarks = l.when(v)
		if l.emptyWhen(v) {
			n.EmptyWhen = posOf(v)
		}
	}},
	{name: "with", read: func(l *loader, n *Node, v *yaml.Node) {
		before := l.tagged
		n.With = l.with(v)
		if l.tagged > before {
			n.Partial = true // an input is null where the tag was: no second error
		}
	}},
	{name: "timeout", read: func(l *loader, n *Node, v *yaml.Node) { n.Timeout, _ = l.duration(v, "timeout") }},
	{name: "retries", read: func(l *loader, n *Node, v *yaml.Node) { l.retries(&n.Retry, v) }},
	{name: "continue_on_error", read: func(l *loader, n *Node, v *yaml.Node) { n.ContinueOnError, _ = l.bool(v, "continue_on_error") }},
	{name: "dangerous", read: func(l *loader, n *Node, v *yaml.Node) { n.Dangerous, _ = l.bool(v, "dangerous") }},
	{name: "description", read: func(l *loader, n *Node, v *yaml.Node) { n.Description, _ = l.str(v, "description") }},
	{name: "cache", read: func(l *loader, n *Node, v *yaml.Node) {
		if b, ok := l.bool(v, "cache"); ok {
			n.Cache, n.CachePos = &b, posOf(v)
		}
	}},
	{name: "files", read: func(l *loader, n *Node, v *yaml.Node) { n.Files = l.files(v) }},
	{name: "tags", read: func(l *loader, n *Node, v *yaml.Node) { n.Tags = l.tags(v) }},
	{name: "foreach", read: func(l *loader, n *Node, v *yaml.Node) { n.Foreach, n.FanOutWritten = l.foreach(v), true }},
	{name: "max_parallel", fan: true, read: func(l *loader, n *Node, v *yaml.Node) {
		if m, ok := l.int(v, "max_parallel"); ok {
			if m < 0 {
				l.errorf(posOf(v), "0 means no bound but the run's", "max_parallel must not be negative")
			}
			n.MaxParallel = m
		}
	}},
	{name: "fail_fast", fan: true, read: func(l *loader, n *Node, v *yaml.Node) { n.FailFast, _ = l.bool(v, "fail_fast") }},
	{name: "outputs", read: func(l *loader, n *Node, v *yaml.Node) { n.Outputs = l.promises(v, n.ID) }},
	{name: "matrix", read: func(l *loader, n *Node, v *yaml.Node) { n.Foreach, n.FanOutWritten = l.matrix(v), true }},
}

var (
	// PipelineKeys and NodeKeys are the keys' names, in the tables' order.
	PipelineKeys = names(pipelineKeys, func(k pipelineKey) string { return k.name })
	NodeKeys     = names(nodeKeys, func(k nodeKey) string { return k.name })
	RetryKeys    = []string{"limit", "backoff", "factor", "max_backoff"}
	// ConfigEntryKeys are the keys of a config entry's long form,
	// `KEY: {default: x, description: ...}`.
	ConfigEntryKeys = []string{"default", "description"}

	pipelineKeyIndex = index(pipelineKeys, func(k pipelineKey) string { return k.name })
	nodeKeyIndex     = index(nodeKeys, func(k nodeKey) string { return k.name })
)

func names[T any](table []T, name func(T) string) []string {
	out := make([]string, len(table))
	for i, t := range table {
		out[i] = name(t)
	}
	return out
}

func index[T any](table []T, name func(T) string) map[string]*T {
	out := make(map[string]*T, len(table))
	for i := range table {
		out[name(table[i])] = &table[i]
	}
	return out
}

// name reads the pipeline's name: one line of printable text, since pipe
// runs, show, status and the records' tables print it as it is (a tab or
// a terminal escape in it would break them).
func (l *loader) name(v *yaml.Node) {
	name, ok := l.str(v, "name")
	if !ok {
		return
	}
	name = strings.TrimRight(name, "\n") // a block scalar's (name: >)
	if strings.ContainsFunc(name, IsUnprintable) {
		l.errorf(posOf(v), "write the name on one line, without tabs, escape codes or text-direction marks", "name %s holds a control character", Quote(name))
		return
	}
	l.p.Name = name
}
