package engine_test

import (
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A resumed run keeps the nodes its selection leaves out that succeeded
// in the run it resumes and would be kept were they selected, so that a
// resume of it keeps them too; one that would run again is not selected,
// as before. A foreach node carries over with its instances when every
// one would be kept and they are the instances it had.
func TestResumeCarriesOverWhatItDoesNotSelect(t *testing.T) {
	const src = `name: p
config: {N: 1, L: "a,b"}
nodes:
  x: {module: echo, cache: false, with: {v: 1}}
  xd: {module: echo, cache: false, needs: [x], with: {v: "${{ nodes.x.outputs.v }}"}}
  n: {module: echo, cache: false, with: {n: "${{ config.N }}"}}
  y: {module: echo, cache: false, with: {v: 2}}
  f: {module: echo, foreach: '${{ split(config.L, ",") }}', with: {v: "${{ item }}"}}
  fd: {module: echo, needs: [f], with: {v: "${{ nodes.f.outputs.v }}"}}
`
	const fromR0, fromR1 = engine.KeptPrefix + "r0", engine.KeptPrefix + "r1"
	const absent = "(not in the record)"
	for _, tt := range []struct {
		name string
		// second is the resumed run's options; third, when set, a run
		// resumed from that one.
		second, third *engine.Options
		want          map[string]string // the reason of each node, exactly
	}{
		{name: "--only", second: &engine.Options{Only: []string{"y"}},
			want: map[string]string{"x": fromR0, "xd": fromR0, "n": fromR0, "y": fromR0, "f": "", "f[a]": fromR0, "f[b]": fromR0, "fd": fromR0}},
		{name: "--only, a foreach node's items changed", second: &engine.Options{Only: []string{"y"}, Config: map[string]any{"N": 1, "L": "a,b,c"}},
			want: map[string]string{"y": fromR0, "f": "not selected by --only", "f[a]": absent, "fd": "not selected by --only"}},
		{name: "--only, a foreach node's items fewer", second: &engine.Options{Only: []string{"y"}, Config: map[string]any{"N": 1, "L": "a"}},
			want: map[string]string{"y": fromR0, "f": "not selected by --only", "f[a]": absent, "fd": "not selected by --only"}},
		{name: "a foreach node's items fewer, its instances kept", second: &engine.Options{Config: map[string]any{"N": 1, "L": "a"}},
			want: map[string]string{"f": "not kept from run r0: its items changed (1, was 2)", "f[a]": fromR0, "fd": "not kept from run r0: its need f was not kept"}},
		{name: "--only, a config value one reads changed", second: &engine.Options{Only: []string{"y"}, Config: map[string]any{"N": 2}},
			want: map[string]string{"x": fromR0, "n": "not selected by --only", "y": fromR0}},
		{name: "--skip", second: &engine.Options{Skip: []string{"x"}},
			want: map[string]string{"x": fromR0, "xd": fromR0, "y": fromR0}},
		{name: "a resume of a resume with --only", second: &engine.Options{Only: []string{"y"}}, third: &engine.Options{},
			want: map[string]string{"x": fromR1, "xd": fromR1, "n": fromR1, "y": fromR1, "f[b]": fromR1, "fd": fromR1}},
		{name: "a resume of a resume with --only, a foreach node's items changed", second: &engine.Options{Only: []string{"y"}}, third: &engine.Options{Config: map[string]any{"N": 1, "L": "b,a"}},
			want: map[string]string{"y": fromR1, "f": "", "f[b]": "not kept from run r1: what it reads changed: config L (b,a, was a,b)", "fd": "not kept from run r1: its need f was not kept"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			prev := tm.run(t, src, engine.Options{RunID: "r0"})
			for k, opts := range []*engine.Options{tt.second, tt.third} {
				if opts == nil {
					break
				}
				back, keep := resumeRecord(t, prev)
				opts.RunID = "r" + string(rune('1'+k))
				opts.Keep, opts.KeptFrom, opts.KeptConfig, opts.KeptRun = keep, back.ID, back.Config, back.Resume
				if opts.Config == nil {
					opts.Config = map[string]any{"N": 1, "L": "a,b"}
				}
				prev = tm.run(t, src, *opts)
			}
			for id, reason := range tt.want {
				n := prev.Nodes[id]
				if n == nil {
					if reason != absent {
						t.Errorf("node %s: not in the record; want reason %q", id, reason)
					}
					continue
				}
				if n.Reason != reason {
					t.Errorf("node %s: %s, reason %q; want reason %q", id, n.Status, n.Reason, reason)
				}
			}
		})
	}
}
