package engine

import (
	"slices"
	"testing"
)

// TestListKeys: a list's instances are named by their items when those
// are distinct short texts or numbers, else by index.
func TestListKeys(t *testing.T) {
	for _, tc := range []struct {
		name  string
		items []any
		want  []string
	}{
		{"texts", []any{"england", "spain"}, []string{"england", "spain"}},
		{"a range", []any{0, 1, 2, 10}, []string{"0", "1", "2", "10"}},
		{"falling numbers", []any{3, 2, -1}, []string{"3", "2", "-1"}},
		{"repeated numbers", []any{1, 2, 1}, []string{"0", "1", "2"}},
		{"repeated after a rise", []any{1, 2, 2}, []string{"0", "1", "2"}},
		{"a number and its text", []any{1, "1"}, []string{"0", "1"}},
		{"floats", []any{0.5, 1.5}, []string{"0.5", "1.5"}},
		{"repeated texts", []any{"a", "a"}, []string{"0", "1"}},
		{"a space", []any{"a b"}, []string{"0"}},
		{"maps", []any{map[string]any{"a": 1}}, []string{"0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := listKeys(tc.items); !slices.Equal(got, tc.want) {
				t.Errorf("listKeys(%v) = %q, want %q", tc.items, got, tc.want)
			}
		})
	}
}
