package engine

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
)

// CacheEntry is an entry of the node cache, as `pipe cache` lists it.
type CacheEntry struct {
	Key string `json:"key"`
	// Pipeline and Node are what made the entry: the name of the pipeline
	// (of a sub-pipeline, for its nodes; "" for a pipeline without a
	// name:) and the node's id (node[item] for an instance of a foreach).
	Pipeline string `json:"pipeline"`
	Node     string `json:"node"`
	// Run is the run that made it (RUN/node for a sub-pipeline's).
	Run     string    `json:"run"`
	Created time.Time `json:"created"`
	// LastUsed is when it was stored or last served a run: the least
	// recently used go first when the store is pruned.
	LastUsed time.Time `json:"last_used"`
	Size     int64     `json:"size"`
	// Unreadable says why the entry cannot be read (a run misses it);
	// only Key, LastUsed and Size are known then.
	Unreadable string `json:"unreadable,omitempty"`
}

// CacheEntries lists the node cache in dir, the most recently used first
// (the last a prune would remove). A store that does not exist is empty.
func CacheEntries(dir string) ([]CacheEntry, error) {
	listed, err := cachestore.Open(dir).List()
	if err != nil {
		return nil, err
	}
	out := make([]CacheEntry, 0, len(listed))
	for _, l := range listed {
		out = append(out, CacheEntry{Key: l.Key, Pipeline: l.Pipeline, Node: l.Node, Run: l.Run,
			Created: l.Created, LastUsed: l.Used, Size: l.Size, Unreadable: l.Unreadable})
	}
	slices.SortFunc(out, func(a, b CacheEntry) int {
		return cmp.Or(b.LastUsed.Compare(a.LastUsed), strings.Compare(a.Key, b.Key))
	})
	return out, nil
}

// Is reports whether the entry is of node id: made by it, or by one of
// its instances when it fans out (id[item]), or named as the run records
// a sub-pipeline's node (parent/id, parent being the pipeline node that
// ran it when the entry was made).
func (c CacheEntry) Is(id string) bool {
	if c.Unreadable != "" {
		return false
	}
	if c.Node == id || strings.HasPrefix(c.Node, id+"[") {
		return true
	}
	if _, parent, ok := strings.Cut(c.Run, "/"); ok {
		path := parent + "/" + c.Node
		return path == id || strings.HasPrefix(path, id+"[")
	}
	return false
}

// RemoveCacheEntries removes entries from the node cache in dir, and
// what the store remembers of their nodes' last entries (explain then
// says "no earlier entry" of them). With all, it removes that of every
// node, and the temporary files of pipes that died while writing. It is
// safe while runs use the store: a run that reads an entry being removed
// has all of it or misses it. An entry gone already (pruned by a run
// meanwhile) is not counted.
func RemoveCacheEntries(dir string, entries []CacheEntry, all bool) (removed int, freed int64, err error) {
	s := cachestore.Open(dir)
	var errs []error
	forgot := map[[2]string]bool{}
	for _, e := range entries {
		gone, err := s.Remove(e.Key)
		if err != nil {
			errs = append(errs, err)
		}
		if gone {
			removed++
			freed += e.Size
		}
		if pair := [2]string{e.Pipeline, e.Node}; e.Unreadable == "" && !all && !forgot[pair] {
			forgot[pair] = true
			errs = append(errs, s.ForgetLast(e.Pipeline, e.Node))
		}
	}
	if all {
		errs = append(errs, s.ForgetAll())
	}
	return removed, freed, errors.Join(errs...)
}
