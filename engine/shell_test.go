package engine

import (
	"os"
	"os/exec"
	"path/filepath"
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
		{"hash after a substitution", `echo $(echo a)#@`, []shellCtx{shellWord}, ""},
		{"hash after a subshell", `(echo a) # @`, nil, "comment"},
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
		{"name before in double", `printf %s "$HOME@"`, nil, "a $name right before"},
		{"name ends before", `printf %s "${HOME}@ $1@ $HOME-@ $HOME\\@" $HOME@`, []shellCtx{shellDouble, shellDouble, shellDouble, shellDouble, shellWord}, ""},
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

// testShells are the shells sh may be: sh itself, and bash (as bash and
// in its POSIX mode) when it is installed.
func testShells(t testing.TB) [][]string {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	shells := [][]string{{"sh", "-c"}}
	if _, err := exec.LookPath("bash"); err == nil {
		shells = append(shells, []string{"bash", "-c"}, []string{"bash", "--posix", "-c"})
	}
	return shells
}

// TestShellQuotingRoundTrips runs real sh (and bash): whatever the value,
// in each context the script prints exactly it.
func TestShellQuotingRoundTrips(t *testing.T) {
	shells := testShells(t)
	values := []string{"plain", "", "a b", "it's", `"q"`, "$(id)", "`id`", "x; id", "a\nb", `\`, `\\'`, "'", "''", "*", "$HOME", "-n", "é ✓", "(id)", "{HOME}", "1"}
	scripts := []struct{ before, after, pre, post string }{
		{"printf %s ", "", "", ""},
		{`printf %s "`, `"`, "", ""},
		{`printf %s '`, `'`, "", ""},
		{`printf %s "$(printf %s `, `)"`, "", ""},
		{`printf %s x`, `y`, "x", "y"},
		{`printf %s \\`, "", `\`, ""},
		{`printf %s "\\`, `"`, `\`, ""},
		{`printf %s \$`, "", "$", ""},
		{`printf %s "\$`, `"`, "$", ""},
		{`printf %s '\`, `'`, `\`, ""},
		{`printf %s '$`, `'`, "$", ""},
		{`printf %s $((1<<2))`, "", "4", ""},
		{`printf %s "$((1<<2))`, `"`, "4", ""},
		{`case a in a) printf %s `, `;; esac`, "", ""},
		{`printf %s "$( (printf %s `, `) )"`, "", ""},
	}
	for _, sc := range scripts {
		hole := shellHoles([]string{sc.before, sc.after})[0]
		if hole.why != "" {
			t.Fatalf("%s...%s: %s", sc.before, sc.after, hole.why)
		}
		for _, v := range values {
			script := string(appendShell([]byte(sc.before), hole.ctx, v)) + sc.after
			want := sc.pre + v + sc.post
			if strings.HasSuffix(sc.after, ")\"") || strings.HasSuffix(sc.after, ") )\"") {
				want = strings.TrimRight(want, "\n")
			}
			for _, sh := range shells {
				out, err := exec.Command(sh[0], append(sh[1:], script)...).Output()
				if err != nil || string(out) != want {
					t.Errorf("%s %q: %q, %v; want %q", strings.Join(sh, " "), script, out, err, want)
				}
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
		{shellWord, []string{"a.txt", "b c.txt"}, `'a.txt' 'b c.txt'`}, // split() gives []string
		{shellWord, []int{1, 2}, `'1' '2'`},
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
// with what may come right before it (a \, a $, a paren), sh and bash
// read it back exactly and nothing else runs, or validate refuses the
// place; and no script makes the scan panic. What a script prints with
// the value is what it prints with a plain placeholder, the placeholder
// replaced by the value.
func FuzzShellQuote(f *testing.F) {
	shells := testShells(f)
	wraps := []struct {
		before, after string
		subst         bool // the value ends a $( ): trailing newlines go
	}{
		{`printf %s `, ``, false},
		{`printf %s "`, `"`, false},
		{`printf %s '`, `'`, false},
		{`printf %s "$(printf %s `, `)"`, true},
		{`case a in a) printf %s `, `;; esac`, false},
		{`printf %s "$(case a in a) printf %s `, `;; esac)"`, true},
		{`printf %s "$((1<<2))`, `"`, false},
		{`printf %s $((1<<2))`, ``, false},
		{`printf %s "$( (printf %s `, `) )"`, true},
		{`printf %s $((`, `))`, false},
		{`printf %s "$((`, `))"`, false},
		{`printf %s "$`, `"`, false},
	}
	pres := []string{"", `\`, `\\`, "$", `\$`, "(", "((", "x", `"`, "'"}
	f.Add(uint8(0), uint8(0), "x y\nz", "echo ${X:-")
	f.Add(uint8(1), uint8(1), "a\"$(id)`id`\\", "cat <<E # '")
	f.Add(uint8(2), uint8(2), "'; id; '", `"$(`)
	f.Add(uint8(3), uint8(3), "$HOME\n\n", "`")
	f.Add(uint8(0), uint8(1), "; touch pwned #", `printf %s \`)
	f.Add(uint8(1), uint8(1), "$(touch pwned)", `"\`)
	f.Add(uint8(5), uint8(0), "a b;touch pwned", "$(case x in x) ")
	f.Add(uint8(0), uint8(3), `\' ;touch pwned;#`, "$")
	f.Add(uint8(11), uint8(0), "(touch pwned)", `"$`)
	f.Add(uint8(9), uint8(0), "$(touch pwned)", "$((")
	f.Add(uint8(11), uint8(7), "_SECRET", `"$AWS`)
	f.Fuzz(func(t *testing.T, which, pre uint8, v, script string) {
		shellHoles([]string{script, v, script})
		if strings.ContainsRune(v, 0) {
			return // no argument can hold a NUL: exec refuses the script
		}
		w := wraps[int(which)%len(wraps)]
		before := w.before + pres[int(pre)%len(pres)]
		hole := shellHoles([]string{before, w.after})[0]
		if hole.why != "" {
			return
		}
		const placeholder = "PLACEHOLDER"
		dir := t.TempDir()
		run := func(sh []string, value string) (string, bool) {
			cmd := exec.Command(sh[0], append(sh[1:], string(appendShell([]byte(before), hole.ctx, value))+w.after)...)
			cmd.Dir = dir
			out, err := cmd.Output()
			return string(out), err == nil
		}
		got := v
		if w.subst {
			got = strings.TrimRight(v, "\n")
		}
		for _, sh := range shells {
			out, ok := run(sh, v)
			plain, plainOK := run(sh, placeholder)
			if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
				t.Fatalf("%s: %s%s...%s with %q: pwned exists", sh[0], before, "", w.after, v)
			}
			if ok != plainOK || out != strings.ReplaceAll(plain, placeholder, got) {
				t.Errorf("%s: %s...%s with %q: %q, %v; with a placeholder %q, %v", strings.Join(sh, " "), before, w.after, v, out, ok, plain, plainOK)
			}
		}
	})
}
