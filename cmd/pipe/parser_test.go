package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// describe writes what a user sees of a command: its help, and each flag
// and argument with its default and env var.
func describe(n *kong.Node) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", n.Path(), n.Help)
	for _, f := range n.Flags {
		fmt.Fprintf(&b, "  flag %s %s default=%q env=%v enum=%q: %s\n", f.Name, f.Value.Target.Type(), f.Default, f.Envs, f.Enum, f.Help)
	}
	for _, p := range n.Positional {
		fmt.Fprintf(&b, "  arg %s required=%v: %s\n", p.Name, p.Required, p.Help)
	}
	for _, c := range n.Children {
		b.WriteString(describe(c))
	}
	return b.String()
}

// The parser of one command knows that command as the whole parser does:
// the same flags, arguments, help, and the same global flags.
func TestSmallParserKnowsEveryCommand(t *testing.T) {
	var c cli
	var pa *pipelineArgs
	whole, err := newParser(&c, io.Discard, io.Discard, &pa)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, child := range whole.Model.Children {
		names = append(names, child.Name)
		t.Run(child.Name, func(t *testing.T) {
			var c cli
			small, err := newParser(&c, io.Discard, io.Discard, &pa, child.Name)
			if err != nil {
				t.Fatal(err)
			}
			if len(small.Model.Children) != 1 {
				t.Fatalf("%d commands, want 1", len(small.Model.Children))
			}
			if got, want := describe(small.Model.Children[0]), describe(child); got != want {
				t.Errorf("small parser:\n%s\nwhole parser:\n%s", got, want)
			}
			if got, want := fmt.Sprint(globalFlagNames(small.Model.Flags)), fmt.Sprint(globalFlagNames(whole.Model.Flags)); got != want {
				t.Errorf("global flags %s, want %s", got, want)
			}
		})
	}
	known := []string{}
	for name := range commandFields() {
		known = append(known, name)
	}
	slices.Sort(known)
	slices.Sort(names)
	if !slices.Equal(known, names) {
		t.Errorf("small parsers for %q, whole parser's commands %q", known, names)
	}
}

func globalFlagNames(flags []*kong.Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, f.Name)
	}
	return out
}

// Which command lines get a parser of one command, and which the whole one.
func TestSmallParser(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"run", "p.yaml"}, []string{"run"}},
		{[]string{"validate"}, []string{"validate"}},
		{[]string{"--version"}, []string{}},
		{nil, nil},
		{[]string{"--debug", "run", "p.yaml"}, nil},
		{[]string{"run", "p.yaml", "--help"}, nil},
		{[]string{"run", "-h"}, nil},
		{[]string{"help", "run"}, nil},
		{[]string{"completion", "bash"}, nil},
		{[]string{completeCommand, "run"}, nil},
		{[]string{"runn"}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got := smallParser(tt.args)
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("smallParser(%q) = %#v, want %#v", tt.args, got, tt.want)
			}
		})
	}
}

// Usage errors read the same as with the whole parser: kong's suggestions
// come from every command (mainWith goes back to it).
func TestSmallParserErrors(t *testing.T) {
	for _, args := range [][]string{
		{"run"},
		{"run", "p.yaml", "--max-paralel", "2"},
		{"validate", "--bogus"},
		{"--version", "x"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var small, whole bytes.Buffer
			code := Main(args, strings.NewReader(""), io.Discard, &small)
			early := newExiter(func(string) {})
			wholeCode, _ := mainWith(args, nil, nil, early, strings.NewReader(""), io.Discard, &whole)
			early.stop()
			if code != wholeCode || small.String() != whole.String() {
				t.Errorf("exit %d, stderr:\n%s\nthe whole parser: exit %d, stderr:\n%s", code, small.String(), wholeCode, whole.String())
			}
		})
	}
}
