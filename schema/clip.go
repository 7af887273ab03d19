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
func Clip(s string) string {
	if len(s) <= MaxQuoted {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cutAt(s)], len(s))
}

// Quote is strconv.Quote of Clip(s): the quoted part stays valid Go syntax
// and the length is said after it.
func Quote(s string) string {
	if len(s) <= MaxQuoted {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cutAt(s)]), len(s))
}

func cutAt(s string) int {
	cut := MaxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return cut
}
