package main

import (
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// inItemOrder puts the log files of each foreach node's instances in item
// order, as the summary and pipe show list them (by name, linux came
// after darwin); the nodes stay in the order they were.
func inItemOrder(files []string, rec *engine.Record) {
	rank := map[string]int{}
	for id, n := range rec.Nodes {
		for k, inst := range n.InstanceIDs(id) {
			rank[inst+".log"] = k
		}
	}
	if len(rank) == 0 {
		return
	}
	node := func(file string) string {
		if i := strings.IndexByte(file, '['); i >= 0 {
			return file[:i]
		}
		return strings.TrimSuffix(file, ".log")
	}
	slices.SortStableFunc(files, func(a, b string) int {
		if na, nb := node(a), node(b); na != nb {
			return strings.Compare(na, nb)
		}
		ra, oka := rank[a]
		rb, okb := rank[b]
		if oka && okb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
}
