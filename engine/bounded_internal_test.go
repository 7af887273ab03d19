package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

// indentedLen measures what json.MarshalIndent writes, strings holding
// JSON's own punctuation and escapes included.
func TestIndentedLen(t *testing.T) {
	values := []any{
		nil, 1, "", `a"b\c`, "[{,:}]", "x<y&z\u2028", []any{}, map[string]any{},
		[]any{[]any{}, map[string]any{}, []any{1, 2}},
		map[string]any{"a": []any{1, map[string]any{"b": "[,]"}}, `k"{`: map[string]any{}, "c": 2.5e-10},
		json.RawMessage(strings.Repeat("[", 50) + strings.Repeat("]", 50)),
		json.RawMessage(strings.Repeat("[", 50) + "1" + strings.Repeat("]", 50)),
	}
	for _, v := range values {
		compact, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.MarshalIndent(v, "", "  ")
		if got := indentedLen(compact, 1<<20); got != len(want) {
			t.Errorf("indentedLen(%s) = %d, want %d", compact, got, len(want))
		}
	}
}
