package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completions runs pipe __complete WORDS... and returns the candidates
// without their descriptions.
func completions(t *testing.T, words ...string) []string {
	t.Helper()
	r := pipe(t, append([]string{completeCommand}, words...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out []string
	for line := range strings.Lines(r.stdout) {
		text, _, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		out = append(out, text)
	}
	return out
}

// TestCompleteE2E: what the shells' scripts get from the binary:
// commands, flags, pipeline files, run ids, node ids, parameters.
func TestCompleteE2E(t *testing.T) {
	runs := t.TempDir()
	r := pipe(t, "run", "testdata/good/params.yaml", "--runs-dir", runs, "--json")
	if r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	runID := strings.TrimSuffix(filepath.Base(globOne(t, filepath.Join(runs, "*.json"))), ".json")
	const file = "testdata/good/params.yaml"
	tests := []struct {
		name  string
		words []string
		want  []string // all of these
		not   []string // none of these
	}{
		{"commands", []string{"r"}, []string{"run", "runs"}, []string{"show", "__complete"}},
		{"global flags", []string{"--"}, []string{"--debug", "--log-format", "--version"}, nil},
		{"command flags", []string{"run", "--ma"}, []string{"--max-parallel"}, []string{"--max-paralel", "--json"}},
		{"pipeline files", []string{"run", "pipelines/"}, []string{"pipelines/predict.yaml", "pipelines/example.yaml"}, nil},
		{"pipeline files from the start", []string{"explain", ""}, []string{"pipelines/predict.yaml", "testdata/"}, []string{"go.mod"}},
		{"files in a directory", []string{"validate", "testdata/go"}, []string{"testdata/good/"}, nil},
		{"parameters after the file", []string{"run", file, "--ep"}, []string{"--epochs"}, nil},
		{"no parameters before it", []string{"run", "--ep"}, nil, []string{"--epochs"}},
		{"a clash is pipe's flag", []string{"run", file, "--out"}, []string{"--output"}, nil},
		{"bool parameter", []string{"run", file, "--enable-dangerous-ai="}, []string{"--enable-dangerous-ai=true", "--enable-dangerous-ai=false"}, nil},
		{"path parameter", []string{"run", file, "--sports-model", "pipelines/pr"}, []string{"pipelines/predict.yaml"}, nil},
		{"enum", []string{"run", file, "--output", ""}, []string{"prefixed", "grouped", "quiet"}, nil},
		{"enum inline", []string{"run", file, "--schedule=l"}, []string{"--schedule=levels"}, []string{"--schedule=eager"}},
		{"graph formats", []string{"graph", file, "-T", ""}, []string{"dot", "svg", "png", "pdf"}, nil},
		{"node ids", []string{"run", "pipelines/predict.yaml", "--only", "sports_predictor,b"}, []string{"sports_predictor,betting_prediction"}, []string{"sports_predictor,sports_predictor"}},
		{"node ids of skip", []string{"explain", "pipelines/predict.yaml", "--skip", "w"}, []string{"web_interface"}, nil},
		{"config keys", []string{"run", file, "-s", "SP"}, []string{"SPORTS_MODEL="}, []string{"EPOCHS="}},
		// Every pipeline has the gate, declared or not.
		{"the gate as a parameter", []string{"run", "testdata/good/gate.yaml", "--en"}, []string{"--enable-dangerous-ai"}, nil},
		{"the gate as a key", []string{"run", "testdata/good/gate.yaml", "-s", "EN"}, []string{"ENABLE_DANGEROUS_AI="}, nil},
		{"run ids for show", []string{"show", "--runs-dir", runs, ""}, []string{"last", runID}, nil},
		{"runs on Temporal for status: none of the local ones", []string{"status", "--runs-dir", runs, ""}, []string{"last"}, []string{runID}},
		{"run ids for --resume", []string{"run", file, "--runs-dir", runs, "--resume", ""}, []string{"last", runID}, nil},
		{"--resume: runs of this pipeline", []string{"run", "pipelines/predict.yaml", "--runs-dir", runs, "--resume", ""}, []string{"last"}, []string{runID}},
		{"nodes of a run for logs", []string{"logs", "--runs-dir=" + runs, "last", ""}, []string{"show"}, nil},
		{"modules", []string{"modules", "ex"}, []string{"exec"}, nil},
		{"shells", []string{"completion", ""}, []string{"bash", "zsh", "fish"}, nil},
		{"help", []string{"help", "ex"}, []string{"explain"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := completions(t, tt.words...)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q: no %q in %q", tt.words, w, got)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("%q: %q in %q", tt.words, n, got)
				}
			}
		})
	}
}

