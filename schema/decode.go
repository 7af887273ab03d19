package schema

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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
		l.unknownKey(k, "the pipeline", PipelineKeys)
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
			l.unknownKey(k, "config "+Clip(c.Key), ConfigEntryKeys)
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
			l.unknownKey(kv.key, "node "+n.ID, NodeKeys)
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
		if v.ShortTag() != "!!str" {
			l.errorf(posOf(v), "write needs: [a, b] or needs: a", "needs must be a node id or a list of node ids, not %s", kindName(v))
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
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			l.errorf(posOf(item), "", "needs entries must be node ids, not %s", kindName(item))
			continue
		}
		refs = append(refs, Ref{ID: item.Value, Pos: posOf(item)})
	}
	return refs
}

// writtenWithBang reports whether scalar v is written after a lone "!"
// (YAML's non-specific tag, which leaves no trace in the node).
func (l *loader) writtenWithBang(v *yaml.Node) bool {
	if v.Style&yaml.TaggedStyle != 0 || l.src == nil {
		return false
	}
	at := l.src.offset(posOf(v))
	if at < 0 || at+1 >= len(l.src.Data) || l.src.Data[at] != '!' {
		return false
	}
	next := l.src.Data[at+1]
	return next == ' ' || next == '\t'
}

// customTag reports, as an error, a value that YAML read with a tag of
// the user's (`x: !config.FLAG`, `y: !foo bar`): YAML keeps only what
// follows the tag, so the value a node got was not the one written.
func (l *loader) customTag(v *yaml.Node) bool {
	if v.Tag == "" || slices.Contains(standardTags, v.ShortTag()) || slices.Contains(standardTags, v.Tag) {
		return false
	}
	written := v.Tag
	if v.Kind == yaml.ScalarNode && v.Value != "" {
		written += " " + v.Value
	}
	hint := "quote it to keep it as text (" + Quote(written) + ")"
	if v.Kind != yaml.ScalarNode {
		hint = "leave the tag out"
	} else if exprLike(v.Tag[1:]) {
		hint = "write an expression as ${{ " + Clip(written) + " }}, or " + hint
	}
	l.errorf(posOf(v), hint, "YAML reads %s as a tag and keeps only what follows it", Quote(v.Tag))
	return true
}

// exprLike reports a tag that reads as the start of an expression
// (config.FLAG, nodes.a.outputs.ok, cancelled()): the user's negation.
func exprLike(s string) bool {
	head, _, _ := strings.Cut(s, ".")
	head, _, _ = strings.Cut(head, "(")
	return head != s && IsIdentifier(head)
}

// standardTags are the tags YAML itself gives; any other tag on a `when`
// is the user's `!` negation read as a tag.
var standardTags = []string{"!!str", "!!bool", "!!int", "!!float", "!!null", "!!timestamp", "!!binary", "!!merge", "!!map", "!!seq", "!"}

func (l *loader) when(v *yaml.Node) (string, Pos, []Mark) {
	if v.Kind != yaml.ScalarNode {
		l.errorf(posOf(v), "write a boolean expression, e.g. when: config.ENABLE_X", "when must be an expression, not %s", kindName(v))
		return "", Pos{}, nil
	}
	tag := v.Tag
	if l.writtenWithBang(v) {
		// `when: ! config.X` (a space after the !) is YAML's non-specific
		// tag on the rest, which it reads as a plain string: the negation
		// the user wrote is only in the file.
		return "! " + v.Value, posOf(v), nil
	}
	if tag != "" && !slices.Contains(standardTags, v.ShortTag()) && !slices.Contains(standardTags, tag) {
		// `when: !config.X` is read by YAML as the tag `!config.X` on an
		// empty value: rebuild the expression the user wrote.
		expr := tag
		if v.Value != "" {
			expr += " " + v.Value
		}
		return expr, posOf(v), nil
	}
	if isNull(v) {
		l.errorf(posOf(v), "remove `when` to always run the node, or write an expression", "when is empty")
		return "", Pos{}, nil
	}
	pos := posOf(v)
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		pos.Col++
	}
	return v.Value, pos, l.wordMarks(v, v.Value)
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

// scalar decodes a scalar the way YAML resolves it: bool, int, float64,
// string or nil. Timestamps and custom tags stay strings.
func (l *loader) scalar(v *yaml.Node) any {
	switch v.ShortTag() {
	case "!!null":
		return nil
	case "!!bool", "!!int", "!!float":
		var out any
		if err := v.Decode(&out); err == nil {
			switch x := out.(type) {
			case int64:
				return int(x)
			case uint64:
				if x <= math.MaxInt {
					return int(x)
				}
				return float64(x)
			}
			return out
		}
	}
	return v.Value
}

func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null"
}

