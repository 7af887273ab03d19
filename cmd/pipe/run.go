package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

type runCmd struct {
	File        string `arg:"" help:"The pipeline file."`
	selection   `embed:""`
	MaxParallel *int   `help:"How many nodes run at once, at least 1 (default: max_parallel, else the number of CPUs)." placeholder:"N"`
	Schedule    string `help:"eager: start nodes as soon as their needs are done; levels: level by level." enum:"eager,levels" default:"eager"`
	JSON        bool   `help:"Print the run record as JSON on stdout instead of the summary."`
	RunsDir     string `help:"Where run records are written." default:".pipe/runs"`
	DryRun      bool   `help:"Run nothing: say what each node would do, and why (as pipe explain)."`
	Resume      string `help:"Run again only what did not succeed in this run (last, an id or its unique start); what succeeded keeps its outputs while its definition and the config it reads are unchanged." placeholder:"RUN"`
	Force       bool   `help:"With --resume: keep every node that succeeded, even if its definition or config it reads changed since."`
	CacheMax    string `help:"Bound the node cache (.pipe/cache/nodes beside the runs directory): after the run, the least recently used entries go until it fits; 0 is no limit." default:"256MiB" env:"PIPE_CACHE_MAX" placeholder:"SIZE"`
	Output      string `help:"What nodes' programs print: prefixed (as it comes, after [node]), grouped (a block per node as it ends; GitHub Actions groups), quiet." enum:"prefixed,grouped,quiet" default:"prefixed"`

	On           remoteAddr    `help:"Run on Temporal workers (pipe worker) instead of in this process: temporal://HOST:PORT/NAMESPACE (or $PIPE_TEMPORAL_ADDRESS with --on=env)." placeholder:"URL"`
	Detach       bool          `help:"With --on: print the run's id and return; follow it with pipe status RUN --wait."`
	Heartbeat    time.Duration `help:"With --on: how long a worker may go silent before its node runs again elsewhere." default:"10s"`
	temporalConn `embed:""`
}

