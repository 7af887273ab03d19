package engine

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// Status is the state of a node or a run.
type Status string

// The states a node or a run can be in. A record on disk holds only final
// states: success, error, skipped or cancelled; and a run recovered from
// the journal of a pipe that died (see RecoverRuns) is interrupted, its
// nodes that never ended lost.
const (
	StatusPending   Status = "pending"
	StatusRunning   Status = "running"
	StatusSuccess   Status = "success"
	StatusError     Status = "error"
	StatusSkipped   Status = "skipped"
	StatusCancelled Status = "cancelled"
	// StatusLost is a node whose pipe died before the node ended.
	StatusLost Status = "lost"
	// StatusInterrupted is a run whose pipe died before it wrote the record.
	StatusInterrupted Status = "interrupted"
	// StatusDetached is a run started elsewhere with --detach that no pipe
	// follows here, and its nodes whose end is not known here: how it
	// stands is on the service that runs it. Never in a record on disk.
	StatusDetached Status = "detached"
)

// Going reports whether a run in this status may still go on: running,
// or detached. Such a run has no record yet.
func (s Status) Going() bool { return s == StatusRunning || s == StatusDetached }

// Record is what a run did, written to .pipe/runs/<id>.json when it ends.
type Record struct {
	ID         string    `json:"id"`
	Pipeline   string    `json:"pipeline"`
	File       string    `json:"file,omitempty"`
	Status     Status    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	DurationMS int64     `json:"duration_ms"`
	// Config is the run's resolved config, secrets as ***, with where each
	// value came from; Version and Host say what ran it, and where.
	Config  map[string]ConfigValue `json:"config,omitempty"`
	Version string                 `json:"version,omitempty"`
	Host    string                 `json:"host,omitempty"`
	// Remote is where the run ran when not in pipe's process
	// (temporal://HOST:PORT/NS): its nodes' logs are on the workers.
	Remote string `json:"remote,omitempty"`
	// FileHash is a hash of the pipeline file as it ran: a resumed run
	// compares it to say whether the pipeline changed since.
	FileHash string `json:"file_hash,omitempty"`
	// ResumedFrom is the run whose outputs this one kept.
	ResumedFrom string `json:"resumed_from,omitempty"`
	// Resume is what a resumed run compares of the run besides its config
	// and its nodes' definitions: nil in a record of an earlier pipe.
	Resume *RunResume             `json:"resume,omitempty"`
	Nodes  map[string]*NodeRecord `json:"nodes"`
}

// RunResume is what a run's programs had besides its config, that a
// resumed run (pipe run --resume) compares before it keeps a node.
type RunResume struct {
	// BaseDir is the run's base directory, where its programs ran and
	// relative paths were read (Plan.BaseDir).
	BaseDir string `json:"base_dir"`
	// Env holds, for each key of the .env files (dotenv, --config) the
	// pipeline does not declare (those reach programs' environment as they are), a
	// digest of its value: never the value, which may be a secret.
	Env map[string]string `json:"env"`
}

// ConfigValue is a config key's value in a run, and where it came from:
// "default", "environment", "--set", or a .env file's path.
type ConfigValue struct {
	Value any    `json:"value"`
	From  string `json:"from"`
}

// NodeRecord is what happened to one node.
type NodeRecord struct {
	Module  string `json:"module"`
	Status  Status `json:"status"`
	Message string `json:"message,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Inputs are the resolved inputs the node ran with, long texts cut
	// (recordedInputs), secrets as ***.
	Inputs  map[string]any `json:"inputs,omitempty"`
	Outputs map[string]any `json:"outputs,omitempty"`
	// Resume is what a resumed run needs to know of the node besides its
	// Outputs; nil for most nodes (a pointer: a field a node costs memory
	// in a run of 100,000 nodes).
	Resume *ResumeInfo `json:"resume,omitempty"`
	// Definition is a digest of what the pipeline file says of a node
	// that succeeded (see Plan.definition; an instance has its node's):
	// a resumed run keeps the node only while it is unchanged. A string,
	// not in Resume: nearly every node has one, and it is the plan's, so
	// a record allocates nothing for it.
	Definition string `json:"definition,omitempty"`
	Attempts   int    `json:"attempts,omitempty"`
	// CachedFrom is the run whose outputs, message and log the node
	// reused from the node cache instead of running.
	CachedFrom string `json:"cached_from,omitempty"`
	// Items are the keys of a foreach node's instances, in item order:
	// each instance has a record of its own, under node[key].
	Items []string `json:"items,omitempty"`
	// Worker names the Temporal worker that ran the node's last attempt
	// (its log file is on that machine); "" for a run in this process.
	Worker     string    `json:"worker,omitempty"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	DurationMS int64     `json:"duration_ms"`
}

