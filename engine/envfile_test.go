package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// Only a key surely misspelt is warned about: the modules' own settings
// pass in silence, and so does a near key when the file sets the real one.
func TestEnvFileExtras(t *testing.T) {
	p := &schema.Pipeline{Config: []schema.ConfigVar{{Key: "SPORTS_MODEL"}, {Key: "DATA"}, {Key: "LIMIT"}, {Key: "BETTING_MODEL"}}}
	file := filepath.Join(t.TempDir(), "custom.env")
	os.WriteFile(file, []byte("SPORTS_MODEL=a\nSPORT_MODEL=b\nexport DATS=c\nDATE=2020\nLIMITS=3\nsports_model=d\nBETING_MDEL=e\nTHRESHOLD=0.5\nHOME=/x\n"), 0o600)
	environ := func(k string) (string, bool) { return "set", k == "HOME" }
	extras, warnings, err := EnvFileExtras(p, ConfigSources{EnvFile: file, Environ: environ})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range warnings {
		got = append(got, w.Key+"->"+w.Near)
	}
	// SPORT_MODEL and sports_model look like SPORTS_MODEL, which the file
	// sets: deliberate. DATS and DATE are one letter from DATA, but so are
	// too many real words of four letters.
	want := []string{"LIMITS->LIMIT", "BETING_MDEL->BETTING_MODEL"}
	if !slices.Equal(got, want) {
		t.Errorf("warnings %v, want %v", got, want)
	}
	if len(warnings) > 0 && warnings[0].Line != 5 {
		t.Errorf("LIMITS is at line %d, want 5", warnings[0].Line)
	}
	if _, ok := extras["HOME"]; ok || extras["THRESHOLD"] != "0.5" || extras["SPORTS_MODEL"] != "" {
		t.Errorf("extras %v: want THRESHOLD, not HOME (the environment sets it) nor SPORTS_MODEL (declared)", extras)
	}
}

// A .env file that does not parse is reported at its line, and the error
// quotes nothing of the file: godotenv's own error quoted the rest of it,
// secrets and all.
func TestEnvFileErrorNamesTheLineAndNoSecret(t *testing.T) {
	tests := []struct {
		name, data string
		want       string // "" when it parses
	}{
		{"good", "A=1\n# c\n\nB=\"two\"\n", ""},
		{"not key=value", "N=1\nthis is bad\nAPI_KEY=supersecret123\n", "x.env:2: not KEY=VALUE"},
		{"first line", "oops\nAPI_KEY=supersecret123\n", "x.env:1: not KEY=VALUE"},
		{"open quote", "A=1\nAPI_KEY=\"supersecret123\nB=2\n", "x.env:2: a quoted value that does not end"},
		{"open quote after the same text closed", "A=\"supersecret123\"\nB=2\nAPI_KEY=\"supersecret123\nC=3\n", "x.env:3: a quoted value that does not end"},
		{"open quote on the last line", "A=1\nAPI_KEY=\"supersecret123", "x.env:2: a quoted value that does not end"},
		{"CRLF not key=value", "N=1\r\nM=2\r\nthis is bad\r\nAPI_KEY=supersecret123\r\n", "x.env:3: not KEY=VALUE"},
		{"CRLF open quote", "N=1\r\nAPI_KEY=\"supersecret123\r\nB=2\r\n", "x.env:2: a quoted value that does not end"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseEnvFile("x.env", []byte(tc.data))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("parseEnvFile: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrUsage) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "supersecret") {
				t.Errorf("error quotes the file: %v", err)
			}
		})
	}
}

// Whatever a .env file holds, its error names a line the file has, or
// none.
func FuzzEnvFileError(f *testing.F) {
	for _, s := range []string{"A=1\n", "oops\n", "A=\"x\nB=2\n", "A=1\r\nbad line\r\n", "A='x'\nB='x\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseEnvFile("--config f.env", data)
		if err == nil {
			return
		}
		lines := 1 + bytes.Count(data, []byte("\n"))
		var line int
		if _, scanErr := fmt.Sscanf(strings.TrimPrefix(err.Error(), ErrUsage.Error()+": --config f.env:"), "%d", &line); scanErr == nil && (line < 1 || line > lines) {
			t.Fatalf("line %d of a file of %d lines: %v", line, lines, err)
		}
	})
}

