package temporal

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A follower tells a foreach node's instances as a local run shows them:
// each one's start, its lines, then its end, all between the node's
// fan-out and its end. It told no instance's start or end, and told the
// lines of the instances that ended last after the node's end.
func TestFollowerTellsInstancesBeforeTheirNodeEnds(t *testing.T) {
	type read struct {
		// nodes: id -> its status, and how: fanned (a foreach node whose
		// instances are n[a] and n[b]) or retrying (run again).
		nodes map[string]string
		outs  []string // the nodes whose outputs came with it
	}
	fanned := func(status string) string { return status + ",fanned" }
	for _, tt := range []struct {
		name  string
		reads []read
		want  string
	}{{
		name: "instances end one by one",
		reads: []read{
			{nodes: map[string]string{"n": fanned("running"), "n[a]": "running", "n[b]": "pending"}},
			{nodes: map[string]string{"n": fanned("running"), "n[a]": "success", "n[b]": "running"}, outs: []string{"n[a]"}},
			{nodes: map[string]string{"n": fanned("success"), "n[a]": "success", "n[b]": "success"}, outs: []string{"n[b]"}},
		},
		want: "start n; start n[a]; lines n[a]; end n[a] success; start n[b]; lines n[b]; end n[b] success; end n success",
	}, {
		name: "all in one read",
		reads: []read{
			{nodes: map[string]string{"n": fanned("success"), "n[a]": "success", "n[b]": "error", "after": "skipped"}, outs: []string{"n[b]", "n[a]"}},
		},
		want: "start n; start n[a]; lines n[a]; end n[a] success; start n[b]; lines n[b]; end n[b] error; end n success; end after skipped",
	}, {
		name: "an instance runs again",
		reads: []read{
			{nodes: map[string]string{"n": fanned("running"), "n[a]": "running"}},
			{nodes: map[string]string{"n": fanned("running"), "n[a]": "running,retrying"}, outs: []string{"n[a]"}},
			{nodes: map[string]string{"n": fanned("success"), "n[a]": "success"}, outs: []string{"n[a]"}},
		},
		want: "start n; start n[a]; lines n[a]; retry n[a]; lines n[a]; end n[a] success; end n success",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			var told []string
			f := &Follower{Order: []string{"n", "after"},
				OnEvent: func(ev engine.Event) {
					if ev.Kind == engine.NodeStarted {
						told = append(told, "start "+ev.Node)
						return
					}
					told = append(told, fmt.Sprintf("end %s %s", ev.Node, ev.Record.Status))
				},
				OnOutput: func(o NodeOutput) { told = append(told, "lines "+o.Node) },
				OnRetry:  func(node, _, _ string) { told = append(told, "retry "+node) },
				seen:     map[string]engine.Status{}, tries: map[string]int{},
			}
			for _, r := range tt.reads {
				rec := &engine.Record{Nodes: map[string]*engine.NodeRecord{}}
				for id, st := range r.nodes {
					status, how, _ := strings.Cut(st, ",")
					n := &engine.NodeRecord{Status: engine.Status(status), Module: "exec"}
					switch {
					case how == "fanned":
						n.Items = []string{"a", "b"}
					case how == "retrying":
						n.Attempts, n.Reason = 1, "attempt 1 failed, retrying in 1s"
					case status != "pending" && status != "skipped":
						n.Attempts = 1
					}
					rec.Nodes[id] = n
				}
				var outs []NodeOutput
				for _, id := range r.outs {
					outs = append(outs, NodeOutput{Node: id, OutputTail: OutputTail{Lines: []string{"x"}}})
				}
				f.tell(rec, outs)
			}
			if got := strings.Join(told, "; "); got != tt.want {
				t.Errorf("told\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}
