package schema_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// TestREADMEKeyTables holds the README's tables of pipeline and node keys
// to the loader's: a key added to the loader and not documented, or
// documented and not read, fails here.
func TestREADMEKeyTables(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		header string
		want   []string
	}{
		{"| pipeline key | meaning |", schema.PipelineKeys},
		{"| node key | meaning |", schema.NodeKeys},
	} {
		got := tableKeys(string(data), tc.header)
		if got == nil {
			t.Errorf("README has no table headed %q", tc.header)
			continue
		}
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("README table %q lists %v; the loader reads %v", tc.header, got, want)
		}
	}
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// tableKeys returns, sorted, the keys in the first column of the
// Markdown table under header (`x-...` extension keys left out).
func tableKeys(readme, header string) []string {
	i := strings.Index(readme, header)
	if i < 0 {
		return nil
	}
	keys := []string{}
	for n, line := range strings.Split(readme[i:], "\n") {
		if n < 2 {
			continue // the header and its rule
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		first := strings.SplitN(line, "|", 3)[1]
		for _, m := range codeSpan.FindAllStringSubmatch(first, -1) {
			if !strings.HasPrefix(m[1], "x-") {
				keys = append(keys, m[1])
			}
		}
	}
	slices.Sort(keys)
	return keys
}
