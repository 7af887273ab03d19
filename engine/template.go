package engine

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pipe-run/pipe/schema"
)

// template is a `with` string holding `${{ expr }}` parts.
type template struct {
	parts []templatePart
	// whole is set when the string is exactly one `${{ }}`: its value keeps
	// its type (list, map, number) instead of becoming text.
	whole bool
}

type templatePart struct {
	literal string
	expr    *compiled // nil for a literal part
	// quote says how the value is written where it sits in a shell script
	// (shellNone outside one, and for raw). It is the part's, not the
	// compiled expression's: one expression may sit in many places.
	quote shellCtx
	// boff is the expression's byte offset in tpl's text, tpl the plan's
	// template it sits in: where its errors at run time are placed (see
	// at), kept in 12 bytes rather than a place's 32.
	boff int32
	tpl  *schema.Template
}

// at is where part's expression is in the file.
func (part *templatePart) at() place {
	if part.tpl == nil {
		return place{}
	}
	return place{start: part.tpl.PosAt(int(part.boff)), tpl: part.tpl, boff: int(part.boff)}
}

// splitFailed reports a template splitTemplate could not cut into parts.
// An unterminated ${{ whose plain (unquoted) value is followed by " #" on
// its line was cut there by YAML, which reads a comment: the hint says to
// quote it.
func (c *compiler) splitFailed(t *schema.Template, err *exprError) {
	hint := err.hint
	if t.Marks == nil && c.src != nil && strings.Contains(err.msg, "no closing }}") {
		end := advance(t.Pos, t.Text)
		line := []rune(c.src.Line(end.Line))
		if end.Col-1 <= len(line) && strings.HasPrefix(strings.TrimLeft(string(line[end.Col-1:]), " \t"), "#") {
			hint = "YAML read what follows \" #\" as a comment: quote the whole value (\"${{ ... }}\")"
		}
	}
	c.errorf(templatePos(t, err.off), hint, "%s", err.msg)
}

// templateExpr is one `${{ }}` found in a string, before compiling.
type templateExpr struct {
	src  string
	off  int // rune offset of src in the string
	boff int // byte offset of src in the string
}

// splitTemplate cuts text into literal parts and `${{ }}` expressions. The
// closing `}}` is looked for outside quoted strings, so an expression may
// hold "}}" in a string or a map literal. Offsets are counted as it goes:
// counting each from the start made a string of many expressions cost the
// square of its length.
func splitTemplate(text string) (literals []string, exprs []templateExpr, err *exprError) {
	rest, consumed, runes := text, 0, 0 // runes counts text[:consumed]
	for {
		i := strings.Index(rest, "${{")
		if i < 0 {
			literals = append(literals, rest)
			return literals, exprs, nil
		}
		literals = append(literals, rest[:i])
		body := rest[i+3:]
		end, q, at := closingBraces(body)
		openOff := runes + utf8.RuneCountInString(rest[:i])
		if end < 0 {
			if q != 0 && strings.Contains(body[at:], "}}") {
				// The }} is there, inside a string that never closes.
				off := openOff + 3 + utf8.RuneCountInString(body[:at])
				return nil, nil, &exprError{off: off, msg: fmt.Sprintf("the string opened with %c here is not closed, so the }} after it is read as part of it", q), hint: fmt.Sprintf("close the string with %c", q)}
			}
			return nil, nil, &exprError{off: openOff, msg: "unterminated ${{: no closing }}", hint: "close the expression with }}"}
		}
		src := body[:end]
		if strings.TrimSpace(src) == "" {
			return nil, nil, &exprError{off: openOff, msg: "empty ${{ }}", hint: "write an expression inside, e.g. ${{ config.KEY }}"}
		}
		exprs = append(exprs, templateExpr{src: src, off: openOff + 3, boff: consumed + i + 3})
		runes = openOff + 3 + utf8.RuneCountInString(src) + 2
		consumed += i + 3 + end + 2
		rest = body[end+2:]
	}
}

// closingBraces returns the index of the `}}` that ends an expression, or
// -1; then, when a string is left open, its quote and where it opens (the
// }} may be inside it).
func closingBraces(s string) (end int, open byte, openAt int) {
	var quote byte
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote, openAt = c, i
		case c == '{':
			depth++
		case c == '}':
			if depth > 0 {
				depth--
			} else if i+1 < len(s) && s[i+1] == '}' {
				return i, 0, 0
			}
		}
	}
	return -1, quote, openAt
}
