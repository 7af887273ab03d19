package schema

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsUnprintable reports a control character, a line or paragraph
// separator, or a mark that changes the direction of the text after it
// (U+202E): in a table or a label, each could show other text than the
// one held (a carriage return overwrites what came before it).
func IsUnprintable(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// OneLine returns s as a terminal shows it on one line, as it is: tabs
// and line breaks become spaces, terminal escape sequences (a test
// runner's colours, links, cursor moves) and other unprintable characters
// are left out, and bytes that are not UTF-8 become U+FFFD. Text that
// needs none of it is returned as it is, without a copy.
func OneLine(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		case r == 0x1b:
			i = SkipEscape(s, i)
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case IsUnprintable(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports text OneLine leaves as it is: printable ASCII, or
// valid UTF-8 with nothing unprintable.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return false
		} else if c >= utf8.RuneSelf {
			return utf8.ValidString(s[i:]) && !strings.ContainsFunc(s[i:], IsUnprintable)
		}
	}
	return true
}

// SkipEscape returns where the terminal escape sequence whose ESC ends
// before s[i] ends: a CSI (ESC [ parameters, a final byte: colours), an
// OSC (ESC ] text, ended by BEL or by ESC and a backslash: links,
// titles), or another (ESC, intermediate bytes, a final byte: ESC ( B).
func SkipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		for i++; i < len(s) && 0x20 <= s[i] && s[i] <= 0x3f; i++ { // parameters, intermediates
		}
		if i < len(s) && 0x40 <= s[i] && s[i] <= 0x7e {
			i++ // the final byte
		}
		return i
	case ']':
		for i++; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return i
	}
	for ; i < len(s) && 0x20 <= s[i] && s[i] <= 0x2f; i++ { // ESC ( B and the like
	}
	if i < len(s) && 0x30 <= s[i] && s[i] <= 0x7e {
		i++
	}
	return i
}
