package engine_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A dry run of a resumed run says what the run does with a foreach node:
// which instances it keeps and which it runs, and whether the nodes
// below it keep theirs. Each case's claim is checked against the run.
func TestDryRunOfResumeSaysWhatTheRunDoesWithAForeachNode(t *testing.T) {
	const src = `name: p
config: {L: "a,b"}
nodes:
  list: {module: echo, with: {items: [x, y]}}
  f: {module: echo, foreach: '${{ split(config.L, ",") }}', with: {v: "${{ item }}"}}
  fd: {module: echo, needs: [f], with: {v: "${{ nodes.f.outputs.v }}"}}
  g: {module: echo, needs: [list], foreach: '${{ nodes.list.outputs.items }}', with: {v: "${{ item }}"}}
`
	for _, tt := range []struct {
		name string
		now  string // config L of the resumed run
		only []string
		// want is what the dry run says of f (its Would, and a part of
		// its why).
		would engine.Would
		want  string
	}{
		{name: "the same items", now: "a,b", would: engine.WouldKeep, want: "kept from run r0 with its 2 instances"},
		{name: "one more item", now: "a,b,c", would: engine.WouldRun, want: "3 instances: keeps 2 from run r0 (f[a], f[b]); runs 1: f[c] (a new item)"},
		{name: "other items", now: "b,c", would: engine.WouldRun, want: "runs 2: f[b] (what it reads changed: config L (b,c, was a,b)), f[c] (a new item)"},
		{name: "fewer items", now: "a", would: engine.WouldRun, want: "keeps its 1 instance, but not kept from run r0: its items changed (1, was 2)"},
		{name: "left out by --only", now: "a,b", only: []string{"list"}, would: engine.WouldKeep, want: "kept from run r0 with its 2 instances (not selected by --only)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			first := tm.run(t, src, engine.Options{RunID: "r0"})
			back, keep := resumeRecord(t, first)
			opts := engine.Options{RunID: "r1", Only: tt.only, Config: map[string]any{"L": tt.now},
				Keep: keep, KeptFrom: back.ID, KeptConfig: back.Config, KeptRun: back.Resume}
			plan, err := engine.Parse("test.yaml", []byte(src), tm.reg)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := engine.New(tm.reg).Explain(plan, opts)
			if err != nil {
				t.Fatal(err)
			}
			said := map[string]engine.Explanation{}
			for _, e := range ex {
				said[e.Node] = e
			}
			if f := said["f"]; f.Would != tt.would || !strings.Contains(f.Why, tt.want) {
				t.Fatalf("dry run says f would %s: %s\nwant %s: ...%s...", f.Would, f.Why, tt.would, tt.want)
			}
			if g := said["g"]; g.Would != engine.WouldKeep {
				t.Errorf("dry run says g, over a kept need's outputs, would %s: %s", g.Would, g.Why)
			}

			rec := tm.run(t, src, opts)
			var kept, ran []string
			for id, n := range rec.Nodes {
				if !strings.HasPrefix(id, "f[") {
					continue
				}
				if strings.HasPrefix(n.Reason, engine.KeptPrefix) {
					kept = append(kept, id)
				} else {
					ran = append(ran, id)
				}
			}
			slices.Sort(kept)
			if claimed := claimedKept(said["f"], len(kept)+len(ran)); !slices.Equal(claimed, kept) {
				t.Errorf("dry run claims f keeps %v, the run kept %v (ran %v)", claimed, kept, ran)
			}
			fdKept := strings.HasPrefix(rec.Nodes["fd"].Reason, engine.KeptPrefix)
			if fdKept != (said["fd"].Would == engine.WouldKeep) {
				t.Errorf("dry run says fd would %s (%s); the run: %s", said["fd"].Would, said["fd"].Why, rec.Nodes["fd"].Reason)
			}
		})
	}
}

var keepsClaim = regexp.MustCompile(`keeps \d+ from run \S+ \(([^)]*)\)`)

// claimedKept is the instances of foreach node f a dry run says its run
// keeps, sorted, n being how many instances the run made.
func claimedKept(e engine.Explanation, n int) []string {
	if e.Would == engine.WouldKeep || strings.Contains(e.Why, "keeps its ") {
		var all []string
		for _, k := range []string{"a", "b", "c"}[:n] {
			all = append(all, "f["+k+"]")
		}
		return all
	}
	m := keepsClaim.FindStringSubmatch(e.Why)
	if m == nil {
		return nil
	}
	ids := strings.Split(m[1], ", ")
	slices.Sort(ids)
	return ids
}
