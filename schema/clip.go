package schema

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxQuoted bounds how many bytes of a user's value a message quotes: a
// 1 MB value in a diagnostic would bury the message (and the terminal).
const MaxQuoted = 80

// Clip returns s, or its first MaxQuoted bytes (whole runes) and how long
// it was, for quoting in a message.
func Clip(s string) string { return clipText(s, MaxQuoted) }

// Quote is strconv.Quote of Clip(s): the quoted part stays valid Go syntax
// and the length is said after it.
func Quote(s string) string {
	if len(s) <= MaxQuoted {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cutAt(s, MaxQuoted)]), len(s))
}

// cutAt is where to cut s, longer than n bytes, for at most n bytes of
// whole runes.
func cutAt(s string, n int) int {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// maxMessage bounds a diagnostic's message and hint, whatever they quote.
const maxMessage = 512

// clipText cuts s past n bytes (whole runes), saying how long it was.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cutAt(s, n)], len(s))
}
