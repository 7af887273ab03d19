package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
)

// This file holds what the node cache knows of the files a node may
// write (the inputs of modules.Field.Writes: a model file it saves, or
// loads when it is there). Their content is in the key as the node finds
// it, and its entry is stored under their content as the run leaves it:
// the run after the one that wrote the file is a hit, and a file removed
// or changed since is a miss, so a hit never leaves a file missing that
// the node would have written, nor reports a model it did not read.

// noFile is the digest of a file the node may write that is not there.
const noFile = "none"

// writtenFile is a file a node may write, as it was when looked at.
type writtenFile struct {
	ing cachestore.Ingredient // "file:PATH": its content's digest, or noFile
	mod time.Time             // tells a rewrite of the same content (mode fit) from no write
}

// writtenFiles looks at the files node i may write, given its resolved
// inputs with: the paths its modules.Field.Writes inputs name (a URL
// names none), relative to the base directory, named in the key as
// files: are.
func (p *Plan) writtenFiles(ctx context.Context, i int, with map[string]any) ([]writtenFile, error) {
	return p.writtenFilesBy(ctx, i, with, fileDigest)
}

// writtenFilesBy is writtenFiles, each file's digest made by digest.
func (p *Plan) writtenFilesBy(ctx context.Context, i int, with map[string]any, digest func(context.Context, string) (string, error)) ([]writtenFile, error) {
	var out []writtenFile
	for _, f := range p.nodes[i].info.Inputs {
		s, ok := with[f.Name].(string)
		if !ok || !f.Writes || s == "" || strings.Contains(s, "://") {
			continue
		}
		path := filepath.Clean(underBaseDir(p.BaseDir, s))
		w := writtenFile{ing: cachestore.Ingredient{Name: "file:" + underBase(p.BaseDir, s, path)}}
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			w.ing.Digest = noFile
		case err != nil:
			return nil, err
		case !fi.Mode().IsRegular():
			// Never read (a FIFO would wait for a writer): the module
			// refuses it, and the key needs no more than what it is.
			w.ing.Digest = "not a regular file: " + fi.Mode().Type().String()
		default:
			w.mod = fi.ModTime()
			if w.ing.Digest, err = digest(ctx, path); err != nil {
				return nil, err
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// afterWrites turns ings, a key's ingredients made with the files the
// node may write as it found them (before), into those of the files as
// it left them (after, looked at in the same order): the key its entry is
// stored under. Each file the run wrote (its content or its time
// changed) is marked so, for explain and the log.
func afterWrites(ings []cachestore.Ingredient, before, after []writtenFile) []cachestore.Ingredient {
	for k, a := range after {
		b := before[k]
		a.ing.Wrote = a.ing.Digest != b.ing.Digest || !a.mod.Equal(b.mod)
		for j := range ings {
			if ings[j].Name == a.ing.Name {
				ings[j] = a.ing
			}
		}
	}
	return ings
}

// wroteChanged says which of the files that the last entry's run wrote
// (last: its ingredients) are not as it left them now.
func wroteChanged(last []cachestore.Ingredient, now []writtenFile) []string {
	var out []string
	for _, n := range now {
		for _, l := range last {
			if l.Wrote && l.Name == n.ing.Name && l.Digest != n.ing.Digest {
				out = append(out, describeWritten(n.ing.Name, n.ing.Digest))
			}
		}
	}
	return out
}

// describeWritten says that file ingredient name, which the run of an
// earlier entry wrote, is now digest.
func describeWritten(name, digest string) string {
	what := "file " + strings.TrimPrefix(name, "file:") + ", which it wrote,"
	if digest == noFile {
		return what + " is gone"
	}
	return what + " changed"
}
