package engine

import (
	"strings"
)

// shellCtx says how a `${{ }}` value is written into a shell script: it
// depends on where in the script the expression sits, as html/template's
// escaping depends on where in the page. Whatever the value, sh reads it
// back as exactly that text, never as code.
type shellCtx uint8

const (
	// shellNone: not in a shell script, or raw(...): the text as it is.
	shellNone shellCtx = iota
	// shellWord: where the script is unquoted, the value is one word in
	// single quotes ('it'\''s'); a list is one such word per item.
	shellWord
	// shellSingle: inside '...' the author wrote: a ' closes the quote,
	// adds an escaped one and reopens it ('\'').
	shellSingle
	// shellDouble: inside "..." the author wrote: \ " $ ` get a backslash.
	shellDouble
)

// shellHole is the context of one `${{ }}` in a shell script, or why the
// value cannot be quoted there (why is "" when it can), with a hint when
// the usual one (env:, stdin:) is not the fix.
type shellHole struct {
	ctx  shellCtx
	why  string
	hint string
}

// shellFrame is one level of nesting in the script: a quote or a
// substitution that the scan is inside.
type shellFrame struct {
	// kind: 'u' unquoted (the script, or a $( ) when parens >= 0), '\''
	// single, '"' double ($"..." when locale), '`' backquote, '{' ${...},
	// '$' $'...', 'a' arithmetic: $(( )) and (( )), or $[ ] when close is ']'.
	kind   byte
	parens int  // open ( inside a $( or arithmetic frame; the frame ends at the ) past them
	close  byte // 'a': the ] of $[ ], else ))
	locale bool // '"': bash's $"...", which translates the text
	// cased: a `case` word was seen in this $( ): from the next ) on (a
	// pattern's, or the $( )'s end?) the scan cannot tell where it is.
	cased bool
}

// shellHoles scans a shell script cut at its `${{ }}` (literals[k] is the
// text before expression k) and gives the context of each expression. It
// knows POSIX quoting, $( ), backquotes, ${ }, arithmetic, comments and
// heredocs; where quoting cannot make a value safe (a comment, a heredoc,
// backquotes, ${ }, arithmetic, bash's $'...', a \ or $ just before the
// value, a place the scan cannot be sure of), it says why instead.
func shellHoles(literals []string) []shellHole {
	s := &shellScan{stack: []shellFrame{{kind: 'u', parens: -1}}, wordStart: true}
	holes := make([]shellHole, 0, len(literals)-1)
	for k, lit := range literals {
		s.feed(lit)
		if k < len(literals)-1 {
			holes = append(holes, s.hole())
			// The value is part of a word: a # right after it starts no
			// comment, and it is no keyword.
			s.wordStart = false
			s.escaped, s.dollar, s.dollarName = false, false, false
		}
	}
	if len(s.stack) > 1 && !s.heredoc && !s.comment {
		// The script ends inside a quote or a substitution: sh will not
		// run it as scanned, and the scan may have misread it.
		for k := range holes {
			if holes[k].why == "" {
				holes[k] = shellHole{why: "cannot tell where it sits: the script ends inside a quote, a $( ) or arithmetic it opens",
					hint: "close every quote and $( ) in the script"}
			}
		}
	}
	return holes
}

type shellScan struct {
	stack     []shellFrame
	comment   bool // inside a # comment, until the end of the line
	heredoc   bool // a << was seen: what follows may be a heredoc's body
	wordStart bool // the next character would start a word
	escaped   bool // the text ends with a \ that escapes what follows
	dollar    bool // the text ends with a $ that would expand what follows
	// dollarName: inside "...", the text ends with $name, which the
	// value's letters would lengthen (unquoted, its quote ends the name).
	dollarName bool
	uncertain  shellHole // why the scan cannot tell where the rest of the script is
}

func (s *shellScan) top() *shellFrame { return &s.stack[len(s.stack)-1] }

func (s *shellScan) push(kind byte) { s.stack = append(s.stack, shellFrame{kind: kind}) }

func (s *shellScan) pop() {
	if len(s.stack) > 1 {
		s.stack = s.stack[:len(s.stack)-1]
	}
}

// dollarAt handles a $ at text[i] outside single quotes (in "..." when
// double): it pushes what $( $(( ${ $[ $' $" open and gives how many more
// bytes they take, or notes a $ that ends the text.
func (s *shellScan) dollarAt(text string, i int, double bool) int {
	if i+1 == len(text) {
		s.dollar = true
		return 0
	}
	switch text[i+1] {
	case '(':
		if i+2 < len(text) && text[i+2] == '(' {
			s.push('a')
			return 2
		}
		s.push('u')
		s.wordStart = true
		return 1
	case '{':
		s.push('{')
		return 1
	case '[':
		s.push('a')
		s.top().close = ']'
		return 1
	case '\'':
		if double {
			return 0
		}
		s.push('$')
		return 1
	case '"':
		if double {
			return 0
		}
		s.push('"')
		s.top().locale = true
		return 1
	}
	if double && isNameByte(text[i+1], false) {
		j := i + 1
		for j < len(text) && isNameByte(text[j], true) {
			j++
		}
		s.dollarName = j == len(text)
	}
	return 0
}

// isNameByte: c may be in a sh variable name (at its start unless inside).
func isNameByte(c byte, inside bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || inside && c >= '0' && c <= '9'
}

