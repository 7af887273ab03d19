package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
	"github.com/pipe-run/pipe/modules"
)

// This file holds what lets a resumed run (pipe run --resume) give the
// nodes below a kept node the outputs that node gave, or else run it
// again: what the record says of its outputs besides them (secrets
// masked, numbers JSON cannot hold, its cache key), and the checks made
// before a node is kept.

// NotKeptPrefix starts the reason of a node that succeeded in the run a
// resumed run resumes but was run again, before that run's id and why.
const NotKeptPrefix = "not kept from run "

// KeepRecord returns what a resumed run keeps of node record n, a node
// that succeeded in the earlier run: its message and outputs, with the
// numbers the record holds as text (n.SpecialFloats) given back as
// numbers, its cache key and its definition digest. When the record
// cannot give back the outputs the node gave (a secret masked in them,
// outputs cut), Kept.NotRestorable says why: such a node runs again. n
// is not changed.
func KeepRecord(n *NodeRecord) Kept {
	k := Kept{Message: n.Message, Outputs: n.Outputs, Definition: n.Definition, Items: n.Items}
	if err := checkSize(&modules.Output{Values: n.Outputs}); err != nil {
		// No module gives that much (the limit is checked as it ends): a
		// record edited by hand, or by another program. Its node runs.
		k.Outputs, k.NotRestorable = nil, "its outputs in the record are "+modules.ErrTooLarge.Error()
		return k
	}
	r := n.Resume
	if r == nil {
		return k
	}
	k.CacheKey, k.Files, k.Item = r.CacheKey, r.Files, r.Item
	switch {
	case r.OutputsMasked:
		k.NotRestorable = "its outputs held a secret, which the record holds as " + Masked
	case r.OutputsCut:
		k.NotRestorable = "its outputs were cut in the record"
	case len(r.SpecialFloats) > 0:
		out, err := restoreFloats(n.Outputs, r.SpecialFloats)
		if err != nil {
			k.NotRestorable = "its record's special_floats do not match its outputs: " + err.Error()
			break
		}
		k.Outputs = out
	}
	return k
}

// recordOutputs returns outputs as the record holds them (JSON-safe,
// secrets masked, cut past maxRecordedDepth), and what the record says
// besides so that they can be given back as they were (see ResumeInfo;
// nil when there is nothing to say).
func (c *core) recordOutputs(outputs map[string]any) (map[string]any, *ResumeInfo) {
	safe := jsonSafe(outputs)
	masked := c.redact.Map(safe)
	rec := cutDeepMap(masked)
	floats, wasMasked, wasCut := specialFloats(outputs), !sameMap(masked, safe), !sameMap(rec, masked)
	if floats == nil && !wasMasked && !wasCut {
		return rec, nil // most nodes: nothing allocated
	}
	return rec, &ResumeInfo{SpecialFloats: floats, OutputsMasked: wasMasked, OutputsCut: wasCut}
}

// sameMap reports whether a and b are the same map (not equal ones): the
// rewrites of the record (jsonSafe, masking, cutting) return their map
// itself when they change nothing, and a copy when they do.
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// isSpecialFloat reports whether f is a number the record cannot hold as
// a JSON number read back as itself: NaN, ±Inf or -0.
func isSpecialFloat(f float64) bool {
	return math.IsNaN(f) || math.IsInf(f, 0) || (f == 0 && math.Signbit(f))
}

func hasSpecialFloat(v any) bool {
	switch x := v.(type) {
	case float64:
		return isSpecialFloat(x)
	case []any:
		return slices.ContainsFunc(x, hasSpecialFloat)
	case map[string]any:
		for _, item := range x {
			if hasSpecialFloat(item) {
				return true
			}
		}
	}
	return false
}

// specialFloats returns the JSON Pointers of the special floats inside
// outputs, sorted; nil, without allocating, when there is none.
func specialFloats(outputs map[string]any) []string {
	if !hasSpecialFloat(outputs) {
		return nil
	}
	var out []string
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case float64:
			if isSpecialFloat(x) {
				out = append(out, at)
			}
		case []any:
			for i, item := range x {
				walk(item, at+"/"+strconv.Itoa(i))
			}
		case map[string]any:
			for k, item := range x {
				walk(item, at+"/"+pointerEscape.Replace(k))
			}
		}
	}
	walk(outputs, "")
	slices.Sort(out)
	return out
}

var (
	pointerEscape   = strings.NewReplacer("~", "~0", "/", "~1")
	pointerUnescape = strings.NewReplacer("~1", "/", "~0", "~")
)

