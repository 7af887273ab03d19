package schema

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

func (l *loader) pipeline(root *yaml.Node) {
	for _, kv := range l.pairs(root, "key") {
		k := kv.key
		if key, ok := pipelineKeyIndex[k.Value]; ok {
			key.read(l, kv.value)
			continue
		}
		if strings.HasPrefix(k.Value, "x-") {
			continue // extension keys hold anchors for the rest of the file
		}
		l.unknownKey(k, kv.value, "the pipeline", PipelineKeys, foreignPipelineKeys)
	}
	l.checkSecrets()
	if l.nodesAt == nil {
		if !hasKey(root, "nodes") {
			l.errorf(posOf(root), "add a `nodes:` mapping of node id to node", "pipeline has no `nodes`")
		}
		return
	}
	l.nodes(l.nodesAt)
}

func hasKey(m *yaml.Node, key string) bool { return keyNode(m, key) != nil }

// keyNode returns mapping m's key node called key; nil when m has none.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

func (l *loader) config(v *yaml.Node) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(posOf(v), "write `config:` as a mapping of KEY: default value", "config must be a mapping, not %s", kindName(v))
		return
	}
	for _, kv := range l.pairs(v, "config key") {
		k, val := kv.key, kv.value
		if !IsIdentifier(k.Value) {
			l.errorf(posOf(k), "use letters, digits and _ (it is read as config.KEY in expressions)", "config key %s is not an identifier", Quote(k.Value))
			continue
		}
		c := ConfigVar{Key: k.Value, Pos: posOf(k)}
		switch val.Kind {
		case yaml.ScalarNode:
			c.Value = l.data(val)
		case yaml.MappingNode:
			if !l.configEntry(&c, val) {
				continue
			}
		default:
			l.errorf(posOf(val), "config values are defaults: a bool, a number or a string, or {default: ..., description: ...}", "config %s must be a scalar, not %s", Clip(k.Value), kindName(val))
			continue
		}
		if c.Description == "" {
			c.Description = commentText(val.LineComment, k.HeadComment)
		}
		if _, isBool := c.Value.(bool); c.Key == "ENABLE_DANGEROUS_AI" && c.Value != nil && !isBool {
			// The gate is a bool everywhere (--enable-dangerous-ai, a child's
			// set, the implicit key of every pipeline).
			l.errorf(posOf(val), "write ENABLE_DANGEROUS_AI: false (or leave it out: every pipeline has it, false unless set)", "config ENABLE_DANGEROUS_AI is the dangerous gate, a bool, not %v", c.Value)
			continue
		}
		l.p.Config = append(l.p.Config, c)
	}
}

// configEntry reads the long form of a config entry,
// `KEY: {default: x, description: ...}`, into c.
func (l *loader) configEntry(c *ConfigVar, m *yaml.Node) bool {
	ok := true
	for _, kv := range l.pairs(m, "key") {
		k, v := kv.key, kv.value
		switch k.Value {
		case "default":
			if v.Kind != yaml.ScalarNode {
				l.errorf(posOf(v), "a default is a bool, a number or a string", "config %s: default must be a scalar, not %s", Clip(c.Key), kindName(v))
				ok = false
				continue
			}
			c.Value = l.data(v)
		case "description":
			c.Description, _ = l.str(v, "description")
		default:
			l.unknownKey(k, v, "config "+Clip(c.Key), ConfigEntryKeys, nil)
		}
	}
	return ok
}

// commentText is the first of the YAML comments that is not empty, without
// its # marks: a config key's comment on its line, else the lines above
// it, is its description when it has none.
func commentText(comments ...string) string {
	for _, c := range comments {
		var lines []string
		for line := range strings.SplitSeq(c, "\n") {
			if line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#")); line != "" {
				lines = append(lines, line)
			}
		}
		if len(lines) > 0 {
			return strings.Join(lines, " ")
		}
	}
	return ""
}

