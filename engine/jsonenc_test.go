package engine

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// filledRecord returns a NodeRecord with every field set, so that a field
// added to NodeRecord and forgotten by appendNodeFields fails the test.
func filledRecord(t *testing.T) NodeRecord {
	t.Helper()
	var n NodeRecord
	v := reflect.ValueOf(&n).Elem()
	for k := range v.NumField() {
		f := v.Field(k)
		switch f.Interface().(type) {
		case string:
			f.SetString("text <b> & \"q\" \u2028 é")
		case Status:
			f.SetString(string(StatusSuccess))
		case map[string]any:
			f.Set(reflect.ValueOf(map[string]any{"b": 1.5, "a": []any{"x", true, nil}}))
		case []string:
			f.Set(reflect.ValueOf([]string{"england", "k<2>", ""}))
		case *ResumeInfo:
			f.Set(reflect.ValueOf(&ResumeInfo{CacheKey: "k<>", Files: map[string]string{"file:b": "2", "file:a<>": "1"}, Item: "i", SpecialFloats: []string{"/a/1", "/b~1"}, OutputsMasked: true, OutputsCut: true}))
		case int:
			f.SetInt(3)
		case int64:
			f.SetInt(1234)
		case time.Time:
			f.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)))
		default:
			t.Fatalf("NodeRecord.%s is a %s: teach appendNodeFields and this test to write it", v.Type().Field(k).Name, f.Type())
		}
	}
	return n
}

func TestAppendNodeRecordIsJSONMarshal(t *testing.T) {
	when := time.Date(2026, 11, 26, 15, 4, 5, 123456789, time.UTC)
	tests := []struct {
		name string
		rec  NodeRecord
	}{
		{"every field", filledRecord(t)},
		{"empty", NodeRecord{}},
		{"pending", NodeRecord{Module: "echo", Status: StatusPending}},
		{"empty resume", NodeRecord{Resume: &ResumeInfo{}}},
		{"resume, one field", NodeRecord{Resume: &ResumeInfo{OutputsCut: true}}},
		{"resume, a later field first", NodeRecord{Resume: &ResumeInfo{SpecialFloats: []string{"/x"}, OutputsMasked: true}}},
		{"empty maps are left out", NodeRecord{Module: "m", Status: StatusSkipped, Inputs: map[string]any{}, Outputs: map[string]any{}}},
		{"times in another zone", NodeRecord{Module: "m", StartedAt: when.In(time.FixedZone("x", 3600)), FinishedAt: when}},
		{"numbers", NodeRecord{Outputs: map[string]any{
			"zero": 0.0, "neg0": math.Copysign(0, -1), "int": 42.0, "frac": 0.1, "tiny": 1e-7, "small": 1e-6,
			"big": 1e21, "below": 1e20 + 1, "max": math.MaxFloat64, "min": math.SmallestNonzeroFloat64, "neg": -2.5e-9,
			"goint": 7, "int64": int64(-9), "nan": math.NaN(), "inf": math.Inf(1), "-inf": math.Inf(-1),
		}}},
		{"strings", NodeRecord{Message: "a\x00b\x1f\b\f\n\r\t\\\"<>&\u2028\u2029\x7f", Reason: "bad \xff\xfe utf-8 \xe2\x82", Outputs: map[string]any{
			"é": "日本", "": "", "<k>": "\U0001F600",
		}}},
		{"nested", NodeRecord{Inputs: map[string]any{"l": []any{map[string]any{"z": 1.0, "a": []any{}}, []any{nil}}, "m": map[string]any{}, "nilmap": map[string]any(nil), "nillist": []any(nil)}}},
		{"other Go types", NodeRecord{Inputs: map[string]any{
			"ints": []int{1, 2}, "strs": map[string]string{"b": "1", "a": "<"}, "f32": float32(0.1), "u8": uint8(3),
			"floats": []float64{1, math.NaN()}, "nested": map[string]any{"x": []float64{math.Inf(1)}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// json.Marshal fails on a non-finite number in a struct: the
			// reference is the record with its maps made JSON-safe first,
			// as prepare makes them.
			safe := tt.rec
			safe.Inputs, safe.Outputs = jsonSafe(safe.Inputs), jsonSafe(safe.Outputs)
			want, err := modules.MarshalJSON(&safe)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendNodeRecord(nil, &tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("record:\n got %s\nwant %s", got, want)
			}
			wantLine, err := modules.MarshalJSON(JournalLine{Run: "r<1>", Node: "n\u2028", NodeRecord: &safe})
			if err != nil {
				t.Fatal(err)
			}
			gotLine, err := appendJournalLine(nil, "r<1>", "n\u2028", &tt.rec, false)
			if err != nil {
				t.Fatal(err)
			}
			if string(gotLine) != string(wantLine) {
				t.Errorf("journal line:\n got %s\nwant %s", gotLine, wantLine)
			}
		})
	}
}

func TestAppendNodeRecordRefusesAYearPastRFC3339(t *testing.T) {
	rec := NodeRecord{StartedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := json.Marshal(&rec); err == nil {
		t.Fatal("json.Marshal took a year past 9999; the test's premise is gone")
	}
	if _, err := appendNodeRecord(nil, &rec); err == nil {
		t.Error("appendNodeRecord wrote a year past 9999, which json.Marshal refuses")
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\u2028\u2029", "\xff", "é\x00", "\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func FuzzAppendFloat(f *testing.F) {
	for _, x := range []float64{0, 1, -1.5, 1e-7, 1e21, 123456789e-15, math.MaxFloat64} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		want, err := modules.MarshalJSON(x)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFloat(nil, x); string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, want %s", x, got, want)
		}
	})
}
