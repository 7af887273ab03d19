//go:build !notemporal

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

// dial connects to the Temporal service at addr ("" for
// $PIPE_TEMPORAL_ADDRESS). The API key, if any, comes from
// $PIPE_TEMPORAL_API_KEY: a command line is visible to every user.
func (t *temporalConn) dial(e *env, addr string) (client.Client, temporal.Endpoint, error) {
	if strings.TrimSpace(t.TaskQueue) == "" {
		// Temporal would take "" as its own default queue, which no pipe
		// worker polls.
		return nil, temporal.Endpoint{}, fail(exitUsage, "--task-queue is empty: name the queue (pipe's is %s), or leave it out", temporal.DefaultTaskQueue)
	}
	ep, err := temporal.ParseEndpoint(envAddress(addr))
	if err != nil {
		return nil, ep, fail(exitUsage, "%w", err)
	}
	if t.Namespace != "" {
		ep.Namespace = t.Namespace
	}
	ep.TLS = ep.TLS || t.TLS
	ep.CA, ep.Cert, ep.Key, ep.ServerName = t.TLSCA, t.TLSCert, t.TLSKey, t.TLSServerName
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	c, err := temporal.Dial(ctx, ep, e.logs.slog())
	if err != nil {
		return nil, ep, fail(exitFailed, "%w", err)
	}
	return c, ep, nil
}

// minHeartbeat is the shortest --heartbeat: a node heartbeats every
// second, and a call to the server takes some of that.
const minHeartbeat = 2 * time.Second

// remoteRun is a run submitted to Temporal: the same plan, checked here,
// run by workers.
type remoteRun struct {
	cmd  *runCmd
	plan *engine.Plan
	sel  engine.Options
	from map[string]string
}

