package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// SourceHash identifies what the plan was compiled from: its file's
// content and, in file order, that of every sub-pipeline it runs whose
// file is known before the run, theirs included. It is what a run records
// (Record.FileHash), so that --resume knows whether any of those files
// changed (and decides node by node, see Plan.definition), and what a
// cached pipeline node's key holds. A plan
// without sub-pipelines hashes its file alone, as runs always recorded.
func (p *Plan) SourceHash() string {
	// Once per plan: a cached pipeline node's key asks for every instance,
	// and plans are shared by the runs that use them.
	p.sourceOnce.Do(func() {
		sum := p.sourceSum(map[*Plan]bool{})
		p.sourceHash = hex.EncodeToString(sum[:8])
	})
	return p.sourceHash
}

func (p *Plan) sourceSum(seen map[*Plan]bool) [32]byte {
	var data []byte
	if p.Pipeline.Source != nil {
		data = p.Pipeline.Source.Data
	}
	if len(p.subs) == 0 {
		return sha256.Sum256(data)
	}
	seen[p] = true
	h := sha256.New()
	h.Write(data)
	for _, sub := range p.subs {
		h.Write([]byte("\x00pipeline\x00"))
		if !seen[sub] {
			sum := sub.sourceSum(seen)
			h.Write(sum[:])
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Files lists the pipeline files the plan was compiled from: its own and
// those of its sub-pipelines, however deep, each once (a command that
// writes a file must not write over one it read).
func (p *Plan) Files() []string {
	var files []string
	seen := map[*Plan]bool{}
	var walk func(*Plan)
	walk = func(p *Plan) {
		if seen[p] {
			return
		}
		seen[p] = true
		if p.Pipeline.Source != nil && p.Pipeline.Source.Name != "" && !slices.Contains(files, p.Pipeline.Source.Name) {
			files = append(files, p.Pipeline.Source.Name)
		}
		for _, sub := range p.subs {
			walk(sub)
		}
	}
	walk(p)
	return files
}
