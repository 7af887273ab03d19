package engine

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/pipe-run/pipe/schema"
)

// NodeView is what an expression sees of a node it needs:
// nodes.<id>.status, .message and .outputs.<key>.
//
// For a foreach node, outputs.<key> is a list in item order (a map by key
// when it fans out over a map), and items holds each instance.
type NodeView struct {
	Status  string         `expr:"status"`
	Message string         `expr:"message"`
	Outputs map[string]any `expr:"outputs"`
	Items   []ItemView     `expr:"items"`
}

// ItemView is one instance of a foreach node, as nodes.<id>.items shows
// it, in item order.
type ItemView struct {
	Key     string         `expr:"key"`
	Index   int            `expr:"index"`
	Item    any            `expr:"item"`
	Status  string         `expr:"status"`
	Message string         `expr:"message"`
	Outputs map[string]any `expr:"outputs"`
}

// PipelineView is `pipeline` in expressions.
type PipelineView struct {
	Name        string `expr:"name"`
	Description string `expr:"description"`
	File        string `expr:"file"`
}

// RunView is `run` in expressions.
type RunView struct {
	ID string `expr:"id"`
}

func returnTrue() bool  { return true }
func returnFalse() bool { return false }

func boolFunc(b bool) func() bool {
	if b {
		return returnTrue
	}
	return returnFalse
}

// exprEnv is the typed environment expressions of one pipeline compile
// against. Config keys are known only once the file is read, so the config
// struct type is built then: `config.TYPO` fails to compile, and
// `config.FLAG && 1` is a type error, each with its position.
type exprEnv struct {
	typ      reflect.Type
	cfgType  reflect.Type
	cfgIndex map[string]int
	cfgKeys  []string
	// yesNo holds the config keys whose default is a string YAML 1.1 read
	// as a boolean (yes, no, on, off...), with it: `when: config.FLAG`
	// is told to compare it, not to test it is not empty.
	yesNo map[string]string
	zero  any
	// fanout says which nodes fan out, and how (fanList, fanMap or
	// fanDynamic), for the fan-in checks; set before any node compiles.
	fanout map[string]fanKind
	// results caches compile's answers by kind and source: many nodes share
	// the same `when`, and an alias repeats a value (and its expressions)
	// as often as it is used.
	results map[string]compileResult
}

var (
	boolType     = reflect.TypeFor[bool]()
	intType      = reflect.TypeFor[int]()
	floatType    = reflect.TypeFor[float64]()
	stringType   = reflect.TypeFor[string]()
	anyType      = reflect.TypeFor[any]()
	nodesType    = reflect.TypeFor[map[string]NodeView]()
	pipelineType = reflect.TypeFor[PipelineView]()
	runType      = reflect.TypeFor[RunView]()
	funcType     = reflect.TypeFor[func() bool]()
)

func configFieldType(v any) reflect.Type {
	switch v.(type) {
	case bool:
		return boolType
	case int:
		return intType
	case float64:
		return floatType
	case string:
		return stringType
	}
	return anyType
}

func newExprEnv(cfg []schema.ConfigVar) *exprEnv {
	e := &exprEnv{cfgIndex: make(map[string]int, len(cfg)), results: map[string]compileResult{}}
	fields := make([]reflect.StructField, 0, len(cfg))
	for _, c := range cfg {
		e.cfgIndex[c.Key] = len(fields)
		e.cfgKeys = append(e.cfgKeys, c.Key)
		if s, ok := c.Value.(string); ok && yamlBoolWord(s) != "" {
			if e.yesNo == nil {
				e.yesNo = map[string]string{}
			}
			e.yesNo[c.Key] = s
		}
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("F%d", len(fields)),
			Type: configFieldType(c.Value),
			Tag:  reflect.StructTag(fmt.Sprintf(`expr:%q`, c.Key)),
		})
	}
	e.cfgType = reflect.StructOf(fields)
	env := slices.Clone(envFields)
	env[fieldConfig].Type = e.cfgType
	e.typ = reflect.StructOf(env)
	e.zero = reflect.New(e.typ).Elem().Interface()
	return e
}

// configValue builds the config struct from resolved values.
func (e *exprEnv) configValue(values map[string]any) reflect.Value {
	v := reflect.New(e.cfgType).Elem()
	for key, i := range e.cfgIndex {
		if x, ok := values[key]; ok && x != nil {
			v.Field(i).Set(reflect.ValueOf(x))
		}
	}
	return v
}

// exprMaxNodes bounds the size of one expression: they are conditions and
// lookups, not programs.
const exprMaxNodes = 2000

