package engine

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Writing a run record: encoded in chunks of nodes, sorted by id, and
// written to disk as it is encoded.

// WriteRecord writes rec to dir/<id>.json atomically: a reader sees the old
// file or the whole new one, never half of it. It returns the file's path.
// The record is written as it is encoded (EncodeRecordTo), a part at a
// time: its outputs may be hundreds of megabytes (MaxRunValueBytes).
func WriteRecord(dir string, rec *Record) (string, error) {
	if !validRunID(rec.ID) {
		return "", fmt.Errorf("writing run record: run id %q is not a file name", rec.ID)
	}
	path := filepath.Join(dir, rec.ID+".json")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("writing run record: %w", err)
	}
	if err := writeFileAtomic(path, 0o600, func(w io.Writer) error { return EncodeRecordTo(w, rec) }); err != nil {
		return "", fmt.Errorf("writing run record %s: %w", path, err)
	}
	return path, nil
}

// EncodeRecord returns rec as JSON with each node's record on a line of
// its own, in the order of the node ids: a file that grep and diff can
// read, without the cost of indenting a 100,000-node record.
func EncodeRecord(rec *Record) ([]byte, error) {
	return encodeRecord(nil, rec)
}

// EncodeRecordTo writes rec to w as EncodeRecord encodes it, without
// holding it whole: nodes are written as they are encoded, recordFlush
// bytes at a time, but for a record of many nodes, whose later parts are
// encoded at once on other cores (encodeChunks) and held until their turn.
func EncodeRecordTo(w io.Writer, rec *Record) error {
	_, err := encodeRecord(w, rec)
	return err
}

// recordFlush is how many bytes EncodeRecordTo gathers before it writes.
const recordFlush = 256 << 10

// encodeRecord returns rec encoded, or, with w, writes it there.
func encodeRecord(w io.Writer, rec *Record) ([]byte, error) {
	head, err := json.Marshal(struct {
		*Record
		Nodes struct{} `json:"nodes,omitzero"` // written below, a line each
	}{Record: rec})
	if err != nil {
		return nil, err
	}
	ids := sortedNodes(rec.Nodes)
	chunks := encodeChunks(len(ids))
	parts := make([][]byte, len(chunks))
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for c, ch := range chunks[1:] {
		wg.Go(func() { parts[c+1], errs[c+1] = appendNodes(nil, ids, ch, nil) })
	}
	size := len(head) + len(ids)*recordBytesPerNode
	var flush func([]byte) ([]byte, error)
	if w != nil {
		size = min(size, 2*recordFlush)
		flush = func(b []byte) ([]byte, error) {
			if len(b) < recordFlush {
				return b, nil
			}
			_, err := w.Write(b)
			return b[:0], err
		}
	}
	b := make([]byte, 0, size)
	b = append(b, head[:len(head)-1]...) // without its closing brace
	b = append(b, `,"nodes":{`...)
	b, errs[0] = appendNodes(b, ids, chunks[0], flush)
	wg.Wait()
	for _, err := range errs { // the first in the order of ids
		if err != nil {
			return nil, err
		}
	}
	if w == nil {
		for _, part := range parts[1:] {
			b = append(b, part...)
		}
		return append(b, "\n}}\n"...), nil
	}
	for _, part := range append([][]byte{b}, parts[1:]...) {
		if _, err := w.Write(part); err != nil {
			return nil, err
		}
	}
	_, err = io.WriteString(w, "\n}}\n")
	return nil, err
}

// encodeChunk is a range of a record's sorted node ids, encoded apart.
type encodeChunk struct{ from, to int }

func (c encodeChunk) size() int { return (c.to - c.from) * recordBytesPerNode }

// encodeChunkNodes is the fewest nodes a chunk of EncodeRecord takes on its
// own goroutine: below it, the goroutine and the copy of its bytes cost
// more than they save. A record of 100,000 nodes, sorted in halves and
// encoded in a chunk per P, takes 51-55 ms on two cores against 105-113
// in one piece (BenchmarkEncodeRecord).
const encodeChunkNodes = 8192

// encodeChunks splits n sorted node ids into chunks, one per P at most,
// none smaller than encodeChunkNodes (but the only one).
func encodeChunks(n int) []encodeChunk {
	k := max(1, min(runtime.GOMAXPROCS(0), n/encodeChunkNodes))
	chunks := make([]encodeChunk, k)
	for c := range chunks {
		chunks[c] = encodeChunk{from: c * n / k, to: (c + 1) * n / k}
	}
	return chunks
}

// idNode is a node's record under its id.
type idNode struct {
	id   string
	node *NodeRecord
}

// sortedNodes lists nodes by id: one pass over the map, rather than a
// lookup per id once the ids are sorted (a fifth of encoding 100,000).
// A big record's halves are sorted at once, then merged.
func sortedNodes(nodes map[string]*NodeRecord) []idNode {
	out := make([]idNode, 0, len(nodes))
	for id, n := range nodes {
		out = append(out, idNode{id, n})
	}
	if len(out) < 2*encodeChunkNodes || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(out, byID)
		return out
	}
	half := len(out) / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(out[half:], byID) })
	slices.SortFunc(out[:half], byID)
	wg.Wait()
	return mergeByID(out[:half], out[half:])
}

func byID(a, b idNode) int { return strings.Compare(a.id, b.id) }

// mergeByID merges two lists sorted by id.
func mergeByID(a, b []idNode) []idNode {
	out := make([]idNode, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].id <= b[0].id {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// appendNodes appends the nodes ids[ch.from:ch.to] to b, each after a
// comma (but the record's first) and a new line; flush, when set, may
// write b out before each node and return it emptied.
func appendNodes(b []byte, ids []idNode, ch encodeChunk, flush func([]byte) ([]byte, error)) ([]byte, error) {
	if b == nil {
		b = make([]byte, 0, ch.size())
	}
	for k := ch.from; k < ch.to; k++ {
		if flush != nil {
			var err error
			if b, err = flush(b); err != nil {
				return nil, err
			}
		}
		id, n := ids[k].id, ids[k].node
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = appendString(b, id)
		b = append(b, ':')
		if n == nil {
			b = append(b, "null"...)
			continue
		}
		var err error
		if b, err = appendNodeRecord(b, n); err != nil {
			return nil, fmt.Errorf("node %s: %w", id, err)
		}
	}
	return b, nil
}

// recordBytesPerNode is about what a node of echo takes in a record, to
// size the buffer once: 200 bytes, and 32 for the definition of one that
// succeeded (past the estimate, the buffer is copied as it doubles).
const recordBytesPerNode = 232
