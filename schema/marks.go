package schema

import (
	"bytes"
	"strings"

	"gopkg.in/yaml.v3"
)

// marks finds where each ${{ of s, the text of scalar v, is in the file,
// when s is not written there as it reads (see Template.Marks). A quoted
// scalar is read again as the scanner read it (flowScalar), so that every
// byte's place is known; otherwise, and should that reading differ, the
// n-th ${{ of the text is taken for the n-th one written from the
// scalar's start: no folding splits or makes one.
func (l *loader) marks(v *yaml.Node, s string) []Mark {
	start, raw, ok := l.written(v, s)
	if !ok {
		return nil
	}
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && bytes.HasPrefix(raw, []byte(s)) {
		return nil // written as it reads
	}
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		if n := 1 + len(s); n < len(raw) && raw[n] == raw[0] && bytes.Equal(raw[1:n], []byte(s)) {
			return nil // written as it reads, between its quotes
		}
		if text, from, ok := flowScalar(raw); ok && string(text) == s {
			return anchors(s, from, start, l.src)
		}
	}
	const open = "${{"
	var marks []Mark
	at, rawAt := 0, 0
	for {
		i := strings.Index(s[at:], open)
		if i < 0 {
			return marks
		}
		j := bytes.Index(raw[rawAt:], []byte(open))
		if j < 0 {
			return nil // not found as written: the old guess stands
		}
		at, rawAt = at+i, rawAt+j
		marks = append(marks, Mark{Off: at, Pos: l.src.posOf(start + rawAt)})
		at, rawAt = at+len(open), rawAt+len(open)
	}
}

// wordMarks places each word of s, the text of scalar v, in the file when
// s is not written there as it reads: an expression (a when) over several
// lines of a block or a plain string, whose line breaks and indentation
// the text folds or keeps. A quoted scalar is placed byte by byte, as
// marks places it. Nil when s is written as it reads, or when its words
// are not found in order as written (the start's guess stands).
func (l *loader) wordMarks(v *yaml.Node, s string) []Mark {
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return l.marks(v, s)
	}
	start, raw, ok := l.written(v, s)
	if !ok {
		return nil
	}
	block := v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if !block && (v.Anchor != "" || v.Tag != "" && v.Style&yaml.TaggedStyle != 0) {
		// when: &w config.A && ...: the node starts at its anchor or tag.
		if sp := bytes.IndexAny(raw, " \t\n"); sp > 0 {
			start, raw = start+sp, raw[sp:]
		}
	}
	if !block && bytes.HasPrefix(bytes.TrimLeft(raw, " \t"), []byte(s)) {
		return nil // written as it reads
	}
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	var marks []Mark
	j := 0
	for i := 0; i < len(s); {
		if space(s[i]) {
			i++
			continue
		}
		for j < len(raw) && space(raw[j]) {
			j++
		}
		if j >= len(raw) || raw[j] != s[i] {
			return nil
		}
		marks = append(marks, Mark{Off: i, Pos: l.src.posOf(start + j)})
		for i < len(s) && j < len(raw) && !space(s[i]) && raw[j] == s[i] {
			i, j = i+1, j+1
		}
		if i < len(s) && !space(s[i]) {
			return nil // a word written otherwise
		}
	}
	return marks
}

// written returns where the text of scalar v, s as it reads, is written in
// the file: its offset, and the file from there, far enough to hold it
// however written. A block's text starts on the line after its header,
// which may hold a comment. ok is false when neither can be found.
func (l *loader) written(v *yaml.Node, s string) (start int, raw []byte, ok bool) {
	start = l.src.offset(posOf(v))
	if start < 0 {
		return 0, nil, false
	}
	raw = l.src.Data[start:]
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		nl := bytes.IndexByte(raw, '\n')
		if nl < 0 {
			return 0, nil, false
		}
		start += nl + 1
		raw = raw[nl+1:]
	}
	// Escapes, folding and indentation make the written text longer than
	// it reads, never by this much: the search stays near the scalar.
	return start, raw[:min(len(raw), 16*len(s)+1024)], true
}

// anchors marks, for a text whose byte k was written at raw offset from[k]
// of a scalar that starts at start in src, each place from which the text
// stops reading as written: PosAt counts on from the last one.
func anchors(s string, from []int, start int, src *Source) []Mark {
	var marks []Mark
	for k := range s {
		if k == 0 || from[k] != from[k-1]+1 || s[k-1] == '\n' {
			marks = append(marks, Mark{Off: k, Pos: src.posOf(start + from[k])})
		}
	}
	return marks
}
