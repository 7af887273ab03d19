package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
)

// mutation changes a file; it is named in the report of a failing mutant.
type mutation struct {
	name string
	do   func(rng *rand.Rand, data []byte) []byte
}

var mutations = []mutation{
	{"flip a byte", flipByte},
	{"delete bytes", deleteBytes},
	{"delete a line", deleteLine},
	{"duplicate a line", duplicateLine},
	{"indent a line", indentLine},
	{"swap lines", swapLines},
	{"insert YAML syntax", insertSyntax},
	{"deep nesting", deepNesting},
	{"anchor and alias", anchorAlias},
	{"huge value", hugeValue},
	{"unicode", insertUnicode},
	{"template", insertTemplate},
	{"merge key", mergeKey},
	{"truncate", truncate},
	{"many nodes", manyNodes},
	{"tab", insertTab},
}

// mutate applies one to three mutations to a copy of data.
func mutate(rng *rand.Rand, data []byte) ([]byte, []string) {
	out := bytes.Clone(data)
	var ops []string
	for range 1 + rng.IntN(3) {
		m := mutations[rng.IntN(len(mutations))]
		out = m.do(rng, out)
		ops = append(ops, m.name)
	}
	return out, ops
}

func lines(data []byte) [][]byte { return bytes.SplitAfter(data, []byte("\n")) }

func join(ls [][]byte) []byte { return bytes.Join(ls, nil) }

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

var syntax = []string{":", ": ", "[", "]", "{", "}", "&", "*", "!", "|", ">", "-", "- ", "#", "\"", "'", "\t", "\n", ",", "?", "%", "@", "`", "<<", "---", "...", "${{", "}}", "\\", "\r"}

func flipByte(rng *rand.Rand, data []byte) []byte {
	if len(data) == 0 {
		return []byte{byte(rng.IntN(256))}
	}
	out := bytes.Clone(data)
	out[rng.IntN(len(out))] = byte(rng.IntN(256))
	return out
}

func deleteBytes(rng *rand.Rand, data []byte) []byte {
	if len(data) == 0 {
		return data
	}
	i := rng.IntN(len(data))
	j := min(len(data), i+1+rng.IntN(20))
	return append(bytes.Clone(data[:i]), data[j:]...)
}

func deleteLine(rng *rand.Rand, data []byte) []byte {
	ls := lines(data)
	i := rng.IntN(len(ls))
	return join(append(ls[:i:i], ls[i+1:]...))
}

func duplicateLine(rng *rand.Rand, data []byte) []byte {
	ls := lines(data)
	i := rng.IntN(len(ls))
	out := append(ls[:i+1:i+1], ls[i:]...)
	return join(out)
}

func indentLine(rng *rand.Rand, data []byte) []byte {
	ls := lines(data)
	i := rng.IntN(len(ls))
	if rng.IntN(2) == 0 {
		ls[i] = append([]byte(strings.Repeat(" ", 1+rng.IntN(4))), ls[i]...)
	} else {
		ls[i] = bytes.TrimLeft(ls[i], " ")
	}
	return join(ls)
}

// swapLines swaps two lines, often keys of two different nodes.
func swapLines(rng *rand.Rand, data []byte) []byte {
	ls := lines(data)
	i, j := rng.IntN(len(ls)), rng.IntN(len(ls))
	ls[i], ls[j] = ls[j], ls[i]
	return join(ls)
}

func insertAt(rng *rand.Rand, data []byte, s string) []byte {
	i := 0
	if len(data) > 0 {
		i = rng.IntN(len(data) + 1)
	}
	return append(append(bytes.Clone(data[:i]), s...), data[i:]...)
}

func insertSyntax(rng *rand.Rand, data []byte) []byte {
	return insertAt(rng, data, pick(rng, syntax))
}

func deepNesting(rng *rand.Rand, data []byte) []byte {
	d := pick(rng, []int{50, 999, 1001, 5000, 9999, 10001, 40000})
	var s string
	switch rng.IntN(4) {
	case 0:
		s = "x-deep: " + strings.Repeat("[", d) + strings.Repeat("]", d) + "\n"
	case 1:
		s = "x-deep: " + strings.Repeat("{a: ", d) + "1" + strings.Repeat("}", d) + "\n"
	case 2:
		s = "x-deep: " + strings.Repeat("[", d) + "\n" // unclosed
	default:
		var b strings.Builder
		b.WriteString("x-deep:\n")
		for k := range min(d, 2000) {
			b.WriteString(strings.Repeat(" ", k+1) + "- \n")
		}
		s = b.String()
	}
	if rng.IntN(2) == 0 {
		return append(append([]byte(s), '\n'), data...)
	}
	return insertAt(rng, data, s)
}