func (l *loader) nodes(m *yaml.Node) {
	pairs := l.pairs(m, "node id")
	if len(pairs) == 0 {
		l.errorf(posOf(m), "add at least one node", "pipeline has no nodes")
		return
	}
	l.p.Nodes = make([]*Node, 0, len(pairs))
	// One allocation for every node: at 100,000 nodes, 100,000 fewer.
	slab := make([]Node, len(pairs))
	for i, kv := range pairs {
		id := kv.key.Value
		if !IsIdentifier(id) {
			hint := "use letters, digits and _, not starting with a digit (it is read as nodes.<id> in expressions)"
			if s := strings.Map(identRune, id); IsIdentifier(s) {
				hint = fmt.Sprintf("rename it %s (it is read as nodes.<id> in expressions)", Quote(s))
			}
			l.errorf(posOf(kv.key), hint, "node id %s is not an identifier", Quote(id))
		} else if len(id) > MaxIDLen {
			l.errorf(posOf(kv.key), fmt.Sprintf("shorten it to %d characters or fewer", MaxIDLen),
				"node id %s is too long: it names the node's log file, whose name the file system bounds", Quote(id))
		}
		// Field by field into the zeroed slab: a composite literal would
		// copy a whole Node, zeroes and all.
		n := &slab[i]
		n.ID, n.Module = id, id
		n.Pos = posOf(kv.key)
		n.ModulePos = n.Pos
		n.Retry.Backoff, n.Retry.Factor, n.Retry.MaxBackoff = DefaultBackoff, DefaultFactor, DefaultMaxBackoff
		l.node(n, kv.value)
		l.p.Nodes = append(l.p.Nodes, n)
	}
}

func identRune(r rune) rune {
	if r == '-' || r == '.' || r == ' ' {
		return '_'
	}
	return r
}

func (l *loader) node(n *Node, v *yaml.Node) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(posOf(v), "a node is a mapping with `module`, `needs`, `with`...", "node %s must be a mapping, not %s", n.ID, kindName(v))
		n.Partial = true
		return
	}
	// max_parallel and fail_fast apply to a foreach node's instances.
	var fanKeys []*yaml.Node
	for _, kv := range l.pairs(v, "key") {
		key, ok := nodeKeyIndex[kv.key.Value]
		if !ok {
			l.unknownKey(kv.key, kv.value, "node "+n.ID, NodeKeys, foreignNodeKeys)
			continue
		}
		if key.fan {
			fanKeys = append(fanKeys, kv.key)
		}
		key.read(l, n, kv.value)
	}
	if hasKey(v, "foreach") && hasKey(v, "matrix") {
		l.errorf(posOf(keyNode(v, "matrix")), "a matrix is a foreach over its combinations: keep one of the two", "node %s has both foreach and matrix", n.ID)
	}
	if n.Foreach == nil && !hasKey(v, "foreach") && !hasKey(v, "matrix") {
		for _, k := range fanKeys {
			l.errorf(posOf(k), "add `foreach:` to run the node once per item, or remove "+k.Value, "%s applies to the instances of a foreach node; node %s has no foreach", k.Value, n.ID)
		}
	}
}

func (l *loader) needs(v *yaml.Node) []Ref {
	if isNull(v) {
		return nil
	}
	if v.Kind == yaml.ScalarNode {
		if l.customTag(v) {
			return nil
		}
		if v.ShortTag() != "!!str" {
			l.errorf(posOf(v), "write needs: [a, b] or needs: a", "needs must be a node id or a list of node ids, not %s", kindName(v))
			return nil
		}
		if v.Value == "" {
			l.errorf(posOf(v), "name the node this one needs, or remove needs", "needs is empty")
			return nil
		}
		return []Ref{{ID: v.Value, Pos: posOf(v)}}
	}
	if v.Kind != yaml.SequenceNode {
		l.errorf(posOf(v), "write needs: [a, b] or needs: a", "needs must be a node id or a list of node ids, not %s", kindName(v))
		return nil
	}
	refs := make([]Ref, 0, len(v.Content))
	for _, item := range v.Content {
		if item = l.resolve(item); item == nil {
			return refs
		}
		if l.customTag(item) {
			continue
		}
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			l.errorf(posOf(item), "", "needs entries must be node ids, not %s", kindName(item))
			continue
		}
		if item.Value == "" {
			l.errorf(posOf(item), "remove the empty entry, or name a node in it", "needs entry is empty: it names no node")
			continue
		}
		refs = append(refs, Ref{ID: item.Value, Pos: posOf(item)})
	}
	return refs
}