// ResumeInfo is what the record says of a node so that a resumed run
// (pipe run --resume, KeepRecord) gives the nodes below it the outputs it
// gave, or runs it again when it cannot.
type ResumeInfo struct {
	// CacheKey is the node cache's key of what the node ran with (a node
	// that caches; see Plan.ingredients): a resumed run keeps the node
	// only while what it reads gives the same key.
	CacheKey string `json:"cache_key,omitempty"`
	// SpecialFloats point (JSON Pointers, RFC 6901, sorted) into the
	// node's Outputs at the numbers JSON cannot hold as the node gave
	// them: NaN and ±Infinity, which Outputs hold as their text ("NaN",
	// "Infinity", "-Infinity"), and -0, which reads back as 0. A resumed
	// run gives them back as those numbers.
	SpecialFloats []string `json:"special_floats,omitempty"`
	// OutputsMasked is set when Outputs hold *** where the node gave a
	// secret, OutputsCut when they nest too deeply and were cut (or were
	// left out, on Temporal): either way Outputs are not what the nodes
	// below got, and a resumed run runs the node again rather than give
	// them other values.
	OutputsMasked bool `json:"outputs_masked,omitempty"`
	OutputsCut    bool `json:"outputs_cut,omitempty"`
}

// resume returns n's ResumeInfo, made when it has none.
func (n *NodeRecord) resume() *ResumeInfo {
	if n.Resume == nil {
		n.Resume = &ResumeInfo{}
	}
	return n.Resume
}

// FannedOut reports whether the node is a foreach node that fanned out:
// its instances, node[key] for each of Items, have records of their own,
// and counts of what ran count them, not it.
func (n *NodeRecord) FannedOut() bool { return len(n.Items) > 0 }

// InstanceIDs returns the ids of a foreach node's instances, in item order.
func (n *NodeRecord) InstanceIDs(id string) []string {
	ids := make([]string, len(n.Items))
	for k, key := range n.Items {
		ids[k] = id + "[" + key + "]"
	}
	return ids
}

// Duration is how long the node ran, all attempts together.
func (n *NodeRecord) Duration() time.Duration {
	if n.StartedAt.IsZero() || n.FinishedAt.IsZero() {
		return 0
	}
	return n.FinishedAt.Sub(n.StartedAt)
}

// NewRunID returns a new run id: sortable by time, unique by its random tail.
func NewRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format(runIDLayout) + "-" + hex.EncodeToString(b[:])
}

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

// validRunID reports whether id can name a record file in its runs
// directory: one path element, no parent.
func validRunID(id string) bool {
	return id != "" && id != "." && id != ".." && !strings.ContainsAny(id, `/\`+"\x00")
}

// plainMap is m with json.Numbers as int or float64 (modules.PlainNumbers).
func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out, _ := modules.PlainNumbers(m).(map[string]any)
	return out
}

// ReadRecord reads a run record written by WriteRecord.
func ReadRecord(path string) (*Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rec Record
	// Numbers as written: a whole number past 2^53 would lose digits as a
	// float64 (12345678901234567 read back as ...568).
	dec := json.NewDecoder(f)
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) { // json names Go's types: engine.Record
			what := "the record"
			if te.Field != "" {
				what = te.Field
			}
			err = fmt.Errorf("%s is a JSON %s where a record has %s", what, te.Value, jsonKind(te.Type.Kind()))
		}
		return nil, fmt.Errorf("%s: not a run record (%w): the file was cut short, or changed by hand; pipe runs lists the records it can read", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: not a run record: more after the record's end", path)
	}
	if rec.ID == "" {
		return nil, fmt.Errorf("%s: not a run record: no id", path)
	}
	if rec.Nodes == nil {
		return nil, fmt.Errorf("%s: not a run record: no nodes", path)
	}
	for id, n := range rec.Nodes {
		if n == nil { // pipe writes none: the file was damaged or made by hand
			return nil, fmt.Errorf("%s: not a run record: node %q has null for its record", path, id)
		}
		n.Inputs = plainMap(n.Inputs)
		n.Outputs = plainMap(n.Outputs)
	}
	for k, c := range rec.Config {
		c.Value = modules.PlainNumbers(c.Value)
		rec.Config[k] = c
	}
	return &rec, nil
}

// jsonKind names what JSON value a Go kind is read from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Pointer, reflect.Interface:
		return "a value"
	}
	return "a number"
}
