package engine

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// fanKinds says how each node of p fans out.
func fanKinds(p *schema.Pipeline) map[string]fanKind {
	var out map[string]fanKind
	for _, n := range p.Nodes {
		if n.Foreach == nil {
			continue
		}
		if out == nil {
			out = map[string]fanKind{}
		}
		switch n.Foreach.Value.(type) {
		case []any:
			out[n.ID] = fanList
		case map[string]any:
			out[n.ID] = fanMap
		default:
			out[n.ID] = fanDynamic
		}
	}
	return out
}

// foreach compiles node i's `foreach:` when it is an expression: it must be
// one whole `${{ }}` whose value can be a list or a map.
func (c *compiler) foreach(i int, pn *planNode) {
	f := pn.Foreach
	if f.Expr == nil {
		// A file's matrix names each combination; a Foreach built in Go
		// may not (its run indexed past its keys).
		if list, isList := f.Value.([]any); f.Keys != nil && (!isList || len(f.Keys) != len(list)) {
			c.errorf(f.Pos, "give Keys one name per item of a list Value, or leave Keys nil", "node %s: foreach Keys name %d instances, for %s", pn.ID, len(f.Keys), describeItems(f.Value))
		}
		return
	}
	literals, exprs, err := splitTemplate(f.Expr.Text)
	if err != nil {
		c.splitFailed(f.Expr, err)
		return
	}
	if len(exprs) != 1 || strings.TrimSpace(literals[0]) != "" || strings.TrimSpace(literals[1]) != "" {
		c.errorf(f.Expr.Pos, "write foreach: ${{ expression }} with nothing around it", "foreach must be one whole ${{ }} expression")
		return
	}
	c.inForeach = true
	comp := c.expr(i, exprs[0].src, place{start: f.Expr.PosAt(exprs[0].boff), tpl: f.Expr, boff: exprs[0].boff}, false, &pn.refs)
	c.inForeach = false
	if comp == nil {
		return
	}
	if node := comp.prog.Node(); node != nil {
		switch t := node.Type(); {
		case t == nil, t.Kind() == reflect.Interface, t.Kind() == reflect.Slice, t.Kind() == reflect.Array, t.Kind() == reflect.Map:
		default:
			c.errorf(f.Expr.Pos, "foreach runs the node once per item of a list or a map; split a text into a list with split(config.KEY, \",\")",
				"foreach must give a list or a map, not %s", kindOfType(t))
			return
		}
	}
	// What foreach reads is not part of an instance's cache key: its item
	// is, through the inputs that read it. Otherwise adding an item to a
	// list in config would run every instance again.
	pn.each = comp
}

func kindOfType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a bool"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// checkFanInInput reports a fan-in, a list (or a map) of the instances'
// values, given whole to an input that takes one value.
func (c *compiler) checkFanInInput(in schema.Input, info *modules.Info, field modules.Field, fanIn string) {
	kind := c.env.fanout[fanIn]
	switch {
	case field.Type == modules.List && kind != fanMap:
		return
	case field.Type == modules.Map && kind != fanList:
		return
	}
	what := "a list, one value per instance"
	if kind == fanMap {
		what = "a map, one value per key"
	}
	c.errorf(in.Pos, fmt.Sprintf("input %s takes one %s: pick one (e.g. [0]), or give this node foreach too", in.Key, field.Type),
		"input %s of module %s: %s is %s of %s", in.Key, info.Name, strings.TrimSpace(in.Templates[0].Text), what, fanIn)
}

// foreachWhy says, for pipe explain, how many instances a foreach node
// would run.
func foreachWhy(f *schema.Foreach) string {
	switch v := f.Value.(type) {
	case []any:
		if f.Keys != nil {
			return "once per matrix combination: " + instances(len(v))
		}
		return "once per item: " + instances(len(v))
	case map[string]any:
		return "once per key: " + instances(len(v))
	}
	return "once per item of " + strings.TrimSpace(f.Expr.Text) + ", known at run time"
}

// checkedOutputs checks the outputs comp reads of the nodes it names and
// returns comp, or nil when they or something found before (bad) are wrong.
func (c *compiler) checkedOutputs(comp *compiled, pos place, src string, bad bool) *compiled {
	for _, o := range comp.outputs {
		if j, ok := c.g.Index(o.id); ok {
			bad = c.checkOutput(j, o, pos, src) || bad
		}
	}
	if bad {
		return nil
	}
	return comp
}

// checkOutput reports a read of an output that node j's module does not
// declare, when its outputs are closed: it declares some, and no "*"
// (exec, python and echo give whatever their programs do; a module that
// declares none says nothing). It returns whether it reported one.
func (c *compiler) checkOutput(j int, o outputRef, pos place, src string) bool {
	if bad, ok := c.checkSubOutput(j, o, pos, src); ok {
		return bad
	}
	if bad, ok := c.checkPromisedRead(j, o, pos, src); ok {
		return bad
	}
	n := c.p.Nodes[j]
	info, ok := c.lookup(n.Module)
	if !ok || n.Partial || len(info.Outputs) == 0 {
		return false // an unknown module is reported at its node
	}
	names := make([]string, 0, len(info.Outputs))
	for _, f := range info.Outputs {
		if f.Name == "*" {
			return false
		}
		if f.Name == o.key {
			return false
		}
		names = append(names, f.Name)
	}
	hint := schema.DidYouMean(o.key, names)
	switch {
	case hint != "":
	default:
		hint = fmt.Sprintf("module %s gives: %s", info.Name, strings.Join(names, ", "))
	}
	c.errorf(pos.at(src, o.off), hint, "node %s (module %s) has no output %s", o.id, info.Name, schema.Quote(o.key))
	return true
}

