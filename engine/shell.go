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
// value cannot be quoted there (why is "" when it can).
type shellHole struct {
	ctx shellCtx
	why string
}

// shellFrame is one level of nesting in the script: a quote or a
// substitution that the scan is inside.
type shellFrame struct {
	kind   byte // 'u' unquoted, '\'' single, '"' double, '`' backquote, '{' ${...}, '$' $'...'
	parens int  // open ( inside a $( frame; the frame ends at the ) past them
}

// shellHoles scans a shell script cut at its `${{ }}` (literals[k] is the
// text before expression k) and gives the context of each expression. It
// knows POSIX quoting, $( ), backquotes, ${ }, comments and heredocs; where
// quoting cannot make a value safe (a comment, a heredoc, backquotes, ${ },
// bash's $'...'), it says why instead.
func shellHoles(literals []string) []shellHole {
	s := &shellScan{stack: []shellFrame{{kind: 'u', parens: -1}}, wordStart: true}
	holes := make([]shellHole, 0, len(literals)-1)
	for k, lit := range literals {
		s.feed(lit)
		if k < len(literals)-1 {
			holes = append(holes, s.hole())
			// The value is part of a word: a # right after it starts no comment.
			s.wordStart = false
		}
	}
	return holes
}

type shellScan struct {
	stack     []shellFrame
	comment   bool // inside a # comment, until the end of the line
	heredoc   bool // a << was seen: what follows may be a heredoc's body
	wordStart bool // the next character would start a word
}

func (s *shellScan) top() *shellFrame { return &s.stack[len(s.stack)-1] }

func (s *shellScan) push(kind byte) { s.stack = append(s.stack, shellFrame{kind: kind}) }

func (s *shellScan) pop() {
	if len(s.stack) > 1 {
		s.stack = s.stack[:len(s.stack)-1]
	}
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
			} else if c == '\'' {
				s.pop()
			}
			continue
		case '"':
			switch {
			case c == '\\':
				i++
			case c == '"':
				s.pop()
			case c == '`':
				s.push('`')
			case c == '$' && next == '(':
				i++
				s.push('u')
				s.wordStart = true
			case c == '$' && next == '{':
				i++
				s.push('{')
			}
			continue
		}
		// Unquoted text: the script itself, a $( ), a backquote or a ${ }.
		start := s.wordStart
		s.wordStart = false
		switch {
		case c == '\\':
			i++
		case c == '\'':
			s.push('\'')
		case c == '"':
			s.push('"')
		case c == '$' && next == '\'':
			i++
			s.push('$')
		case c == '$' && next == '(':
			i++
			s.push('u')
			s.wordStart = true
		case c == '$' && next == '{':
			i++
			s.push('{')
		case c == '`':
			if f.kind == '`' {
				s.pop()
			} else {
				s.push('`')
			}
		case c == '}' && f.kind == '{':
			s.pop()
		case c == '(' && f.kind == 'u' && f.parens >= 0:
			f.parens++
			s.wordStart = true
		case c == ')' && f.kind == 'u' && f.parens >= 0:
			if f.parens == 0 {
				s.pop()
			} else {
				f.parens--
			}
		case c == '#' && start:
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
		}
	}
}

// hole gives the context of a value at the current point of the scan.
func (s *shellScan) hole() shellHole {
	switch {
	case s.comment:
		return shellHole{why: "it is in a shell comment, which a newline in the value would end"}
	case s.heredoc:
		return shellHole{why: "it follows a heredoc (<<), and sh expands $( ) in a heredoc's body whatever the quotes"}
	}
	for _, f := range s.stack {
		switch f.kind {
		case '`':
			return shellHole{why: "it is inside backquotes, where quoting rules differ"}
		case '{':
			return shellHole{why: "it is inside ${...}, where quoting rules differ"}
		case '$':
			return shellHole{why: "it is inside $'...', which sh does not define"}
		}
	}
	switch s.top().kind {
	case '\'':
		return shellHole{ctx: shellSingle}
	case '"':
		return shellHole{ctx: shellDouble}
	}
	return shellHole{ctx: shellWord}
}

// appendShell writes v into a script in context ctx.
func appendShell(b []byte, ctx shellCtx, v any) []byte {
	switch ctx {
	case shellWord:
		if list, ok := v.([]any); ok {
			for k, item := range list {
				if k > 0 {
					b = append(b, ' ')
				}
				b = appendSingleQuoted(b, stringify(item))
			}
			return b
		}
		return appendSingleQuoted(b, stringify(v))
	case shellSingle:
		return appendInSingle(b, stringify(v))
	case shellDouble:
		s := stringify(v)
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '\\', '"', '$', '`':
				b = append(b, '\\')
			}
			b = append(b, s[i])
		}
		return b
	}
	return append(b, stringify(v)...)
}

// appendSingleQuoted writes s as one sh word in single quotes; a quote inside
// closes the quotes, adds an escaped quote and reopens them.
func appendSingleQuoted(b []byte, s string) []byte {
	b = append(b, '\'')
	b = appendInSingle(b, s)
	return append(b, '\'')
}

func appendInSingle(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, `'\''`...)
		s = s[i+1:]
	}
}
