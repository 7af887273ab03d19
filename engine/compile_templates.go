package engine

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// sampleOf gives a value of the static type an expression was found to
// have, for checking it against an input's type.
func sampleOf(t reflect.Type) (any, bool) {
	switch t.Kind() {
	case reflect.Bool:
		return false, true
	case reflect.Int, reflect.Int64, reflect.Int32:
		return 0, true
	case reflect.Float64, reflect.Float32:
		return 0.5, true
	case reflect.String:
		return "", true
	case reflect.Slice, reflect.Array:
		return []any{}, true
	case reflect.Map:
		return map[string]any{}, true
	}
	return nil, false
}

// shellScriptAt returns where the script is in v when v is an argv that
// runs a shell script: [sh, -c, SCRIPT, ...], with options before it or
// grouped with c ([bash, -lc, ...], [sh, -e, -c, ...]), after env or
// not, the shell by path or not (bash, dash, zsh, ksh too); -1 otherwise.
func shellScriptAt(v any) int {
	argv, ok := v.([]any)
	if !ok || len(argv) == 0 {
		return -1
	}
	k := 0
	if name, _ := argv[0].(string); filepath.Base(name) == "env" {
		k = 1
	}
	if k >= len(argv) {
		return -1
	}
	name, _ := argv[k].(string)
	switch filepath.Base(name) {
	case "sh", "bash", "dash", "zsh", "ksh":
	default:
		return -1
	}
	for k++; k < len(argv); k++ {
		opt, _ := argv[k].(string)
		if len(opt) < 2 || opt[0] != '-' || opt[1] == '-' {
			return -1 // the script's operand, or a long option: no -c
		}
		if strings.ContainsRune(opt[1:], 'c') {
			if k+1 < len(argv) {
				return k + 1
			}
			return -1
		}
	}
	return -1
}

// templates compiles the `${{ }}` in one input. It returns the static type
// of the input's value when the value is exactly one expression, and the
// output read when that expression is one. When the
// input is a shell script (its string value, not strings inside a list),
// each value is quoted for where it sits in the script.
func (c *compiler) templates(i int, in schema.Input, pn *planNode, shell bool) (wholeType reflect.Type, fanIn string, whole outputRef) {
	for k := range in.Templates {
		t := &in.Templates[k] // the plan's own: places keep a pointer to it
		literals, exprs, err := splitTemplate(t.Text)
		if err != nil {
			c.splitFailed(t, err)
			continue
		}
		script := shell && t.Path == ""
		var holes []shellHole
		if script {
			holes = shellHoles(literals)
		}
		if k := shellScriptAt(in.Value); shell && k >= 0 && t.Path == fmt.Sprintf("[%d]", k) {
			c.warnf(t.Pos, "write the command as one string: pipe quotes each ${{ }} of a script it runs with sh -c; or pass the value in env: and write \"$NAME\"",
				"the script of [%s ... -c ...] in input %s gets ${{ }} values unquoted: one with ; $( ) or quotes in it runs as shell code", in.Value.([]any)[0], in.Key)
		}
		tpl := &template{}
		ok := true
		var last templatePart
		// Each expression is positioned from the one before, not from the
		// string's start, to stay linear in the string's length.
		start, startB := t.Pos, 0
		for k, e := range exprs {
			if literals[k] != "" {
				tpl.parts = append(tpl.parts, templatePart{literal: literals[k]})
			}
			if t.Marks != nil {
				start = t.PosAt(e.boff) // written otherwise than it reads
			} else {
				start = advance(start, t.Text[startB:e.boff])
			}
			startB = e.boff
			at := place{start: start, tpl: t, boff: e.boff}
			comp := c.expr(i, e.src, at, false, &pn.refs)
			pn.noteConfig(comp)
			if comp == nil {
				ok = false
				continue
			}
			part := templatePart{expr: comp, tpl: t, boff: int32(e.boff)}
			if script {
				var quotable bool
				if part.quote, quotable = c.shellPart(in.Key, comp, holes[k], at); !quotable {
					ok = false
				}
			}
			tpl.parts = append(tpl.parts, part)
			last = part
		}
		if last := literals[len(literals)-1]; last != "" {
			tpl.parts = append(tpl.parts, templatePart{literal: last})
		}
		if !ok {
			continue
		}
		tpl.whole = len(exprs) == 1 && strings.TrimSpace(literals[0]) == "" && strings.TrimSpace(literals[1]) == ""
		if tpl.whole {
			// Surrounding blanks are not part of a whole value.
			tpl.parts = []templatePart{last}
			if node := last.expr.prog.Node(); node != nil && t.Path == "" {
				wholeType = node.Type()
			}
			if t.Path == "" {
				fanIn, whole = last.expr.fanIn, last.expr.whole
			}
		}
		if pn.templates == nil {
			pn.templates = map[string]*template{}
		}
		if script {
			if pn.scripts == nil {
				pn.scripts = map[string]*template{}
			}
			pn.scripts[t.Text] = tpl
			continue
		}
		pn.templates[t.Text] = tpl
	}
	return wholeType, fanIn, whole
}

// shellPart decides how the value of comp, at hole in the shell script of
// input key, is written into the script; quotable is false when it cannot be
// made safe there (the error is reported). A raw(...) value is pasted as it
// is, with a warning: the author vouches for it as shell text.
func (c *compiler) shellPart(key string, comp *compiled, hole shellHole, pos place) (ctx shellCtx, quotable bool) {
	switch {
	case comp.rawInside:
		c.errorf(pos.at(comp.src, int(comp.rawOff)), "write ${{ raw(...) }} around the whole expression to paste shell text, or drop raw() to quote the value",
			"raw() must be the whole ${{ }} in the shell script of input %s", key)
		return shellNone, false
	case comp.raw:
		c.warnf(pos.start, "make sure the value is trusted shell text, or drop raw() to pass it as one quoted word",
			"raw() pastes ${{ %s }} into the shell script of input %s unquoted: a value with ; $( ) or quotes in it runs as shell code", strings.TrimSpace(comp.src), key)
		return shellNone, true
	case hole.why != "":
		hint := hole.hint
		if hint == "" {
			hint = "pass the value in `env:` and write \"$NAME\" in the script, or send it on `stdin:`; raw(...) pastes it unquoted if it is trusted shell text"
		}
		c.errorf(pos.start, hint,
			"cannot quote ${{ %s }} in the shell script of input %s: %s", strings.TrimSpace(comp.src), key, hole.why)
		return shellNone, false
	}
	return hole.ctx, true
}
