package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// WorkerRead is a file that a machine running a node elsewhere (a
// Temporal worker) reads from its own disk, not from what the client
// sent: a sub-pipeline file, or the code a node runs.
type WorkerRead struct {
	// Name is the file as that machine finds it: relative to the run's
	// base directory (slash-separated) when it can be, else absolute.
	Name string
	// Path is where the file is here.
	Path string
}

// WorkerReads lists, per node id, the files a worker reads from its own
// disk to run the node: for a pipeline node, its pipeline files however
// deep, and, for it and the nodes of those pipelines, the code their
// inputs name (an input that is modules.Field.Files and .Exists:
// python's path) and the scripts their literal commands run, as far as
// they are known before the run and are here now. Data files are not
// in it: a node may make or change them as the run goes. The client
// sends their digests, so that a worker in another checkout refuses the
// run rather than run other code than the client checked.
func (p *Plan) WorkerReads() map[string][]WorkerRead {
	var out map[string][]WorkerRead
	for i := range p.nodes {
		pn := &p.nodes[i]
		var reads []WorkerRead
		add := func(path string) {
			abs, err := filepath.Abs(path)
			if err != nil {
				return
			}
			if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
				return
			}
			name := abs
			if rel, err := filepath.Rel(p.BaseDir, abs); err == nil && p.BaseDir != "" {
				name = filepath.ToSlash(rel)
			}
			if !slices.ContainsFunc(reads, func(r WorkerRead) bool { return r.Name == name }) {
				reads = append(reads, WorkerRead{Name: name, Path: abs})
			}
		}
		nodeReads(pn, p.BaseDir, add)
		if pn.sub != nil {
			subReadsOf(pn.sub, map[*Plan]bool{}, add)
		}
		if len(reads) > 0 {
			if out == nil {
				out = map[string][]WorkerRead{}
			}
			out[pn.ID] = reads
		}
	}
	return out
}

// subReadsOf adds what a worker reads of sub-pipeline plan: its file,
// and what its nodes read, their pipelines' included.
func subReadsOf(plan *Plan, seen map[*Plan]bool, add func(string)) {
	if seen[plan] {
		return
	}
	seen[plan] = true
	if src := plan.Pipeline.Source; src != nil && src.Name != "" {
		add(src.Name)
	}
	for i := range plan.nodes {
		sn := &plan.nodes[i]
		nodeReads(sn, plan.BaseDir, add)
		if sn.sub != nil {
			subReadsOf(sn.sub, seen, add)
		}
	}
}

// nodeReads adds the code node pn runs, its programs running in base:
// the literal paths of its inputs that name files that must be there
// (python's path), and the scripts its literal command runs.
func nodeReads(pn *planNode, base string, add func(string)) {
	if pn.info == nil {
		return
	}
	for _, in := range pn.With {
		f, ok := pn.info.Input(in.Key)
		s, isString := in.Value.(string)
		if ok && f.Files && f.Exists && isString && s != "" && len(in.Templates) == 0 && !strings.Contains(s, "://") {
			add(underBaseDir(base, s))
		}
	}
	for _, s := range scriptsRun(pn, base) {
		add(s.path)
	}
}
