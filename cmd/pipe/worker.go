//go:build !notemporal

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

type workerCmd struct {
	Temporal       string `help:"Temporal address: HOST:PORT or temporal://HOST:PORT/NAMESPACE (default: $PIPE_TEMPORAL_ADDRESS); --on, as pipe run names it, is the same flag." aliases:"on" placeholder:"ADDR"`
	MaxParallel    *int   `help:"How many node attempts this worker runs at once, at least 1 (default: the number of CPUs)." placeholder:"N"`
	AllowDangerous bool   `help:"Let this worker run dangerous nodes of runs that enable them (ENABLE_DANGEROUS_AI). Without it, such nodes fail here, whatever the run asked."`
	RunsDir        string `help:"Where nodes' log files are written on this machine." default:".pipe/runs"`
	Name           string `help:"This worker's name in errors and records (default: HOST:PID)."`
	temporalConn   `embed:""`
}

func (c *workerCmd) Run(e *env) error {
	if flagGiven(e.args, "--on") && flagGiven(e.args, "--temporal") {
		// One flag under two names: the last would win, silently.
		return fail(exitUsage, "--on and --temporal name the same server: give one")
	}
	// As pipe run's: 0 is no bound a worker could keep.
	maxParallel := runtime.NumCPU()
	if c.MaxParallel != nil {
		if maxParallel = *c.MaxParallel; maxParallel < 1 {
			return fail(exitUsage, "--max-parallel %d: must be at least 1 (leave it out for the number of CPUs)", maxParallel)
		}
	}
	e.logs.base.Debug("Go scheduler", "gomaxprocs", moreProcs())
	name := c.Name
	if name == "" {
		host, _ := os.Hostname()
		name = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	cl, ep, err := c.dial(e, c.Temporal)
	if err != nil {
		return err
	}
	defer cl.Close()
	acts := &temporal.Activities{Registry: modules.Default, AllowDangerous: c.AllowDangerous, Worker: name,
		RunsDir: c.RunsDir, Logger: e.logs.slog(), Client: cl}
	w := temporal.NewWorker(cl, c.TaskQueue, maxParallel, acts)
	if err := w.Start(); err != nil {
		return fail(exitFailed, "starting the worker: %w", err)
	}
	queues := c.TaskQueue
	if c.AllowDangerous {
		queues += " " + temporal.DangerousQueue(c.TaskQueue) // its dangerous nodes
	}
	e.logs.base.Info("worker started", "name", name, "temporal", ep.Address, "namespace", ep.Namespace,
		"queues", queues, "max_parallel", maxParallel, "allow_dangerous", c.AllowDangerous)
	<-e.ctx.Done()
	// Stop ends the attempts running here: their programs are killed,
	// and they run again on another worker at once.
	e.logs.base.Info("worker stopping")
	w.Stop()
	return silent(exitInterrupted)
}

type statusCmd struct {
	ID   string `arg:"" name:"run" help:"The run: last (the last run on Temporal in --runs-dir), a run id or a unique start of one there, or a record file; the whole id of a run started elsewhere."`
	On   string `help:"Temporal address: temporal://HOST:PORT/NAMESPACE (default: $PIPE_TEMPORAL_ADDRESS)." placeholder:"URL"`
	Wait bool   `help:"Follow the run to its end as pipe run does, write its record here, and exit as it ended."`
	JSON bool   `help:"Print the run record as JSON."`
	// RunsDir is where the run is looked up, and --wait writes the record.
	RunsDir      string `help:"Where runs are looked up (last, the start of an id), and where --wait writes the run record." default:".pipe/runs"`
	temporalConn `embed:""`
}

func (c *statusCmd) Run(e *env) error {
	if strings.TrimSpace(c.ID) == "" {
		return fail(exitUsage, "name the run: last, its id or its unique start (pipe runs lists them), or the whole id pipe run --on printed")
	}
	id, remote, err := statusRun(c.RunsDir, c.ID)
	if err != nil {
		return err
	}
	c.ID = id
	on := c.On
	if on == "" {
		on = remote // where the history says it ran; else $PIPE_TEMPORAL_ADDRESS
	}
	if on == "" && os.Getenv("PIPE_TEMPORAL_ADDRESS") == "" {
		// Not in the history, and nowhere to ask: a typo is as likely as
		// a run started elsewhere.
		return fail(exitFailed, "%s: %w in %s, and no Temporal server to ask of a run started elsewhere: give --on temporal://HOST:PORT/NAMESPACE (or set PIPE_TEMPORAL_ADDRESS); pipe runs lists the runs here", c.ID, engine.ErrNoRun, c.RunsDir)
	}
	cl, ep, err := c.dial(e, on)
	if err != nil {
		return err
	}
	defer cl.Close()
	// The pipeline comes from the run's history: a run that waits for a
	// worker can still be followed, and says what it waits for.
	plan, err := remotePlan(e, cl, c.ID)
	if gone := runGone(e, c.RunsDir, c.ID, ep, err); gone != nil {
		return gone
	}
	if err != nil {
		return err
	}
	if c.Wait {
		journal := takeUp(e, c.RunsDir, c.ID)
		err := follow(e, cl, plan, c.ID, ep, followOpts{attached: true, runsDir: c.RunsDir, json: c.JSON, out: newOutput("quiet", e.stderr), journal: journal})
		if journal != nil {
			journal.Close()
			settled(c.RunsDir, c.ID)
		}
		return err
	}
	rec, running, err := temporal.Status(e.ctx, cl, c.ID)
	var we *temporal.WaitError
	if errors.As(err, &we) {
		return fail(exitFailed, "%w (%s)", err, stallHint(we.Stall, ep))
	}
	if err != nil {
		return fail(exitFailed, "%w", err)
	}
	path := ""
	if !running {
		path = c.recordDetached(e, rec, ep)
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rec)
	}
	if running {
		fmt.Fprintf(e.stdout, "run %s is running on Temporal; as it stands:\n", c.ID)
	}
	printSummary(e.stdout, plan, rec, path)
	return nil
}

