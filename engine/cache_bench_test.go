package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// BenchmarkRunCache is the node cache's cost on 1000 independent echo
// nodes: off (no cache directory) and none (a cache directory, no node
// caches) must cost what BenchmarkRun/wide/1000 does, since no node is
// keyed; miss keys and stores every node (a fresh store each time); hit
// serves every node from the store.
func BenchmarkRunCache(b *testing.B) {
	const n = 1000
	pipeline := func(cache bool) *engine.Plan {
		var sb strings.Builder
		sb.WriteString("name: bench\nnodes:\n")
		for i := range n {
			fmt.Fprintf(&sb, "  n%d:\n    module: echo\n    with: {x: %d}\n", i, i)
			if cache {
				sb.WriteString("    cache: true\n")
			}
		}
		plan, err := engine.Parse("bench.yaml", []byte(sb.String()), modules.Default)
		if err != nil {
			b.Fatal(err)
		}
		return plan
	}
	plain, cached := pipeline(false), pipeline(true)
	eng := engine.New(modules.Default)
	run := func(b *testing.B, plan *engine.Plan, dir string) *engine.Record {
		rec, err := eng.Run(context.Background(), plan, engine.Options{MaxParallel: runtime.NumCPU(), CacheDir: dir})
		if err != nil || rec.Status != engine.StatusSuccess {
			b.Fatal(err, rec.Status)
		}
		return rec
	}
	b.Run("off", func(b *testing.B) {
		b.ReportAllocs()
		cost := measure(n)
		for b.Loop() {
			run(b, plain, "")
		}
		cost.report(b)
	})
	b.Run("none", func(b *testing.B) {
		dir := b.TempDir()
		b.ReportAllocs()
		cost := measure(n)
		for b.Loop() {
			run(b, plain, dir)
		}
		cost.report(b)
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			b.Fatalf("a pipeline without caching wrote %d files to the cache", len(entries))
		}
	})
	b.Run("miss", func(b *testing.B) {
		root := b.TempDir()
		b.ReportAllocs()
		cost := measure(n)
		k := 0
		for b.Loop() {
			k++
			run(b, cached, filepath.Join(root, fmt.Sprint(k)))
		}
		cost.report(b)
	})
	// hit-exec serves 200 exec nodes, each with a log, in a pipeline with
	// config and a secret: what a hit does beyond echo's (the programs'
	// environment in the key, the log copied and masked).
	b.Run("hit-exec", func(b *testing.B) {
		const n = 200
		var sb strings.Builder
		sb.WriteString("name: bench\nconfig: {A: 1, B: two, C: true, D: 4.5, E: five, F: six, G: 7, API_TOKEN: s3cr3t-t0ken}\nnodes:\n")
		for i := range n {
			fmt.Fprintf(&sb, "  n%d:\n    module: exec\n    cache: true\n    with: {command: [echo, line %d]}\n", i, i)
		}
		plan, err := engine.Parse("bench.yaml", []byte(sb.String()), modules.Default)
		if err != nil {
			b.Fatal(err)
		}
		dir, logs := b.TempDir(), b.TempDir()
		opts := engine.Options{MaxParallel: runtime.NumCPU(), CacheDir: dir, LogDir: logs, Env: map[string]string{"EXTRA": "x", "OTHER_KEY": "y"}}
		run := func() *engine.Record {
			rec, err := eng.Run(context.Background(), plan, opts)
			if err != nil || rec.Status != engine.StatusSuccess {
				b.Fatal(err, rec.Status)
			}
			return rec
		}
		run()
		b.ReportAllocs()
		cost := measure(n)
		for b.Loop() {
			if rec := run(); rec.Nodes["n0"].CachedFrom == "" {
				b.Fatal("not a hit")
			}
		}
		cost.report(b)
	})
	b.Run("hit", func(b *testing.B) {
		dir := b.TempDir()
		run(b, cached, dir)
		b.ReportAllocs()
		cost := measure(n)
		for b.Loop() {
			if rec := run(b, cached, dir); rec.Nodes["n0"].CachedFrom == "" {
				b.Fatal("not a hit")
			}
		}
		cost.report(b)
	})
}