func (l *loader) str(v *yaml.Node, field string) (string, bool) {
	if v.Kind != yaml.ScalarNode || isNull(v) {
		l.errorf(posOf(v), "", "%s must be a string, not %s", field, kindName(v))
		return "", false
	}
	return v.Value, true
}

func (l *loader) bool(v *yaml.Node, field string) (bool, bool) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!bool" {
		b, _ := l.scalar(v).(bool)
		return b, true
	}
	l.errorf(posOf(v), orHint(tagHint(v), "write true or false"), "%s must be a bool, not %s", field, kindName(v))
	return false, false
}

func (l *loader) int(v *yaml.Node, field string) (int, bool) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int" {
		if n, ok := l.scalar(v).(int); ok {
			return n, true
		}
		l.errorf(posOf(v), "", "%s is out of range", field)
		return 0, false
	}
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" && strings.Trim(v.Value, "+-0123456789") == "" {
		// Digits alone, too many for an int: YAML reads them as a float.
		l.errorf(posOf(v), "", "%s %s is out of range", field, Quote(v.Value))
		return 0, false
	}
	l.errorf(posOf(v), tagHint(v), "%s must be a whole number, not %s", field, kindName(v))
	return 0, false
}

func (l *loader) duration(v *yaml.Node, field string) (time.Duration, bool) {
	if v.Kind != yaml.ScalarNode || isNull(v) {
		l.errorf(posOf(v), "write a duration such as 30s, 5m or 1h30m", "%s must be a duration, not %s", field, kindName(v))
		return 0, false
	}
	if hint := tagHint(v); hint != "" && strings.HasPrefix(v.ShortTag(), "!!") && v.ShortTag() != "!!str" {
		l.errorf(posOf(v), hint, "%s must be a duration, not %s", field, kindName(v))
		return 0, false
	}
	if v.ShortTag() == "!!int" && strings.HasPrefix(v.Value, "-") {
		// -16s would be refused next: say what is wrong with it now.
		l.errorf(posOf(v), "write a duration such as 30s, 5m or 1h30m", "%s must not be negative", field)
		return 0, false
	}
	if v.ShortTag() == "!!int" && v.Value != "0" {
		n := v.Value
		if isPrefixedInt(n) { // 0x10, 0o17: the seconds are in decimal
			if i, ok := l.scalar(v).(int); ok {
				n = strconv.Itoa(i)
			}
		}
		l.errorf(posOf(v), fmt.Sprintf("write %ss for seconds or %sm for minutes", n, n), "%s %s has no unit", field, Clip(v.Value))
		return 0, false
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		l.errorf(posOf(v), "write a duration such as 30s, 5m or 1h30m (units: ms, s, m, h)", "%s %s is not a duration", field, Quote(v.Value))
		return 0, false
	}
	if d < 0 {
		l.errorf(posOf(v), "", "%s must not be negative", field)
		return 0, false
	}
	return d, true
}

// maxRetries keeps a typo (retries: 1000000) from retrying for days.
const maxRetries = 100

func (l *loader) retries(r *Retry, v *yaml.Node) {
	if v.Kind == yaml.ScalarNode {
		if n, ok := l.int(v, "retries"); ok {
			r.Limit = l.retryLimit(v, n)
		}
		return
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(posOf(v), "write retries: 3 or retries: {limit: 3, backoff: 2s}", "retries must be a number or a mapping, not %s", kindName(v))
		return
	}
	var maxAt *yaml.Node // an explicit max_backoff
	for _, kv := range l.pairs(v, "key") {
		k, val := kv.key, kv.value
		switch k.Value {
		case "limit":
			if n, ok := l.int(val, "retries.limit"); ok {
				r.Limit = l.retryLimit(val, n)
			}
		case "backoff":
			if d, ok := l.duration(val, "retries.backoff"); ok {
				r.Backoff = d
			}
		case "max_backoff":
			if d, ok := l.duration(val, "retries.max_backoff"); ok {
				r.MaxBackoff, maxAt = d, val
			}
		case "factor":
			f, ok := l.scalar(val).(float64)
			if n, isInt := l.scalar(val).(int); isInt {
				f, ok = float64(n), true
			}
			if !ok || f < 1 || f > 10 {
				l.errorf(posOf(val), "1 waits the same each time; 2 doubles the wait", "retries.factor must be a number from 1 to 10")
				continue
			}
			r.Factor = f
		default:
			l.unknownKey(k, "retries", RetryKeys)
		}
	}
	if r.MaxBackoff < r.Backoff && maxAt != nil {
		l.errorf(posOf(maxAt), "raise max_backoff to "+r.Backoff.String()+" or more, or lower backoff",
			"retries.max_backoff %s is less than backoff %s, the first wait", r.MaxBackoff, r.Backoff)
	}
	if r.MaxBackoff < r.Backoff { // backoff alone, past the default bound: it bounds the waits
		r.MaxBackoff = r.Backoff
	}
}

