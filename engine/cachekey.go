package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// ingredients lists what node i's cache key is made of, sorted by name:
// its module and the module's version, each resolved input (canonical
// JSON), each config key its expressions read, for a module whose
// programs get the run's environment (modules.Info.ProgramEnv) env, the
// ingredients of that environment (see envIngredients), and the files it
// declares (`files:` and inputs of modules.Field.Files): the list of what
// each glob matched and each file's content hash, and the content of the
// files it may write (modules.Field.Writes) as they are now. A file that
// cannot be read is an error: the node then runs uncached.
func (p *Plan) ingredients(ctx context.Context, i int, with, config map[string]any, env []cachestore.Ingredient) ([]cachestore.Ingredient, error) {
	written, err := p.writtenFiles(ctx, i, with)
	if err != nil {
		return nil, err
	}
	return p.ingredientsWith(ctx, i, with, config, env, written)
}

// ingredientsWith is ingredients, the files node i may write looked at
// already (writtenFiles).
func (p *Plan) ingredientsWith(ctx context.Context, i int, with, config map[string]any, env []cachestore.Ingredient, written []writtenFile) ([]cachestore.Ingredient, error) {
	pn := &p.nodes[i]
	out := make([]cachestore.Ingredient, 0, 1+len(with)+len(pn.configKeys)+len(env)+len(written))
	for _, w := range written {
		out = append(out, w.ing)
	}
	if pn.info.ProgramEnv {
		out = append(out, env...)
	}
	out = append(out, cachestore.Ingredient{Name: "module", Digest: pn.info.Name + "@" + pn.info.Version})
	if pn.sub != nil {
		// The file input's hash is the sub-pipeline's own file only; and
		// the dangerous gate, which the child gets from the parent and
		// may read, is part of what it ran with.
		out = append(out, cachestore.Ingredient{Name: "pipeline", Digest: pn.sub.SourceHash()},
			cachestore.Ingredient{Name: "gate", Digest: strconv.FormatBool(truthy(config[DangerKey]))})
	}
	for k, v := range with {
		d, err := valueDigest(v)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", k, err)
		}
		out = append(out, cachestore.Ingredient{Name: "with." + k, Digest: d})
	}
	for _, k := range pn.configKeys {
		d, err := valueDigest(config[k])
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", k, err)
		}
		out = append(out, cachestore.Ingredient{Name: "config." + k, Digest: d})
	}
	files, err := fileIngredients(ctx, p.BaseDir, p.fileGlobs(i, with))
	if err != nil {
		return nil, err
	}
	out = append(out, files...)
	slices.SortFunc(out, func(a, b cachestore.Ingredient) int { return strings.Compare(a.Name, b.Name) })
	return slices.CompactFunc(out, func(a, b cachestore.Ingredient) bool { return a.Name == b.Name }), nil
}

// fileGlobs are the files node i reads, given its resolved inputs with:
// its `files:`, and the paths its inputs of modules.Field.Files name (a
// URL names none).
func (p *Plan) fileGlobs(i int, with map[string]any) []string {
	pn := &p.nodes[i]
	globs := make([]string, 0, len(pn.Files))
	for _, f := range pn.Files {
		globs = append(globs, f.ID)
	}
	for _, f := range pn.info.Inputs {
		if s, ok := with[f.Name].(string); ok && f.Files && s != "" && !strings.Contains(s, "://") {
			globs = append(globs, s)
		}
	}
	return globs
}

// envIngredients are the ingredients of env, the KEY=VALUE variables
// pipe hands the programs of a run (core.progEnv): a declared config key
// is "config.KEY", with the digest its expressions' reads have (so that
// the two are one ingredient), another (a key of the .env files: the
// dotenv files and --config's) "env.KEY". Only digests are kept: a secret's value is never in an
// entry, and explain names the key that changed, never its value.
func (p *Plan) envIngredients(config map[string]any, env []string) ([]cachestore.Ingredient, error) {
	out := make([]cachestore.Ingredient, 0, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		// As moduleEnv does: the pipeline's declared keys are config.
		if slices.ContainsFunc(p.Pipeline.Config, func(c schema.ConfigVar) bool { return c.Key == k }) {
			d, err := valueDigest(config[k])
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", k, err)
			}
			out = append(out, cachestore.Ingredient{Name: "config." + k, Digest: d})
			continue
		}
		out = append(out, cachestore.Ingredient{Name: "env." + k, Digest: cachestore.Digest([]byte(v))})
	}
	return out, nil
}

