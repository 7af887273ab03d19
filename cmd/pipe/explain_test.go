package main

import (
	"fmt"
	"strings"
	"testing"
)

// A long critical path is said by its ends: a chain of 10,000 nodes was
// one line of them all.
func TestChainText(t *testing.T) {
	chain := func(n int) []string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("n%d", i)
		}
		return ids
	}
	tests := []struct {
		name string
		ids  []string
		want string
	}{
		{"one", chain(1), "n0"},
		{"two", chain(2), "n0 -> n1"},
		{"twelve, all said", chain(12), "n0 -> n1 -> n2 -> n3 -> n4 -> n5 -> n6 -> n7 -> n8 -> n9 -> n10 -> n11"},
		{"thirteen", chain(13), "n0 -> n1 -> n2 -> n3 -> n4 -> … 3 more … -> n8 -> n9 -> n10 -> n11 -> n12"},
		{"ten thousand", chain(10000), "n0 -> n1 -> n2 -> n3 -> n4 -> … 9990 more … -> n9995 -> n9996 -> n9997 -> n9998 -> n9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chainText(tt.ids); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// pipe explain after a run of a long chain names its ends only.
func TestExplainLongChain(t *testing.T) {
	dir := t.TempDir()
	src := "name: chain\nnodes:\n  n0: {module: echo}\n"
	for i := 1; i < 40; i++ {
		src += fmt.Sprintf("  n%d: {module: echo, needs: n%d}\n", i, i-1)
	}
	writeFiles(t, dir, map[string]string{"p.yaml": src})
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	r := pipeIn(t, dir, nil, "explain", "p.yaml")
	want := "along n0 -> n1 -> n2 -> n3 -> n4 -> … 30 more … -> n35 -> n36 -> n37 -> n38 -> n39 (however"
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("explain: exit %d, want %q\n%s%s", r.code, want, r.stdout, r.stderr)
	}
}
