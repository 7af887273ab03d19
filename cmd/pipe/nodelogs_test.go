package main

import (
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A node kept by --resume, a child of a kept pipeline node (or of a kept
// instance), and a foreach node kept through its instances find the run
// they were kept from.
func TestKeptFrom(t *testing.T) {
	dir := t.TempDir()
	ok := engine.StatusSuccess
	rec := &engine.Record{ID: "20261127T000001Z-bbbbbbbb", Pipeline: "p", Status: ok, Nodes: map[string]*engine.NodeRecord{
		"p":      {Module: "pipeline", Status: ok, Reason: engine.KeptPrefix + "r0"},
		"p/a":    {Module: "exec", Status: ok},
		"f":      {Module: "pipeline", Status: ok, Items: []string{"x", "y"}},
		"f[x]":   {Module: "pipeline", Status: ok, Reason: engine.KeptPrefix + "r0"},
		"f[y]":   {Module: "pipeline", Status: ok, Reason: engine.KeptPrefix + "r0"},
		"f[x]/a": {Module: "exec", Status: ok},
		"n":      {Module: "exec", Status: ok},
	}}
	if _, err := engine.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	for node, want := range map[string]string{"p": "r0", "p/a": "r0", "f": "r0", "f[x]/a": "r0", "n": "", "nope": ""} {
		if got := newRunRecords(dir).keptFrom(rec.ID, node); got != want {
			t.Errorf("keptFrom(%s) = %q, want %q", node, got, want)
		}
	}
}