// restoreFloats returns a copy of outputs, as the record holds them, with
// the value at each pointer given back as the number it stands for:
// "NaN", "Infinity", "-Infinity", or 0 for -0. A pointer that leads
// nowhere, or to another value, is an error.
func restoreFloats(outputs map[string]any, pointers []string) (map[string]any, error) {
	out := copyPlain(outputs).(map[string]any)
	for _, p := range pointers {
		if err := restoreFloat(out, p); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return out, nil
}

func restoreFloat(outputs map[string]any, pointer string) error {
	rest, ok := strings.CutPrefix(pointer, "/")
	if !ok {
		return errors.New("not a JSON Pointer")
	}
	tokens := strings.Split(rest, "/")
	var at any = outputs
	for k, tok := range tokens {
		tok = pointerUnescape.Replace(tok)
		last := k == len(tokens)-1
		switch x := at.(type) {
		case map[string]any:
			v, ok := x[tok]
			if !ok {
				return errors.New("no such output")
			}
			if last {
				f, ok := specialFloatOf(v)
				if !ok {
					return fmt.Errorf("%v is not a special float", v)
				}
				x[tok] = f
			}
			at = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) || (tok != "0" && tok[0] == '0') {
				return errors.New("no such item")
			}
			if last {
				f, ok := specialFloatOf(x[i])
				if !ok {
					return fmt.Errorf("%v is not a special float", x[i])
				}
				x[i] = f
			}
			at = x[i]
		default:
			return errors.New("no such output")
		}
	}
	return nil
}

// specialFloatOf is the special float that v, read from a record at one
// of its SpecialFloats, stands for.
func specialFloatOf(v any) (float64, bool) {
	switch x := v.(type) {
	case string:
		switch x {
		case modules.NaNText:
			return math.NaN(), true
		case modules.PosInfText:
			return math.Inf(1), true
		case modules.NegInfText:
			return math.Inf(-1), true
		}
	case int:
		if x == 0 {
			return math.Copysign(0, -1), true
		}
	case float64:
		if x == 0 {
			return math.Copysign(0, -1), true
		}
	}
	return 0, false
}

// copyPlain copies the maps and lists of a plain value (a record's).
func copyPlain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = copyPlain(item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = copyPlain(item)
		}
		return out
	}
	return v
}

// whyNotKept says why node or instance i, which succeeded in the earlier
// run and whose needs were kept, cannot keep what it left there (k): its
// record cannot give back its outputs, it is not the node that ran
// (whyStale: its definition, or config it reads, changed), or what it
// reads (its cache key: its inputs, the config it reads, its files)
// changed since. "" when it can.
func (c *core) whyNotKept(i int, k Kept) string {
	if k.NotRestorable != "" {
		return k.NotRestorable
	}
	if why := c.whyStale(i, k); why != "" {
		return why
	}
	// The key is checked whenever the record has one: a node that cached
	// then and does not now (cache: false) read what it reads then too.
	if k.CacheKey == "" && k.Files == nil {
		return ""
	}
	with, err := c.inputs(i, c.env(i, true))
	if err != nil {
		return "its inputs: " + err.Error()
	}
	if k.Files != nil {
		if why := c.whyFilesChanged(i, k.Files, with); why != "" {
			return why
		}
	}
	if k.CacheKey == "" {
		return ""
	}
	p := i
	if n := len(c.plan.nodes); i >= n {
		p = int(c.inst[i-n].parent)
	}
	env, err := c.plan.envIngredients(c.config, c.progEnv)
	if err != nil {
		return "no cache key: " + err.Error()
	}
	ings, err := c.plan.ingredients(context.Background(), p, with, c.config, env)
	if err != nil {
		return "no cache key: " + err.Error()
	}
	if cachestore.Key(ings) == k.CacheKey {
		return ""
	}
	if c.opts.CacheDir != "" {
		if e, err := cachestore.Open(c.opts.CacheDir).Peek(k.CacheKey); err == nil {
			if changed := changedIngredients(e.Ingredients, ings); len(changed) > 0 {
				return sayChanges(changed)
			}
		}
	}
	return "what it reads changed (its cache key)"
}

// notKeeping notes that node or instance i runs again although it
// succeeded in the earlier run, and why: its record says so when it
// starts, and when it succeeds.
func (c *core) notKeeping(i int, why string) {
	reason := c.redact.String(NotKeptPrefix + c.opts.KeptFrom + ": " + why)
	if c.notKept == nil {
		c.notKept = map[int]string{}
	}
	c.notKept[i] = reason
	c.mu.Lock()
	c.nodes[i].rec.Reason = reason
	c.mu.Unlock()
}
