//go:build !notemporal

package main

import (
	"fmt"

	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

// remoteOutput shows what the nodes of a run on Temporal printed, as
// their workers send it back (the last lines of each attempt), the way
// a local run shows its nodes' lines: through the output (--output), or
// as log records for machines. It is told an attempt's lines before its
// end (an instance's too), so a grouped output shows them as the node
// ends.
type remoteOutput struct {
	logs *logs
	out  *output
}

func (r *remoteOutput) show(o temporal.NodeOutput) {
	if r.out == nil && !r.logs.machine {
		return
	}
	if o.Attempt > 1 || o.Retried {
		// Each attempt's lines, under the attempt's own.
		what := ""
		if o.Retried {
			what = ", run again after it"
		}
		r.say(o, fmt.Sprintf("[attempt %d on worker %s%s]", o.Attempt, o.Worker, what))
	}
	if o.Earlier > 0 {
		where := "on worker " + o.Worker
		if o.LogFile != "" {
			where += ": " + o.LogFile
		}
		r.say(o, fmt.Sprintf("[... %s %s]", plural(o.Earlier, "earlier line"), where))
	}
	for i, text := range o.Lines {
		if r.logs.machine {
			r.logs.node(o.Node).Info(text, modules.StreamAttr, o.Stream(i))
			continue
		}
		r.out.line(o.Node, text)
	}
}

// say shows a line of pipe's own among a node's lines.
func (r *remoteOutput) say(o temporal.NodeOutput, text string) {
	if r.logs.machine {
		r.logs.node(o.Node).Info(text, "attempt", o.Attempt, "worker", o.Worker)
		return
	}
	r.out.line(o.Node, text)
}

// dropped says that some nodes' lines were not kept for this client.
func (r *remoteOutput) dropped() {
	r.logs.base.Warn("the output of some nodes is not shown: they printed faster than it could be followed; pipe logs RUN NODE says where each node's log is on its worker")
}
