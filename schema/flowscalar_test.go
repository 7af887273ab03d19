package schema

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// flowScalar reads quoted scalars as yaml.v3 does, and every byte of the
// text points at itself in the file, or at the escape or the line break
// that made it.
func FuzzFlowScalar(f *testing.F) {
	for _, s := range []string{
		`"plain ${{ x }}"`, `"say \"hi\" ${{ x }}"`, `"\u0024{{ no }} ${{ x }}"`, `"\x24{{"`,
		`"a\tb\\c\/d\e\N\_\L\P\U0001F600"`, "\"one\n  two\n\n  three\"", "\"esc\\\n   aped\"",
		"\"trail  \n lead\"", `'it''s ${{ x }}'`, "'fold\n  ed\n\n\n end'", "\"crlf\r\n next\"",
		`"é ${{ x }} ü"`, `"\xe9\u00e9"`, "\"tab\\\tx\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if raw == "" || raw[0] != '"' && raw[0] != '\'' {
			return // a scalar is read from its opening quote
		}
		var doc struct{ K string }
		if err := yaml.Unmarshal([]byte("k: "+raw+"\n"), &doc); err != nil {
			return
		}
		var n yaml.Node
		if err := yaml.Unmarshal([]byte("k: "+raw+"\n"), &n); err != nil || len(n.Content) == 0 || len(n.Content[0].Content) < 2 {
			return
		}
		if n.Content[0].Content[1].Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			return
		}
		text, from, ok := flowScalar([]byte(raw))
		if !ok || string(text) != doc.K {
			t.Fatalf("flowScalar(%q) = %q, %v; yaml.v3 reads %q", raw, text, ok, doc.K)
		}
		for k := range text {
			if from[k] < 0 || from[k] >= len(raw) {
				t.Fatalf("byte %d from %d, outside %q", k, from[k], raw)
			}
			// A byte points at itself, or at the escape or line break
			// that made it.
			at := raw[from[k]]
			if at != text[k] && at != '\\' && !(isBreak(at) && (text[k] == ' ' || text[k] == '\n')) {
				t.Fatalf("byte %d of %q reads %q but points at %q in %q", k, text, text[k], at, raw)
			}
		}
	})
}
