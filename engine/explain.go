package engine

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pipe-run/pipe/modules"
)

// Would is what a node would do in a run, as far as can be known before it.
type Would string

// What Explain can say of a node.
const (
	WouldRun  Would = "run"
	WouldSkip Would = "skip"
	// WouldKeep: a resumed run keeps what the node left in the earlier one.
	WouldKeep Would = "keep"
	// WouldDecide: the node's when reads other nodes' results, known only
	// once they have run.
	WouldDecide Would = "decided at run time"
)

// Explanation says what a node would do in a run, and why.
type Explanation struct {
	Node   string `json:"node"`
	Module string `json:"module"`
	Would  Would  `json:"would"`
	Why    string `json:"why"`
	// Cache says whether the node would come from the node cache, or
	// why not, naming every change of what its key reads; "" for a node
	// that does not cache.
	Cache string `json:"cache,omitempty"`
	// CacheChanges lists each change of what the node's cache key reads,
	// when that is why it would not come from the cache.
	CacheChanges []string `json:"cache_changes,omitempty"`
	// cacheLine is Cache cut for a line (see CacheLine); "" when it is
	// Cache.
	cacheLine string
}

// CacheLine is Cache for a line of a table: past maxChanges changes, how
// many more.
func (x Explanation) CacheLine() string {
	if x.cacheLine != "" {
		return x.cacheLine
	}
	return x.Cache
}

