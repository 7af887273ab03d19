package engine_test

import (
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A resumed run keeps the nodes its selection leaves out that succeeded
// in the run it resumes and would be kept were they selected, so that a
// resume of it keeps them too; one that would run again is not selected,
// as before.
func TestResumeCarriesOverWhatItDoesNotSelect(t *testing.T) {
	const src = `name: p
config: {N: 1}
nodes:
  x: {module: echo, cache: false, with: {v: 1}}
  xd: {module: echo, cache: false, needs: [x], with: {v: "${{ nodes.x.outputs.v }}"}}
  n: {module: echo, cache: false, with: {n: "${{ config.N }}"}}
  y: {module: echo, cache: false, with: {v: 2}}
`
	const fromR0, fromR1 = engine.KeptPrefix + "r0", engine.KeptPrefix + "r1"
	for _, tt := range []struct {
		name string
		// second is the resumed run's options; third, when set, a run
		// resumed from that one.
		second, third *engine.Options
		want          map[string]string // the reason of each node, exactly
	}{
		{name: "--only", second: &engine.Options{Only: []string{"y"}},
			want: map[string]string{"x": fromR0, "xd": fromR0, "n": fromR0, "y": fromR0}},
		{name: "--only, a config value one reads changed", second: &engine.Options{Only: []string{"y"}, Config: map[string]any{"N": 2}},
			want: map[string]string{"x": fromR0, "n": "not selected by --only", "y": fromR0}},
		{name: "--skip", second: &engine.Options{Skip: []string{"x"}},
			want: map[string]string{"x": fromR0, "xd": fromR0, "y": fromR0}},
		{name: "a resume of a resume with --only", second: &engine.Options{Only: []string{"y"}}, third: &engine.Options{},
			want: map[string]string{"x": fromR1, "xd": fromR1, "n": fromR1, "y": fromR1}},
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
					opts.Config = map[string]any{"N": 1}
				}
				prev = tm.run(t, src, *opts)
			}
			for id, reason := range tt.want {
				if n := prev.Nodes[id]; n.Reason != reason {
					t.Errorf("node %s: %s, reason %q; want reason %q", id, n.Status, n.Reason, reason)
				}
			}
		})
	}
}
