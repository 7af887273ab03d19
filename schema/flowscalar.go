package schema

import (
	"strconv"
	"unicode/utf8"
)

// flowScalar reads the quoted scalar raw starts with (at its opening
// quote) the way yaml.v3's scanner does (escapes, a doubled quote in
// single quotes, line folding), and returns its text with, for each byte of it, the offset in
// raw of what wrote it: the file position of any byte of a string that
// escapes or folding make read otherwise than it is written. ok is false
// when raw holds no whole quoted scalar this reader understands; the
// caller then falls back on a guess.
func flowScalar(raw []byte) (text []byte, from []int, ok bool) {
	if len(raw) == 0 || raw[0] != '"' && raw[0] != '\'' {
		return nil, nil, false
	}
	quote, single := raw[0], raw[0] == '\''
	emit := func(at int, b ...byte) {
		for _, c := range b {
			text, from = append(text, c), append(from, at)
		}
	}
	var (
		blanks   []int // offsets of blanks not yet known to stay (a line break drops them)
		breaks   []int // offsets of the line breaks of a fold
		folding  bool  // inside the blanks and breaks between two lines
		escBreak bool  // the fold began with an escaped line break: no space
		foldAt   int   // where the fold's first line break is
	)
	i := 1
	for {
		// Non-blank characters, and escapes.
		folding = false
		for i < len(raw) && !isBlank(raw[i]) && !isBreak(raw[i]) {
			c := raw[i]
			switch {
			case single && c == '\'' && i+1 < len(raw) && raw[i+1] == '\'':
				emit(i, '\'')
				i += 2
			case c == quote:
				return text, from, true
			case !single && c == '\\' && i+1 < len(raw) && isBreak(raw[i+1]):
				foldAt, i = i+1, skipBreak(raw, i+1)
				folding, escBreak = true, true
			case !single && c == '\\':
				n, r := escape(raw[i+1:])
				if n == 0 {
					return nil, nil, false
				}
				emit(i, utf8.AppendRune(nil, r)...)
				i += 1 + n
			default:
				emit(i, c)
				i++
			}
			if folding {
				break
			}
		}
		if i >= len(raw) {
			return nil, nil, false
		}
		if raw[i] == quote && !(single && i+1 < len(raw) && raw[i+1] == '\'') {
			return text, from, true
		}
		// Blanks and line breaks.
		for i < len(raw) && (isBlank(raw[i]) || isBreak(raw[i])) {
			switch {
			case isBlank(raw[i]) && folding:
				i++
			case isBlank(raw[i]):
				blanks = append(blanks, i)
				i++
			case !folding:
				blanks = blanks[:0]
				foldAt, i = i, skipBreak(raw, i)
				folding, escBreak = true, false
			default:
				breaks = append(breaks, i)
				i = skipBreak(raw, i)
			}
		}
		// The join.
		switch {
		case folding && !escBreak && len(breaks) == 0:
			emit(foldAt, ' ')
		case folding:
			for _, b := range breaks {
				emit(b, '\n')
			}
		default:
			for _, b := range blanks {
				emit(b, raw[b])
			}
		}
		blanks, breaks, escBreak = blanks[:0], breaks[:0], false
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
func isBreak(c byte) bool { return c == '\n' || c == '\r' }

// skipBreak returns the offset after the line break at raw[i] (CRLF is
// one).
func skipBreak(raw []byte, i int) int {
	if raw[i] == '\r' && i+1 < len(raw) && raw[i+1] == '\n' {
		return i + 2
	}
	return i + 1
}

// escape reads the escape after a backslash in a double-quoted scalar:
// how many bytes it takes and the rune it stands for; n is 0 for an
// escape YAML does not have.
func escape(b []byte) (n int, r rune) {
	if len(b) == 0 {
		return 0, 0
	}
	digits := 0
	switch b[0] {
	case '0':
		return 1, 0
	case 'a':
		return 1, '\a'
	case 'b':
		return 1, '\b'
	case 't', '\t':
		return 1, '\t'
	case 'n':
		return 1, '\n'
	case 'v':
		return 1, '\v'
	case 'f':
		return 1, '\f'
	case 'r':
		return 1, '\r'
	case 'e':
		return 1, 0x1b
	case ' ', '"', '\'', '/', '\\':
		return 1, rune(b[0])
	case 'N':
		return 1, 0x85
	case '_':
		return 1, 0xa0
	case 'L':
		return 1, 0x2028
	case 'P':
		return 1, 0x2029
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		return 0, 0
	}
	if len(b) < 1+digits {
		return 0, 0
	}
	v, err := strconv.ParseUint(string(b[1:1+digits]), 16, 32)
	if err != nil || v > utf8.MaxRune {
		return 0, 0
	}
	return 1 + digits, rune(v)
}
