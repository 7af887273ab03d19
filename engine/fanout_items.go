package engine

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/modules"
)

// This file holds a foreach node's items: evaluated in a fixed order
// (a list's, a map's sorted keys), and the keys that name its instances.

// items evaluates node pn's foreach: its items in order, the keys that
// name their instances, and when they come from a map, the map's keys
// (what item_key and the fan-in read, whether or not they can name an
// instance). Keys of which one would show a secret are indexes, all of
// them: an instance's id shows in the terminal, logs, file names and the
// record, where a secret reads *** (which would not tell instances
// apart), and a resumed run with the same config names them the same.
// itemKeys are then the keys they replaced, which item_key still reads
// (nil when the keys name the instances).
func (c *core) items(pn *planNode, env any) (items []any, keys, itemKeys, mapKeys []string, err error) {
	items, keys, mapKeys, err = c.evalItems(pn, env)
	if err == nil && c.redact.anyIn(keys) {
		keys, itemKeys = indexKeys(len(keys)), keys
	}
	return items, keys, itemKeys, mapKeys, err
}

// evalItems is items, its keys named by the items alone.
func (c *core) evalItems(pn *planNode, env any) (items []any, keys, mapKeys []string, err error) {
	v := pn.Foreach.Value
	if pn.each != nil {
		if v, err = c.evaluate(pn.each, env); err != nil {
			return nil, nil, nil, c.exprFailed(pn.eachAt(), "foreach: ${{ "+strings.TrimSpace(pn.each.src)+" }}", pn.each.src, env, err)
		}
	}
	switch x := v.(type) {
	case nil:
		// Not an empty list: what an output that does not exist reads as,
		// a typo's or that of a node that gave none.
		if id, status := c.unpassedRead(pn); id != "" {
			return nil, nil, nil, &noItemsError{id: id, status: status}
		}
		return nil, nil, nil, fmt.Errorf("foreach gave null, not a list or a map (an output the node did not give reads as null: check its name)")
	case []any:
		if len(x) > maxItems {
			return nil, nil, nil, fmt.Errorf("foreach gave %d items, more than %d", len(x), maxItems)
		}
		if keys := pn.Foreach.Keys; keys != nil && pn.each == nil && safeKeys(keys, false) {
			return x, keys, nil, nil // a matrix's: its combinations' values
		}
		return x, listKeys(x), nil, nil
	case map[string]any:
		if len(x) > maxItems {
			return nil, nil, nil, fmt.Errorf("foreach gave %d items, more than %d", len(x), maxItems)
		}
		mapKeys = slices.Sorted(maps.Keys(x))
		items = make([]any, len(mapKeys))
		for k, key := range mapKeys {
			items[k] = x[key]
		}
		keys = mapKeys
		if !safeKeys(keys, true) { // a map's keys are distinct
			keys = indexKeys(len(keys))
		}
		return items, keys, mapKeys, nil
	}
	// A list of another type, as expressions make ([]int of 1..3).
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, nil, nil, fmt.Errorf("foreach gave %s, not a list or a map", describeValue(v))
	}
	if rv.Len() > maxItems {
		return nil, nil, nil, fmt.Errorf("foreach gave %d items, more than %d", rv.Len(), maxItems)
	}
	items = make([]any, rv.Len())
	for k := range items {
		items[k] = rv.Index(k).Interface()
	}
	return items, listKeys(items), nil, nil
}

// foreachFailed is the reason of a foreach whose items are no list or
// map: placed at its foreach, unless placed already (an expression that
// failed is placed at its part that failed).
func (c *core) foreachFailed(pn *planNode, err error) string {
	var placed *exprRunError
	if errors.As(err, &placed) || pn.Foreach == nil {
		return err.Error()
	}
	return c.where(pn.eachAt().start) + err.Error()
}

// noItemsError is a foreach that gave null because a node it reads did
// not pass, so gave no outputs: a clean-up node (when: always()) has
// nothing to go over, which is no typo.
type noItemsError struct {
	id     string
	status Status
}

func (e *noItemsError) Error() string {
	return fmt.Sprintf("foreach gave no items: node %s did not succeed (%s), so it gave no outputs", e.id, e.status)
}

// unpassedRead returns the first node pn's foreach reads that has ended
// without passing, and how it ended; "" when there is none.
func (c *core) unpassedRead(pn *planNode) (string, Status) {
	if pn.each == nil {
		return "", ""
	}
	for _, r := range pn.each.refs {
		if j, ok := c.plan.Graph.Index(r.id); ok && j < len(c.plan.nodes) {
			if st := &c.nodes[j]; st.done && !st.passed {
				return r.id, st.rec.Status
			}
		}
	}
	return "", ""
}

func describeValue(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a bool"
	case int, float64:
		return "a number"
	case nil:
		return "null"
	}
	return modules.Describe(v)
}

// maxKeyLen bounds an item used as its instance's key.
const maxKeyLen = 40

// listKeys names a list's instances: by the items themselves when each is
// a distinct short text or number (fit[england]), else by index (fit[0]).
func listKeys(items []any) []string {
	keys := make([]string, len(items))
	// rising is kept while the items are rising integers (a range), whose
	// keys need no check that they are distinct.
	rising, last := true, 0
	for k, item := range items {
		switch x := item.(type) {
		case string:
			keys[k], rising = x, false
		case int:
			keys[k] = strconv.Itoa(x)
			rising = rising && (k == 0 || x > last)
			last = x
		case float64:
			keys[k], rising = strconv.FormatFloat(x, 'g', -1, 64), false
		case bool:
			keys[k], rising = strconv.FormatBool(x), false
		default:
			return indexKeys(len(items))
		}
	}
	if !safeKeys(keys, rising) {
		return indexKeys(len(items))
	}
	return keys
}

// safeKeys reports whether keys can name instances: distinct, short, and
// free of what a terminal, a file name or a shell would take apart.
// distinct says the caller knows they are distinct.
func safeKeys(keys []string, distinct bool) bool {
	var seen map[string]struct{}
	if !distinct {
		seen = make(map[string]struct{}, len(keys))
	}
	for _, k := range keys {
		if k == "" || len(k) > maxKeyLen || strings.ContainsFunc(k, unsafeKeyRune) {
			return false
		}
		if seen == nil {
			continue
		}
		if _, dup := seen[k]; dup {
			return false
		}
		seen[k] = struct{}{}
	}
	return true
}

func unsafeKeyRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	case r == '_' || r == '-' || r == '.' || r == '+' || r == '@' || r == ':' || r == '=' || r == ',':
		return false
	}
	return r < 0x80 || r == 0xfffd || !strconv.IsPrint(r)
}

func indexKeys(n int) []string {
	keys := make([]string, n)
	for k := range keys {
		keys[k] = strconv.Itoa(k)
	}
	return keys
}
