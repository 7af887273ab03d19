package engine

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/pipe-run/pipe/dag"
)

// WriteDOT draws the plan's graph; with a record, coloured by its results.
func WriteDOT(w io.Writer, plan *Plan, rec *Record) error {
	opts := dag.DOTOptions{Dangerous: plan.Dangerous, Clusters: clusters(plan)}
	if rec != nil {
		opts.Results = make(map[string]dag.NodeResult, len(rec.Nodes))
		for id, n := range rec.Nodes {
			reason := n.Reason
			if n.Status == StatusError && n.Message != "" && (reason == "failed" || strings.HasPrefix(reason, "failed after ")) {
				reason += ": " + n.Message // what failed, not only that it did
			}
			opts.Results[id] = dag.NodeResult{
				Status:   string(n.Status),
				Reason:   reason,
				Duration: time.Duration(n.DurationMS) * time.Millisecond,
				Attempts: n.Attempts,
				Items:    n.Items,
			}
		}
	}
	return dag.WriteDOT(w, plan.Pipeline, plan.Graph, opts)
}

// Graph implements modules.RunInfo: the graph coloured with the run so far.
func (c *core) Graph() ([]byte, error) {
	var buf bytes.Buffer
	err := WriteDOT(&buf, c.plan, c.snapshot())
	return buf.Bytes(), err
}

// clusters are the sub-pipelines of plan's pipeline nodes, for drawing.
func clusters(plan *Plan) map[string]dag.Cluster {
	var out map[string]dag.Cluster
	for _, pn := range plan.nodes {
		if pn.sub == nil {
			continue
		}
		if out == nil {
			out = map[string]dag.Cluster{}
		}
		out[pn.ID] = dag.Cluster{Pipeline: pn.sub.Pipeline, Graph: pn.sub.Graph, Dangerous: pn.sub.Dangerous, Clusters: clusters(pn.sub)}
	}
	return out
}