func anchorAlias(rng *rand.Rand, data []byte) []byte {
	switch rng.IntN(5) {
	case 0:
		return insertAt(rng, data, " *undefined")
	case 1:
		return insertAt(rng, data, " &a")
	case 2:
		return insertAt(rng, data, " *a")
	case 3: // an alias bomb
		bomb := "x-a: &a [x, x, x, x, x, x, x, x, x]\n"
		for k := 'b'; k <= 'j'; k++ {
			bomb += fmt.Sprintf("x-%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", k, k, k-1, k-1, k-1, k-1, k-1, k-1, k-1, k-1, k-1)
		}
		return append([]byte(bomb), data...)
	default: // an anchor that holds itself
		return append([]byte("x-self: &s [*s]\n"), data...)
	}
}

func hugeValue(rng *rand.Rand, data []byte) []byte {
	big := strings.Repeat(pick(rng, []string{"x", "ab ", "é", "${{ 1 }}", "\\\"", "{"}), 1<<(10+rng.IntN(11)))
	switch rng.IntN(3) {
	case 0:
		return insertAt(rng, data, big)
	case 1:
		return insertAt(rng, data, "'"+big+"'")
	default:
		return append([]byte("x-big: \""+strings.ReplaceAll(big, "\"", "")+"\"\n"), data...)
	}
}

var unicode = []string{"\uFEFF", "\u202E", "é", "日本", "😀", "\u00A0", "\u2028", "\x00", "\xff\xfe", "\xc3", "\u0085", "\x1b[31m", "\u200B"}

func insertUnicode(rng *rand.Rand, data []byte) []byte {
	if rng.IntN(4) == 0 {
		return append([]byte(pick(rng, unicode)), data...)
	}
	return insertAt(rng, data, pick(rng, unicode))
}

var templates = []string{
	"${{ nodes.a.outputs.x }}", "${{ config.NOPE }}", "${{ 1..1000000000 }}", "${{ }}", "${{ '}}' }}",
	"${{ nodes }}", "${{ map(1..10, #) }}", "${{", "}}", "${{ nodes[config.X] }}", "${{ success() }}",
	"${{ " + strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000) + " }}",
	"${{ " + strings.Repeat("1 + ", 5000) + "1 }}",
}

func insertTemplate(rng *rand.Rand, data []byte) []byte {
	t := pick(rng, templates)
	switch rng.IntN(3) {
	case 0:
		return insertAt(rng, data, t)
	case 1:
		return insertAt(rng, data, "'"+t+"'")
	default:
		ls := lines(data)
		i := rng.IntN(len(ls))
		w := pick(rng, []string{"when: ", "with: {x: ", "with: {message: "})
		ls[i] = append(ls[i], []byte("    "+w+"'"+strings.Trim(t, "${} ")+"'\n")...)
		return join(ls)
	}
}

func mergeKey(rng *rand.Rand, data []byte) []byte {
	head := pick(rng, []string{"x-m: &m [1, 2]\n", "x-m: &m 1\n", "x-m: &m {module: echo}\n", "x-m: &m [{a: 1}, 2]\n"})
	return insertAt(rng, append([]byte(head), data...), pick(rng, []string{"<<: *m", "\n    <<: *m\n", "{<<: *m}", "<<: [*m, *m]"}))
}

func truncate(rng *rand.Rand, data []byte) []byte {
	if len(data) == 0 {
		return data
	}
	return bytes.Clone(data[:rng.IntN(len(data))])
}

// manyNodes appends thousands of nodes: the cost of validation must stay
// linear, also where references reach far back.
func manyNodes(rng *rand.Rand, data []byte) []byte {
	n := pick(rng, []int{1000, 5000, 20000})
	var b strings.Builder
	b.Write(data)
	b.WriteString("\n  m0: {module: echo}\n")
	for k := 1; k < n; k++ {
		fmt.Fprintf(&b, "  m%d: {module: echo, needs: m%d, with: {x: '${{ nodes.m0.status }}'}}\n", k, k-1)
	}
	return []byte(b.String())
}

func insertTab(rng *rand.Rand, data []byte) []byte {
	ls := lines(data)
	i := rng.IntN(len(ls))
	ls[i] = append([]byte("\t"), ls[i]...)
	return join(ls)
}
