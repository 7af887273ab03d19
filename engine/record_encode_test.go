package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
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

// TestEncodeRecordInChunks checks that a record big enough to be encoded in
// chunks, on several goroutines, is the bytes of one encoded whole, and
// that a node that cannot be encoded is reported whichever chunk it is in.
func TestEncodeRecordInChunks(t *testing.T) {
	at := time.Date(2026, 11, 26, 15, 0, 0, 5, time.UTC)
	full := filledRecord(t)
	n := 3*encodeChunkNodes + 7
	rec := Record{ID: "r", Pipeline: "p", Status: StatusSuccess, StartedAt: at, Nodes: make(map[string]*NodeRecord, n)}
	for i := range n {
		node := &NodeRecord{Module: "echo", Status: StatusSuccess, Outputs: map[string]any{"i": float64(i)}, StartedAt: at, FinishedAt: at}
		switch i % 1000 {
		case 1:
			node = &full
		case 2:
			node = nil
		}
		rec.Nodes[fmt.Sprintf("n%d", i)] = node
	}
	for _, procs := range []int{1, 2, 4} {
		t.Run(fmt.Sprint(procs, " procs"), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			if k := len(encodeChunks(n)); k != min(procs, 3) {
				t.Fatalf("%d chunks, want %d", k, min(procs, 3))
			}
			got, err := EncodeRecord(&rec)
			if err != nil {
				t.Fatal(err)
			}
			if want := oldEncodeRecord(t, &rec); !bytes.Equal(got, want) {
				t.Fatalf("EncodeRecord in chunks differs from one encoding (%d and %d bytes)", len(got), len(want))
			}
			// The last node, in the last chunk, cannot be encoded.
			last := slices.Max(slices.Collect(maps.Keys(rec.Nodes)))
			good := rec.Nodes[last]
			rec.Nodes[last] = &NodeRecord{Module: "echo", Status: StatusSuccess, Outputs: map[string]any{"bad": make(chan int)}}
			defer func() { rec.Nodes[last] = good }()
			if _, err := EncodeRecord(&rec); err == nil || !strings.Contains(err.Error(), "node "+last) {
				t.Fatalf("a node that cannot be encoded: error %v, want one naming node %s", err, last)
			}
		})
	}
}

// BenchmarkEncodeRecord encodes the record of 100,000 echo nodes; with
// -cpu 1 in one piece, else in a chunk per P.
func BenchmarkEncodeRecord(b *testing.B) {
	at := time.Date(2026, 11, 26, 15, 0, 0, 5, time.UTC)
	rec := Record{ID: "r", Pipeline: "p", Status: StatusSuccess, StartedAt: at, Nodes: map[string]*NodeRecord{}}
	for i := range 100_000 {
		rec.Nodes[fmt.Sprintf("n%d", i)] = &NodeRecord{Module: "echo", Status: StatusSuccess, Attempts: 1, StartedAt: at, FinishedAt: at.Add(time.Duration(i))}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeRecord(&rec); err != nil {
			b.Fatal(err)
		}
	}
}

// The journal's header is encoded by hand; its bytes are those of
// encoding/json, as modules.MarshalJSON writes them.
func TestAppendJournalHeaderIsJSONMarshal(t *testing.T) {
	at := time.Date(2026, 11, 26, 15, 0, 0, 5, time.FixedZone("x", 3600))
	for _, h := range []JournalHeader{
		{Version: 1, Run: "r", Pipeline: "p", StartedAt: at, PID: 7, Nodes: []JournalNode{}},
		{Version: 1, Run: "r", Pipeline: "p", StartedAt: at, PID: 7},
		{Version: 1, Run: "r<1>", Pipeline: "é\u2028\"p\"", File: "a/b&c.yaml", StartedAt: at, PID: 12345, Host: "h\x00st",
			Nodes: []JournalNode{{ID: "a", Module: "echo"}, {ID: "b<", Module: "exec", Skipped: "skipped by --skip"}, {ID: "\xff", Module: ""}}},
		{Version: 1, Run: "r", Pipeline: "p", StartedAt: at, PID: 7, FileHash: "0123abcd", PipeVersion: "v1.2 (abc)", ResumedFrom: "r0", Nodes: []JournalNode{{ID: "a", Module: "echo"}},
			Config: map[string]ConfigValue{"N": {Value: 3, From: "--set"}, "B": {Value: true, From: "default"}, "S": {Value: "a<b>&c", From: ".env"}, "Z": {Value: nil, From: "default"}, "K": {Value: Masked, From: "environment"}}},
		{Version: 1, Run: "r", Pipeline: "p", StartedAt: at, PID: 7, Resume: &RunResume{BaseDir: "/b", Env: map[string]string{}},
			Remote: "temporal://h:7233/default", Detached: true, Nodes: []JournalNode{{ID: "a", Module: "echo"}}},
	} {
		got, err := appendJournalHeader(nil, &h)
		if err != nil {
			t.Fatal(err)
		}
		want, err := modules.MarshalJSON(h)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("appendJournalHeader:\n%s\nencoding/json:\n%s", got, want)
		}
	}
}

