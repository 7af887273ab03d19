package main

import (
	"testing"
)

// A password with a $ in a --config .env file reaches config and modules'
// environment as written: $5 and $HOME were cut to nothing, silently.
func TestEnvFileDollarsAreLiteral(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"e.yaml": `name: dollars
config: {A: "", B: "", C: "", D: "", E: ""}
nodes:
  show:
    module: exec
    with: {command: 'printf %s "$C|$EXTRA"'}
`,
		"y.env": "A=pa$$word\nB=price$5\nC=x$HOME\nD='s$HOME'\nE=\"q$HOME\"\nEXTRA=e$B\n",
	})
	rec, r := runRecord(t, dir, nil, "e.yaml", "--config", "y.env")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := map[string]string{"A": "pa$$word", "B": "price$5", "C": "x$HOME", "D": "s$HOME", "E": "q$HOME"}
	for key, w := range want {
		if got := rec.Config[key].Value; got != w {
			t.Errorf("config %s = %q, want %q", key, got, w)
		}
	}
	if got, w := rec.Nodes["show"].Outputs["stdout"], "x$HOME|e$B"; got != w {
		t.Errorf("the program's environment has C|EXTRA = %q, want %q", got, w)
	}
}
