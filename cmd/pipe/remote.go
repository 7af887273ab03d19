//go:build !notemporal

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
		return nil, ep, fail(exitFailed, "%w; is the server up? (start workers with `pipe worker --temporal %s`)", err, ep.Address)
	}
	return c, ep, nil
}

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
	if c.Resume != "" {
		return fail(exitUsage, "--resume runs in this process only; leave out --on, or run the whole pipeline again")
	}
	source, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	var cfg json.RawMessage
	if rr.sel.Config != nil {
		if cfg, err = modules.MarshalJSON(rr.sel.Config); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	host, _ := os.Hostname()
	in := temporal.RunInput{
		File: rr.plan.Pipeline.Source.Name, Source: source, Config: cfg, ConfigFrom: rr.from, Env: rr.sel.Env, Declared: rr.plan.Declared(),
		RunID: engine.NewRunID(), Only: rr.sel.Only, Skip: rr.sel.Skip, SkipModules: rr.sel.SkipModules,
		MaxParallel: maxParallel, Schedule: c.Schedule, Version: fullVersion(), FileHash: fileHash(rr.plan),
		Host: host, Heartbeat: c.Heartbeat,
	}
	if in.MaxParallel == 0 {
		in.MaxParallel = rr.plan.Pipeline.MaxParallel
	}
	cl, ep, err := c.temporalConn.dial(e, c.On)
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := temporal.Submit(e.ctx, cl, in, c.TaskQueue, rr.plan.Pipeline.Timeout); err != nil {
		return fail(exitFailed, "%w", err)
	}
	where := fmt.Sprintf("--on temporal://%s/%s", ep.Address, ep.Namespace)
	if c.Detach {
		fmt.Fprintln(e.stdout, in.RunID)
		e.logs.base.Info("run started on Temporal", "run", in.RunID, "status", "pipe status "+in.RunID+" "+where, "follow", "pipe status "+in.RunID+" "+where+" --wait")
		return nil
	}
	e.logs.base.Info("run started on Temporal", "run", in.RunID, "queue", c.TaskQueue)
	return follow(e, cl, rr.plan, in.RunID, where, followOpts{runsDir: c.RunsDir, json: c.JSON, out: out})
}

type followOpts struct {
	runsDir string
	json    bool
	out     *output
}

// follow follows run id to its end as a local run shows itself, writes its
// record under runsDir, prints the summary and returns the run's exit.
func follow(e *env, cl client.Client, plan *engine.Plan, id, where string, o followOpts) error {
	prog := newProgress(e.logs, plan.Graph.Len())
	prog.out = o.out
	stopStatus := func() {}
	if e.logs.terminal && !e.logs.machine {
		sl := &statusLine{w: e.stderr}
		e.logs.redirect(sl)
		stopStatus = showStatus(sl, prog)
	}
	order := make([]string, 0, plan.Graph.Len())
	for _, i := range plan.Graph.Order() {
		order = append(order, plan.Graph.ID(i))
	}
	f := &temporal.Follower{Client: cl, Order: order, OnEvent: prog.event, Hurry: e.hurry,
		OnCancel: func() { e.logs.base.Warn("cancelling the run on Temporal; Ctrl-C again to stop waiting for it") }}
	rec, err := f.Follow(e.ctx, id)
	stopStatus()
	if errors.Is(err, temporal.ErrDetached) {
		return fail(exitInterrupted, "stopped waiting: run %s is being cancelled on Temporal; see it with `pipe status %s %s`", id, id, where)
	}
	if err != nil {
		return fail(exitFailed, "%w", err)
	}
	path, data, werr := engine.WriteRecordData(o.runsDir, rec)
	if werr != nil {
		e.logs.base.Error("could not write the run record", "err", werr)
	}
	if o.json {
		if err := printRecord(e.stdout, rec, data); err != nil {
			return err
		}
	} else {
		printSummary(e.stdout, plan, rec, path)
		fmt.Fprintf(e.stdout, "node logs: on the workers, under their runs directory (%s)\n", filepath.Join(".pipe/runs", rec.ID))
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

// envAddress reads --on=env as $PIPE_TEMPORAL_ADDRESS.
func envAddress(addr string) string {
	if addr == "env" {
		return ""
	}
	return addr
}
