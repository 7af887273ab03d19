package schema

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// foreachHint says how `foreach:` is written.
const foreachHint = "write foreach: [a, b], foreach: {key: value}, or foreach: ${{ expression }}"

// foreach reads a node's `foreach:`: a literal list or map with at least
// one item, or one `${{ }}` string (the engine compiles it).
func (l *loader) foreach(v *yaml.Node) *Foreach {
	f := &Foreach{Pos: posOf(v)}
	switch v.Kind {
	case yaml.ScalarNode:
		s, isStr := l.scalar(v).(string)
		if !isStr || !strings.Contains(s, "${{") {
			l.errorf(posOf(v), foreachHint, "foreach must be a list, a map or a ${{ }} expression, not %s", kindName(v))
			return nil
		}
		var tpls []Template
		l.value(v, "", &tpls)
		f.Expr = &tpls[0]
		return f
	case yaml.SequenceNode, yaml.MappingNode:
		var tpls []Template
		f.Value = l.value(v, "", &tpls)
		if len(tpls) > 0 {
			l.errorf(tpls[0].Pos, "write the whole list as one expression, e.g. foreach: ${{ [config.A, config.B] }}", "foreach items take no ${{ }}")
			return nil
		}
		empty := false
		switch x := f.Value.(type) {
		case []any:
			empty = len(x) == 0
		case map[string]any:
			empty = len(x) == 0
		}
		if empty {
			l.errorf(posOf(v), "list at least one item, or remove foreach to run the node once", "foreach is empty: the node would never run")
			return nil
		}
		return f
	case yaml.AliasNode:
		if r := l.resolve(v); r != nil {
			return l.foreach(r)
		}
		return nil
	}
	l.errorf(posOf(v), foreachHint, "foreach must be a list, a map or a ${{ }} expression, not %s", kindName(v))
	return nil
}