// compiled is one expression, checked and ready to run.
type compiled struct {
	src  string
	prog *vm.Program
	// refs are the node ids the expression reads through nodes.<id>.
	refs []refAt
	// configKeys are the config keys it reads, each once: a cached node's
	// key holds their values.
	configKeys []string
	// clock is set when it calls now(): a run on Temporal, whose workflow
	// replays its decisions, cannot take it (see Plan.ReadsClock).
	clock    bool
	clockOff int // rune offset of the first now() call
	// usesStatus is set when it calls success(), failure(), always() or
	// cancelled(): then a `when` is not implicitly `success() && ...`.
	usesStatus bool
	// runsOnCancel is set when it calls always() or cancelled(): its node
	// may still run once the run is cancelled (a clean-up node).
	runsOnCancel bool
	// raw is set when the whole expression is raw(...): in a shell script
	// its value is pasted as shell text, not quoted. rawInside is set when
	// raw(...) is called anywhere else in it, where it would mean nothing.
	raw       bool
	rawInside bool
	rawOff    int32 // rune offset of the inner raw call, for its error
	// itemOff is the rune offset of the first item, item_key or
	// item_index it reads; -1 when it reads none.
	itemOff int
	// fanIn names the foreach node when the whole expression is
	// nodes.<id>.outputs.<key> of one: its value is a list (or a map).
	fanIn string
	// outputs are its nodes.<id>.outputs.<key> reads, checked against
	// what each node's module declares it outputs.
	outputs []outputRef
	// required are the output reads that fail it when their node
	// succeeded without giving them (see requiredReads).
	required []requiredRead
	// whole is set when the whole expression is one output read: its
	// value is of the type the node promises for it.
	whole outputRef
	// itemFields are its item.<key> reads (id ""), checked against the
	// keys of a matrix's combinations.
	itemFields []outputRef
	// narrow holds, once per read, the node ids read only as
	// nodes.<id>.status, .message or .outputs: a read of nodes.<id>
	// counted in refs and not here may see its items (see itemsRead).
	narrow []string
	// nodesIdents counts the identifiers `nodes`: more than refs means
	// one is read whole (toJSON(nodes)), items and all.
	nodesIdents int
	// pipeline is set when it reads `pipeline` (its name, description or
	// file): a resumed run compares them for its node (see definition.go).
	pipeline bool
}

// outputRef is a read of nodes.<id>.outputs.<key>.
type outputRef struct {
	id, key string
	off     int // rune offset of key
}

type refAt struct {
	id  string
	off int // rune offset in the expression
}

// exprError is a problem in an expression, positioned inside it.
type exprError struct {
	off       int // rune offset in the expression
	msg, hint string
}

type compileResult struct {
	c    *compiled
	errs []exprError
}

// compile parses and type-checks src. asBool requires a boolean result.
// The answer is shared: neither it nor its errors may be changed.
func (e *exprEnv) compile(src string, asBool bool) (*compiled, []exprError) {
	key := src
	if asBool {
		key = "bool:" + src
	}
	if r, ok := e.results[key]; ok {
		return r.c, r.errs
	}
	c, errs := e.compileNew(src, asBool)
	e.results[key] = compileResult{c, errs}
	return c, errs
}

