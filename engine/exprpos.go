package engine

import "github.com/pipe-run/pipe/schema"

// Where in the file a place inside an expression is.

// advance returns the position just after s, when s starts at pos.
func advance(pos schema.Pos, s string) schema.Pos {
	return posIn(pos, s, -1)
}

// templatePos maps rune off of t's text to a file position: through t's
// marks when the text is written otherwise than it reads.
func templatePos(t *schema.Template, off int) schema.Pos {
	if t.Marks == nil {
		return posIn(t.Pos, t.Text, off)
	}
	return t.PosAt(runeByte(t.Text, off))
}

// runeByte returns the byte offset of rune off of s: len(s) when off is
// negative or past its end.
func runeByte(s string, off int) int {
	if off < 0 {
		return len(s)
	}
	n := 0
	for b := range s {
		if n == off {
			return b
		}
		n++
	}
	return len(s)
}

// place is where an expression's source is in the file: where it starts
// and, when the string holding it is written otherwise than it reads
// (escapes, folding), the template whose marks place each of its runes.
type place struct {
	start schema.Pos
	tpl   *schema.Template // nil when the source reads as it is written
	boff  int              // the source's byte offset in tpl.Text
}

// whenPlace is where node n's when is in the file.
func whenPlace(n *schema.Node) place {
	if n.WhenMarks == nil {
		return place{start: n.WhenPos}
	}
	return place{start: n.WhenPos, tpl: &schema.Template{Pos: n.WhenPos, Text: n.When, Marks: n.WhenMarks}}
}

// at returns the file position of rune off of src, the source at p (its
// end when off is negative or past it).
func (p place) at(src string, off int) schema.Pos {
	if p.tpl == nil || p.tpl.Marks == nil {
		return posIn(p.start, src, off)
	}
	return p.tpl.PosAt(p.boff + runeByte(src, off))
}

// posIn maps a rune offset inside an expression that starts at start in
// the file to a file position. Expressions are positioned exactly on one
// line; past a line break the column is the best guess.
func posIn(start schema.Pos, src string, off int) schema.Pos {
	pos := start
	i := 0
	for _, r := range src {
		if i == off {
			break
		}
		if r == '\n' {
			pos.Line++
			pos.Col = 1
		} else {
			pos.Col++
		}
		i++
	}
	return pos
}
