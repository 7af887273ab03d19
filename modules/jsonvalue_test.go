package modules

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestDecodeJSONReadsPythonNonFiniteTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"plain", `{"a": 1, "b": 0.5}`, map[string]any{"a": 1, "b": 0.5}},
		{"nan", `{"loss": NaN}`, map[string]any{"loss": math.NaN()}},
		{"infinities", `[Infinity, -Infinity, 1]`, []any{math.Inf(1), math.Inf(-1), 1}},
		{"nested", `{"m": {"x": [NaN]}}`, map[string]any{"m": map[string]any{"x": []any{math.NaN()}}}},
		{"in a string stays text", `{"s": "NaN and Infinity", "t": "a \"NaN\" b"}`, map[string]any{"s": "NaN and Infinity", "t": `a "NaN" b`}},
		{"string NaN is a string", `{"s": "NaN"}`, map[string]any{"s": "NaN"}},
		{"top level", `NaN`, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeJSON([]byte(tc.in))
			if err != nil {
				t.Fatalf("DecodeJSON(%s): %v", tc.in, err)
			}
			if !sameValue(got, tc.want) {
				t.Errorf("DecodeJSON(%s) = %#v, want %#v", tc.in, got, tc.want)
			}
		})
	}
}

func TestDecodeJSONRejectsWhatIsNotJSON(t *testing.T) {
	for _, in := range []string{`{"a": NaNx}`, `{"a": nan}`, `{"a": Inf}`, `{"a": 1} {"b": 2}`, `"abc`, ``} {
		if v, err := DecodeJSON([]byte(in)); err == nil {
			t.Errorf("DecodeJSON(%q) = %#v, want an error", in, v)
		}
	}
}

func TestMarshalJSONWritesNonFiniteAsText(t *testing.T) {
	in := map[string]any{"loss": math.NaN(), "best": []any{math.Inf(1), 2.5}, "worst": float32(math.Inf(-1)), "xs": []float64{1, math.NaN()}}
	b, err := MarshalJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s is not JSON: %v", b, err)
	}
	want := map[string]any{"loss": "NaN", "best": []any{"Infinity", 2.5}, "worst": "-Infinity", "xs": []any{1.0, "NaN"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if !math.IsNaN(in["loss"].(float64)) || !math.IsInf(in["best"].([]any)[0].(float64), 1) {
		t.Error("MarshalJSON changed its argument")
	}
}

func TestMarshalPythonJSONRoundTrips(t *testing.T) {
	in := map[string]any{"loss": math.NaN(), "list": []any{math.Inf(-1), "NaN", 3}, "ok": true}
	b, err := MarshalPythonJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if !sameValue(got, in) {
		t.Errorf("round trip of %s = %#v, want %#v", b, got, in)
	}
}

func TestJSONSafeDoesNotCopyWhatIsFinite(t *testing.T) {
	m := map[string]any{"a": []any{1, 2.5, "x"}}
	got := JSONSafe(m).(map[string]any)
	if reflect.ValueOf(got).Pointer() != reflect.ValueOf(m).Pointer() {
		t.Error("JSONSafe copied a map without a non-finite number")
	}
	if n := testing.AllocsPerRun(100, func() { JSONSafe(m) }); n != 0 {
		t.Errorf("JSONSafe of a finite map allocates %v times", n)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a": NaN}`, `[Infinity, -Infinity]`, `{"s": "NaN\"x"}`, `{"a": [1, {"b": null}]}`, `-Infinity`, `[-0, -0.0, 0]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeJSON(data)
		if err != nil {
			return
		}
		// What was read is written again, and read back the same.
		b, err := MarshalPythonJSON(v)
		if err != nil {
			t.Fatalf("MarshalPythonJSON(%#v): %v", v, err)
		}
		again, err := DecodeJSON(b)
		if err != nil || !sameValue(v, again) {
			t.Fatalf("round trip of %q: %#v then %#v (%v)", data, v, again, err)
		}
		if _, err := MarshalJSON(v); err != nil {
			t.Fatalf("MarshalJSON(%#v): %v", v, err)
		}
	})
}

// sameValue is reflect.DeepEqual with NaN equal to NaN, and a whole float
// equal to its int (JSON writes 2.0 as 2); -0 is not 0.
func sameValue(a, b any) bool {
	if i, ok := a.(int); ok {
		a = float64(i)
	}
	if i, ok := b.(int); ok {
		b = float64(i)
	}
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y && math.Signbit(x) == math.Signbit(y) || math.IsNaN(x) && math.IsNaN(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !sameValue(x[k], y[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// What pipe writes it reads back: Go writes the floats 1e19 and 1e20
// without an exponent, and they are no whole numbers past 64 bits.
func TestDecodeJSONReadsBackLargeFloats(t *testing.T) {
	in := map[string]any{"a": 1e19, "b": -1e20, "c": []any{9.3e18, 1.2345e19}}
	b, err := MarshalJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeJSON(b)
	if err != nil {
		t.Fatalf("DecodeJSON(%s): %v", b, err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("read back %#v from %s, want %#v", out, b, in)
	}
	var big *BigIntError
	if _, err := DecodeJSON([]byte(`{"id": 18446744073709551615}`)); !errors.As(err, &big) || big.At != ".id" {
		t.Errorf("an id past 64 bits: %v, want a *BigIntError at .id", err)
	}
}

// A negative zero keeps its sign through what pipe writes and reads back:
// the cache's and a python program's JSON (Go writes the float -0 as -0,
// Python reads that as the int 0, so MarshalPythonJSON writes -0.0).
func TestNegativeZeroRoundTrips(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, tc := range []struct {
		name  string
		json  string
		zeros int // how many negative zeros it holds
	}{
		{"go float", `{"z":-0}`, 1},
		{"python float", `{"z": -0.0, "l": [-0.0, 0, -0]}`, 3},
		{"positive zero", `{"z": 0, "f": 0.0}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := DecodeJSON([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if got := countNegZero(v); got != tc.zeros {
				t.Fatalf("DecodeJSON(%s) = %#v: %d negative zeros, want %d", tc.json, v, got, tc.zeros)
			}
			for _, marshal := range []func(any) ([]byte, error){MarshalJSON, MarshalPythonJSON} {
				b, err := marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				back, err := DecodeJSON(b)
				if err != nil {
					t.Fatalf("DecodeJSON(%s): %v", b, err)
				}
				if got := countNegZero(back); got != tc.zeros {
					t.Errorf("read back %s: %d negative zeros, want %d", b, got, tc.zeros)
				}
			}
		})
	}
	b, err := MarshalPythonJSON(map[string]any{"z": negZero, "n": math.NaN(), "l": []float64{negZero, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"l":[-0.0,1],"n":NaN,"z":-0.0}`; string(b) != want {
		t.Errorf("MarshalPythonJSON = %s, want %s (Python reads -0 as the int 0)", b, want)
	}
}

func countNegZero(v any) int {
	switch x := v.(type) {
	case float64:
		if x == 0 && math.Signbit(x) {
			return 1
		}
	case []any:
		n := 0
		for _, item := range x {
			n += countNegZero(item)
		}
		return n
	case map[string]any:
		n := 0
		for _, item := range x {
			n += countNegZero(item)
		}
		return n
	}
	return 0
}