// A value no program's environment can hold (a NUL byte, more than one
// variable may take) is left out of it, with why, instead of failing
// every program of the run.
func TestModuleEnvLeavesOutWhatNoEnvironmentHolds(t *testing.T) {
	plan, err := Parse("e.yaml", []byte("config: {V: ok, NUL: x, BIG: x}\nnodes:\n  a: {module: echo}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{"V": "ok", "NUL": "a\x00b", "BIG": strings.Repeat("x", envMaxLen)}
	env, left := moduleEnv(plan, cfg, map[string]string{"EXTRA": "fine", "EXTRA_NUL": "\x00"})
	if want := []string{"EXTRA=fine", "V=ok"}; !slices.Equal(env, want) {
		t.Errorf("env %q, want %q", env, want)
	}
	if len(left) != 3 || !strings.Contains(left["NUL"], "NUL byte") || !strings.Contains(left["BIG"], "more than") || left["EXTRA_NUL"] == "" {
		t.Errorf("left out %q, want NUL, BIG and EXTRA_NUL with why", left)
	}
}

// A .env file that starts with a UTF-8 byte-order mark (Notepad writes
// one) reads as the same file without it.
func TestEnvFileWithAByteOrderMark(t *testing.T) {
	for _, data := range []string{"\xef\xbb\xbfA=1\nB=two\n", "\xef\xbb\xbfexport A=1\r\nB=two\r\n"} {
		got, err := parseEnvFile("bom.env", []byte(data))
		if err != nil || got["A"] != "1" || got["B"] != "two" || len(got) != 2 {
			t.Errorf("%q: %v, %v; want A=1 B=two", data, got, err)
		}
	}
}

// A .env value that does not fit its key's type is reported at the line
// that sets it (the last, when set twice: it wins).
func TestEnvFileValueErrorNamesTheLine(t *testing.T) {
	p := &schema.Pipeline{Config: []schema.ConfigVar{{Key: "N", Value: 1}, {Key: "S", Value: "x"}}}
	file := filepath.Join(t.TempDir(), "d.env")
	os.WriteFile(file, []byte("\xef\xbb\xbfS=ok\n# a comment\nN=1\nN=abc\n"), 0o600) // a BOM too
	_, err := ResolveConfig(p, ConfigSources{EnvFile: file})
	if err == nil || !strings.Contains(err.Error(), "config N from "+file+":4: ") || !errors.Is(err, ErrUsage) {
		t.Errorf("err = %v, want config N from %s:4: ...", err, file)
	}
	_, from, err := ResolveConfigFrom(&schema.Pipeline{Config: p.Config[1:]}, ConfigSources{EnvFile: file})
	if err != nil || from["S"] != file {
		t.Errorf("S from %q (%v), want the file's path alone", from["S"], err)
	}
}

// A .env value is taken literally: a $ is a $, quoted or not, never the
// start of a variable (godotenv's expansion cut pa$5word to pa, and read
// no environment). The rest of the .env syntax is as before.
func TestEnvFileValuesKeepDollars(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"unquoted $$", `A=pa$$word`, `pa$$word`},
		{"unquoted $digit", `A=price$5`, `price$5`},
		{"unquoted $NAME", `A=x$HOME`, `x$HOME`},
		{"unquoted ${NAME}", `A=x${HOME}y`, `x${HOME}y`},
		{"unquoted key of the file", `A=$FIRST`, `$FIRST`},
		// \$ was how to write a $ while godotenv expanded them: such a
		// file keeps its values.
		{"unquoted backslash", `A=x\$HOME`, `x$HOME`},
		{"double-quoted backslash", `A="x\$HOME"`, `x$HOME`},
		{"single-quoted backslash", `A='x\$HOME'`, `x\$HOME`},
		{"single-quoted backslash, KEY: VALUE", `A: 'x\$HOME'`, `x\$HOME`},
		{"unquoted trailing $", `A=cost$`, `cost$`},
		{"unquoted with a comment", `A=x$HOME # the comment`, `x$HOME`},
		{"export prefix", `export A=x$HOME`, `x$HOME`},
		{"single-quoted", `A='s$HOME ${HOME} $5'`, `s$HOME ${HOME} $5`},
		{"double-quoted", `A="q$HOME ${HOME} $5"`, `q$HOME ${HOME} $5`},
		{"double-quoted escapes", `A="a\$b\nc\"d"`, "a$b\nc\"d"},
		{"yaml style", `A: p$ss`, `p$ss`},
		{"stand-in character in the file", "A=\uE000$\uE001", "\uE000$\uE001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := "FIRST=one\n" + tc.line + "\nB=after$1\n"
			got, err := parseEnvFile("x.env", []byte(data))
			if err != nil {
				t.Fatalf("parseEnvFile: %v", err)
			}
			if got["A"] != tc.want || got["B"] != "after$1" || got["FIRST"] != "one" || len(got) != 3 {
				t.Errorf("%s: got %q, want A=%q B=\"after$1\" FIRST=\"one\"", tc.line, got, tc.want)
			}
		})
	}
}

// A key with a $ is still not KEY=VALUE, at its line.
func TestEnvFileDollarInAKeyIsAnError(t *testing.T) {
	_, err := parseEnvFile("x.env", []byte("A=1\nB$C=2\n"))
	if err == nil || !strings.Contains(err.Error(), "x.env:2: not KEY=VALUE") {
		t.Errorf("err = %v, want x.env:2: not KEY=VALUE", err)
	}
}
