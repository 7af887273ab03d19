package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A record's digest of a secret is keyed by the runs directory's key,
// which only its owner reads: the plain SHA-256 it held of "hunter2" was
// found by trying words. A pipeline without secrets makes no key.
func TestRecordsKeyTheirDigestsOfSecrets(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"s.yaml": "name: s\nconfig: {DB_PASSWORD: hunter2}\nnodes:\n  a: {module: echo}\n",
		"p.yaml": "name: p\nnodes:\n  a: {module: echo}\n",
	})
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--runs-dir", "plain"); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "plain", digestKeyFile)); err == nil {
		t.Errorf("a run without secrets made a key")
	}
	if r := pipeIn(t, dir, nil, "run", "s.yaml", "--runs-dir", "runs"); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	fi, err := os.Stat(filepath.Join(dir, "runs", digestKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != digestKeyLen {
		t.Fatalf("the key: %v %v", fi, err)
	}
	recs, _ := filepath.Glob(filepath.Join(dir, "runs", "*.json"))
	if len(recs) != 1 {
		t.Fatalf("records %v", recs)
	}
	data, _ := os.ReadFile(recs[0])
	sum := sha256.Sum256([]byte(`"hunter2"`))
	if strings.Contains(string(data), hex.EncodeToString(sum[:])) || !strings.Contains(string(data), `"DB_PASSWORD":"hmac-sha256:`) {
		t.Errorf("the record's digest of the secret is not keyed:\n%s", data)
	}
}
