package dag

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkQuoted fails unless q is one DOT quoted string that Graphviz reads
// and that SVG (XML) can hold: quotes and backslashes escaped, no control
// characters, valid UTF-8, under Graphviz's 16,384-byte limit.
func checkQuoted(t *testing.T, s, q string) {
	t.Helper()
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' || len(q) > 16384 || !utf8.ValidString(q) {
		t.Fatalf("quoteDOT(%.40q) = %.80q: not one short, valid quoted string", s, q)
	}
	body := q[1 : len(q)-1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\':
			i++ // an escape: \" \\ \n
			if i == len(body) || !strings.ContainsRune(`"\n`, rune(body[i])) {
				t.Fatalf("quoteDOT(%.40q) = %.80q: a bad escape", s, q)
			}
		case c == '"' || c < 0x20 || c == 0x7f:
			t.Fatalf("quoteDOT(%.40q) = %.80q: byte %#x unescaped", s, q, c)
		}
	}
	for _, r := range body { // C1 controls and noncharacters: not XML
		if 0x80 <= r && r < 0xa0 || isNonCharacter(r) {
			t.Fatalf("quoteDOT(%.40q) = %.80q: %U", s, q, r)
		}
	}
}

func TestQuoteDOT(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"two\nlines\r\n", `"two\nlines\n"`},
		{"tab\there", `"tab here"`},
		{"\x1b[31mFAIL\x1b[0m: TestParse", `"FAIL: TestParse"`},
		{"nul\x00here\x07\x7f", `"nulhere"`},
		{"bad \xff utf8", "\"bad \uFFFD utf8\""},
		{"C1 \u0085 control", `"C1  control"`},
		{"ümlaut ⚠", `"ümlaut ⚠"`},
		{"progress\x1b[\nERROR: x", `"progress\nERROR: x"`}, // a CSI cut short keeps the text after it
		{"see \x1b]8;;http://e.com\x07link\x1b]8;;\x1b\\ here", `"see link here"`},
		{"\x1b(Bplain\x1b", `"plain"`},
		{"non\uFFFEchar\uFFFF \uFDD0x", `"nonchar x"`},
		{"cost \u202e10.0\u202c", `"cost 10.0"`}, // text-direction marks would show other text
	}
	for _, tt := range tests {
		if got := quoteDOT(tt.in); got != tt.want {
			t.Errorf("quoteDOT(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkQuoted(t, tt.in, quoteDOT(tt.in))
	}
	long := strings.Repeat(`y"`, 40_000) // 80 kB, and every other byte escaped
	if q := quoteDOT(long); !strings.HasSuffix(q, "…\"") {
		t.Errorf("a long string is not cut: %d bytes", len(q))
	} else {
		checkQuoted(t, long, q)
	}
}

func FuzzQuoteDOT(f *testing.F) {
	for _, s := range []string{"", `"\`, "\x1b[", "\x1b[1;3", "a\x00b", "\xff\xfe", strings.Repeat("\\", 9000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkQuoted(t, s, quoteDOT(s)) })
}