// recordDetached writes the record of rec, a run that has ended, when
// the runs directory lists it detached (run --on --detach): it is listed
// then as it ended, as if --wait had followed it. It returns the record's
// path, "" when it wrote none.
func (c *statusCmd) recordDetached(e *env, rec *engine.Record, ep temporal.Endpoint) string {
	journal := filepath.Join(c.RunsDir, c.ID+engine.JournalSuffix)
	if _, err := os.Stat(journal); err != nil || rec.ID != c.ID {
		return "" // not in this runs directory's history: status only shows
	}
	rec.Remote = ep.String()
	path, err := engine.WriteRecord(c.RunsDir, rec)
	if err != nil {
		e.logs.base.Error("could not write the run record", "err", err)
		return ""
	}
	engine.RemoveJournal(journal)
	return path
}

type cancelCmd struct {
	ID           string `arg:"" name:"run" help:"The run's id."`
	On           string `help:"Temporal address: temporal://HOST:PORT/NAMESPACE (default: $PIPE_TEMPORAL_ADDRESS)." placeholder:"URL"`
	temporalConn `embed:""`
}

func (c *cancelCmd) Run(e *env) error {
	if strings.TrimSpace(c.ID) == "" {
		return fail(exitUsage, "name the run: its whole id, as pipe run --on printed it")
	}
	cl, ep, err := c.dial(e, c.On)
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := temporal.Cancel(e.ctx, cl, c.ID); err != nil {
		return fail(exitFailed, "%w", err)
	}
	// A cancel needs a worker to act on it, as any step of the run.
	var we *temporal.WaitError
	if errors.As(temporal.Waiting(e.ctx, cl, c.ID), &we) {
		e.logs.base.Warn("cancel requested, but "+we.Error()+": it ends once a worker takes it", "run", c.ID, "hint", stallHint(we.Stall, ep))
		return nil
	}
	e.logs.base.Info("cancel requested: running nodes are stopped, clean-up nodes run, the run ends with its record", "run", c.ID)
	return nil
}

// remotePlan compiles the pipeline run id runs, as its workflow has it.
func remotePlan(e *env, cl client.Client, id string) (*engine.Plan, error) {
	in, err := temporal.Source(e.ctx, cl, id)
	if err != nil {
		return nil, fail(exitFailed, "%w", err)
	}
	return engine.ParseRemote(in.File, in.Source, modules.Default, in.Declared)
}
