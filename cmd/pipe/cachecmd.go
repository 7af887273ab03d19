package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// cacheCmd is pipe cache: the node cache's entries, listed or removed.
// Bare, it lists them (go clean -cache and ccache -C clear, ccache -s
// shows: users look for both under one name).
type cacheCmd struct {
	List  cacheListCmd  `cmd:"" default:"withargs" aliases:"ls" help:"List the entries, the most recently used first, and their total: all, or those of the NODEs and of --pipeline (the default)."`
	Clear cacheClearCmd `cmd:"" aliases:"rm" help:"Remove the entries: all, or those of the NODEs and of --pipeline. Safe while runs go."`
	Prune cachePruneCmd `cmd:"" help:"Remove the least recently used entries until the store fits in --max, as a run does after it ends."`
}

// cacheStore is the store the cache commands act on, named as the history
// commands name theirs: by the runs directory it is beside.
type cacheStore struct {
	RunsDir string `help:"Where run records are: the node cache is beside them (.pipe/runs: .pipe/cache/nodes)." default:".pipe/runs"`
}

// entries lists the store, the most recently used first.
func (s *cacheStore) entries() (string, []engine.CacheEntry, error) {
	if err := engine.NotRunsDir(s.RunsDir); err != nil {
		return "", nil, fail(exitFailed, "--runs-dir %w", err)
	}
	dir := cacheDir(s.RunsDir)
	list, err := engine.CacheEntries(dir)
	if err != nil {
		return dir, nil, fmt.Errorf("reading the node cache %s: %w", dir, err)
	}
	return dir, list, nil
}

type cacheListCmd struct {
	cacheStore `embed:""`
	cacheWhich `embed:""`
	JSON       bool `help:"Print the entries as a JSON array."`
}