func (l *loader) with(v *yaml.Node) []Input {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(posOf(v), "write `with:` as a mapping of input name to value", "with must be a mapping, not %s", kindName(v))
		return nil
	}
	pairs := l.pairs(v, "input")
	inputs := make([]Input, 0, len(pairs))
	for _, kv := range pairs {
		in := Input{Key: kv.key.Value, Pos: posOf(kv.key)}
		in.Value = l.value(kv.value, "", &in.Templates)
		if m := kv.value; m.Kind == yaml.MappingNode {
			// The keys written in the mapping (value already read them,
			// reporting what is wrong): what `set:` of a pipeline node
			// holds is checked against the sub-pipeline's config.
			for k := 0; k+1 < len(m.Content); k += 2 {
				if key := m.Content[k]; key.Kind == yaml.ScalarNode && key.Value != "<<" {
					in.Keys = append(in.Keys, Template{Path: "." + key.Value, Pos: posOf(key), Text: key.Value})
				}
			}
		}
		inputs = append(inputs, in)
	}
	return inputs
}

// outputs reads the pipeline's `outputs:`, a mapping of output name to a
// value that reads the pipeline's nodes through `${{ }}`.
func (l *loader) outputs(v *yaml.Node) []Input {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(posOf(v), "write `outputs:` as a mapping of name to ${{ nodes.<id>.outputs.<key> }}", "outputs must be a mapping, not %s", kindName(v))
		return nil
	}
	pairs := l.pairs(v, "output")
	outs := make([]Input, 0, len(pairs))
	for _, kv := range pairs {
		if !IsIdentifier(kv.key.Value) {
			l.errorf(posOf(kv.key), "use letters, digits and _ (it is read as nodes.<id>.outputs.<name>)", "output name %s is not an identifier", Quote(kv.key.Value))
			continue
		}
		out := Input{Key: kv.key.Value, Pos: posOf(kv.key)}
		out.Value = l.value(kv.value, "", &out.Templates)
		outs = append(outs, out)
	}
	return outs
}

// value converts a YAML value to plain Go values, collecting the strings
// that hold `${{` along the way.
func (l *loader) value(v *yaml.Node, path string, templates *[]Template) any {
	if v.Kind != yaml.ScalarNode && l.customTag(v) { // a scalar's: data
		return nil
	}
	switch v.Kind {
	case yaml.ScalarNode:
		val := l.data(v)
		if s, ok := val.(string); ok && strings.Contains(s, "${{") {
			// Every template is compiled later: an alias that repeats a
			// long one pays for its length, not once per node visited.
			l.budget -= len(s) / 64
			pos := posOf(v)
			if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				pos.Col++
			}
			if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				pos = Pos{Line: v.Line + 1, Col: v.Column}
			}
			*templates = append(*templates, Template{Path: path, Pos: pos, Text: s, Marks: l.marks(v, s)})
		}
		return val
	case yaml.SequenceNode:
		out := make([]any, 0, len(v.Content))
		for i, item := range v.Content {
			if item = l.resolve(item); item == nil {
				return out
			}
			out = append(out, l.value(item, path+"["+strconv.Itoa(i)+"]", templates))
		}
		return out
	case yaml.MappingNode:
		pairs := l.pairs(v, "key")
		out := make(map[string]any, len(pairs))
		for _, kv := range pairs {
			out[kv.key.Value] = l.value(kv.value, path+"."+kv.key.Value, templates)
		}
		return out
	case yaml.AliasNode:
		if r := l.resolve(v); r != nil {
			return l.value(r, path, templates)
		}
	}
	return nil
}

// files reads a node's `files:`: one glob or a list of them.
func (l *loader) files(v *yaml.Node) []Ref {
	const hint = "write files: [data/*.csv], files: [\"src/**/*.py\"] or files: data/train.csv (globs relative to the base directory)"
	if isNull(v) {
		return nil
	}
	var items []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{v}
	case yaml.SequenceNode:
		items = v.Content
	default:
		l.errorf(posOf(v), hint, "files must be a glob or a list of globs, not %s", kindName(v))
		return nil
	}
	refs := make([]Ref, 0, len(items))
	for _, item := range items {
		if item = l.resolve(item); item == nil {
			return refs
		}
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			l.errorf(posOf(item), hint, "files entries must be globs, not %s", kindName(item))
			continue
		}
		if item.Value == "" {
			l.errorf(posOf(item), hint, "files entry is empty")
			continue
		}
		if strings.Contains(item.Value, "${{") {
			l.errorf(posOf(item), "write the glob itself; files are known before the run starts", "files entries take no ${{ }}")
			continue
		}
		if _, err := filepath.Match(item.Value, ""); err != nil {
			l.errorf(posOf(item), "escape [ ] * ? with \\ to match them literally", "files entry %s is not a glob: %v", Quote(item.Value), err)
			continue
		}
		refs = append(refs, Ref{ID: item.Value, Pos: posOf(item)})
	}
	return refs
}