// A header larger than the bound on unwritten lines (a pipeline of more
// than about 550,000 nodes) is written whole, and the buffer it took is
// not kept for the run's lines.
func TestJournalWritesAHugeHeader(t *testing.T) {
	h := JournalHeader{Version: 1, Run: "r", Pipeline: "p", PID: 1}
	id := strings.Repeat("n", 64<<10)
	for i := range maxJournalBuffer/len(id) + 10 {
		h.Nodes = append(h.Nodes, JournalNode{ID: fmt.Sprint(id, i), Module: "echo"})
	}
	var out bytes.Buffer
	j := newJournal(&out, "r")
	if err := j.writeHeader(&h); err != nil {
		t.Fatal(err)
	}
	want, err := appendJournalHeader(nil, &h)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) <= maxJournalBuffer {
		t.Fatalf("the header is %d bytes, not over the bound %d", len(want), maxJournalBuffer)
	}
	if !bytes.Equal(out.Bytes(), append(want, '\n')) {
		t.Errorf("wrote %d bytes, want the header's %d and a new line", out.Len(), len(want))
	}
	if cap(j.buf) > maxJournalBuffer {
		t.Errorf("the journal keeps a buffer of %d bytes", cap(j.buf))
	}
}

// A record read back has its whole numbers whole, however big: a float64
// would read 12345678901234567 as 12345678901234568.
func TestReadRecordKeepsBigWholeNumbers(t *testing.T) {
	dir := t.TempDir()
	rec := &Record{ID: "20261127T000000Z-bbbbbbbb", Pipeline: "p", Status: StatusSuccess,
		Config: map[string]ConfigValue{"N": {Value: 9007199254740993, From: "default"}},
		Nodes: map[string]*NodeRecord{"a": {Module: "echo", Status: StatusSuccess,
			Outputs: map[string]any{"big": 12345678901234567, "f": 0.5, "l": []any{1, 2.5}}}}}
	path, err := WriteRecord(dir, rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	out := back.Nodes["a"].Outputs
	if out["big"] != 12345678901234567 || out["f"] != 0.5 || !reflect.DeepEqual(out["l"], []any{1, 2.5}) || back.Config["N"].Value != 9007199254740993 {
		t.Errorf("read back outputs %#v, config %#v", out, back.Config)
	}
}

// A record with something after its end is damaged, not a record.
func TestReadRecordRefusesTrailingData(t *testing.T) {
	dir := t.TempDir()
	path, err := WriteRecord(dir, &Record{ID: "20261127T000000Z-cccccccc", Pipeline: "p", Status: StatusSuccess, Nodes: map[string]*NodeRecord{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRecord(path); err != nil {
		t.Fatalf("a whole record: %v", err)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\n{\"x\": 1}")
	f.Close()
	if _, err := ReadRecord(path); err == nil || !strings.Contains(err.Error(), "more after the record's end") {
		t.Errorf("a record with data after it: %v, want an error", err)
	}
}

// EncodeRecordTo writes the bytes EncodeRecord returns, a part at a time:
// a record of 20 nodes of 100 kB outputs reaches w in writes of about
// recordFlush, never whole; one of many nodes, encoded in chunks on other
// cores, the same bytes too.
func TestEncodeRecordToWritesInParts(t *testing.T) {
	at := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name     string
		n        int
		outBytes int
	}{
		{"empty", 0, 0},
		{"big outputs", 20, 100 << 10},
		{"many nodes", 3 * encodeChunkNodes, 10},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := Record{ID: "r", Pipeline: "p", Status: StatusSuccess, StartedAt: at, Nodes: map[string]*NodeRecord{}}
			for i := range tt.n {
				rec.Nodes[fmt.Sprintf("n%d", i)] = &NodeRecord{Module: "echo", Status: StatusSuccess, Attempts: 1, StartedAt: at,
					Outputs: map[string]any{"x": strings.Repeat("y", tt.outBytes)}}
			}
			want, err := EncodeRecord(&rec)
			if err != nil {
				t.Fatal(err)
			}
			var w partsWriter
			if err := EncodeRecordTo(&w, &rec); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w.b.Bytes(), want) {
				t.Fatalf("EncodeRecordTo wrote %d bytes, EncodeRecord returned %d: they differ", w.b.Len(), len(want))
			}
			if tt.outBytes > 1000 && w.largest > recordFlush+2*tt.outBytes {
				t.Errorf("a write of %d bytes of a %d-byte record: it was held whole", w.largest, len(want))
			}
		})
	}
}

// partsWriter keeps what is written to it, and the largest write.
type partsWriter struct {
	b       bytes.Buffer
	largest int
}

func (w *partsWriter) Write(p []byte) (int, error) {
	w.largest = max(w.largest, len(p))
	return w.b.Write(p)
}
