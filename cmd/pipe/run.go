package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

type runCmd struct {
	File        string   `arg:"" help:"The pipeline file."`
	Only        []string `help:"Run only these nodes (and what they need)." aliases:"modules" placeholder:"A,B"`
	Skip        []string `help:"Skip these nodes (and what needs them)." placeholder:"C"`
	NoWeb       bool     `help:"Skip web_interface nodes (and what needs them)."`
	Config      string   `help:"Read config overrides from this .env file." placeholder:"F.env"`
	Set         []string `short:"s" help:"Override a config key (repeatable)." sep:"none" placeholder:"K=V"`
	MaxParallel *int     `help:"How many nodes run at once, at least 1 (default: max_parallel, else the number of CPUs)." placeholder:"N"`
	Schedule    string   `help:"eager: start nodes as soon as their needs are done; levels: level by level." enum:"eager,levels" default:"eager"`
	JSON        bool     `help:"Print the run record as JSON on stdout instead of the summary."`
	RunsDir     string   `help:"Where run records are written." default:".pipe/runs"`
	DryRun      bool     `help:"Run nothing: say what each node would do, and why (as pipe explain)."`
	Resume      string   `help:"Run again only what did not succeed in this run (last, an id or its unique start); what succeeded keeps its outputs." placeholder:"RUN"`
	Force       bool     `help:"With --resume: keep outputs even if the pipeline file or config changed since."`
	Output      string   `help:"What nodes' programs print: prefixed (as it comes, after [node]), grouped (a block per node as it ends; GitHub Actions groups), quiet." enum:"prefixed,grouped,quiet" default:"prefixed"`
}

func (c *runCmd) Run(e *env) error {
	maxParallel := 0
	if c.MaxParallel != nil {
		if maxParallel = *c.MaxParallel; maxParallel < 1 {
			return fail(exitUsage, "--max-parallel %d: must be at least 1 (leave it out for the pipeline's max_parallel, else the number of CPUs)", maxParallel)
		}
	}
	eng := engine.New(modules.Default)
	eng.Logger = e.logs.slog()
	out := newOutput(c.Output, e.stderr)
	e.logs.out = out
	eng.NodeLogger = e.logs.node
	plan, err := eng.Load(c.File)
	if err != nil {
		return err
	}
	cfg, from, err := engine.ResolveConfigFrom(plan.Pipeline, engine.ConfigSources{EnvFile: c.Config, Environ: engine.OSEnviron, Set: c.Set})
	if err != nil {
		return err
	}
	var skipModules []string
	if c.NoWeb {
		skipModules = append(skipModules, "web_interface")
	}
	var keep map[string]engine.Kept
	var keptFrom string
	if c.Resume != "" {
		if keep, keptFrom, err = c.resume(e, plan, cfg); err != nil {
			return err
		}
	}
	if c.DryRun {
		return explain(e, eng, plan, engine.Options{Config: cfg, Only: c.Only, Skip: c.Skip, SkipModules: skipModules}, c.JSON)
	}
	prog := newProgress(e.logs, plan.Graph.Len())
	prog.out = out
	stopStatus := func() {}
	if e.logs.terminal && !e.logs.machine {
		// On a terminal, a status line under the log says how the run goes.
		sl := &statusLine{w: e.stderr}
		e.logs.redirect(sl)
		out.w = sl
		stopStatus = showStatus(sl, prog)
	}
	runID := engine.NewRunID()
	opts := engine.Options{
		Config: cfg, Only: c.Only, Skip: c.Skip, SkipModules: skipModules,
		MaxParallel: maxParallel, Schedule: engine.Schedule(c.Schedule),
		OnEvent: prog.event, RunID: runID, ConfigFrom: from, Version: fullVersion(), LogDir: filepath.Join(c.RunsDir, runID), Hurry: e.hurry,
		FileHash: fileHash(plan), Keep: keep, KeptFrom: keptFrom,
	}
	recoverRuns(e, c.RunsDir) // runs whose pipe was killed outright
	// The journal keeps the run's progress on disk until the record is
	// written, in case the process dies first. Creating it is also the
	// check that the runs directory takes files: a run that cannot be
	// recorded does not start.
	journalPath := filepath.Join(c.RunsDir, runID+engine.JournalSuffix)
	journal, err := createJournal(journalPath)
	if err != nil {
		return fail(exitFailed, "cannot record runs in %s: %w; make it writable, or choose another directory with --runs-dir", c.RunsDir, err)
	}
	opts.Journal = journal
	rec, err := eng.Run(e.ctx, plan, opts)
	stopStatus()
	if err != nil {
		journal.Close()
		os.Remove(journalPath)
		if errors.Is(err, engine.ErrJournal) {
			return fail(exitFailed, "cannot record runs in %s: %w; free some space or make it writable, or choose another directory with --runs-dir", c.RunsDir, err)
		}
		return err
	}
	path, werr := engine.WriteRecord(c.RunsDir, rec)
	// Closing unlocks the journal: closed earlier, it would look orphaned
	// to another pipe before the record is written.
	journal.Close()
	if werr != nil {
		e.logs.base.Error("could not write the run record; the journal keeps each node's end as far as it could be written", "err", werr, "journal", journalPath)
	} else {
		os.Remove(journalPath)
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rec); err != nil {
			return err
		}
	} else {
		printSummary(e.stdout, plan, rec, path)
		if werr != nil {
			fmt.Fprintf(e.stdout, "record: not written: %v\n", werr)
		}
	}
	switch rec.Status {
	case engine.StatusSuccess:
		if werr != nil {
			return silent(exitFailed)
		}
		return nil
	case engine.StatusCancelled:
		return silent(exitInterrupted)
	}
	return silent(exitFailed)
}