func (l *loader) retryLimit(v *yaml.Node, n int) int {
	switch {
	case n < 0:
		l.errorf(posOf(v), "0 means no retry", "retries must not be negative")
		return 0
	case n > maxRetries:
		l.errorf(posOf(v), "", "retries must be at most %d", maxRetries)
		return maxRetries
	}
	return n
}

// files reads a node's `files:`: one glob or a list of them.
func (l *loader) files(v *yaml.Node) []Ref {
	const hint = "write files: [data/*.csv] or files: data/train.csv (globs relative to the working directory)"
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

// marks finds where each ${{ of s, the text of scalar v, is in the file,
// when s is not written there as it reads (see Template.Marks). A quoted
// scalar is read again as the scanner read it (flowScalar), so that every
// byte's place is known; otherwise, and should that reading differ, the
// n-th ${{ of the text is taken for the n-th one written from the
// scalar's start: no folding splits or makes one.
func (l *loader) marks(v *yaml.Node, s string) []Mark {
	start := l.src.offset(posOf(v))
	if start < 0 {
		return nil
	}
	raw := l.src.Data[start:]
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		// The block's text starts on the line after its header, which may
		// hold a comment.
		nl := bytes.IndexByte(raw, '\n')
		if nl < 0 {
			return nil
		}
		start += nl + 1
		raw = raw[nl+1:]
	}
	// Escapes, folding and indentation make the written text longer than
	// it reads, never by this much: the search stays near the scalar.
	raw = raw[:min(len(raw), 16*len(s)+1024)]
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && bytes.HasPrefix(raw, []byte(s)) {
		return nil // written as it reads
	}
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		if n := 1 + len(s); n < len(raw) && raw[n] == raw[0] && bytes.Equal(raw[1:n], []byte(s)) {
			return nil // written as it reads, between its quotes
		}
		if text, from, ok := flowScalar(raw); ok && string(text) == s {
			return anchors(s, from, start, l.src)
		}
	}
	const open = "${{"
	var marks []Mark
	at, rawAt := 0, 0
	for {
		i := strings.Index(s[at:], open)
		if i < 0 {
			return marks
		}
		j := bytes.Index(raw[rawAt:], []byte(open))
		if j < 0 {
			return nil // not found as written: the old guess stands
		}
		at, rawAt = at+i, rawAt+j
		marks = append(marks, Mark{Off: at, Pos: l.src.posOf(start + rawAt)})
		at, rawAt = at+len(open), rawAt+len(open)
	}
}

// wordMarks places each word of s, the text of scalar v, in the file when
// s is not written there as it reads: an expression (a when) over several
// lines of a block or a plain string, whose line breaks and indentation
// the text folds or keeps. A quoted scalar is placed byte by byte, as
// marks places it. Nil when s is written as it reads, or when its words
// are not found in order as written (the start's guess stands).
func (l *loader) wordMarks(v *yaml.Node, s string) []Mark {
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return l.marks(v, s)
	}
	start := l.src.offset(posOf(v))
	if start < 0 {
		return nil
	}
	raw := l.src.Data[start:]
	block := v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if !block && bytes.HasPrefix(raw, []byte(s)) {
		return nil // written as it reads
	}
	if block {
		nl := bytes.IndexByte(raw, '\n') // past the block's header
		if nl < 0 {
			return nil
		}
		start += nl + 1
		raw = raw[nl+1:]
	}
	raw = raw[:min(len(raw), 16*len(s)+1024)]
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	var marks []Mark
	j := 0
	for i := 0; i < len(s); {
		if space(s[i]) {
			i++
			continue
		}
		for j < len(raw) && space(raw[j]) {
			j++
		}
		if j >= len(raw) || raw[j] != s[i] {
			return nil
		}
		marks = append(marks, Mark{Off: i, Pos: l.src.posOf(start + j)})
		for i < len(s) && j < len(raw) && !space(s[i]) && raw[j] == s[i] {
			i, j = i+1, j+1
		}
		if i < len(s) && !space(s[i]) {
			return nil // a word written otherwise
		}
	}
	return marks
}

// anchors marks, for a text whose byte k was written at raw offset from[k]
// of a scalar that starts at start in src, each place from which the text
// stops reading as written: PosAt counts on from the last one.
func anchors(s string, from []int, start int, src *Source) []Mark {
	var marks []Mark
	for k := range s {
		if k == 0 || from[k] != from[k-1]+1 || s[k-1] == '\n' {
			marks = append(marks, Mark{Off: k, Pos: src.posOf(start + from[k])})
		}
	}
	return marks
}
