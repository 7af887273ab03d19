package schema_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// TestDeepNestingIsBounded feeds nesting far past what YAML allows. The
// error path must stay cheap (goccy/go-yaml's re-parse grows with the
// square of the depth: 2.5 GB at 40,000 levels) and still give line:col.
// Memory is measured, not time: the machine running tests is shared.
func TestDeepNestingIsBounded(t *testing.T) {
	const nodes = "nodes:\n  a: {module: echo}\n"
	tests := []struct {
		name, src string
		want      string // in the message
		line, col int
	}{
		{"flow 40000 deep", "x-deep: " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000) + "\n" + nodes,
			"nest more than 10000 levels", 1, 10009},
		{"flow 40000 deep, unclosed", nodes + "x-deep: " + strings.Repeat("[", 40000) + "\n",
			"nest more than 10000 levels", 3, 10009},
		{"flow 9000 deep, then a syntax error", "x-deep: " + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "\n" + nodes + "  b: {module: echo\n",
			"YAML syntax error", 0, 0},
		{"block mappings 3000 deep, then a syntax error", deepBlock(3000) + nodes + "  b: {module: echo\n",
			"YAML syntax error", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags, used := parseAllocs(t, "deep.yaml", tt.src)
			if used > 32<<20 && !raceEnabled {
				t.Errorf("parsing used %d MiB; want under 32 MiB", used>>20)
			}
			if len(diags) == 0 {
				t.Fatal("no diagnostic")
			}
			d := diags[0]
			if d.Line == 0 || d.Col == 0 || !strings.Contains(d.Message, tt.want) {
				t.Errorf("got %s; want a line:col and %q", d.Error(), tt.want)
			}
			t.Log(d.Error())
			if tt.line != 0 && (d.Line != tt.line || d.Col != tt.col) {
				t.Errorf("got %s; want it at %d:%d", d.Error(), tt.line, tt.col)
			}
		})
	}
}

// parseAllocs parses src, saying how many bytes that allocated.
func parseAllocs(t *testing.T, name, src string) (schema.Diagnostics, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, diags := schema.Parse(name, []byte(src))
	runtime.ReadMemStats(&after)
	used := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d MiB", used>>20)
	return diags, used
}

func deepBlock(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("k:\n")
	}
	return b.String()
}

func TestClip(t *testing.T) {
	tests := []struct{ in, clip, quote string }{
		{"short", "short", `"short"`},
		{strings.Repeat("a", 80), strings.Repeat("a", 80), `"` + strings.Repeat("a", 80) + `"`},
		{strings.Repeat("a", 1<<20), strings.Repeat("a", 80) + "… (1048576 bytes)", `"` + strings.Repeat("a", 80) + `"… (1048576 bytes)`},
		{strings.Repeat("a", 79) + "é" + "b", strings.Repeat("a", 79) + "… (82 bytes)", `"` + strings.Repeat("a", 79) + `"… (82 bytes)`},
	}
	for _, tt := range tests {
		if got := schema.Clip(tt.in); got != tt.clip {
			t.Errorf("Clip(%d bytes) = %.100q, want %.100q", len(tt.in), got, tt.clip)
		}
		if got := schema.Quote(tt.in); got != tt.quote {
			t.Errorf("Quote(%d bytes) = %.100q, want %.100q", len(tt.in), got, tt.quote)
		}
	}
}
