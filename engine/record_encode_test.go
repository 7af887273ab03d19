package engine

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// oldEncodeRecord is how records were encoded before EncodeRecord wrote
// node records by hand: through encoding/json, a node per line.
func oldEncodeRecord(t *testing.T, rec *Record) []byte {
	t.Helper()
	var w bytes.Buffer
	head, err := json.Marshal(struct {
		*Record
		Nodes struct{} `json:"nodes,omitzero"`
	}{Record: rec})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(head[:len(head)-1])
	w.WriteString(`,"nodes":{`)
	for k, id := range slices.Sorted(maps.Keys(rec.Nodes)) {
		if k > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n")
		key, _ := json.Marshal(id)
		w.Write(key)
		w.WriteByte(':')
		node, err := modules.MarshalJSON(rec.Nodes[id])
		if err != nil {
			t.Fatal(err)
		}
		w.Write(node)
	}
	w.WriteString("\n}}\n")
	return w.Bytes()
}

func TestEncodeRecordIsTheEncodingOfBefore(t *testing.T) {
	at := time.Date(2026, 11, 26, 15, 0, 0, 5, time.UTC)
	full := filledRecord(t)
	tests := []struct {
		name string
		rec  Record
	}{
		{"no nodes", Record{ID: "r", Pipeline: "p", Status: StatusSuccess, StartedAt: at, Nodes: map[string]*NodeRecord{}}},
		{"nodes", Record{ID: "r", Pipeline: "p<>", File: "p.yaml", Status: StatusError, Reason: "1 node(s) failed", StartedAt: at, FinishedAt: at,
			DurationMS: 3, Config: map[string]ConfigValue{"K": {Value: "***", From: "--set"}}, Version: "v", Host: "h", FileHash: "abc", ResumedFrom: "r0",
			Nodes: map[string]*NodeRecord{
				"b":   {Module: "echo", Status: StatusSuccess, Outputs: map[string]any{"x": 1.0}, StartedAt: at, FinishedAt: at},
				"a":   &full,
				"é<":  {Module: "m", Status: StatusSkipped, Reason: "skipped by --skip"},
				"nil": nil,
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeRecord(&tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			if want := oldEncodeRecord(t, &tt.rec); !bytes.Equal(got, want) {
				t.Errorf("EncodeRecord:\n%s\nbefore:\n%s", got, want)
			}
		})
	}
}
