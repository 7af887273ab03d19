package modules_test

import (
	"encoding/json"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// TestMaskerMasksMapKeys: a map key that holds a secret (a map an output
// gave, keyed by the secret; a foreach's fan-in over such a map) reads
// *** as a value would; keys masked alike stay apart, numbered in their
// sorted order, the same every time.
func TestMaskerMasksMapKeys(t *testing.T) {
	m := modules.NewMasker([]string{"S3cr3tPass"})
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"a key", map[string]any{"S3cr3tPass": 1, "plain": 2}, `{"***":1,"plain":2}`},
		{"inside a key", map[string]any{"db-S3cr3tPass": "x"}, `{"db-***":"x"}`},
		{"nested in a list", []any{map[string]any{"k": map[string]any{"S3cr3tPass": "S3cr3tPass"}}}, `[{"k":{"***":"***"}}]`},
		{"two keys masked alike", map[string]any{"b-S3cr3tPass": 2, "a-S3cr3tPass": 1, "a-***": 0}, `{"a-***":0,"a-***#2":1,"b-***":2}`},
		{"no secret", map[string]any{"plain": 1}, `{"plain":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 5 { // map order must not change what comes out
				got, err := json.Marshal(m.Value(tc.in))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tc.want {
					t.Fatalf("Value(%v) = %s, want %s", tc.in, got, tc.want)
				}
			}
		})
	}
}
