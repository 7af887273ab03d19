package engine

import (
	"math"
	"testing"
)

// jsonSize counts, without encoding, the bytes appendValue writes: the
// run's limit for values adds them up.
func TestJSONSizeIsTheEncodedSize(t *testing.T) {
	for _, v := range []any{
		nil, true, false, 0, -12345, int64(math.MinInt64), 1.5, 1e21, 1e-7, -0.0, math.NaN(), math.Inf(-1),
		"", "plain", "quote\" back\\ nl\n tab\t bell\x07 <a>&", "é ü 日本", "bad \xff\xfe utf-8", "sep \u2028 \u2029",
		[]any{}, []any{1, "a", nil}, map[string]any{}, map[string]any{"a": 1, "b<": []any{map[string]any{"c": "d"}}},
		[]float64{1, 2.5}, struct{ X []byte }{[]byte("abc")},
	} {
		b, err := appendValue(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonSize(v); got != int64(len(b)) {
			t.Errorf("jsonSize(%#v) = %d, want %d (%s)", v, got, len(b), b)
		}
	}
}
