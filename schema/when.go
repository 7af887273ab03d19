package schema

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

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
	quote := "quote it to keep it as text (" + Quote(written) + ")"
	hint := "leave the tag out, or " + quote
	switch {
	case v.Kind != yaml.ScalarNode:
		hint = "leave the tag out"
	case exprLike(v.Tag[1:]):
		// In an input; config defaults are not expressions.
		hint = "an input takes an expression as ${{ " + Clip(written) + " }}; or " + quote
	}
	l.errorf(posOf(v), hint, "YAML reads %s as a tag and keeps only what follows it", Quote(v.Tag))
	l.tagged++
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
	if isNull(v) || strings.TrimSpace(v.Value) == "" {
		// Node.EmptyWhen: no expression, and no error either.
		return "", Pos{}, nil
	}
	pos := posOf(v)
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		pos.Col++
	}
	return v.Value, pos, l.wordMarks(v, v.Value)
}

// emptyWhen reports whether v, a node's `when`, holds nothing: null,
// "" or blanks (as when reads it: not a tag of the user's expression).
func (l *loader) emptyWhen(v *yaml.Node) bool {
	if v.Kind != yaml.ScalarNode || l.writtenWithBang(v) {
		return false
	}
	if v.Tag != "" && !slices.Contains(standardTags, v.ShortTag()) && !slices.Contains(standardTags, v.Tag) {
		return false
	}
	return isNull(v) || strings.TrimSpace(v.Value) == ""
}
