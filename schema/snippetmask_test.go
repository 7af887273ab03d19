package schema

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A snippet never quotes a secret: the default of a config key that is
// secret by its name or listed under secrets: reads *** there, the caret
// still under what it pointed at (onto the *** when it pointed into the
// secret), also where the file does not parse and only what it writes
// tells which keys are secret. A syntax error on a secret's line showed
// it whole.
func TestSnippetsMaskSecrets(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the first diagnostic's snippet
	}{
		{"syntax error on a secret's line",
			"name: s\nconfig:\n  API_TOKEN: hunter2-secret: x\nnodes:\n  a: {module: echo}\n",
			"    3 |   API_TOKEN: ***: x\n      |              ^"},
		{"an unended quote, the key listed in a flow list",
			"name: s\nsecrets: [DB, 'URL']\nconfig:\n  DB: \"hunter2-secret\nnodes:\n  a: {module: echo}\n",
			"    4 |   DB: \"***\n      |       ^"},
		{"an unended quote, the key listed in a block list",
			"name: s\nsecrets:\n  - DB # the database\nconfig:\n  DB: 'hunter2-secret\nnodes:\n  a: {module: echo}\n",
			"    5 |   DB: '***\n      |       ^"},
		{"a long form's default below a secret key",
			"name: s\nconfig:\n  DB_PASSWORD:\n    default: hunter2-secret: x\nnodes:\n  a: {module: echo}\n",
			"    4 |     default: ***: x\n      |              ^"},
		{"a flow long form's default",
			"name: s\nconfig: {API_KEY: {default: hunter2-secret, description: [}}\nnodes:\n  a: {module: echo}\n",
			"    2 | config: {API_KEY: {default: ***, description: [}}\n      |                                                ^"},
		{"the caret after a secret moves with it",
			"name: s\nconfig: {API_TOKEN: hunter2-secret, X: 1, API_TOKEN: x}\nnodes:\n  a: {module: echo}\n",
			"    2 | config: {API_TOKEN: ***, X: 1, API_TOKEN: x}\n      |                                ^"},
		{"a secret by secrets:, the file read, quoted elsewhere",
			"name: s\nconfig:\n  DB: hunter2-secret\nsecrets: [DB]\nnodes:\n  a: {module: echo, with: {m: \"hunter2-secret\"}, bad: 1}\n",
			"    6 |   a: {module: echo, with: {m: \"***\"}, bad: 1}\n      |                                       ^"},
		{"a number", "name: s\nconfig:\n  PIN_KEY: 123456\nnodes:\n  a: {module: echo, pin: 123456}\n",
			"    5 |   a: {module: echo, pin: ***}\n      |                     ^"},
		{"a short value is no secret", "name: s\nconfig:\n  API_KEY: ab: c\nnodes:\n  a: {module: echo}\n",
			"    3 |   API_KEY: ab: c\n      |            ^"},
		{"other keys are not masked", "name: s\nconfig:\n  MODEL: models/x.pth: y\nnodes:\n  a: {module: echo}\n",
			"    3 |   MODEL: models/x.pth: y\n      |          ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Parse("p.yaml", []byte(tt.src))
			if len(diags) == 0 {
				t.Fatal("no diagnostic")
			}
			if got := diags[0].Snippet; got != tt.want {
				t.Errorf("snippet of %s:\n%s\nwant\n%s", diags[0].Error(), got, tt.want)
			}
			for _, d := range diags {
				if strings.Contains(d.Long(), "hunter2") {
					t.Errorf("a secret in %s", d.Long())
				}
			}
		})
	}
}

// The caret keeps pointing at what it pointed at once secrets before it
// read ***: onto the *** of one it pointed into.
func TestMaskedMovesTheCaret(t *testing.T) {
	tests := []struct {
		name, line string
		col        int
		want       string
		wantCol    int
	}{
		{"before", "x: hunter2, y", 1, "x: ***, y", 1},
		{"at its start", "x: hunter2, y", 4, "x: ***, y", 4},
		{"inside", "x: hunter2, y", 7, "x: ***, y", 4},
		{"at its last rune", "x: hunter2, y", 10, "x: ***, y", 4},
		{"after", "x: hunter2, y", 12, "x: ***, y", 8},
		{"after two", "hunter2 é hunter2 z", 19, "*** é *** z", 11},
		{"inside the second", "hunter2 é hunter2 z", 13, "*** é *** z", 7},
		{"past the line's end", "x: hunter2", 14, "x: ***", 10},
		{"the longer secret whole", "a: hunter2-long", 15, "a: ***", 4},
		{"none", "x: y", 4, "x: y", 4},
	}
	src := NewSource("p.yaml", nil)
	src.setSecrets([]string{"hunter2", "hunter2-long", "ab"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, col := src.masked(tt.line, tt.col)
			if got != tt.want || col != tt.wantCol {
				t.Errorf("masked(%q, %d) = %q, %d; want %q, %d", tt.line, tt.col, got, col, tt.want, tt.wantCol)
			}
		})
	}
}

// masked never panics, never leaves a secret in the line, and keeps the
// caret on the line (or as far past its end as it was).
func FuzzMasked(f *testing.F) {
	f.Add("x: hunter2, y", 7, "hunter2", "hunter2-long")
	f.Add("é hunter2 é", 3, "é h", "2 é")
	f.Fuzz(func(t *testing.T, line string, col int, a, b string) {
		if col < 1 || col > 1<<16 || strings.Contains(a+b, "*") {
			return
		}
		src := NewSource("p.yaml", nil)
		src.setSecrets([]string{a, b})
		got, gotCol := src.masked(line, col)
		for _, s := range []string{a, b} {
			if utf8.RuneCountInString(s) >= minSecretLen && strings.Contains(got, s) {
				t.Errorf("masked(%q) = %q holds %q", line, got, s)
			}
		}
		past := max(0, col-1-utf8.RuneCountInString(line))
		if gotCol < 1 || gotCol > utf8.RuneCountInString(got)+1+past {
			t.Errorf("masked(%q, %d) = %q, col %d: off the line", line, col, got, gotCol)
		}
	})
}
