package main

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"
)

// tokenKind says what a word of the command line is, read the way kong will
// read it.
type tokenKind int

const (
	tokCommand    tokenKind = iota // a command's name (run, show, ...)
	tokPositional                  // an argument of the command
	tokFlag                        // a flag pipe knows
	tokValue                       // the value of the flag before it (--only a)
	tokUnknown                     // a flag pipe does not know (a pipeline parameter?)
	tokDashDash                    // --: what follows is positional
)

// token is one word of the command line.
type token struct {
	kind tokenKind
	text string
	node *kong.Node // the command the word belongs to (the app before one)
	flag *kong.Flag // tokFlag and tokValue: the flag (nil after tokUnknown)
}

// arityFunc says how many of the words after an unknown flag a are its
// values; positionals is how many positional arguments came before it.
type arityFunc func(a string, positionals int, rest []string) int

// scanArgs reads args against pipe's model without parsing any value: the
// command, its positional arguments, the flags and their values, a token
// per word. Pipeline parameters (--sports-model) and shell completion need
// that before kong parses, since kong knows neither. A flag that is not
// known is tokUnknown and takes the values arity says (none when arity is
// nil): that depends on the pipeline.
func scanArgs(app *kong.Application, args []string, arity arityFunc) []token {
	node := app.Node
	out := make([]token, 0, len(args))
	positionals := 0
	dashdash := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case dashdash || a == "-" || !strings.HasPrefix(a, "-"):
			if child := childCommand(node, a); child != nil && positionals == 0 && !dashdash {
				node = child
				out = append(out, token{kind: tokCommand, text: a, node: node})
				continue
			}
			positionals++
			out = append(out, token{kind: tokPositional, text: a, node: node})
		case a == "--":
			dashdash = true
			out = append(out, token{kind: tokDashDash, text: a, node: node})
		default:
			f, inline := lookupFlag(node, a)
			if f == nil {
				out = append(out, token{kind: tokUnknown, text: a, node: node})
				if arity != nil {
					n := min(arity(a, positionals, args[i+1:]), len(args)-i-1)
					for _, v := range args[i+1 : i+1+n] {
						out = append(out, token{kind: tokValue, text: v, node: node})
					}
					i += n
				}
				continue
			}
			out = append(out, token{kind: tokFlag, text: a, node: node, flag: f})
			if takesValue(f) && !inline && i+1 < len(args) {
				i++
				out = append(out, token{kind: tokValue, text: args[i], node: node, flag: f})
			}
		}
	}
	return out
}

// childCommand is node's command called name, or nil.
func childCommand(node *kong.Node, name string) *kong.Node {
	for _, c := range node.Children {
		if c.Type != kong.CommandNode {
			continue
		}
		if c.Name == name {
			return c
		}
		for _, alias := range c.Aliases {
			if alias == name {
				return c
			}
		}
	}
	return nil
}

// lookupFlag finds the flag word a names among node's flags and its
// parents'; inline says the value is in the word (--set=K=V, -sK=V).
func lookupFlag(node *kong.Node, a string) (f *kong.Flag, inline bool) {
	if long, ok := strings.CutPrefix(a, "--"); ok {
		name, _, inline := strings.Cut(long, "=")
		return findFlag(node, func(f *kong.Flag) bool { return flagHasName(f, name) }), inline
	}
	short := []rune(a[1:])
	f = findFlag(node, func(f *kong.Flag) bool { return f.Short != 0 && f.Short == short[0] })
	return f, len(short) > 1
}

func findFlag(node *kong.Node, match func(*kong.Flag) bool) *kong.Flag {
	for n := node; n != nil; n = n.Parent {
		for _, f := range n.Flags {
			if match(f) {
				return f
			}
		}
	}
	return nil
}

// flagHasName reports whether --name is f (its name, an alias, or its
// negation).
func flagHasName(f *kong.Flag, name string) bool {
	for _, n := range flagNames(f) {
		if n == name {
			return true
		}
	}
	return false
}

// flagNames are the long names f answers to.
func flagNames(f *kong.Flag) []string {
	names := append([]string{f.Name}, f.Aliases...)
	if f.Tag != nil && f.Tag.Negatable != "" {
		neg := f.Tag.Negatable
		if neg == "_" {
			neg = "no-" + f.Name
		}
		names = append(names, neg)
	}
	return names
}

func takesValue(f *kong.Flag) bool { return !f.IsBool() && !f.IsCounter() }

// commandOf returns the command tokens selected, or nil.
func commandOf(toks []token) *kong.Node {
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].kind == tokCommand {
			return toks[i].node
		}
	}
	return nil
}

// positionalsOf returns the indices in toks of the command's positional
// arguments.
func positionalsOf(toks []token) []int {
	var out []int
	for i, t := range toks {
		if t.kind == tokPositional {
			out = append(out, i)
		}
	}
	return out
}

// blankList reports whether list (a []string) names nothing: no items, or
// only blanks and commas.
func blankList(list reflect.Value) bool {
	for i := range list.Len() {
		if strings.Trim(list.Index(i).String(), " ,\t") != "" {
			return false
		}
	}
	return true
}

// emptyListFlag finds a selecting flag given on the command line with
// nothing in it (an empty argument after --only, or --tags=): kong splits
// the empty string into no items, and an empty --only or --tags would
// select every node, the opposite of what was asked. An empty --skip
// skips nothing, as a script's --skip "$NONE" means.
func emptyListFlag(kctx *kong.Context) error {
	for _, p := range kctx.Path {
		if f := p.Flag; f != nil && (f.Name == "only" || f.Name == "tags") && f.Target.Kind() == reflect.Slice && blankList(f.Target) {
			return fmt.Errorf("--%s: given nothing: name at least one, or leave the flag out", f.Name)
		}
		// A flag that names a run, given "", would mean no run: a plain
		// run for --resume, a graph without statuses for --run.
		if f := p.Flag; f != nil && (f.Name == "resume" || f.Name == "run") && f.Target.Kind() == reflect.String && f.Target.String() == "" {
			return fmt.Errorf("--%s: given nothing: name a run (last, a run id or its unique start; pipe runs lists them), or leave the flag out", f.Name)
		}
	}
	return nil
}

// joinNegatives writes a negative number given as the value of one of
// pipe's flags in the flag's word (--max-parallel -1 as
// --max-parallel=-1, -n -1 as --n=-1): kong reads -1 as a short flag and says to quote it,
// and the flag's own check has the better message (must be at least 1).
func joinNegatives(app *kong.Application, args []string) []string {
	toks := scanArgs(app, args, nil)
	if len(toks) != len(args) {
		return args
	}
	var out []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tokFlag && t.flag != nil && i+1 < len(toks) && toks[i+1].kind == tokValue && isNegativeNumber(toks[i+1].text) {
			if out == nil {
				out = slices.Clone(args[:i])
			}
			out = append(out, "--"+t.flag.Name+"="+toks[i+1].text) // -n -1 as --n=-1
			i++
			continue
		}
		if out != nil {
			out = append(out, args[i])
		}
	}
	if out == nil {
		return args
	}
	return out
}

// isNegativeNumber reports a word such as -1, -0.5 or -1e3.
func isNegativeNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && strings.HasPrefix(s, "-")
}