// checkMatrixItem reports item.<key> reads of a matrix node's expression
// that no combination of the matrix has: a typo, read as null at run
// time. It returns whether it reported one.
func (c *compiler) checkMatrixItem(i int, comp *compiled, pos place, src string) bool {
	f := c.p.Nodes[i].Foreach
	if f == nil || f.Keys == nil {
		return false // a foreach's items are whatever it lists
	}
	items, _ := f.Value.([]any)
	var keys []string
	for _, item := range items {
		m, _ := item.(map[string]any)
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	bad := false
	for _, r := range comp.itemFields {
		if slices.Contains(keys, r.key) {
			continue
		}
		slices.Sort(keys)
		hint := schema.DidYouMean(r.key, keys)
		if hint == "" {
			hint = "the matrix's combinations have: " + strings.Join(keys, ", ")
		}
		c.errorf(pos.at(src, r.off), hint, "no combination of node %s's matrix has %s", c.p.Nodes[i].ID, schema.Quote(r.key))
		bad = true
	}
	return bad
}

// eachAt is where node pn's foreach expression is in the file, for its
// errors at run time.
func (pn *planNode) eachAt() place {
	f := pn.Foreach
	if f == nil || f.Expr == nil {
		return place{}
	}
	_, exprs, err := splitTemplate(f.Expr.Text)
	if err != nil || len(exprs) == 0 {
		return place{start: f.Expr.Pos}
	}
	return place{start: f.Expr.PosAt(exprs[0].boff), tpl: f.Expr, boff: exprs[0].boff}
}

// checkItemInput checks an input that is exactly ${{ item }} or
// ${{ item.KEY }} of a node whose foreach or matrix lists its items in
// the file: each value is known, so validate says what a run would say
// on every instance. It reports whether the input was such a one.
func (c *compiler) checkItemInput(n *schema.Node, in schema.Input, info *modules.Info, field modules.Field) bool {
	if n.Foreach == nil || n.Foreach.Expr != nil || len(in.Templates) != 1 {
		return false
	}
	s, _ := in.Value.(string)
	body, ok := strings.CutPrefix(strings.TrimSpace(s), "${{")
	if body, ok = strings.CutSuffix(body, "}}"); !ok || strings.Contains(body, "}}") {
		return false
	}
	field_, isItem := strings.CutPrefix(strings.TrimSpace(body), "item")
	if !isItem || field_ != "" && (field_[0] != '.' || !schema.IsIdentifier(field_[1:])) {
		return false
	}
	var items []any
	var keys []string // of a mapping's items, by which they are named
	switch v := n.Foreach.Value.(type) {
	case []any:
		items = v
	case map[string]any:
		keys = slices.Sorted(maps.Keys(v))
		for _, k := range keys {
			items = append(items, v[k])
		}
	}
	name := func(k int) string {
		if keys != nil {
			return "item " + strconv.Quote(keys[k])
		}
		return "item " + strconv.Itoa(k+1)
	}
	for k, item := range items {
		if field_ != "" {
			m, isMap := item.(map[string]any)
			if !isMap {
				// foreach: {a: 1} gives item 1 and key "a": item has no fields.
				c.errorf(in.Pos, "item is each value of the list or the mapping, and item_key its key: write ${{ item }} or ${{ item_key }}",
					"input %s of module %s: %s of the node's %s is %s, which has no field %q", in.Key, info.Name, name(k), fanWord(n), modules.Describe(item), field_[1:])
				return true
			}
			if item, isMap = m[field_[1:]]; !isMap {
				return true // reading it fails, and says so, another way
			}
		}
		if err := field.Type.Check(item); err != nil {
			hint := field.Description
			if field.Type == modules.String {
				hint = fmt.Sprintf("quote the values that are text (\"%v\"), or write ${{ string(item%s) }}", item, field_)
			}
			c.errorf(in.Pos, hint,
				"input %s of module %s: %s of the node's %s: %v", in.Key, info.Name, name(k), fanWord(n), err)
			return true
		}
	}
	return true
}

// fanWord names how node n fans out.
func fanWord(n *schema.Node) string {
	if n.Foreach.Keys != nil {
		return "matrix"
	}
	return "foreach"
}

// describeItems says what a literal foreach holds: "3 items", "a map".
func describeItems(v any) string {
	if list, ok := v.([]any); ok {
		if len(list) == 1 {
			return "1 item"
		}
		return strconv.Itoa(len(list)) + " items"
	}
	return modules.Describe(v)
}
