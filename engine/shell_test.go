package engine

import (
	"os/exec"
	"strings"
	"testing"
)

func TestShellHoles(t *testing.T) {
	tests := []struct {
		name   string
		script string // @ marks each ${{ }}
		want   []shellCtx
		why    string // the reason of the first hole that cannot be quoted
	}{
		{"bare word", "echo @", []shellCtx{shellWord}, ""},
		{"glued to a word", "echo x@y", []shellCtx{shellWord}, ""},
		{"double quotes", `echo "a @ b"`, []shellCtx{shellDouble}, ""},
		{"single quotes", `echo 'a @ b'`, []shellCtx{shellSingle}, ""},
		{"after quotes close", `echo "a" @ 'b' @`, []shellCtx{shellWord, shellWord}, ""},
		{"escaped quote", `echo \" @ \'`, []shellCtx{shellWord}, ""},
		{"escaped quote in double", `echo "\" @"`, []shellCtx{shellDouble}, ""},
		{"double quote in single", `echo '"' @`, []shellCtx{shellWord}, ""},
		{"command substitution", `echo $(basename @)`, []shellCtx{shellWord}, ""},
		{"substitution in double", `echo "$(basename @) @"`, []shellCtx{shellWord, shellDouble}, ""},
		{"nested parens", `echo $( (echo @) ) @`, []shellCtx{shellWord, shellWord}, ""},
		{"arithmetic", `echo $((1 + 2)) @`, []shellCtx{shellWord}, ""},
		{"hash inside a word", `echo a#@ @`, []shellCtx{shellWord, shellWord}, ""},
		{"hash after a value", `echo @# @`, []shellCtx{shellWord, shellWord}, ""},
		{"here-string", `cat <<< @`, []shellCtx{shellWord}, ""},
		{"comment", "echo hi # @", nil, "comment"},
		{"comment ends at newline", "echo # c\necho @", []shellCtx{shellWord}, ""},
		{"heredoc", "cat <<EOF\n@\nEOF", nil, "heredoc"},
		{"backquotes", "echo `echo @`", nil, "backquotes"},
		{"backquotes in double", "echo \"`echo @`\"", nil, "backquotes"},
		{"parameter expansion", `echo ${X:-@}`, nil, "${...}"},
		{"ansi-c quotes", `echo $'a @'`, nil, "$'...'"},
		// A \ or a $ right before the value would reach into its quoting.
		{"backslash before", `printf %s \@`, nil, `a \ right before`},
		{"backslash before in double", `printf %s "\@"`, nil, `a \ right before`},
		{"backslash before in subst", `echo "$(printf %s \@)"`, nil, `a \ right before`},
		{"escaped backslash before", `printf %s \\@ "\\@"`, []shellCtx{shellWord, shellDouble}, ""},
		{"backslash in single", `printf %s '\@'`, []shellCtx{shellSingle}, ""},
		{"dollar before", `printf %s $@`, nil, "a $ right before"},
		{"dollar before in double", `printf %s "$@"`, nil, "a $ right before"},
		{"dollar before in subst", `echo $(printf %s $@)`, nil, "a $ right before"},
		{"escaped dollar before", `printf %s \$@ "\$@" '$@'`, []shellCtx{shellWord, shellDouble, shellSingle}, ""},
		{"locale string", `echo $"a @"`, nil, `$"..."`},
		// The ) of a case pattern inside $( ) does not end the $( ).
		{"case in subst", `echo "$(case x in x) echo @;; esac)"`, nil, "cannot tell where"},
		{"case in subst, later values", `echo "$(case x in x) echo a;; esac) @"`, nil, "cannot tell where"},
		{"case subject in subst", `echo "$(case @ in a) echo 1;; esac)"`, []shellCtx{shellWord}, ""},
		{"case at top level", `case x in x) echo @;; esac; echo "@"`, []shellCtx{shellWord, shellDouble}, ""},
		{"case word in subst", `echo "$(echo cases) @"`, []shellCtx{shellDouble}, ""},
		// Arithmetic expands $ and ` in the value whatever its quotes.
		{"value in arithmetic", `echo $((@ + 1))`, nil, "arithmetic"},
		{"value in double arithmetic", `echo "$((@ + 1))"`, nil, "arithmetic"},
		{"bash arithmetic command", `((@ > 1)) && echo y`, nil, "arithmetic"},
		{"bash old arithmetic", `echo $[@ + 1]`, nil, "arithmetic"},
		{"shift is no heredoc", `echo $((1<<2)) @ "$((3<<1))" @`, []shellCtx{shellWord, shellWord}, ""},
		{"after arithmetic", `echo "$((1 + (2*3))) @"`, []shellCtx{shellDouble}, ""},
		{"subshell in subst", `echo "$( (echo a) ) @"`, []shellCtx{shellDouble}, ""},
		// Where the scan ends inside a quote, it may have misread the script.
		{"unbalanced", `echo @ "`, nil, "cannot tell where"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			holes := shellHoles(strings.Split(tt.script, "@"))
			var got []shellCtx
			for _, h := range holes {
				if h.why != "" {
					if tt.why == "" || !strings.Contains(h.why, tt.why) {
						t.Fatalf("%q: cannot quote: %s; want %q", tt.script, h.why, tt.why)
					}
					return
				}
				got = append(got, h.ctx)
			}
			if tt.why != "" {
				t.Fatalf("%q: contexts %v, want the error %q", tt.script, got, tt.why)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%q: contexts %v, want %v", tt.script, got, tt.want)
			}
			for k := range got {
				if got[k] != tt.want[k] {
					t.Errorf("%q: contexts %v, want %v", tt.script, got, tt.want)
				}
			}
		})
	}
}

