package engine

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
	"github.com/pipe-run/pipe/modules"
)

// This file holds what a resumed run (pipe run --resume) checks of the
// files a node that does not cache is known to read: its `files:` and
// the files its inputs name (modules.Field.Files: python's path). Their
// digests are named as the node cache's file ingredients are
// (Plan.ingredients), a big file's being its stat signature
// (resumestat.go), made as the node starts and recorded as
// ResumeInfo.Files; a node whose file
// changed since runs again, `its file s.py changed`. A node that caches
// has them in its cache key, checked apart (whyNotKept).

// readsFiles reports whether node p's module is known to read files: it
// lists `files:`, or its module has an input naming files. A pipeline
// node's own file is its definition's (pipelineDefinition), which reads
// past comments and blank lines.
func (p *Plan) readsFiles(pn *planNode) bool {
	if pn.sub != nil || pn.info == nil {
		return false
	}
	return len(pn.Files) > 0 || slices.ContainsFunc(pn.info.Inputs, func(f modules.Field) bool { return f.Files })
}

// fileDigests returns the digests of the files node p (of the plan) reads
// with inputs with, by the cache key's names ("file:PATH", and "files:GLOB"
// for what a glob matched); nil when it reads none. A big file's is its
// stat signature (resumeFileDigest): made at every node's start, it must
// cost next to nothing.
func (p *Plan) fileDigests(ctx context.Context, i int, with map[string]any) (map[string]string, error) {
	if !p.readsFiles(&p.nodes[i]) {
		return nil, nil
	}
	written, err := p.writtenFilesBy(ctx, i, with, resumeFileDigest)
	if err != nil {
		return nil, err
	}
	read, err := fileIngredientsBy(ctx, p.BaseDir, p.fileGlobs(i, with), resumeFileDigest)
	if err != nil {
		return nil, err
	}
	if len(written)+len(read) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(written)+len(read))
	for _, w := range written {
		out[w.ing.Name] = w.ing.Digest
	}
	for _, in := range read {
		out[in.Name] = in.Digest
	}
	return out, nil
}

// filesAsLeft puts in digests (fileDigests, made as node p started) the
// files it may write (modules.Field.Writes: a model it saved) as it left
// them: a resumed run then keeps it while they are so. Made as it found
// them, a model it wrote was always new to the resumed run, which ran it
// again. One that cannot be looked at keeps its digest from the start.
func (p *Plan) filesAsLeft(ctx context.Context, i int, with map[string]any, digests map[string]string) {
	after, err := p.writtenFilesBy(ctx, i, with, resumeFileDigest)
	if err != nil {
		return
	}
	for _, w := range after {
		if _, ok := digests[w.ing.Name]; ok {
			digests[w.ing.Name] = w.ing.Digest
		}
	}
}

func isFileIngredient(name string) bool {
	return strings.HasPrefix(name, "file:") || strings.HasPrefix(name, "files:")
}

// whyFilesChanged says which of the files node or instance i read in the
// earlier run (recorded, ResumeInfo.Files), with inputs with, changed
// since, in the words of pipe explain: "its file s.py changed". ""
// when none did.
func (c *core) whyFilesChanged(i int, recorded map[string]string, with map[string]any) string {
	p := i
	if n := len(c.plan.nodes); i >= n {
		p = int(c.inst[i-n].parent)
	}
	now, err := c.plan.fileDigests(context.Background(), p, with)
	if err != nil {
		return "its files: " + err.Error()
	}
	for name, d := range now {
		// Recorded by its content (an earlier pipe's record, or a file
		// new then): compared by its content, hashed now.
		if was, ok := recorded[c.redact.String(name)]; ok && isStatSignature(d) && !isStatSignature(was) {
			if content, err := linkOrFileDigest(context.Background(), underBaseDir(c.plan.BaseDir, strings.TrimPrefix(name, "file:"))); err == nil {
				now[name] = content
			}
		}
	}
	now = c.redact.Keys(now) // as recorded
	if maps.Equal(now, recorded) {
		return ""
	}
	changed := changedIngredients(asIngredients(recorded), asIngredients(now))
	if len(changed) == 0 {
		return ""
	}
	return "its " + sayChanges(changed)
}

// asIngredients lists digests by name, sorted, as a cache key's are.
func asIngredients(digests map[string]string) []cachestore.Ingredient {
	out := make([]cachestore.Ingredient, 0, len(digests))
	for _, name := range slices.Sorted(maps.Keys(digests)) {
		out = append(out, cachestore.Ingredient{Name: name, Digest: digests[name]})
	}
	return out
}
