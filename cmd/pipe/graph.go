package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

type graphCmd struct {
	File    string `arg:"" help:"The pipeline file."`
	Record  string `name:"run" help:"Colour the graph with a run: last, a run id or its unique start, or a record file." placeholder:"RUN"`
	RunsDir string `help:"Where run records are." default:".pipe/runs"`
	Format  string `short:"T" help:"Output format: dot, svg or png (svg and png need Graphviz's dot)." enum:"dot,svg,png" default:"dot"`
	Output  string `short:"o" help:"Write to this file instead of stdout."`
}

func (c *graphCmd) Run(e *env) error {
	plan, err := engine.Load(c.File, modules.Default)
	if err != nil {
		return err
	}
	var rec *engine.Record
	if c.Record != "" {
		ref := c.Record
		if ref == "last" {
			recoverRuns(e, c.RunsDir, false) // a run whose pipe was killed is a run
			if ref, err = lastRunOf(c.RunsDir, plan, c.File, "--run", true); err != nil {
				return err
			}
			warnNewerDamaged(e, c.RunsDir, ref, "drawn")
		}
		path, err := engine.FindRun(c.RunsDir, ref)
		if err != nil {
			return fail(exitFailed, "--run %s: %w", c.Record, err)
		}
		rec, err = readRun(e, path)
		if errors.Is(err, engine.ErrRunLive) {
			rec, err = engine.LiveRecord(path) // as far as it has gone
		}
		if err != nil {
			return err
		}
		if rec.Pipeline != plan.Pipeline.Name && rec.Pipeline != "" {
			// Its statuses on nodes of the same ids would be another
			// pipeline's. A run recovered from the journal of an older
			// pipe does not say whose it was.
			return fail(exitFailed, "--run %s: run %s is of pipeline %s, not of %s (%s's)", c.Record, rec.ID, rec.Pipeline, plan.Pipeline.Name, c.File)
		}
	}
	var dot bytes.Buffer
	if err := engine.WriteDOT(&dot, plan, rec); err != nil {
		return err
	}
	out := dot.Bytes()
	if c.Format != "dot" {
		if out, err = render(e.ctx, out, c.Format); err != nil {
			return err
		}
	}
	if c.Output == "" {
		_, err = e.stdout.Write(out)
		return err
	}
	return os.WriteFile(c.Output, out, 0o644)
}

// render turns DOT into SVG or PNG with Graphviz's dot.
func render(ctx context.Context, dot []byte, format string) ([]byte, error) {
	bin, err := exec.LookPath("dot")
	if err != nil {
		return nil, fail(exitFailed, "-T %s needs Graphviz's `dot`, which is not in PATH: install graphviz "+
			"(apt-get install graphviz, brew install graphviz), or pipe the DOT output: pipe graph FILE | dot -T%s > graph.%s", format, format, format)
	}
	cmd := exec.CommandContext(ctx, bin, "-T"+format)
	cmd.Stdin = bytes.NewReader(dot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("dot -T%s: %v: %s", format, err, bytes.TrimSpace(stderr.Bytes()))
		}
		return nil, fmt.Errorf("dot -T%s: %w", format, err)
	}
	return stdout.Bytes(), nil
}
