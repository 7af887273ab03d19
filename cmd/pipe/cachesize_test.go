package main

import (
	"strings"
	"testing"
)

// A size above 0 is never 0, which means no limit (0.5 and 0.0001KiB
// were), and what is not a size is refused (nan was 0).
func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"256MiB", 256 << 20, false},
		{"1G", 1 << 30, false},
		{"1048576", 1 << 20, false},
		{"0", 0, false},
		{"0.5", 1, false},
		{"0.0001KiB", 1, false},
		{"1.5KB", 1500, false},
		{"nan", 0, true},
		{"NaN MiB", 0, true},
		{"inf", 0, true},
		{"-1", 0, true},
		{"lots", 0, true},
	} {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.Contains(err.Error(), "is not a size") {
			t.Errorf("parseSize(%q): %v", tt.in, err)
		}
	}
}
