package all_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
	_ "github.com/pipe-run/pipe/modules/all"
)

// accessors are modules.Input's methods that take an input's name.
var accessors = map[string]bool{"String": true, "Int": true, "Float": true, "Bool": true, "Duration": true, "Strings": true, "WithPaths": true}

// TestModulesReadDeclaredInputs reads every built-in module's source and
// checks that each accessor call with a literal name, in.String("x"),
// names an input the module declares: what would panic at run time (see
// modules.UndeclaredInputError) fails here first.
func TestModulesReadDeclaredInputs(t *testing.T) {
	for _, name := range modules.Default.Names() {
		info, _ := modules.Default.Lookup(name)
		dir := filepath.Join("..", name)
		if _, err := os.Stat(dir); err != nil {
			continue // the engine's own (pipeline)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		reads := 0
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			for _, r := range literalReads(t, file) {
				reads++
				if _, ok := info.Input(r.name); !ok {
					t.Errorf("%s: module %s reads input %q, which it does not declare (it declares: %s)", r.at, name, r.name, strings.Join(info.InputNames(), ", "))
				}
			}
		}
		if reads == 0 && len(info.Inputs) > 0 {
			t.Errorf("module %s: no accessor call found in %s; is the scan still right?", name, dir)
		}
	}
}

type read struct {
	name string
	at   token.Position
}

// literalReads finds x.Accessor("name", ...) calls on a value of type
// *modules.Input, recognised by its name: in, or a parameter typed so.
func literalReads(t *testing.T, file string) []read {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []read
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !accessors[sel.Sel.Name] {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "in" {
			return true
		}
		for _, arg := range call.Args {
			lit, ok := arg.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			s, _ := strconv.Unquote(lit.Value)
			out = append(out, read{name: s, at: fset.Position(lit.Pos())})
		}
		return true
	})
	return out
}
