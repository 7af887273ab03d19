package schema

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOneLine(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"héllo wörld", "héllo wörld"},
		{"", ""},
		{"\x1b[31mFAIL\x1b[0m TestX", "FAIL TestX"},
		{"see \x1b]8;;http://x\x1b\\the docs\x1b]8;;\x1b\\ here", "see the docs here"},
		{"title\x1b]0;pwned\x07 after", "title after"},
		{"a\tb\nc\r\nd", "a b c  d"},
		{"progress 10%\rdone", "progress 10% done"},
		{"bell\a and nul\x00 and del\x7f", "bell and nul and del"},
		{"cost \u202e0.01\u202c$", "cost 0.01$"},
		{"line\u2028sep", "line sep"},
		{"bad \xff\xfe utf8", "bad \ufffd\ufffd utf8"},
		{"c1 \u0085 \u009b31m", "c1  31m"},
		{"unended \x1b[", "unended "},
	} {
		got := OneLine(tt.in)
		if got != tt.want {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if OneLine(got) != got {
			t.Errorf("OneLine(%q) changes %q again", tt.in, got)
		}
	}
}

func FuzzOneLine(f *testing.F) {
	for _, s := range []string{"x", "\x1b[1;31mred", "\x1b]8;;u\x07l", "a\u202eb", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := OneLine(s)
		if !utf8.ValidString(got) || strings.ContainsFunc(got, IsUnprintable) {
			t.Fatalf("OneLine(%q) = %q: not one printable line", s, got)
		}
		if OneLine(got) != got {
			t.Fatalf("OneLine(%q) = %q changes again", s, got)
		}
	})
}
