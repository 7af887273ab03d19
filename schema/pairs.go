package schema

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// A mapping's entries as the loader reads them: aliases followed within
// the walk's budget, `<<` merge keys expanded, duplicate keys reported.

// resolve follows aliases, charging the walk's budget.
func (l *loader) resolve(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode; depth++ {
		if depth > 100 {
			l.errorf(posOf(n), "", "alias chain too deep")
			return nil
		}
		n = n.Alias
	}
	if l.budget--; l.budget < 0 {
		if !l.overBudget {
			l.overBudget = true
			l.errorf(posOf(n), "use fewer aliases", "YAML aliases expand to too many values")
		}
		return nil
	}
	return n
}

// smallMapping is the number of keys up to which pairs finds duplicates
// by comparing keys with each other rather than through a map: a
// pipeline's nodes are mappings of a few keys, and this is most of a
// big file's mappings.
const smallMapping = 8

// firstKey returns the key node of ps called key; nil when none is.
func firstKey(ps []pair, key string) *yaml.Node {
	for _, p := range ps {
		if p.key.Value == key {
			return p.key
		}
	}
	return nil
}

// pair is one key: value of a mapping, with aliases resolved.
type pair struct {
	key, value *yaml.Node
}

// pairs lists a mapping's entries, expanding `<<` merge keys and reporting
// duplicate keys (what names them is given by what, e.g. "node id").
func (l *loader) pairs(m *yaml.Node, what string) []pair {
	out := make([]pair, 0, len(m.Content)/2)
	var seen map[string]*yaml.Node // nil: the keys so far are out's (smallMapping)
	if len(m.Content) > 2*smallMapping {
		seen = make(map[string]*yaml.Node, len(m.Content)/2)
	}
	var merged []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], l.resolve(m.Content[i+1])
		if v == nil {
			return out
		}
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
			merged = append(merged, l.mergePairs(v, what)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			l.errorf(posOf(k), "", "%s must be a string, not %s", what, kindName(k))
			continue
		}
		var first *yaml.Node
		if seen != nil {
			first = seen[k.Value]
		} else {
			first = firstKey(out, k.Value)
		}
		if first != nil {
			l.errorf(posOf(k), fmt.Sprintf("remove one of them (the first is at line %d)", first.Line), "duplicate %s %s", what, Quote(k.Value))
			continue
		}
		if seen != nil {
			seen[k.Value] = k
		}
		out = append(out, pair{k, v})
	}
	if len(merged) == 0 {
		return out
	}
	// Keys written in the mapping win over merged ones, which may be many:
	// through a map.
	if seen == nil {
		seen = make(map[string]*yaml.Node, len(out)+len(merged))
		for _, p := range out {
			seen[p.key.Value] = p.key
		}
	}
	for _, p := range merged {
		if _, ok := seen[p.key.Value]; !ok {
			seen[p.key.Value] = p.key
			out = append(out, p)
		}
	}
	return out
}

func (l *loader) mergePairs(v *yaml.Node, what string) []pair {
	switch v.Kind {
	case yaml.MappingNode:
		return l.pairs(v, what)
	case yaml.SequenceNode:
		var out []pair
		for _, item := range v.Content {
			item = l.resolve(item)
			if item == nil {
				return out
			}
			if item.Kind != yaml.MappingNode {
				l.errorf(posOf(item), "merge a mapping (<<: *defaults) or a list of mappings", "`<<` merges mappings, not %s", kindName(item))
				continue
			}
			out = append(out, l.pairs(item, what)...)
		}
		return out
	}
	l.errorf(posOf(v), "", "`<<` merges a mapping, not %s", kindName(v))
	return nil
}