// progress logs nodes as they start and end. Large pipelines get a count
// once a second instead of a line a node.
type progress struct {
	logs  *logs
	log   *slog.Logger
	quiet bool
	total int
	last  time.Time
	out   *output // the grouped output is shown as a node ends

	mu            sync.Mutex // guards the counts below: the status line reads them
	done, running int
	failed        int
	names         map[string]bool // the nodes running
}

// perNodeLimit is the largest pipeline that gets a log line per node.
const perNodeLimit = 200

func newProgress(l *logs, total int) *progress {
	return &progress{logs: l, log: l.slog(), total: total, quiet: total > perNodeLimit, last: time.Now(), names: map[string]bool{}}
}

func (p *progress) event(ev engine.Event) {
	p.mu.Lock()
	switch ev.Kind {
	case engine.NodeStarted:
		p.names[ev.Node] = true
	case engine.NodeFinished:
		delete(p.names, ev.Node)
	}
	p.mu.Unlock()
	switch ev.Kind {
	case engine.NodeStarted:
		p.mu.Lock()
		p.running++
		p.mu.Unlock()
		if !p.quiet {
			p.logs.node(ev.Node).Info("started", "module", ev.Record.Module)
		}
	case engine.NodeFinished:
		if p.out != nil {
			p.out.end(ev.Node)
		}
		r := ev.Record
		p.mu.Lock()
		if ev.Record.Attempts > 0 { // it ran, so it was counted as running
			p.running--
		}
		p.done++
		if r.Status == engine.StatusError {
			p.failed++
		}
		p.mu.Unlock()
		if !p.quiet || r.Status == engine.StatusError {
			l := p.logs.node(ev.Node)
			switch r.Status {
			case engine.StatusSuccess:
				if r.Attempts == 0 { // kept from the run it resumes
					l.Info("kept", "reason", r.Reason)
					break
				}
				k, v := p.logs.duration(r.Duration())
				l.Info("done", k, v, "message", r.Message)
			case engine.StatusError:
				l.Error("failed", "err", r.Message)
			case engine.StatusSkipped:
				l.Info("skipped", "reason", r.Reason)
			case engine.StatusCancelled:
				l.Warn("cancelled", "reason", r.Reason)
			}
		}
	}
	if p.quiet && time.Since(p.last) >= time.Second {
		p.last = time.Now()
		p.mu.Lock()
		done, running, failed := p.done, p.running, p.failed
		p.mu.Unlock()
		p.log.Info("progress", "done", fmt.Sprintf("%d/%d", done, p.total), "running", running, "failed", failed)
	}
}

// summaryLimit is the most nodes the summary lists one by one; past it, it
// lists the ones that did not succeed.
const summaryLimit = 100

func printSummary(w io.Writer, plan *engine.Plan, rec *engine.Record, path string) {
	g := plan.Graph
	counts := map[engine.Status]int{}
	for _, n := range rec.Nodes {
		counts[n.Status]++
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tSTATUS\tDURATION\tATTEMPTS\tREASON")
	listed := 0
	for i := range g.Len() {
		id := g.ID(i)
		n := rec.Nodes[id]
		if g.Len() > summaryLimit && n.Status == engine.StatusSuccess {
			continue
		}
		if listed++; listed > summaryLimit {
			fmt.Fprintf(tw, "...\t\t\t\t\n")
			break
		}
		dur := ""
		if d := n.Duration(); d > 0 || n.Attempts > 0 {
			dur = d.Round(time.Millisecond).String()
		}
		attempts := ""
		if n.Attempts > 0 {
			attempts = fmt.Sprint(n.Attempts)
		}
		reason := n.Reason
		if n.Status == engine.StatusError && n.Message != "" {
			reason = strings.TrimSuffix(firstLine(n.Message), "; stderr ends:")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, n.Status, dur, attempts, reason)
	}
	tw.Flush()
	printFailures(w, g, rec)
	var parts []string
	for _, s := range []engine.Status{engine.StatusSuccess, engine.StatusError, engine.StatusSkipped, engine.StatusCancelled} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	dur := time.Duration(rec.DurationMS) * time.Millisecond
	fmt.Fprintf(w, "\nrun %s: %s in %s (%s)", rec.ID, rec.Status, dur, strings.Join(parts, ", "))
	if rec.Reason != "" {
		fmt.Fprintf(w, ": %s", rec.Reason)
	}
	fmt.Fprintln(w)
	if path != "" {
		fmt.Fprintf(w, "record: %s\n", path)
	}
}

// maxFailuresShown bounds how many failed nodes' output the summary shows.
const maxFailuresShown = 10

// printFailures shows, under the table, the end of each failed node's
// output that its message carries (a program's last stderr lines), whole
// lines, so a failure can be read without opening the record.
func printFailures(w io.Writer, g *dag.Graph, rec *engine.Record) {
	shown := 0
	for i := range g.Len() {
		id := g.ID(i)
		n := rec.Nodes[id]
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
		fmt.Fprintf(w, "\n%s: %s\n", id, head)
		for line := range strings.Lines(rest) {
			fmt.Fprintf(w, "  | %s", line)
			if !strings.HasSuffix(line, "\n") {
				fmt.Fprintln(w)
			}
		}
	}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func createJournal(path string) (*os.File, error) { return engine.CreateJournal(path) }