func (s *shellScan) feed(text string) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		next := byte(0)
		if i+1 < len(text) {
			next = text[i+1]
		}
		if s.comment {
			if c == '\n' {
				s.comment = false
				s.wordStart = true
			}
			continue
		}
		f := s.top()
		switch f.kind {
		case '\'':
			if c == '\'' {
				s.pop()
			}
			continue
		case '$': // bash's $'...': backslash escapes, ends at '
			if c == '\\' {
				i++
				s.escaped = i == len(text)
			} else if c == '\'' {
				s.pop()
			}
			continue
		case '"':
			switch c {
			case '\\':
				i++
				s.escaped = i == len(text)
			case '"':
				s.pop()
			case '`':
				s.push('`')
			case '$':
				i += s.dollarAt(text, i, true)
			}
			continue
		}
		// Unquoted text: the script itself, a $( ), a backquote, a ${ } or
		// arithmetic.
		start := s.wordStart
		s.wordStart = false
		switch {
		case c == '\\':
			i++
			s.escaped = i == len(text)
		case c == '\'':
			s.push('\'')
		case c == '"':
			s.push('"')
		case c == '$':
			i += s.dollarAt(text, i, false)
		case c == '`':
			if f.kind == '`' {
				s.pop()
			} else {
				s.push('`')
			}
		case c == '}' && f.kind == '{':
			s.pop()
		case f.kind == 'a':
			s.arith(f, c, next, &i)
		case c == '(' && next == '(' && start && f.kind == 'u':
			// bash's (( )) arithmetic command (in dash, two subshells).
			s.push('a')
			i++
		case c == '(' && f.kind == 'u' && f.parens >= 0:
			f.parens++
			s.wordStart = true
		case c == ')' && f.kind == 'u' && f.parens >= 0:
			if f.cased && s.uncertain.why == "" {
				s.uncertain = shellHole{why: "cannot tell where it sits: a case inside $( ) has patterns that end with ), and the scan does not follow case",
					hint: "put the case in a shell function defined outside $( ), or pass the value in `env:` and write \"$NAME\""}
			}
			if f.parens == 0 {
				// The end of a $( ): the word it is in goes on ($(x)#y is
				// one word, no comment).
				s.pop()
			} else {
				f.parens--
				s.wordStart = true
			}
		case c == '#' && start && f.kind != '{':
			s.comment = true
		case c == '<' && next == '<':
			if i+2 < len(text) && text[i+2] == '<' {
				i += 2 // bash's <<< here-string: a word follows, not a body
			} else {
				s.heredoc = true
				i++
			}
			s.wordStart = true
		case strings.IndexByte(" \t\n;&|()<>", c) >= 0:
			s.wordStart = true
		case start && f.kind == 'u' && f.parens >= 0 && strings.HasPrefix(text[i:], "case") &&
			i+4 < len(text) && strings.IndexByte(" \t\n", text[i+4]) >= 0:
			f.cased = true
		}
	}
}

// arith follows an arithmetic frame f at c: its parens (or brackets) and
// its end.
func (s *shellScan) arith(f *shellFrame, c, next byte, i *int) {
	open, close := byte('('), byte(')')
	if f.close == ']' {
		open, close = '[', ']'
	}
	switch {
	case c == open:
		f.parens++
	case c == close && f.parens > 0:
		f.parens--
	case c == close && close == ']':
		s.pop()
	case c == close && next == ')':
		s.pop()
		*i++
	case c == close:
		// A lone ) ends no $(( )): sh reads it some other way.
		if s.uncertain.why == "" {
			s.uncertain = shellHole{why: "cannot tell where it sits: a $(( or (( closes with a single )",
				hint: "write $( ( ... ) ) with spaces for a subshell"}
		}
		s.pop()
	}
}

// hole gives the context of a value at the current point of the scan.
func (s *shellScan) hole() shellHole {
	switch {
	case s.comment:
		return shellHole{why: "it is in a shell comment, which a newline in the value would end"}
	case s.uncertain.why != "":
		return s.uncertain
	case s.heredoc:
		return shellHole{why: "it follows a heredoc (<<), and sh expands $( ) in a heredoc's body whatever the quotes"}
	}
	for _, f := range s.stack {
		switch {
		case f.kind == '`':
			return shellHole{why: "it is inside backquotes, where quoting rules differ"}
		case f.kind == '{':
			return shellHole{why: "it is inside ${...}, where quoting rules differ"}
		case f.kind == '$':
			return shellHole{why: "it is inside $'...', which sh does not define"}
		case f.kind == 'a':
			return shellHole{why: "it is inside arithmetic ($(( )), (( )) or $[ ]), where sh expands $ and ` in the value whatever its quotes",
				hint: "pass the value in `env:` and write $NAME in the arithmetic"}
		case f.locale:
			return shellHole{why: `it is inside bash's $"...", which translates the text`}
		}
	}
	switch {
	case s.escaped:
		return shellHole{why: `a \ right before ${{ }} would escape the first character of the quoted value`,
			hint: `remove the \: the value is never expanded, so it needs no escape (write \\ for a backslash before it)`}
	case s.dollar:
		return shellHole{why: "a $ right before ${{ }} would join the value to it ($name, $(...), bash's $'...')",
			hint: `write \$ for a literal $ before the value, or put the $ in the value`}
	case s.dollarName:
		return shellHole{why: `a $name right before ${{ }} inside "..." would take the value's letters into the name`,
			hint: "write ${name} to end the name before the value"}
	}
	switch s.top().kind {
	case '\'':
		return shellHole{ctx: shellSingle}
	case '"':
		return shellHole{ctx: shellDouble}
	}
	return shellHole{ctx: shellWord}
}
