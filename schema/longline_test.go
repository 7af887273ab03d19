package schema_test

import (
	"strings"
	"testing"
)

// TestLongLinesAndKeys checks the positions and words of syntax errors on
// long lines: yaml.v3 names the line before, column 1, for a file past
// 64 KiB, and says only "mapping values are not allowed" of a key past
// YAML's 1024 characters.
func TestLongLinesAndKeys(t *testing.T) {
	const head = "name: t\nnodes:\n  a:\n    module: echo\n"
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name, src string
		line, col int    // 0: no problem wanted
		want      string // in the message
		hint      string // in the hint
		mib       uint64 // most memory the parse may take; 0: 160 MiB
	}{
		{"70 KB line, list not closed", head + `    with: {v: "` + long(70_000) + `", w: [1, 2}` + "\n",
			5, 70_027, "',' or ']'", "", 0},
		{"900 KB line, list not closed", head + `    with: {v: "` + long(900_000) + `", w: [1, 2}` + "\n",
			5, 900_027, "',' or ']'", "", 0},
		{"70 KB line, quote not closed", head + `    description: "` + long(70_000) + "\n    with: {}\n",
			5, 18, "double-quoted", "", 0},
		{"key of 1100", head + "    with:\n      " + strings.Repeat("k", 1100) + ": 1\n",
			6, 7, "a key of 1100 characters", "1024 characters or fewer", 0},
		{"key of 1025 runes, 2050 bytes", head + "    with:\n      " + strings.Repeat("é", 1025) + ": 1\n",
			6, 7, "a key of 1025 characters", "1024", 0},
		{"quoted key", head + "    with:\n      \"" + strings.Repeat("k", 1100) + "\": 1\n",
			6, 7, "a key of 1102 characters", "1024", 0},
		{"key in a list", "x-list:\n  - " + strings.Repeat("k", 1100) + ": 1\n" + head[8:],
			2, 5, "a key of 1100 characters", "1024", 0},
		{"key in a flow mapping on line 1", "x-a: {" + strings.Repeat("k", 1100) + ": 1}\n" + head[8:],
			1, 7, "a key of 1100 characters", "1024", 0},
		// Past what goccy re-parses cheaply: yaml.v3's line, found in
		// one pass over the long line, not one per comma.
		{"a million commas, mapping not closed", "x-a: {" + strings.Repeat("a,", 500_000) + "\n" + head[8:],
			2, 1, "did not find expected ',' or '}'", "", 400}, // yaml.v3's nodes before it fails
		{"key of 1024", head + "    with:\n      " + strings.Repeat("k", 1024) + ": 1\n", 0, 0, "", "", 0},
		{"long value with a colon", head + "    description: \"" + long(2000) + ": y\"\n", 0, 0, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags, used := parseAllocs(t, "long.yaml", tt.src)
			if tt.mib == 0 {
				tt.mib = 160
			}
			if used > tt.mib<<20 && !raceEnabled {
				t.Errorf("parsing used %d MiB; want under %d MiB", used>>20, tt.mib)
			}
			if tt.line == 0 {
				if len(diags) > 0 {
					t.Fatalf("want no problem, got %s", diags.Error())
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("want one problem, got %d: %.500s", len(diags), diags.Error())
			}
			d := diags[0]
			if d.Line != tt.line || d.Col != tt.col || !strings.Contains(d.Message, tt.want) || !strings.Contains(d.Hint, tt.hint) {
				t.Errorf("got %d:%d: %s (hint %q); want %d:%d, %q, hint with %q", d.Line, d.Col, d.Message, d.Hint, tt.line, tt.col, tt.want, tt.hint)
			}
		})
	}
}