// A secret config key's default shows as *** beside its flag, as
// everywhere pipe shows it.
func TestCompleteHidesSecretDefaults(t *testing.T) {
	r := pipe(t, "__complete", "run", "testdata/good/secret_params.yaml", "--")
	if r.code != 0 || !strings.Contains(r.stdout, "--db-pass\tstring, default ***") || !strings.Contains(r.stdout, "--api-key\tstring, default ***") ||
		strings.Contains(r.stdout, "hunter2") || strings.Contains(r.stdout, "s3cret-key") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func globOne(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(pattern)
	if len(m) != 1 {
		t.Fatalf("%s: %d files, want 1", pattern, len(m))
	}
	return m[0]
}

// TestCompletionScriptsE2E runs each shell's script as the shell would,
// with the built binary on PATH as pipe. Shells that are not installed
// are skipped.
func TestCompletionScriptsE2E(t *testing.T) {
	bin := t.TempDir()
	if err := os.Symlink(pipeBin, filepath.Join(bin, "pipe")); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
	// bashLine completes line as bash does: COMP_WORDS split at = too.
	bashLine := `source <(pipe completion bash); COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(); for w in $COMP_LINE; do w=${w//=/ = }; COMP_WORDS+=($w); done
[[ $COMP_LINE == *[[:blank:]=] ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _pipe; printf '%s\n' "${COMPREPLY[@]}"`
	// A directory and a file with spaces in their names, for quoting.
	spaced := t.TempDir()
	os.MkdirAll(filepath.Join(spaced, "my dir"), 0o755)
	os.WriteFile(filepath.Join(spaced, "my dir", "e x.yaml"), []byte("config: {WHO: x}\nnodes:\n  a: {module: echo}\n"), 0o644)
	// bashWords completes with COMP_WORDS as bash makes them, an escaped
	// blank kept in its word.
	bashWords := `source /usr/share/bash-completion/bash_completion; source <(pipe completion bash); COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(pipe run "$2"); COMP_CWORD=2; _pipe; printf '%s\n' "${COMPREPLY[@]}"`
	// bashWordsAfter completes a parameter flag after the file, $2.
	bashWordsAfter := `source /usr/share/bash-completion/bash_completion; source <(pipe completion bash); COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(pipe run "$2" --w); COMP_CWORD=3; _pipe; printf '%s\n' "${COMPREPLY[@]}"`
	zshLine := `compadd() { local name=${@[-1]}; print -rl -- "${(P@)name}"; }
source <(pipe completion zsh); words=(${(z)1}); [[ $1 == *' ' ]] && words+=(''); CURRENT=${#words}; _pipe`
	tests := []struct {
		shell  string
		script string
		line   string
		want   []string
		dir    string // where the shell runs: the repository's root when ""
		word   string // bashWords' word being completed
	}{
		{"bash", bashLine, "pipe ru", []string{"run", "runs"}, "", ""},
		{"bash", bashLine, "pipe run testdata/good/params.yaml --sports", []string{"--sports-model"}, "", ""},
		// bash replaces only what follows the =.
		{"bash", bashLine, "pipe run testdata/good/params.yaml --sports-model=pipelines/pr", []string{"pipelines/predict.yaml"}, "", ""},
		{"bash", bashLine, "pipe run pipelines/predict.yaml --only sports_predictor,b", []string{"sports_predictor,betting_prediction"}, "", ""},
		{"bash-completion", "source /usr/share/bash-completion/bash_completion\n" + bashLine, "pipe run testdata/good/params.yaml --enable-dangerous-ai=t", []string{"true"}, "", ""},
		{"zsh", zshLine, "pipe run testdata/good/params.yaml --ep", []string{"--epochs"}, "", ""},
		// Names with blanks: bash inserts them escaped (or inside the
		// quote the word opened) and pipe reads the words unescaped.
		{"bash", bashLine, "pipe run my", []string{`my\ dir/`}, spaced, ""},
		{"bash", bashLine, `pipe run my\ dir/`, []string{`my\ dir/e\ x.yaml`}, spaced, ""},
		{"bash-completion", bashWords, `pipe run my\ dir/`, []string{`my\ dir/e\ x.yaml`}, spaced, `my\ dir/`},
		{"bash-completion", bashWords, `pipe run "my dir/`, []string{`"my dir/e x.yaml`}, spaced, `"my dir/`},
		// Without bash-completion too: a quote keeps its blanks.
		{"bash", bashLine, `pipe run "my dir/`, []string{`"my dir/e x.yaml`}, spaced, ""},
		{"bash", bashLine, `pipe run 'my dir/e x.yaml' --w`, []string{"--who"}, spaced, ""},
		{"zsh", zshLine, `pipe run my\ dir/`, []string{"my dir/e x.yaml"}, spaced, ""},
		// A file given in quotes, or escaped, is one word to pipe: its
		// parameters complete.
		{"bash-completion", bashWordsAfter, `pipe run "my dir/e x.yaml" --w`, []string{"--who"}, spaced, `"my dir/e x.yaml"`},
		{"bash-completion", bashWordsAfter, `pipe run 'my dir/e x.yaml' --w`, []string{"--who"}, spaced, `'my dir/e x.yaml'`},
		{"bash-completion", bashWordsAfter, `pipe run my\ dir/e\ x.yaml --w`, []string{"--who"}, spaced, `my\ dir/e\ x.yaml`},
		{"fish", `pipe completion fish | source; complete -C"$argv[1]"`, "pipe explain testdata/good/params.yaml --kelly", []string{"--kelly-fraction\tnumber, default 0.25. the share of the Kelly stake to bet"}, "", ""},
		{"fish", `pipe completion fish | source; complete -C"$argv[1]"`, "pipe completion ", []string{"bash", "fish", "zsh"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.shell+" "+tt.line, func(t *testing.T) {
			shell, args := tt.shell, []string{"-c", tt.script, "-", tt.line}
			switch shell {
			case "bash-completion":
				if _, err := os.Stat("/usr/share/bash-completion/bash_completion"); err != nil {
					t.Skip("bash-completion is not installed")
				}
				shell, args = "bash", append(args, tt.word)
			case "zsh":
				args = []string{"-fc", tt.script, "-", tt.line}
			case "fish":
				args = []string{"-c", tt.script, tt.line}
			}
			if _, err := exec.LookPath(shell); err != nil {
				t.Skipf("%s is not installed", shell)
			}
			cmd := exec.Command(shell, args...)
			cmd.Dir = "../.."
			if tt.dir != "" {
				cmd.Dir = tt.dir
			}
			cmd.Env = append(os.Environ(), path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", shell, err, out)
			}
			got := strings.Split(strings.TrimSpace(string(out)), "\n")
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("no %q in %q", w, got)
				}
			}
		})
	}
}
