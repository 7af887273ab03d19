package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// This file holds the checks `pipe validate` makes of what a cached node
// reads that its key does not see: a script its command runs, and, for
// a pipeline node, the files the nodes of its pipeline read.

// scriptExts are the names of files a command runs as a program: a word
// of a cached node's command that names such a file is surely read by it
// (a data file it names may be one it writes, which files: must not list).
var scriptExts = []string{".py", ".sh", ".bash", ".R", ".r", ".js", ".mjs", ".pl", ".rb", ".jl", ".lua", ".php", ".ts"}

// scriptRun is a script that a node's literal command runs.
type scriptRun struct {
	in   *schema.Input // the input of the command
	path string        // where the file is
}

// scriptsRun lists the scripts (scriptExts) that exist and that the
// literal command of node pn (an input of modules.Field.Shell: exec's)
// runs, its programs running in base: a word of the command is a path
// relative to exec's `dir:` (itself under base). None when `dir:` is
// known only at run time.
func scriptsRun(pn *planNode, base string) []scriptRun {
	dir := base
	for _, in := range pn.With {
		if in.Key != "dir" {
			continue
		}
		d, ok := in.Value.(string)
		if !ok || len(in.Templates) > 0 {
			return nil
		}
		dir = underBaseDir(base, d)
	}
	var out []scriptRun
	for k := range pn.With {
		in := &pn.With[k]
		f, ok := pn.info.Input(in.Key)
		if !ok || !f.Shell {
			continue
		}
		var words []string
		switch v := in.Value.(type) {
		case string:
			words = strings.Fields(v)
		case []any:
			for _, w := range v {
				if s, ok := w.(string); ok {
					words = append(words, s)
				}
			}
		}
		for _, w := range words {
			w = strings.Trim(w, `"'`)
			if strings.Contains(w, "${{") || !slices.ContainsFunc(scriptExts, func(ext string) bool { return strings.HasSuffix(w, ext) }) {
				continue
			}
			path := underBaseDir(dir, w)
			if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
				out = append(out, scriptRun{in: in, path: path})
			}
		}
	}
	return out
}

// unlistedScripts warns of a script that the literal command of cached
// node pn runs, that none of its files: (listed, what they match) holds:
// the key does not see an edit to it. The hint names it as files: reads
// it, relative to the base directory (scripts/train.py for train.py
// run in `dir: scripts`).
func (c *compiler) unlistedScripts(pn *planNode, listed []string) {
	for _, s := range scriptsRun(pn, c.base.dir) {
		if covered(listed, s.path) {
			continue
		}
		name := c.inBaseDir(s.path)
		c.warnf(s.in.Pos, "add `files: ["+name+"]`: an edit to it would come back with the old result",
			"node %s is cached, and its %s runs %s, which its files: do not list", pn.ID, s.in.Key, name)
	}
}

// covered reports whether path is one of listed (files: matches) or
// under one of them.
func covered(listed []string, path string) bool {
	abs, _ := filepath.Abs(path)
	return slices.ContainsFunc(listed, func(m string) bool {
		m, _ = filepath.Abs(m)
		return abs == m || strings.HasPrefix(abs, m+string(filepath.Separator))
	})
}

// inBaseDir names path as a files: glob of this pipeline reads it:
// relative to the base directory when it can be.
func (c *compiler) inBaseDir(path string) string {
	if c.base.dir != "" {
		if rel, err := filepath.Rel(c.base.dir, path); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

// subRead is a file, or a glob of files, that a node of a pipeline
// node's pipeline reads.
type subRead struct {
	node    string   // the node, as the run records it (pipeline/child)
	glob    string   // as files: of the pipeline node would name it
	matches []string // what it matches now
}

// unlistedSubReads warns, at the `cache: true` of pipeline node pn, of
// the files the nodes of its pipeline read that pn's files: (listed)
// do not hold: a hit reuses the whole result, theirs included, and the
// key sees its pipeline files, not what their programs read.
func (c *compiler) unlistedSubReads(pn *planNode, listed []string) {
	if c.base.dir == "" {
		return // offline: the compile that submitted the run checked it
	}
	var missing []subRead
	for _, r := range c.subReads(pn.sub, pn.ID, map[*Plan]bool{}) {
		uncovered := slices.ContainsFunc(r.matches, func(m string) bool { return !covered(listed, m) })
		if uncovered && !slices.ContainsFunc(missing, func(o subRead) bool { return o.glob == r.glob }) {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return
	}
	const most = 5
	var named, globs []string
	for k, r := range missing {
		if k == most {
			named = append(named, fmt.Sprintf("and %d more", len(missing)-most))
			globs = append(globs, "...")
			break
		}
		named = append(named, r.glob+" ("+r.node+")")
		globs = append(globs, r.glob)
	}
	it := "it"
	if len(missing) > 1 {
		it = "them"
	}
	c.warnf(pn.CachePos, "add `files: ["+strings.Join(globs, ", ")+"]`: an edit to "+it+" would come back with the old result",
		"node %s is cached, and its pipeline's nodes read %s, which its files: do not list (its key holds the pipeline files, not what their nodes read)", pn.ID, strings.Join(named, ", "))
}

// subReads lists what the nodes of plan, and of the pipelines they run,
// read, each named below prefix: their files:, the files their inputs
// name (modules.Field.Files: python's path; modules.Field.Writes: a
// model file, which a hit of the pipeline node does not check) and the scripts their
// commands run (scriptsRun). A pipeline's own file is no such read: the
// key holds it.
func (c *compiler) subReads(plan *Plan, prefix string, seen map[*Plan]bool) []subRead {
	if seen[plan] {
		return nil
	}
	seen[plan] = true
	var out []subRead
	add := func(node, glob string) {
		matches, _ := globMatches(plan.BaseDir, glob)
		if len(matches) == 0 {
			return // nothing to list now (an earlier node may make it)
		}
		name := filepath.ToSlash(glob)
		if !filepath.IsAbs(glob) {
			name = c.inBaseDir(filepath.Join(plan.BaseDir, glob))
		}
		out = append(out, subRead{node: node, glob: name, matches: matches})
	}
	for i := range plan.nodes {
		sn := &plan.nodes[i]
		if sn.info == nil {
			continue
		}
		node := prefix + "/" + sn.id
		for _, f := range sn.Files {
			add(node, f.ID)
		}
		if sn.sub != nil {
			out = append(out, c.subReads(sn.sub, node, seen)...)
			continue
		}
		for _, in := range sn.With {
			f, ok := sn.info.Input(in.Key)
			if s, isString := in.Value.(string); ok && (f.Files || f.Writes) && isString && s != "" && len(in.Templates) == 0 && !strings.Contains(s, "://") {
				add(node, s)
			}
		}
		for _, s := range scriptsRun(sn, plan.BaseDir) {
			out = append(out, subRead{node: node, glob: c.inBaseDir(s.path), matches: []string{s.path}})
		}
	}
	return out
}