func (e *exprEnv) compileNew(src string, asBool bool) (*compiled, []exprError) {
	tree, err := parser.Parse(src)
	if err != nil {
		x := fromExprErr(err, exprHint(err, false))
		if msg, hint := exprMessage(x.msg, src, x.off, e.cfgKeys); msg != "" {
			x.msg, x.hint = msg, cmp.Or(hint, x.hint)
		}
		return nil, []exprError{x}
	}
	c := &compiled{src: src, itemOff: -1}
	var errs []exprError
	// configIdents counts the identifiers `config`, staticConfig those read
	// as config.KEY or config['KEY'].
	configIdents, staticConfig := 0, 0
	bound := letBound(src, tree.Node)
	ast.Find(tree.Node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok && slices.Contains(statusFuncs, id.Value) {
				c.usesStatus = true
				c.runsOnCancel = c.runsOnCancel || id.Value == "always" || id.Value == "cancelled"
			}
			if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == rawFunc {
				if n == tree.Node {
					c.raw = true
				} else if !c.rawInside {
					c.rawInside, c.rawOff = true, int32(n.Location().From)
				}
			}
		case *ast.VariableDeclaratorNode:
			if id, ok := n.Value.(*ast.IdentifierNode); ok && id.Value == "nodes" {
				// A run gives an expression the nodes it names (nodes.<id>):
				// through a variable it would name none, and read nothing.
				errs = append(errs, exprError{off: id.Location().From, msg: "let cannot bind nodes whole: an expression reads the nodes it names",
					hint: "bind the node you read: let w = nodes.<id>; w.status"})
			}
		case *ast.BuiltinNode:
			if n.Name == "now" && !c.clock {
				c.clock, c.clockOff = true, n.Location().From
			}
		case *ast.MemberNode:
			errs = append(errs, e.checkMember(n, c)...)
			if base, ok := n.Node.(*ast.IdentifierNode); ok && base.Value == "config" {
				if _, ok := n.Property.(*ast.StringNode); ok {
					staticConfig++
				}
			}
			if id, key, _, off := outputRead(n); id != "" {
				c.outputs = append(c.outputs, outputRef{id: id, key: key, off: off})
			}
			if id := narrowRead(n); id != "" {
				c.narrow = append(c.narrow, id)
			}
			if base, ok := n.Node.(*ast.IdentifierNode); ok && base.Value == "item" {
				if prop, ok := n.Property.(*ast.StringNode); ok {
					c.itemFields = append(c.itemFields, outputRef{key: prop.Value, off: prop.Location().From})
				}
			}
		case *ast.BinaryNode:
			errs = append(errs, e.checkFanInOperand(n)...)
		case *ast.IdentifierNode:
			switch n.Value {
			case "nodes":
				c.nodesIdents++
			case "config":
				configIdents++
			case "pipeline":
				c.pipeline = true
			}
			if slices.Contains(itemNames, n.Value) && c.itemOff < 0 {
				c.itemOff = n.Location().From
			}
			if !slices.Contains(envNames, n.Value) && !isBuiltinLike(n.Value) && !bound[n] {
				hint := schema.DidYouMean(n.Value, envNames)
				if hint == "" {
					hint = "expressions can read config.KEY, nodes.<id>, pipeline and run"
				}
				errs = append(errs, exprError{off: n.Location().From, msg: fmt.Sprintf("unknown name %s", schema.Quote(n.Value)), hint: hint})
			}
		}
		return false
	})
	if configIdents > staticConfig {
		// config itself (whole, in a list, through a function): it may
		// read any key, as a cached node's key and a resumed run count it.
		c.configKeys = slices.Clone(e.cfgKeys)
	}
	if len(c.outputs) > 0 {
		c.required = requiredReads(tree.Node, asBool)
	}
	if id, key, _, keyOff := outputRead(tree.Node); id != "" {
		c.whole = outputRef{id: id, key: key, off: keyOff}
	}
	if id, _, off := e.fanInAt(tree.Node); id != "" {
		c.fanIn = id
		if asBool {
			errs = append(errs, exprError{off: off, msg: fmt.Sprintf("%s is a list, one value per instance of %s, not true or false", strings.TrimSpace(src), id),
				hint: fmt.Sprintf("test every instance, e.g. all(%s, # == true), or read nodes.%s.status", strings.TrimSpace(src), id)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	opts := []expr.Option{expr.Env(e.zero), expr.MaxNodes(exprMaxNodes)}
	if strings.Contains(src, rawFunc) {
		// Declaring the function costs every compile an allocation or two.
		opts = append(opts, rawOption)
	}
	opts = append(opts, boundedOptions(src)...)
	opts = append(opts, orderedOpts(src)...)
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil && compilerPanicked(err) {
		// expr's checker passed it, its compiler panicked: expr 1.17.8
		// does on a field of an element of a filtered typed list
		// (filter(nodes.m.items, .key == 'a')[0].status). Compiled
		// without the env's types, the same expression reads its fields
		// as it runs.
		prog, err = expr.Compile(src, opts[1:]...)
	}
	if err != nil {
		return nil, []exprError{e.checkError(err, src, asBool)}
	}
	if asBool && prog.Node().Type().Kind() == reflect.Interface {
		// Its type is known only as it runs: compiled as a bool, a value
		// of another type fails inside expr, which says only its Go type;
		// without, core.runWhen says what the value is.
		opts = opts[:len(opts)-1]
		if p, err := expr.Compile(src, opts...); err == nil {
			prog = p
		}
	}
	c.prog = prog
	return c, nil
}

// compilerPanicked reports whether err is a panic expr's compiler
// recovered from (it adds the stack to the message), not an error of the
// expression.
func compilerPanicked(err error) bool {
	return strings.Contains(err.Error(), "runtime/debug.Stack()")
}

// isPath reports whether src is a name or a path of names (config.N).
func isPath(src string) bool {
	for part := range strings.SplitSeq(src, ".") {
		if !schema.IsIdentifier(part) {
			return false
		}
	}
	return true
}