func (rr *remoteRun) run(e *env, maxParallel int, out *output) error {
	c := rr.cmd
	if c.Heartbeat < minHeartbeat {
		return fail(exitUsage, "--heartbeat %s: give at least %s (a running node heartbeats every second; shorter, its attempts are taken as lost)", c.Heartbeat, minHeartbeat)
	}
	// The workers would refuse a selection that does not fit: say so here,
	// as a run in this process does, before a run starts.
	if err := engine.CheckSelection(rr.plan, rr.sel); err != nil {
		return fail(exitUsage, "%w", err)
	}
	if clock := rr.plan.ReadsClock(); clock != nil {
		return fail(exitUsage, "%s: a run on Temporal replays its decisions on whatever worker has it, where now() is another time; "+
			"pass the time in as config instead (--set NOW=$(date -u +%%FT%%TZ), then date(config.NOW)), or run it here", clock)
	}
	// The file as it was loaded and hashed (FileHash), not read again: it
	// may have changed since, or be standard input, read once.
	source := rr.plan.Pipeline.Source.Data
	var cfg json.RawMessage
	var err error
	if rr.sel.Config != nil {
		if cfg, err = modules.MarshalJSON(rr.sel.Config); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	// Workers read sub-pipelines and scripts from their own checkout:
	// they refuse to run files other than these.
	files, err := temporal.FileDigests(rr.plan)
	if err != nil {
		return fail(exitFailed, "%w", err)
	}
	host, _ := os.Hostname()
	file, baseDir := remotePaths(rr.plan.Pipeline.Source.Name, rr.plan.BaseDir)
	in := temporal.RunInput{
		File: file, BaseDir: baseDir, Source: source, Config: cfg, ConfigFrom: rr.from, Env: rr.sel.Env, Declared: rr.plan.Declared(),
		RunID: engine.NewRunID(), Only: rr.sel.Only, Skip: rr.sel.Skip, SkipModules: rr.sel.SkipModules, Tags: rr.sel.Tags, SkipTags: rr.sel.SkipTags,
		MaxParallel: maxParallel, Schedule: c.Schedule, Version: fullVersion(), FileHash: fileHash(rr.plan),
		Host: host, Heartbeat: c.Heartbeat, Files: files, Secrets: engine.SubSecrets(rr.plan, rr.sel.Config),
	}
	if in.MaxParallel == 0 {
		in.MaxParallel = rr.plan.Pipeline.MaxParallel
	}
	cl, ep, err := c.temporalConn.dial(e, string(c.On))
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := temporal.Submit(e.ctx, cl, in, c.TaskQueue, rr.plan.Pipeline.Timeout); err != nil {
		return fail(exitFailed, "%w", err)
	}
	where := "--on " + ep.String()
	journalPath := filepath.Join(c.RunsDir, in.RunID+engine.JournalSuffix)
	if c.Detach {
		// The runs directory lists the run, detached, with how to follow
		// it: no pipe follows it here, and none died.
		if err := engine.DetachedJournal(journalPath, rr.plan, in.RunID, ep.String(), time.Now()); err != nil {
			e.logs.base.Warn("this run is not listed here (pipe runs): its journal could not be made", "err", err)
		}
		fmt.Fprintln(e.stdout, in.RunID)
		e.logs.base.Info("run started on Temporal", "run", in.RunID, "status", "pipe status "+in.RunID+" "+where, "follow", "pipe status "+in.RunID+" "+where+" --wait")
		return nil
	}
	e.logs.base.Info("run started on Temporal", "run", in.RunID, "queue", c.TaskQueue)
	// The runs directory knows the run while this pipe follows it (pipe
	// runs, show), and, if this pipe is killed, where it went on.
	journal, err := engine.RemoteJournal(journalPath, rr.plan, in.RunID, ep.String(), time.Now())
	if err != nil {
		e.logs.base.Warn("this run is not listed here while it goes: its journal could not be made", "err", err)
	} else {
		defer func() {
			journal.Close()
			// Without its record (a second Ctrl-C, a cancel no worker
			// takes, a lost server), the run may go on there: its
			// journal stays, recovered as interrupted with how to
			// follow it (pipe status --wait), not forgotten here.
			settled(c.RunsDir, in.RunID)
		}()
	}
	return follow(e, cl, rr.plan, in.RunID, ep, followOpts{runsDir: c.RunsDir, json: c.JSON, out: out, journal: journal})
}

// remotePaths says where a run's file and base directory are for workers,
// which are started at the root of the same checkout: the base directory
// relative to the project's root (engine.ProjectRoot), the file relative
// to the base directory, as a local run resolves a pipeline node's file.
// Without a project root, or for a file outside it, the paths stay
// absolute (shared storage). The client's working directory does not
// matter: from testdata/, nested/nested.yaml is testdata/nested/nested.yaml
// to the workers.
func remotePaths(file, baseDir string) (string, string) {
	abs, err := filepath.Abs(file)
	if err != nil || baseDir == "" {
		return file, ""
	}
	if rel, err := filepath.Rel(baseDir, abs); err == nil && filepath.IsLocal(rel) {
		file = filepath.ToSlash(rel)
	} else {
		file = abs
	}
	root := engine.ProjectRoot(baseDir)
	if root == "" {
		return file, baseDir
	}
	rel, err := filepath.Rel(root, baseDir)
	if err != nil {
		return file, baseDir
	}
	if rel == "." {
		rel = ""
	}
	return file, filepath.ToSlash(rel)
}

type followOpts struct {
	// attached: Ctrl-C stops the following, not the run.
	attached bool
	runsDir  string
	json     bool
	out      *output
	// journal, when set, is told each node's end as the follower learns
	// of it.
	journal *engine.FollowJournal
}

// follow follows run id to its end as a local run shows itself, writes its
// record under runsDir, prints the summary and returns the run's exit.
func follow(e *env, cl client.Client, plan *engine.Plan, id string, ep temporal.Endpoint, o followOpts) error {
	where := "--on " + ep.String()
	prog := newProgress(e.logs, plan.Graph.Len())
	prog.out = o.out
	stopStatus := func() {}
	if e.logs.terminal && !e.logs.machine {
		sl := &statusLine{w: e.stderr}
		e.logs.redirect(sl)
		if o.out != nil {
			o.out.w = sl
		}
		stopStatus = showStatus(sl, prog)
	}
	order := make([]string, 0, plan.Graph.Len())
	for _, i := range plan.Graph.Order() {
		order = append(order, plan.Graph.ID(i))
	}
	f := &temporal.Follower{Client: cl, Order: order, OnEvent: prog.event, Hurry: e.hurry, Attached: o.attached,
		OnCancel: func() { e.logs.base.Warn("cancelling the run on Temporal; Ctrl-C again to stop waiting for it") },
		OnStall:  func(st temporal.Stall) { e.logs.base.Warn(st.String(), "hint", stallHint(st, ep)) },
		OnLost: func(err error) {
			e.logs.base.Warn("the Temporal server at "+ep.String()+" does not answer", "err", err,
				"hint", "the run goes on if the server does; pipe waits for it about a minute, then `pipe status "+id+" "+where+" --wait` follows the run again")
		},
		OnBack: func() { e.logs.base.Info("the Temporal server at " + ep.String() + " answers again") },
		OnRetry: func(node, why, err string) {
			if err == "" {
				e.logs.base.Warn(node + ": " + why)
				return
			}
			e.logs.base.Warn(node+": "+why, "err", err)
		}}
	if o.journal != nil {
		f.OnEnd = o.journal.Node
	}
	// What the nodes printed on their workers, under each node.
	shown := &remoteOutput{logs: e.logs, out: o.out}
	f.OnOutput, f.OnOutputsDropped = shown.show, shown.dropped
	rec, err := f.Follow(e.ctx, id)
	stopStatus()
	if errors.Is(err, temporal.ErrDetached) && o.attached {
		return fail(exitInterrupted, "stopped following run %s; it goes on: `pipe status %s %s [--wait]` shows it, `pipe cancel %s %s` stops it", id, id, where, id, where)
	}
	var stuck *temporal.CancelStuckError
	if errors.As(err, &stuck) {
		return fail(exitInterrupted, "%w (%s); it stays cancel-requested on Temporal and ends once a worker takes it: follow it with `pipe status %s %s --wait`",
			err, stallHint(stuck.Stall, ep), id, where)
	}
	if errors.Is(err, temporal.ErrDetached) {
		return fail(exitInterrupted, "stopped waiting: run %s is being cancelled on Temporal; follow it to its end, and record it here, with `pipe status %s %s --wait`", id, id, where)
	}
	if errors.Is(err, temporal.ErrServerLost) {
		return fail(exitFailed, "%w: follow it again with `pipe status %s %s --wait`", err, id, where)
	}
	if err != nil {
		return fail(exitFailed, "%w", err)
	}
	rec.Remote = ep.String()
	path, werr := engine.WriteRecord(o.runsDir, rec)
	if werr != nil {
		e.logs.base.Error("could not write the run record", "err", werr)
	}
	if o.json {
		if err := printRecord(e.stdout, rec, path); err != nil {
			return err
		}
	} else {
		printSummary(e.stdout, plan, rec, path)
		fmt.Fprintf(e.stdout, "node logs: on the workers, under their runs directory (%s)\n", filepath.Join(".pipe/runs", rec.ID))
	}
	return runExit(rec.Status, werr == nil)
}

// stallHint says what to do about a run whose work waits for a worker.
func stallHint(st temporal.Stall, ep temporal.Endpoint) string {
	if st.Failed > 0 && st.Pollers > 0 {
		return "the workers' logs say why (Workflow task ... error); while it fails a cancel cannot end the run either: `temporal workflow terminate` can"
	}
	if st.Dangerous {
		return fmt.Sprintf("start one that may run them: pipe worker --temporal %s --task-queue %s --allow-dangerous", ep, strings.TrimSuffix(st.Queue, temporal.DangerousQueue("")))
	}
	start := fmt.Sprintf("pipe worker --temporal %s --task-queue %s", ep, st.Queue)
	if st.Pollers == 0 {
		return "start one: " + start
	}
	return "see the workers' logs, or start another: " + start
}

// envAddress reads --on=env as $PIPE_TEMPORAL_ADDRESS.
func envAddress(addr string) string {
	if addr == "env" {
		return ""
	}
	return addr
}