// valueDigest hashes a JSON value canonically: maps by sorted key, numbers
// as JSON writes them (3 and 3.0 are one value), NaN as Python writes it.
func valueDigest(v any) (string, error) {
	b, err := modules.MarshalPythonJSON(v)
	if err != nil {
		return "", err
	}
	return cachestore.Digest(b), nil
}

// fileIngredients gives, for each glob, what it matched ("files:GLOB")
// and, for each file matched (a directory stands for the files under
// it; `**` for any number of directories: see globFiles), its content
// hash ("file:PATH"). A relative glob is relative to
// base, the plan's base directory, where its programs run and its modules
// read; paths under base are named relative to it, so that a project
// moved elsewhere keeps its cache.
func fileIngredients(ctx context.Context, base string, globs []string) ([]cachestore.Ingredient, error) {
	return fileIngredientsBy(ctx, base, globs, linkOrFileDigest)
}

// fileIngredientsBy is fileIngredients, each file's digest made by digest.
func fileIngredientsBy(ctx context.Context, base string, globs []string, digest func(context.Context, string) (string, error)) ([]cachestore.Ingredient, error) {
	var out []cachestore.Ingredient
	seen := map[string]bool{}
	for _, g := range globs {
		files, err := globFiles(base, g)
		if err != nil {
			return nil, fmt.Errorf("files %s: %w", g, err)
		}
		names := make([]string, len(files))
		for k, f := range files {
			names[k] = underBase(base, g, f)
		}
		out = append(out, cachestore.Ingredient{Name: "files:" + g, Digest: cachestore.Digest([]byte(strings.Join(names, "\x00")))})
		for k, f := range files {
			if seen[f] {
				continue
			}
			seen[f] = true
			d, err := digest(ctx, f)
			if err != nil {
				return nil, err
			}
			out = append(out, cachestore.Ingredient{Name: "file:" + names[k], Digest: d})
		}
	}
	return out, nil
}

// inBase is the glob of a glob written in a pipeline: a relative one
// under base (when there is one), whose own characters are matched as
// they are (a project in proj[1] or in "my *dir").
func inBase(base, glob string) string {
	if base == "" || filepath.IsAbs(glob) {
		return glob
	}
	return filepath.Join(globQuote(base), glob)
}

// globQuote makes path a glob that matches path alone: each of the
// characters filepath.Match reads as syntax in a class of its own.
func globQuote(path string) string {
	if !strings.ContainsAny(path, `*?[\`) {
		return path
	}
	var b strings.Builder
	for _, r := range path {
		switch {
		case r == '*' || r == '?' || r == '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		case r == '\\' && filepath.Separator != '\\': // an escape on Unix, a separator on Windows
			b.WriteString(`[\\]`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// underBaseDir is where a path written in a pipeline is: under base when
// it is relative.
func underBaseDir(base, path string) string {
	if base == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(base, path)
}

// underBase names file, matched by glob, as the cache key records it:
// relative to base when the glob was relative.
func underBase(base, glob, file string) string {
	if base == "" || filepath.IsAbs(glob) {
		return file
	}
	if rel, err := filepath.Rel(base, file); err == nil {
		return rel
	}
	return file
}

// linkOrFileDigest hashes a file's content, or what a link says when it
// leads to no file: a link to a directory (a virtualenv's lib64 -> lib,
// /usr/bin/X11 -> .) or to nothing counts as its target's name, as git
// records links, so that such a link neither fails the key nor pulls in
// a tree the files: did not name. A link to a file counts as the file.
func linkOrFileDigest(ctx context.Context, path string) (string, error) {
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return fileDigest(ctx, path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		return fileDigest(ctx, path)
	}
	target, err := os.Readlink(path)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return cachestore.Digest([]byte("symlink\x00" + target)), nil
}

// readBuffers hold fileDigest's 256 KiB read buffers: a glob of
// thousands of small files (`**/*.py`) allocated one per file, 790 MB
// for 3000 files, most of the key's time.
var readBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// fileDigest hashes a file's content, giving up when ctx ends (a big data
// file under a node's time-out).
func fileDigest(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	bp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bp)
	buf := *bp
	for {
		if err := ctx.Err(); err != nil {
			return "", context.Cause(ctx)
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", fmt.Errorf("hashing %s: %w", path, err)
		}
	}
}
