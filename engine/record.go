package engine

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Status is the state of a node or a run.
type Status string

// The states a node or a run can be in. A record on disk holds only final
// states: success, error, skipped or cancelled.
const (
	StatusPending   Status = "pending"
	StatusRunning   Status = "running"
	StatusSuccess   Status = "success"
	StatusError     Status = "error"
	StatusSkipped   Status = "skipped"
	StatusCancelled Status = "cancelled"
)

// Record is what a run did, written to .pipe/runs/<id>.json when it ends.
type Record struct {
	ID         string                 `json:"id"`
	Pipeline   string                 `json:"pipeline"`
	File       string                 `json:"file,omitempty"`
	Status     Status                 `json:"status"`
	Reason     string                 `json:"reason,omitempty"`
	StartedAt  time.Time              `json:"started_at"`
	FinishedAt time.Time              `json:"finished_at,omitzero"`
	DurationMS int64                  `json:"duration_ms"`
	Nodes      map[string]*NodeRecord `json:"nodes"`
}

// NodeRecord is what happened to one node.
type NodeRecord struct {
	Module     string         `json:"module"`
	Status     Status         `json:"status"`
	Message    string         `json:"message,omitempty"`
	Reason     string         `json:"reason,omitempty"`
	Outputs    map[string]any `json:"outputs,omitempty"`
	Attempts   int            `json:"attempts,omitempty"`
	StartedAt  time.Time      `json:"started_at,omitzero"`
	FinishedAt time.Time      `json:"finished_at,omitzero"`
	DurationMS int64          `json:"duration_ms"`
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
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// WriteRecord writes rec to dir/<id>.json atomically: a reader sees the old
// file or the whole new one, never half of it. It returns the file's path.
func WriteRecord(dir string, rec *Record) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("writing run record: %w", err)
	}
	path := filepath.Join(dir, rec.ID+".json")
	tmp, err := os.CreateTemp(dir, "."+rec.ID+"-*.tmp")
	if err != nil {
		return "", fmt.Errorf("writing run record: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	bw := bufio.NewWriterSize(tmp, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rec); err != nil {
		tmp.Close()
		return "", fmt.Errorf("writing run record %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("writing run record %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("writing run record %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("writing run record %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("writing run record %s: %w", path, err)
	}
	return path, nil
}

// ReadRecord reads a run record written by WriteRecord.
func ReadRecord(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s: not a run record: %w", path, err)
	}
	if rec.Nodes == nil {
		return nil, fmt.Errorf("%s: not a run record: no nodes", path)
	}
	return &rec, nil
}
