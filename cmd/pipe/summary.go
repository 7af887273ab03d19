package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/schema"
)

// summaryLimit is the most nodes the summary lists one by one; past it, it
// lists the ones that did not succeed.
const summaryLimit = 100

// printSummary writes the summary of run rec of plan, recorded at path,
// to out; the error is out's.
func printSummary(out io.Writer, plan *engine.Plan, rec *engine.Record, path string) (err error) {
	// tabwriter writes each cell and each padding on its own: on a file
	// or a pipe, that was a system call per cell, ten per node.
	w := bufio.NewWriter(out)
	defer func() {
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
	}()
	counts, tolerated := rec.Tally()
	all := 0
	for _, n := range counts {
		all += n
	}
	// A foreach node succeeded when each of its instances did.
	allSucceeded := counts[engine.StatusSuccess] == all
	// Past summaryLimit rows only the nodes that did not succeed are
	// listed: when every node succeeded, there is nothing to order.
	if plan.Graph.Len() <= summaryLimit || !allSucceeded {
		printTable(w, recordOrder(plan.Graph, rec))
	}
	printOutputs(w, rec.Outputs)
	length := "in " + took(rec.Status, rec.DurationMS, "at least ", "")
	if rec.FinishedAt.IsZero() && !rec.StartedAt.IsZero() {
		length = "for " + time.Since(rec.StartedAt).Round(time.Second).String()
	}
	// Running and pending nodes are in the record of a run that goes on
	// (pipe status of a run on Temporal).
	fmt.Fprintf(w, "\nrun %s: %s %s (%s)", rec.ID, rec.Status, length, engine.CountsText(counts, tolerated))
	if rec.Reason != "" {
		fmt.Fprintf(w, ": %s", schema.OneLine(rec.Reason))
	}
	fmt.Fprintln(w)
	if path != "" {
		fmt.Fprintf(w, "record: %s\n", path)
	}
	return nil
}

// printOutputs lists the pipeline's own `outputs:` as the run's end
// evaluated them (what a parent's pipeline node gets), in key order.
func printOutputs(w io.Writer, outputs map[string]any) {
	if len(outputs) == 0 {
		return
	}
	fmt.Fprintln(w, "\noutputs:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, k := range slices.Sorted(maps.Keys(outputs)) {
		fmt.Fprintf(tw, "  %s\t%s\n", k, shown(outputs[k]))
	}
	tw.Flush()
}

// printTable lists the nodes of a run, one per row, and the end of each
// failed node's output; past summaryLimit rows, only the nodes that did
// not succeed, the first summaryLimit of them and a count of the others
// (pipe show lists them all). A big run that all succeeded gets no table: a header over
// no rows said nothing (and printSummary does not order 100,000 rows only
// to skip them all, which was 20-40 ms).
func printTable(w io.Writer, rows []row) {
	if len(rows) > summaryLimit && !slices.ContainsFunc(rows, func(r row) bool { return r.rec.Status != engine.StatusSuccess }) {
		return // no row to list under a header
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tSTATUS\tDURATION\tATTEMPTS\tREASON")
	listed, unlisted := 0, 0
	for _, row := range rows {
		id, n := row.id, row.rec
		if len(rows) > summaryLimit && n.Status == engine.StatusSuccess {
			continue
		}
		if listed >= summaryLimit {
			unlisted++
			continue
		}
		listed++
		dur := ""
		if d := n.Duration(); d > 0 || n.Attempts > 0 {
			dur = d.Round(time.Millisecond).String()
		}
		attempts := ""
		if n.Attempts > 0 {
			attempts = fmt.Sprint(n.Attempts)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, n.Status, dur, attempts, rowReason(n))
	}
	if unlisted > 0 {
		fmt.Fprintf(tw, "... %d more\t\t\t\t\n", unlisted)
	}
	tw.Flush()
	printFailures(w, rows)
}

// maxReasonShown bounds, in bytes, the reason a summary row shows: a
// program's 40 kB exception message would fill the terminal (the record
// and pipe show have it whole).
const maxReasonShown = 300

// maxFailuresShown bounds how many failed nodes' output the summary shows.
const maxFailuresShown = 10

// printFailures shows, under the table, the end of each failed node's
// output that its message carries (a program's last stderr lines), whole
// lines, so a failure can be read without opening the record.
func printFailures(w io.Writer, rows []row) {
	shown := 0
	for _, row := range rows {
		id, n := row.id, row.rec
		if n.Status != engine.StatusError {
			continue
		}
		head, rest, multi := strings.Cut(n.Message, "\n")
		if !multi {
			continue
		}
		if shown++; shown > maxFailuresShown {
			fmt.Fprintln(w, "\n(more failed nodes: see the record)")
			return
		}
		fmt.Fprintf(w, "\n%s: %s\n", id, clipText(head, maxReasonShown))
		for line := range strings.Lines(rest) {
			fmt.Fprintf(w, "  | %s\n", schema.OneLine(strings.TrimSuffix(line, "\n")))
		}
	}
}

// row is a node of a run's record, under its id.
type row struct {
	id  string
	rec *engine.NodeRecord
}

// recordOrder lists the nodes of rec in the graph's order, each foreach
// node followed by its instances, node[key], in item order. Each is
// looked up once: at 100,000 nodes, a lookup per node per use of the list
// was 40 ms of the summary.
func recordOrder(g *dag.Graph, rec *engine.Record) []row {
	rows := make([]row, 0, len(rec.Nodes))
	for i := range g.Len() {
		id := g.ID(i)
		n := rec.Nodes[id]
		if n == nil {
			continue
		}
		rows = append(rows, row{id, n})
		if n.FannedOut() {
			for _, inst := range n.InstanceIDs(id) {
				if r := rec.Nodes[inst]; r != nil {
					rows = append(rows, row{inst, r})
				}
			}
		}
	}
	return rows
}

// rowReason is what a table row of node n says of how it ended: its
// reason, or a failed node's message (its first line, clipped; the
// record has it whole), with a tolerated failure said to be one.
func rowReason(n *engine.NodeRecord) string {
	reason := n.Reason
	if n.Status == engine.StatusError && n.Message != "" {
		reason = strings.TrimSuffix(firstLine(n.Message), "; stderr ends:")
	}
	reason = clipText(reason, maxReasonShown)
	if n.Tolerated() && n.Message != "" && !n.FannedOut() { // else the reason or the message says so
		reason += " (tolerated: continue_on_error)"
	}
	return reason
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// runExit is how pipe exits after a run that ended with status: 0 when
// it succeeded and its record was written, 130 when it was cancelled,
// else 1.
func runExit(status engine.Status, recorded bool) error {
	switch status {
	case engine.StatusSuccess:
		if !recorded {
			return silent(exitFailed)
		}
		return nil
	case engine.StatusCancelled:
		return silent(exitInterrupted)
	}
	return silent(exitFailed)
}
