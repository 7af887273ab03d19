package schema_test

import (
	"math"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// A number written plainly that pipe cannot hold as written is an error
// at its place: YAML would hand on a float with fewer digits, or text.
// Quoted, tagged or within range, it is the value it reads as.
func TestNumbersPipeCannotHold(t *testing.T) {
	tests := []struct {
		value string
		err   string // "" for none
		want  any    // the config default, when no error
	}{
		{"123456789012345678901234", `3:6: 123456789012345678901234 is too large for a whole number`, nil},
		{"18446744073709551615", "3:6: 18446744073709551615 is too large for a whole number", nil},
		{"-9223372036854775809", "is too large for a whole number", nil},
		{"0x1FFFFFFFFFFFFFFFFFFF", "3:6: 0x1FFFFFFFFFFFFFFFFFFF is out of range for a number: YAML reads it as text", nil},
		{"-0o7777777777777777777777", "whole numbers go up to 0x7FFFFFFFFFFFFFFF", nil},
		// Past float64, a decimal is text as YAML reads it: it may be text.
		{"1e400", "", "1e400"},
		{"5e12345", "", "5e12345"}, // a short git hash
		// A leading 0: YAML reads 0755 as octal and 09 as a float, not
		// what a zip code or a month means, and --set reads them in
		// decimal. 007 and 00 read the same either way.
		{"09", "3:6: 09 starts with 0: YAML reads it as a float, not a whole number", nil},
		{"02139", "02139 starts with 0: YAML reads it as a float", nil},
		{"0755", "3:6: 0755 starts with 0: YAML reads it as the octal number 493", nil},
		{"-012", "or -0o12 for octal", nil},
		{"0_755", "0_755 starts with 0: YAML reads it as the octal number 493", nil},
		{"1_000", "", 1000},
		{"007", "", 7},
		{"00", "", 0},
		{"0o755", "", 493},
		{`"0755"`, "", "0755"},
		{"9223372036854775807", "", math.MaxInt64},
		{"-9223372036854775808", "", math.MinInt64},
		{"1.5e300", "", 1.5e300},
		{"12345678901234567890.5", "", 12345678901234567890.5}, // a float: rounding is what floats do
		{".inf", "", math.Inf(1)},
		{`"123456789012345678901234"`, "", "123456789012345678901234"},
		{"'1e400'", "", "1e400"},
		{"!!str 1e400", "", "1e400"},
		{"1e400x", "", "1e400x"},
		{"v1e400", "", "v1e400"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			src := "config:\n  A: 1\n  B: " + tt.value + "\nnodes:\n  a: {module: echo}\n"
			p, diags := schema.Parse("test.yaml", []byte(src))
			if tt.err != "" {
				if len(diags) != 1 || !strings.Contains(diags.Error()+" "+diags[0].Hint, tt.err) || !strings.Contains(diags[0].Hint, "quote it") {
					t.Fatalf("diagnostics = %v, want one with %q and a hint to quote it", diags, tt.err)
				}
				return
			}
			if len(diags) > 0 {
				t.Fatalf("diagnostics = %v, want none", diags)
			}
			if got := p.Config[1].Value; got != tt.want {
				t.Errorf("B = %#v, want %#v", got, tt.want)
			}
		})
	}
}

// Inputs, outputs and matrix values are checked as config defaults are.
func TestNumbersPipeCannotHoldAnywhere(t *testing.T) {
	for _, src := range []string{
		"nodes:\n  a: {module: echo, with: {x: [1, {y: 99999999999999999999}]}}\n",
		"nodes:\n  a: {module: echo}\noutputs: {o: 0x1FFFFFFFFFFFFFFFFFFF}\n",
		"nodes:\n  a: {module: echo, matrix: {n: [1, 99999999999999999999]}}\n",
		"config:\n  B: {default: 99999999999999999999}\nnodes:\n  a: {module: echo}\n",
	} {
		if _, diags := schema.Parse("test.yaml", []byte(src)); len(diags) != 1 || !strings.Contains(diags[0].Hint, "quote it") {
			t.Errorf("%s: diagnostics = %v, want one that says to quote the number", src, diags)
		}
	}
}

// A pipeline's name is one line of printable text: runs, show and status
// print it in tables as it is. A block scalar's final line break is not
// part of it.
func TestPipelineName(t *testing.T) {
	for _, tt := range []struct {
		yaml, want, err string
	}{
		{"name: demo", "demo", ""},
		{"name: >\n  my pipeline", "my pipeline", ""},
		{"name: ⚽ fixtures", "⚽ fixtures", ""},
		{`name: "two\nlines"`, "", "holds a control character"},
		{`name: "tab\there"`, "", "holds a control character"},
		{`name: "\u001b[31mred"`, "", "holds a control character"},
		{`name: "evil\u202Eabc"`, "", "holds a control character"},
		{`name: "two\u2028lines"`, "", "holds a control character"},
	} {
		p, diags := schema.Parse("test.yaml", []byte(tt.yaml+"\nnodes:\n  a: {module: echo}\n"))
		switch {
		case tt.err != "" && (len(diags) != 1 || !strings.Contains(diags.Error(), tt.err)):
			t.Errorf("%q: %v, want an error with %q", tt.yaml, diags, tt.err)
		case tt.err == "" && (len(diags) > 0 || p.Name != tt.want):
			t.Errorf("%q: name %q, %v; want %q", tt.yaml, p.Name, diags, tt.want)
		}
	}
}
