package temporal

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// A worker runs a pipeline node's sub-pipeline from its own checkout, and
// a python node's script, and a script a command names: what the client
// checked must be what the worker runs. The client sends each such
// file's digest (RunInput.Files); the workflow checks them all as it
// starts on a worker (a worker whose files differ fails the workflow
// task, which runs again, perhaps on another worker, as for a pipeline
// it cannot compile), and each attempt checks its own node's as it
// starts (an attempt on such a worker runs again, as a lost one, then
// fails the node saying why).

// FileDigests returns the digests of the files workers read by
// themselves to run plan's nodes (engine.Plan.WorkerReads), per node
// id, for RunInput.Files.
func FileDigests(plan *engine.Plan) (map[string]map[string]string, error) {
	var out map[string]map[string]string
	reads := plan.WorkerReads()
	for _, id := range slices.Sorted(maps.Keys(reads)) {
		for _, r := range reads[id] {
			sum, err := fileDigest(r.Path)
			if err != nil {
				return nil, fmt.Errorf("node %s reads %s: %w", id, r.Name, err)
			}
			if out == nil {
				out = map[string]map[string]string{}
			}
			if out[id] == nil {
				out[id] = map[string]string{}
			}
			out[id][r.Name] = sum
		}
	}
	return out, nil
}

// fileDigest is the SHA-256 of the file at path, in hex.
func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// shortDigest is a digest's first 12 hex digits, as a person compares
// them.
func shortDigest(sum string) string {
	return sum[:min(len(sum), 12)]
}

// otherFile is a file of this worker's that is not the client's.
type otherFile struct {
	name, want, got string
}

func (o *otherFile) Error() string {
	return fmt.Sprintf("this worker's %s is not the file the client checked (sha256 %s here, %s where the run started): "+
		"it was edited since the run started, or this worker runs another checkout; start workers at the root of a checkout "+
		"of the same commit as the client's (or on shared storage), and leave the files a run reads as they are until it ends",
		o.name, shortDigest(o.got), shortDigest(o.want))
}

// checkFiles compares the files named in files (name -> digest; a
// relative name under dir, this worker's base directory of the run) with
// the digests the client found: the first, by name, that differs is
// the error. A file this worker lacks is left to the node that reads it,
// which says so with the worker's name.
func checkFiles(dir string, files map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.FromSlash(name)
		if !filepath.IsAbs(path) && dir != "" {
			path = filepath.Join(dir, path)
		}
		got, err := fileDigest(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("this worker cannot read %s, which the run reads: %w", name, err)
		}
		if want := files[name]; got != want {
			return &otherFile{name: name, want: want, got: got}
		}
	}
	return nil
}

// runFiles is every file of in.Files, each once: what a worker checks as
// it starts the run's workflow.
func runFiles(in *RunInput) map[string]string {
	var all map[string]string
	for _, files := range in.Files {
		for name, sum := range files {
			if all == nil {
				all = map[string]string{}
			}
			all[name] = sum
		}
	}
	return all
}

// nodeFiles is what the attempts of node (or of one of its instances,
// node[key]) check.
func nodeFiles(files map[string]map[string]string, node string) map[string]string {
	if f, ok := files[node]; ok {
		return f
	}
	if at := strings.IndexByte(node, '['); at > 0 {
		return files[node[:at]]
	}
	return nil
}
