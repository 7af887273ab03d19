package engine

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pipe-run/pipe/schema"
)

var templateSeeds = []string{
	"plain text",
	"${{ config.N }}",
	"a ${{ config.N }} b ${{ nodes.a.outputs.x }} c",
	"${{ {'k': '}}'} }}",
	"${{ \"}}\" }}",
	"${{ `}}` }}",
	"${{ 'it\\'s' }}",
	"${{",
	"${{ }}",
	"${{ config.N }",
	"${{ {{{ }}",
	"é${{ config.S }}ü${{ 1 }}",
	"$${{ 1 }}}}",
}

// FuzzSplitTemplate cuts arbitrary `with` strings: it must not panic, and
// what it returns must put the string back together exactly, each
// expression's offset pointing just past its `${{`.
func FuzzSplitTemplate(f *testing.F) {
	for _, s := range templateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		literals, exprs, err := splitTemplate(text)
		if err != nil {
			if err.off < 0 || err.off > utf8.RuneCountInString(text) || err.msg == "" {
				t.Fatalf("error %+v out of range for %q", err, text)
			}
			return
		}
		if len(literals) != len(exprs)+1 {
			t.Fatalf("%d literals for %d expressions", len(literals), len(exprs))
		}
		var b strings.Builder
		for k, e := range exprs {
			b.WriteString(literals[k])
			if !strings.HasPrefix(text[e.boff:], e.src) {
				t.Fatalf("expression %d at byte %d, not where %q starts in %q", k, e.boff, e.src, text)
			}
			if got := utf8.RuneCountInString(b.String()) + 3; got != e.off {
				t.Fatalf("expression %d at rune %d, want %d in %q", k, e.off, got, text)
			}
			b.WriteString("${{" + e.src + "}}")
		}
		b.WriteString(literals[len(literals)-1])
		if b.String() != text {
			t.Fatalf("reassembled %q, want %q", b.String(), text)
		}
	})
}

var exprSeeds = []string{
	"config.N > 2",
	"!config.FLAG && success()",
	"nodes.a.outputs.x[0] + 1",
	"nodes.a.status == 'success' || always()",
	"config.TYPO",
	"nodes[config.S]",
	"1..config.N",
	"map(1..3, # * 2)",
	"let x = 1; x + config.N",
	"config.S matches '^a+$'",
	"{'a': [1, 2]}.a[1]",
	"nodes.a.nope",
	"cancelled() ? 1 : 'x'",
	"((((((((((1))))))))))",
	"\"\\u00e9\" + config.S",
	"now()",
	"$env.config",
}

// FuzzCompileExpr compiles arbitrary `when` and `${{ }}` expressions
// against a typed environment: never a panic, every error positioned
// inside the expression (so that posIn gives a file position), every node
// reference found at a rune inside it.
func FuzzCompileExpr(f *testing.F) {
	for _, s := range exprSeeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	cfg := []schema.ConfigVar{{Key: "N", Value: 3}, {Key: "FLAG", Value: true}, {Key: "S", Value: "s"}, {Key: "R", Value: 0.5}, {Key: "NONE"}}
	f.Fuzz(func(t *testing.T, src string, asBool bool) {
		env := newExprEnv(cfg)
		comp, errs := env.compile(src, asBool)
		n := utf8.RuneCountInString(src)
		for _, e := range errs {
			if e.off < 0 || e.off > n || e.msg == "" {
				t.Fatalf("error %+v out of range for %q (%d runes)", e, src, n)
			}
			if p := posIn(schema.Pos{Line: 3, Col: 5}, src, e.off); !p.IsValid() || p.Col < 1 {
				t.Fatalf("error at %+v", p)
			}
		}
		if (comp == nil) == (len(errs) == 0) {
			t.Fatalf("compiled %v with %d errors", comp != nil, len(errs))
		}
		if comp == nil {
			return
		}
		for _, r := range comp.refs {
			if r.off < 0 || r.off > n || r.id == "" {
				t.Fatalf("reference %+v out of range for %q", r, src)
			}
		}
	})
}