func (c *runCmd) Run(e *env) error {
	if c.Force && c.Resume == "" {
		return fail(exitUsage, "--force goes with --resume")
	}
	cacheMax, err := parseSize(c.CacheMax)
	if err != nil {
		return fail(exitUsage, "--cache-max (or $PIPE_CACHE_MAX): %w", err)
	}
	maxParallel := 0
	if c.MaxParallel != nil {
		if maxParallel = *c.MaxParallel; maxParallel < 1 {
			return fail(exitUsage, "--max-parallel %d: must be at least 1 (leave it out for the pipeline's max_parallel, else the number of CPUs)", maxParallel)
		}
	}
	if c.On != "" && c.Resume != "" {
		return fail(exitUsage, "--resume runs in this process only; leave out --on, or run the whole pipeline again")
	}
	if c.On == "" {
		e.logs.base.Debug("Go scheduler", "gomaxprocs", moreProcs())
	}
	eng := engine.New(modules.Default)
	eng.Logger = e.logs.slog()
	out := newOutput(c.Output, e.stderr)
	e.logs.out = out
	eng.NodeLogger = e.logs.node
	plan, err := c.load(eng, c.File)
	e.started()
	if err != nil {
		return err
	}
	freeLoadMemory(plan)
	printWarnings(e, plan.RunWarnings())
	e.logs.base.Debug("base directory", "dir", plan.BaseDir)
	sel, from, err := c.options(e, plan)
	if err != nil {
		return err
	}
	if c.Resume != "" {
		// A run whose pipe was killed is resumable once recovered.
		recoverRuns(e, c.RunsDir, false)
		r, err := c.resume(e, plan)
		if err != nil {
			return err
		}
		sel.Keep, sel.KeptFrom, sel.KeptConfig, sel.KeptRun = r.keep, r.from, r.config, r.run
	}
	if c.DryRun {
		// As the run below: the config's sources decide whether a
		// secret's changed since the run it resumes.
		sel.CacheDir, sel.ConfigFrom = cacheDir(c.RunsDir), from
		sel.DigestKey = readDigestKey(c.RunsDir)
		_, err := explainNodes(e, eng, plan, sel, c.JSON)
		return err
	}
	if c.On != "" {
		return (&remoteRun{cmd: c, plan: plan, sel: sel, from: from}).run(e, maxParallel, out)
	}
	if c.Detach {
		return fail(exitUsage, "--detach goes with --on")
	}
	for _, flag := range remoteOnlyFlags {
		if flagGiven(e.args, flag) {
			return fail(exitUsage, "%s goes with --on", flag) // it was ignored without
		}
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
	opts := sel // the selection, the config and the modules' environment
	opts.MaxParallel, opts.Schedule = maxParallel, engine.Schedule(c.Schedule)
	opts.OnEvent, opts.RunID, opts.ConfigFrom, opts.Version = prog.event, runID, from, fullVersion()
	opts.LogDir, opts.Hurry = filepath.Join(c.RunsDir, runID), e.hurry
	opts.FileHash = fileHash(plan)
	opts.CacheDir = cacheDir(c.RunsDir)
	if c.Resume == "" { // --resume recovered them already
		recoverRuns(e, c.RunsDir, false) // runs whose pipe was killed outright
	}
	// The journal keeps the run's progress on disk until the record is
	// written, in case the process dies first. Creating it is also the
	// check that the runs directory takes files: a run that cannot be
	// recorded does not start.
	journalPath := filepath.Join(c.RunsDir, runID+engine.JournalSuffix)
	journal, err := createJournal(journalPath)
	if err != nil {
		if fi, serr := os.Stat(c.RunsDir); serr == nil && !fi.IsDir() {
			return fail(exitFailed, "cannot record runs in %s: it is a file, not a directory; choose another with --runs-dir", c.RunsDir)
		}
		return fail(exitFailed, "cannot record runs in %s: %w; make it writable, or choose another directory with --runs-dir", c.RunsDir, err)
	}
	opts.Journal = journal
	opts.DigestKey = digestKey(e, c.RunsDir, hasSecrets(plan, opts.Env))
	rec, err := eng.Run(e.ctx, plan, opts)
	e.settled.Store(true)
	stopStatus()
	if err != nil {
		journal.Close()
		engine.RemoveJournal(journalPath)
		if errors.Is(err, engine.ErrJournal) {
			return fail(exitFailed, "cannot record runs in %s: %w; free some space or make it writable, or choose another directory with --runs-dir", c.RunsDir, err)
		}
		return err
	}
	if plan.Caches() && cacheMax > 0 { // 0: no limit as ccache -M 0; 1B empties the cache
		pruneCache(e, opts.CacheDir, cacheMax)
	}
	if c.Resume != "" {
		sayKept(e, rec, c.File)
	}
	path, werr := engine.WriteRecord(c.RunsDir, rec)
	// Closing unlocks the journal: closed earlier, it would look orphaned
	// to another pipe before the record is written.
	journal.Close()
	if werr != nil {
		next := "the next pipe command (pipe runs) makes the record from it"
		if at := filepath.Join(c.RunsDir, rec.ID+".json"); fileExists(at) {
			// A directory, or a file put there while the run went on: the
			// journal is read in its stead until it is moved.
			next = "something else is where the record goes (" + at + "): move it out of the runs directory, and the next pipe command makes the record from the journal"
		}
		e.logs.base.Error("could not write the run record; the journal keeps each node's end and the run's, as far as they could be written: "+next, "err", werr, "journal", journalPath)
	} else {
		engine.RemoveJournal(journalPath)
	}
	if c.JSON {
		if err := printRecord(e.stdout, rec, path); err != nil {
			return err
		}
	} else {
		if err := printSummary(e.stdout, plan, rec, path); err != nil && !errors.Is(err, syscall.EPIPE) {
			// A closed output (EPIPE) has stopped the run already.
			return fail(exitFailed, "writing the summary: %w", err)
		}
		if werr != nil {
			fmt.Fprintf(e.stdout, "record: not written: %v\n", werr)
		}
	}
	return runExit(rec.Status, werr == nil)
}

// printWarnings prints ws on stderr as pipe validate does, once, as the
// run starts: who never runs validate sees them too. With a machine log
// format each is a log record, which a multi-line snippet would break.
func printWarnings(e *env, ws schema.Diagnostics) {
	if e.logs.machine {
		logDiagnostics(e.logs, ws)
		return
	}
	for _, w := range ws {
		fmt.Fprintln(e.stderr, w.Long())
	}
}

func createJournal(path string) (*os.File, error) { return engine.CreateJournal(path) }

// remoteOnlyFlags are run's flags that only a run on Temporal reads.
var remoteOnlyFlags = []string{"--heartbeat", "--namespace", "--task-queue", "--tls", "--tls-ca", "--tls-cert", "--tls-key", "--tls-server-name"}

// flagGiven reports whether args (pipe's, as given) hold flag, as --flag
// or --flag=value, before a "--".
func flagGiven(args []string, flag string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}