func (c *cacheListCmd) Run(e *env) error {
	dir, all, err := c.entries()
	if err != nil {
		return err
	}
	shown, err := c.pick(e, dir, all, true)
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(shown)
	}
	if len(shown) == 0 {
		if len(all) == 0 {
			fmt.Fprintf(e.stderr, "no cache entries in %s\n", dir)
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PIPELINE\tNODE\tRUN\tSIZE\tLAST USED")
	var size int64
	unreadable := 0
	for _, x := range shown {
		size += x.Size
		used := x.LastUsed.Local().Format(time.DateTime)
		if x.Unreadable != "" {
			unreadable++
			fmt.Fprintf(tw, "?\t?\tunreadable: %s\t%s\t%s\n", x.Unreadable, byteSize(x.Size), used)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", orDash(x.Pipeline), x.Node, x.Run, byteSize(x.Size), used)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s, %s; %s\n", entriesText(len(shown)), byteSize(size), cacheBound())
	if unreadable > 0 {
		fmt.Fprintf(e.stderr, "%s cannot be read (cut short, changed by hand, or of another pipe version): runs miss them; pipe cache clear removes them\n", entriesText(unreadable))
	}
	return nil
}

// cacheWhich selects entries: of nodes, of a pipeline; all when neither
// is given.
type cacheWhich struct {
	Nodes    []string `arg:"" name:"node" optional:"" help:"Only the entries of these nodes (of a foreach node: of all its instances)."`
	Pipeline string   `help:"Only the entries of this pipeline: its name:, or its file." placeholder:"NAME|FILE"`
}

// all reports whether c selects every entry.
func (c *cacheWhich) all() bool { return len(c.Nodes) == 0 && c.Pipeline == "" }

// pick returns the entries of all that c selects, saying on stderr of
// each node and of the pipeline that none is of them. From list (a node
// may be a misspelt command: pipe cache clera), a node of no entry that
// is close to a command's name is a usage error that names it.
func (c *cacheWhich) pick(e *env, dir string, all []engine.CacheEntry, list bool) ([]engine.CacheEntry, error) {
	for _, n := range c.Nodes {
		if strings.TrimSpace(n) == "" {
			return nil, fail(exitUsage, "an empty node name: name a node, or none for every entry")
		}
	}
	if strings.TrimSpace(c.Pipeline) == "" && flagGiven(e.args, "--pipeline") {
		// An unset shell variable (--pipeline "$NAME") must not mean
		// every entry, which clear would remove.
		return nil, fail(exitUsage, "an empty --pipeline: name a pipeline (its name: or its file), or leave the flag out for every entry")
	}
	pipeline, err := pipelineName(c.Pipeline)
	if err != nil {
		return nil, err
	}
	picked := slices.DeleteFunc(slices.Clone(all), func(x engine.CacheEntry) bool {
		return !ofPipeline(x, pipeline) || len(c.Nodes) > 0 && !slices.ContainsFunc(c.Nodes, x.Is)
	})
	of := ""
	if c.Pipeline != "" {
		of = " of pipeline " + c.Pipeline
	}
	for _, n := range c.Nodes {
		if slices.ContainsFunc(picked, func(x engine.CacheEntry) bool { return x.Is(n) }) {
			continue
		}
		if cmd := schema.Suggest(n, cacheCommands); list && (cmd != "" || slices.Contains(cacheCommands, n)) {
			return nil, fail(exitUsage, "cache %s: no such command (list, clear, prune), nor a node with cache entries: did you mean `pipe cache %s`?", n, cmp.Or(cmd, n))
		}
		fmt.Fprintf(e.stderr, "no cache entries of node %s%s%s\n", n, of, otherNodes(all, pipeline))
	}
	if len(c.Nodes) == 0 && c.Pipeline != "" && len(picked) == 0 {
		fmt.Fprintf(e.stderr, "no cache entries%s in %s%s\n", of, dir, otherPipelines(all))
	}
	return picked, nil
}

// cacheCommands are the names of pipe cache's commands.
var cacheCommands = []string{"list", "ls", "clear", "rm", "prune"}

type cacheClearCmd struct {
	cacheStore `embed:""`
	cacheWhich `embed:""`
}

func (c *cacheClearCmd) Run(e *env) error {
	dir, all, err := c.entries()
	if err != nil {
		return err
	}
	doomed, err := c.pick(e, dir, all, false)
	if err != nil {
		return err
	}
	removed, freed, err := engine.RemoveCacheEntries(dir, doomed, c.all())
	fmt.Fprintf(e.stdout, "removed %s (%s)", entriesText(removed), byteSize(freed))
	if left := len(all) - removed; left > 0 {
		fmt.Fprintf(e.stdout, ", kept %d", left)
	}
	fmt.Fprintln(e.stdout)
	if err != nil {
		return fmt.Errorf("could not remove every entry of %s: %w", dir, err)
	}
	return nil
}

type cachePruneCmd struct {
	cacheStore `embed:""`
	Max        string `help:"The size the store must fit in (0: no limit)." default:"256MiB" env:"PIPE_CACHE_MAX" placeholder:"SIZE"`
}

func (c *cachePruneCmd) Run(e *env) error {
	max, err := parseSize(c.Max)
	if err != nil {
		return fail(exitUsage, "--max (or $PIPE_CACHE_MAX): %w", err)
	}
	if err := engine.NotRunsDir(c.RunsDir); err != nil {
		return fail(exitFailed, "--runs-dir %w", err)
	}
	if max == 0 {
		fmt.Fprintln(e.stdout, "removed 0 entries: --max 0 is no limit")
		return nil
	}
	dir := cacheDir(c.RunsDir)
	p, err := engine.PruneCache(dir, max)
	if err != nil {
		return fmt.Errorf("pruning the node cache %s: %w", dir, err)
	}
	fmt.Fprintf(e.stdout, "removed %s (%s), kept %d (%s of %s)\n", entriesText(p.Removed), byteSize(p.Freed), p.Kept, byteSize(p.Bytes), byteSize(max))
	return nil
}

// pipelineName is the name --pipeline names: a pipeline file's name:
// (the store knows the names of the pipelines its entries are of, not
// their files), or the name given.
func pipelineName(given string) (*string, error) {
	if given == "" {
		return nil, nil
	}
	if fi, err := os.Stat(given); err != nil || !fi.Mode().IsRegular() {
		return &given, nil
	}
	data, err := modules.ReadFile(given, completionMaxFile, "pipeline file")
	if err != nil {
		return nil, fail(exitFailed, "--pipeline %w", err)
	}
	p, err := schema.Parse(given, data)
	if p == nil {
		return nil, fail(exitFailed, "--pipeline %s: %w", given, err)
	}
	return &p.Name, nil
}

// ofPipeline reports whether x is of pipeline (nil: of any).
func ofPipeline(x engine.CacheEntry, pipeline *string) bool {
	return pipeline == nil || x.Unreadable == "" && x.Pipeline == *pipeline
}

// otherNodes names, as a hint, the nodes the store has entries of (of
// pipeline, when not nil).
func otherNodes(all []engine.CacheEntry, pipeline *string) string {
	var nodes []string
	for _, x := range all {
		node, _, _ := strings.Cut(x.Node, "[") // a foreach node, for all its instances
		if x.Unreadable == "" && ofPipeline(x, pipeline) && !slices.Contains(nodes, node) {
			nodes = append(nodes, node)
		}
	}
	if len(nodes) == 0 {
		return ""
	}
	slices.Sort(nodes)
	return " (the store has entries of " + strings.Join(clipList(nodes, 8), ", ") + ")"
}

// otherPipelines names, as a hint, the pipelines the store has entries of.
func otherPipelines(all []engine.CacheEntry) string {
	var names []string
	for _, x := range all {
		if x.Unreadable == "" && x.Pipeline != "" && !slices.Contains(names, x.Pipeline) {
			names = append(names, x.Pipeline)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return " (it has entries of " + strings.Join(clipList(names, 8), ", ") + ")"
}

// cacheBound says what bounds the store: a run's --cache-max, the
// environment's or the default.
func cacheBound() string {
	if v, ok := os.LookupEnv("PIPE_CACHE_MAX"); ok {
		if max, err := parseSize(v); err == nil {
			if max == 0 {
				return "runs do not bound it ($PIPE_CACHE_MAX=0)"
			}
			return "runs keep it under " + byteSize(max) + " ($PIPE_CACHE_MAX, or pipe run --cache-max)"
		}
	}
	return "runs keep it under " + byteSize(engine.DefaultCacheMaxBytes) + " (pipe run --cache-max, or $PIPE_CACHE_MAX)"
}

func entriesText(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// byteSize writes n bytes as the sizes --cache-max takes: 512 B, 1.5 KiB,
// 256 MiB.
func byteSize(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1<<10 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n)/(1<<10), units[0]
	for _, u := range units[1:] {
		if v < 1<<10 {
			break
		}
		v, unit = v/(1<<10), u
	}
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	return s + " " + unit
}