// TestShellQuotingRoundTrips runs real sh: whatever the value, in each
// context the script prints exactly it.
func TestShellQuotingRoundTrips(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	values := []string{"plain", "", "a b", "it's", `"q"`, "$(id)", "`id`", "x; id", "a\nb", `\`, `\\'`, "'", "''", "*", "$HOME", "-n", "é ✓"}
	scripts := []struct{ before, after string }{
		{"printf %s ", ""},
		{`printf %s "`, `"`},
		{`printf %s '`, `'`},
		{`printf %s "$(printf %s `, `)"`},
		{`printf %s x`, `y`},
	}
	for _, sc := range scripts {
		ctx := shellHoles([]string{sc.before, sc.after})[0].ctx
		for _, v := range values {
			script := string(appendShell([]byte(sc.before), ctx, v)) + sc.after
			out, err := exec.Command("sh", "-c", script).Output()
			want := v
			if strings.HasSuffix(sc.before, "x") {
				want = "x" + v + "y"
			}
			if err != nil || string(out) != want {
				t.Errorf("sh -c %q: %q, %v; want %q", script, out, err, want)
			}
		}
	}
}

func TestAppendShell(t *testing.T) {
	tests := []struct {
		ctx  shellCtx
		v    any
		want string
	}{
		{shellNone, "a'b", "a'b"},
		{shellWord, "a'b", `'a'\''b'`},
		{shellWord, 3, `'3'`},
		{shellWord, nil, `''`},
		{shellWord, []any{"a b", 2, "c'"}, `'a b' '2' 'c'\'''`},
		{shellWord, []any{}, ``},
		{shellWord, map[string]any{"k": "v"}, `'{"k":"v"}'`},
		{shellSingle, "a'b", `a'\''b`},
		{shellDouble, "a\"$`\\b'", `a\"\$\` + "`" + `\\b'`},
		{shellDouble, []any{"a"}, `[\"a\"]`},
	}
	for _, tt := range tests {
		if got := string(appendShell(nil, tt.ctx, tt.v)); got != tt.want {
			t.Errorf("appendShell(%d, %#v) = %s, want %s", tt.ctx, tt.v, got, tt.want)
		}
	}
}

// FuzzShellQuote: whatever the value, in each kind of place in a script,
// the shell reads it back exactly and nothing else runs; and no script
// makes the scan panic.
func FuzzShellQuote(f *testing.F) {
	if _, err := exec.LookPath("sh"); err != nil {
		f.Skip("no sh")
	}
	wraps := []struct{ before, after string }{
		{`printf %s `, ``},
		{`printf %s "`, `"`},
		{`printf %s '`, `'`},
		{`printf %s "$(printf %s `, `)"`},
	}
	f.Add(uint8(0), "x y\nz", "echo ${X:-")
	f.Add(uint8(1), "a\"$(id)`id`\\", "cat <<E # '")
	f.Add(uint8(2), "'; id; '", `"$(`)
	f.Add(uint8(3), "$HOME\n\n", "`")
	f.Fuzz(func(t *testing.T, which uint8, v, script string) {
		shellHoles([]string{script, v, script})
		if strings.ContainsRune(v, 0) {
			return // no argument can hold a NUL: exec refuses the script
		}
		w := wraps[int(which)%len(wraps)]
		ctx := shellHoles([]string{w.before, w.after})[0].ctx
		out, err := exec.Command("sh", "-c", string(appendShell([]byte(w.before), ctx, v))+w.after).Output()
		want := v
		if strings.HasSuffix(w.after, ")\"") {
			want = strings.TrimRight(v, "\n") // $( ) drops trailing newlines
		}
		if err != nil || string(out) != want {
			t.Errorf("%s...%s with %q: %q, %v", w.before, w.after, v, out, err)
		}
	})
}
