package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// cacheDir is the node cache beside the runs directory: .pipe/runs ->
// .pipe/cache/nodes.
func cacheDir(runsDir string) string { return engine.CacheDir(filepath.Dir(filepath.Clean(runsDir))) }

// sizeUnits are the suffixes parseSize takes, longest first.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

// parseSize reads a size such as 256MiB, 1G or 1048576 (bytes).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || !(n >= 0) || math.IsInf(n, 1) || n*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("%q is not a size: write e.g. 256MiB, 1GiB or 0 (no limit)", s)
	}
	// Rounded up: a size above 0 is never 0, which means no limit.
	return int64(math.Ceil(n * float64(mult))), nil
}

// pruneCache bounds the node cache after a run; a failure is a warning.
func pruneCache(e *env, dir string, max int64) {
	p, err := engine.PruneCache(dir, max)
	switch {
	case err != nil:
		e.logs.base.Warn("could not prune the node cache", "dir", dir, "err", err)
	case p.Removed > 0:
		e.logs.base.Debug("pruned the node cache", "dir", dir, "entries", p.Removed, "freed_bytes", p.Freed)
	}
}
