package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

type showCmd struct {
	Ref     string `arg:"" name:"run" optional:"" default:"last" help:"The run: last (the default), a run id or a unique start of one, or a record file."`
	RunsDir string `help:"Where run records are." default:".pipe/runs"`
	JSON    bool   `help:"Print the run record as JSON."`
}

// maxShownValue bounds an output's text in pipe show; the record has it whole.
const maxShownValue = 100

func (c *showCmd) Run(e *env) error {
	if c.Ref == "" {
		return fail(exitUsage, "name a run: last, a run id or its unique start (pipe runs lists them)")
	}
	path, err := engine.FindRun(c.RunsDir, c.Ref)
	if err != nil {
		return fail(exitFailed, "%s: %w", c.Ref, err)
	}
	rec, err := readRun(e, path)
	if errors.Is(err, engine.ErrRunLive) {
		// Still going: what its journal says so far.
		rec, err = engine.LiveRecord(path)
	}
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rec)
	}
	w := e.stdout
	fmt.Fprintf(w, "run %s: %s", rec.ID, rec.Status)
	if rec.Reason != "" {
		fmt.Fprintf(w, " (%s)", schema.OneLine(rec.Reason))
	}
	fmt.Fprintf(w, "\npipeline %s", rec.Pipeline)
	if rec.File != "" {
		fmt.Fprintf(w, " (%s)", rec.File)
	}
	took := "took " + took(rec.Status, rec.DurationMS, "at least ", " (to its journal's last write: when pipe died is not known)")
	switch {
	case rec.Status == engine.StatusRunning && rec.Remote != "":
		took = "going for " + (time.Duration(rec.DurationMS) * time.Millisecond).String() + " on " + rec.Remote + ", shown from the journal of the pipe that follows it (node logs are on the workers)"
	case rec.Status == engine.StatusRunning:
		took = "going for " + (time.Duration(rec.DurationMS) * time.Millisecond).String() + ", shown from its journal (pipe logs -f " + rec.ID + " follows it)"
	case rec.Status == engine.StatusDetached:
		took = "on " + rec.Remote + " (how it stands is known there, not here)"
	}
	fmt.Fprintf(w, "\nstarted %s, %s", rec.StartedAt.Local().Format(time.DateTime), took)
	if rec.Version != "" || rec.Host != "" {
		fmt.Fprintf(w, ", pipe %s on %s", orDash(rec.Version), orDash(rec.Host))
	}
	fmt.Fprintln(w)
	if len(rec.Config) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CONFIG\tVALUE\tFROM")
		for _, k := range slices.Sorted(maps.Keys(rec.Config)) {
			v := rec.Config[k]
			fmt.Fprintf(tw, "%s\t%s\t%s\n", k, shown(v.Value), v.From)
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
	waits := waitingFor(rec)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tSTATUS\tDURATION\tATTEMPTS\tREASON / OUTPUTS")
	for _, id := range showOrder(rec) {
		n := rec.Nodes[id]
		dur, attempts := "", ""
		if n.Attempts > 0 {
			dur, attempts = n.Duration().Round(time.Millisecond).String(), fmt.Sprint(n.Attempts)
		}
		detail := rowReason(n) // show --json has it whole
		if detail == "" && len(n.Outputs) > 0 {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(n.Outputs)) {
				parts = append(parts, k+"="+shown(n.Outputs[k]))
			}
			detail = clipText(strings.Join(parts, " "), 2*maxShownValue)
		}
		status := string(n.Status)
		if n.Reason == engine.NotEndedReason {
			// The journal has each node's end, not its start: one not
			// ended yet may be running, or waiting for its needs or a slot.
			status, detail = "-", "running or waiting: "+engine.NotEndedReason
			if needs, known := waits[id]; known && len(needs) > 0 {
				detail = "waiting for " + strings.Join(needs, ", ")
			} else if known {
				detail = "running (or waiting for a slot): " + engine.NotEndedReason
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, status, dur, attempts, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	printOutputs(w, rec.Outputs)
	return nil
}

// showOrder lists the nodes of rec by id, each foreach node followed by
// its instances, node[key], in item order, and each pipeline node (or
// instance) by its sub-pipeline's nodes, node/child.
func showOrder(rec *engine.Record) []string {
	ids := make([]string, 0, len(rec.Nodes))
	var top []string
	children := map[string][]string{}
	for _, id := range slices.Sorted(maps.Keys(rec.Nodes)) {
		if strings.HasSuffix(id, "]") && strings.Contains(id, "[") {
			if parent := rec.Nodes[id[:strings.IndexByte(id, '[')]]; parent != nil && parent.FannedOut() {
				continue // listed after its node
			}
		}
		if k := strings.LastIndexByte(id, '/'); k > 0 && rec.Nodes[id[:k]] != nil {
			children[id[:k]] = append(children[id[:k]], id)
			continue // listed after its pipeline node
		}
		top = append(top, id)
	}
	var add func(id string)
	add = func(id string) {
		ids = append(ids, id)
		for _, child := range children[id] {
			add(child)
		}
		if n := rec.Nodes[id]; n.FannedOut() {
			for _, iid := range n.InstanceIDs(id) {
				if rec.Nodes[iid] != nil {
					add(iid)
				}
			}
		}
	}
	for _, id := range top {
		add(id)
	}
	return ids
}

// shown writes a value on one line, cut.
func shown(v any) string {
	s, ok := v.(string)
	if !ok {
		b, _ := modules.MarshalJSON(v)
		s = string(b)
	}
	// A node's output must not drive the terminal: control bytes show as ?.
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return '?'
		}
		return r
	}, strings.Join(strings.Fields(s), " "))
	return clipText(s, maxShownValue)
}

func clipText(s string, n int) string {
	s = schema.OneLine(s)
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// waitingFor tells, of each node of a run still going that has not
// ended, the needs it waits for (none: it runs, or waits for a slot),
// from the pipeline file the record names when it is still the file the
// run ran (the same hash): its journal has each node's end, not its
// start. nil when the file is not at hand or changed since: show says
// only "running or waiting" then. It costs show a load of the file; the
// run pays nothing for it.
func waitingFor(rec *engine.Record) map[string][]string {
	if rec.Status != engine.StatusRunning || rec.File == "" || rec.FileHash == "" || rec.Remote != "" {
		return nil
	}
	plan, err := engine.Load(rec.File, modules.Default)
	if err != nil || plan.SourceHash() != rec.FileHash {
		return nil
	}
	waits := map[string][]string{}
	g := plan.Graph
	for i := range g.Len() {
		id := g.ID(i)
		if n := rec.Nodes[id]; n == nil || n.Reason != engine.NotEndedReason {
			continue
		}
		needs := []string{}
		for _, j := range g.Needs(i) {
			if m := rec.Nodes[g.ID(j)]; m == nil || m.Reason == engine.NotEndedReason {
				needs = append(needs, g.ID(j))
			}
		}
		waits[id] = needs
	}
	return waits
}