// Compiled on first use, not in an init: inits run at every start of pipe.
var configRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bconfig\.([A-Za-z_][A-Za-z0-9_]*)`) })

// Explain says, without running anything, what each node of plan would do
// in a run with opts, and why: selected or not (--only, --skip), blocked
// by the dangerous gate, skipped because a need would be, its when true or
// false with the config values it read, or decided at run time when it
// reads other nodes' results. Nodes come in the plan's order.
func (e *Engine) Explain(plan *Plan, opts Options) ([]Explanation, error) {
	opts.Journal, opts.OnEvent = nil, nil
	c, err := newCore(plan, opts)
	if err != nil {
		return nil, err
	}
	g := plan.Graph
	would := make([]Would, g.Len())
	hit := make([]bool, g.Len())
	out := make([]Explanation, 0, g.Len())
	for _, i := range g.Order() {
		pn := &plan.nodes[i]
		var w Would
		why, decided := "", false
		if pn.fans && c.nodes[i].selected && c.opts.Keep != nil {
			w, why, decided = c.explainFan(i)
		}
		if !decided {
			w, why = c.explain(i, would)
		}
		if f := pn.Foreach; f != nil && w != WouldSkip && w != WouldKeep && !decided {
			each, none := c.foreachWhy(i)
			if none && w == WouldRun {
				w, why = WouldSkip, each // as the run settles it: nothing to run
			} else {
				why += "; " + each
			}
		}
		if why2 := c.notKept[i]; why2 != "" && w != WouldKeep {
			why += "; " + why2
		}
		would[i] = w
		cache, changes := c.explainCache(i, w, hit)
		x := Explanation{Node: pn.ID, Module: pn.Module, Would: w, Why: c.redact.String(why), Cache: c.redact.String(cache)}
		for _, ch := range changes {
			x.CacheChanges = append(x.CacheChanges, c.redact.String(ch))
		}
		if len(changes) > maxChanges {
			x.cacheLine = c.redact.String("not cached: " + sayChanges(changes))
		}
		out = append(out, x)
	}
	index := make(map[string]int, len(out))
	for i := range g.Len() {
		index[g.ID(i)] = i
	}
	slices.SortStableFunc(out, func(a, b Explanation) int { return index[a.Node] - index[b.Node] })
	return out, nil
}

// foreachWhy says how many instances foreach node i would run: counted
// when its items are literal, or from an expression that reads no node's
// results (config alone), evaluated now. none is set when it gives no
// items: the run skips the node.
func (c *core) foreachWhy(i int) (why string, none bool) {
	pn := &c.plan.nodes[i]
	if pn.each == nil || len(pn.each.refs) > 0 {
		return foreachWhy(pn.Foreach), false
	}
	src := strings.TrimSpace(pn.each.src)
	items, _, _, mapKeys, err := c.items(pn, c.env(i, true))
	switch {
	case err != nil:
		return fmt.Sprintf("%v (the node would fail)", err), false // placed, and says foreach
	case len(items) == 0:
		return fmt.Sprintf("foreach gave no items: %s is empty", src), true
	case mapKeys != nil:
		return fmt.Sprintf("once per key of %s: %s", src, instances(len(items))), false
	}
	return fmt.Sprintf("once per item of %s: %s", src, instances(len(items))), false
}

func instances(n int) string {
	if n == 1 {
		return "1 instance"
	}
	return fmt.Sprintf("%d instances", n)
}

// needsWould says what node i's needs would do when none is skipped: run,
// or be kept by a resumed run.
func (c *core) needsWould(i int, would []Would) string {
	kept, ran := 0, 0
	for _, j := range c.plan.Graph.Needs(i) {
		if would[j] == WouldKeep {
			kept++
		} else {
			ran++
		}
	}
	switch {
	case kept == 0:
		return "its needs would run"
	case ran == 0:
		return "its needs are kept"
	}
	return "its needs would run or are kept"
}

// explain decides node i from what its needs would do.
func (c *core) explain(i int, would []Would) (Would, string) {
	pn := &c.plan.nodes[i]
	st := &c.nodes[i]
	if !st.selected {
		before := *st.rec
		if c.carries(i) { // as the run does once its selected nodes end
			why := "kept from run " + c.opts.KeptFrom + " (" + before.Reason + ")"
			if fan := c.nodes[i].fan; fan != nil {
				why = fmt.Sprintf("kept from run %s with its %s (%s)", c.opts.KeptFrom, instances(fan.count), before.Reason)
				c.unfan(i, before) // made to decide it: nothing runs
			}
			st = &c.nodes[i] // the fan-out may have moved c.nodes
			st.kept, st.outputs = true, c.opts.Keep[pn.id].Outputs
			return WouldKeep, why
		}
		return WouldSkip, st.rec.Reason
	}
	if c.opts.Keep != nil && !pn.fans && c.keeps(i) {
		// Its outputs, for the cache keys of the nodes below it.
		st.kept, st.outputs = true, c.opts.Keep[pn.id].Outputs
		return WouldKeep, "kept from run " + c.opts.KeptFrom
	}
	if pn.dangerous && !c.dangerOK {
		now := fmt.Sprintf("config.%s = %v", DangerKey, c.config[DangerKey])
		if c.config[DangerKey] == nil {
			now = DangerKey + " not set"
		}
		why := fmt.Sprintf("dangerous module disabled (%s): set %s=true to run it", now, DangerKey)
		if pn.declared != "" {
			why += " (" + pn.declared + ")"
		}
		return WouldSkip, why
	}
	success, decided := true, true
	var why []string
	for _, j := range c.plan.Graph.Needs(i) {
		switch would[j] {
		case WouldSkip:
			success = false
			why = append(why, "need "+c.plan.nodes[j].ID+" would be skipped")
			if c.plan.nodes[j].dangerous && !c.dangerOK {
				return WouldSkip, fmt.Sprintf("needs %s, a dangerous node that is disabled", c.plan.nodes[j].ID)
			}
		case WouldDecide:
			decided = false
		}
	}
	usesStatus := pn.when != nil && pn.when.usesStatus
	if !success && !usesStatus {
		return WouldSkip, why[0]
	}
	if pn.when == nil {
		if !decided {
			return WouldDecide, "runs if its needs run"
		}
		if len(c.plan.Graph.Needs(i)) == 0 {
			return WouldRun, "no when, no needs"
		}
		return WouldRun, "no when; " + c.needsWould(i, would)
	}
	if len(pn.when.refs) > 0 || (usesStatus && !decided) {
		var reads []string
		for _, ref := range pn.when.refs {
			reads = append(reads, "nodes."+ref.id)
		}
		if len(reads) == 0 {
			reads = append(reads, "its needs' results")
		}
		return WouldDecide, "when: " + pn.When + " reads " + strings.Join(reads, ", ")
	}
	if pn.when.itemOff >= 0 {
		// Decided for each instance, with its item: not once, with none.
		return WouldDecide, "when: " + pn.When + " is decided for each item"
	}
	env := c.env(i, success)
	ok, _, err := c.runWhen(pn.when, env)
	if err == nil && pn.when.usesStatus && c.needMayFail(i, would) {
		// success() and failure() are known once the needs have ended: a
		// when: failure() was said to skip, and ran when a need failed.
		st := &c.nodes[i]
		saved := st.failedAbove
		st.failedAbove = true
		onFailure, _, ferr := c.runWhen(pn.when, c.env(i, false))
		st.failedAbove = saved
		if ferr != nil || onFailure != ok {
			return WouldDecide, "when: " + pn.When + " reads its needs' results"
		}
	}
	if err != nil {
		// The first line: a table row cannot hold a caret under it.
		msg, _, _ := strings.Cut(c.exprText(pn.When, env, err), "\n")
		return WouldRun, fmt.Sprintf("when: %s fails: %s (the node would fail)", pn.When, msg)
	}
	verdict, w := "false", WouldSkip
	if ok {
		verdict, w = "true", WouldRun
	}
	text := "when " + verdict + ": " + pn.When
	if vals := c.configValues(pn.When); vals != "" {
		text += " (" + vals + ")"
	}
	return w, text
}

// configValues lists the config values an expression reads, secrets
// masked: "config.N = 3, config.MODE = fast".
func (c *core) configValues(src string) string {
	var parts []string
	for _, m := range configRef().FindAllStringSubmatch(src, -1) {
		key := m[1]
		v, ok := c.config[key]
		if !ok {
			continue
		}
		text := modules.Text(v)
		if _, isStr := v.(string); isStr {
			text = fmt.Sprintf("%q", text)
		}
		if c.plan.Pipeline.IsSecret(key) {
			text = Masked
		}
		part := "config." + key + " = " + text
		if !slices.Contains(parts, part) {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ", ")
}

// needMayFail reports whether a need of node i would run (or may): its
// end, success or failure, is known only at run time.
func (c *core) needMayFail(i int, would []Would) bool {
	for _, j := range c.plan.Graph.Needs(i) {
		if would[j] == WouldRun || would[j] == WouldDecide {
			return true
		}
	}
	return false
}
