package engine

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
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
	Resume *RunResume `json:"resume,omitempty"`
	// Outputs are the pipeline's own `outputs:`, evaluated as the run
	// ended (null for one that could not be), secrets masked.
	Outputs map[string]any         `json:"outputs,omitempty"`
	Nodes   map[string]*NodeRecord `json:"nodes"`
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
	// Secrets holds, for each config key whose value Config masks (a
	// secret, or a value holding one), a digest of its value as the node
	// cache's key has it: a resumed run sees a secret change whose source
	// did not. Absent in a record of an earlier pipe: only the source is
	// compared then.
	Secrets map[string]string `json:"secrets,omitempty"`
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
	// Files holds, for a node that does not cache and whose module is
	// known to read files (its files:, an input naming files: python's
	// path), their digests as they were when it started, by the cache
	// key's names (file:PATH, files:GLOB): a resumed run keeps the node
	// only while they are the same. Absent in a record of an earlier pipe
	// (or of a run on Temporal): not compared.
	Files map[string]string `json:"files,omitempty"`
	// Item is, for an instance of a foreach (or matrix) node whose items
	// come from config, a digest of what it reads of its item (item,
	// item_key, item_index): a resumed run keeps it, when that config
	// changed, while it is the same and the instance reads the key no
	// otherwise. Absent in a record of an earlier pipe: config that the
	// items come from, changed, runs every instance again.
	Item string `json:"item,omitempty"`
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
