package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

type graphCmd struct {
	File    string `arg:"" help:"The pipeline file."`
	Record  string `name:"run" help:"Colour the graph with a run: last, a run id or its unique start, or a record file." placeholder:"RUN"`
	RunsDir string `help:"Where run records are." default:".pipe/runs"`
	Format  string `short:"T" help:"Output format: dot, svg, png or pdf (all but dot need Graphviz's dot). Default: -o's extension (.svg, .png, .pdf; .dot, .gv or none: dot), else dot; -T and -o's extension must agree." placeholder:"FORMAT"`
	Output  string `short:"o" help:"Write to this file instead of stdout (never over the pipeline file or the --run record); - is stdout."`
}

// graphFormats are the formats graph writes: DOT, and those dot renders it
// in.
var graphFormats = []string{"dot", "svg", "png", "pdf"}

// format is -T, else what -o's extension says, else dot. A -T that
// -o's extension contradicts (-T svg -o g.png) is refused: the file
// would hold one format under another's name.
func (c *graphCmd) format() (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(c.Output), "."))
	byExt := ""
	switch {
	case ext == "dot", ext == "gv":
		byExt = "dot"
	case slices.Contains(graphFormats, ext):
		byExt = ext
	}
	if c.Format != "" {
		if !slices.Contains(graphFormats, c.Format) {
			return "", fail(exitUsage, "-T %s: pipe graph writes dot, svg, png or pdf; for another of Graphviz's formats: pipe graph FILE | dot -T%s", c.Format, c.Format)
		}
		if byExt != "" && byExt != c.Format {
			name := strings.TrimSuffix(c.Output, filepath.Ext(c.Output)) + "." + c.Format
			return "", fail(exitUsage, "-T %s but -o %s: drop -T, or name the file %s", c.Format, c.Output, name)
		}
		return c.Format, nil
	}
	switch {
	case byExt != "":
		return byExt, nil
	case ext == "":
		return "dot", nil
	}
	return "", fail(exitUsage, "-o %s: pipe cannot tell the format from .%s: give -T dot, svg, png or pdf", c.Output, ext)
}

// notOverInput refuses an -o that is one of the files graph reads: a
// typo (-o p.yaml) would replace the pipeline with its drawing.
func notOverInput(output string, inputs ...string) error {
	out, err := os.Stat(output)
	if err != nil {
		return nil // not there yet: nothing to lose
	}
	for _, in := range inputs {
		if in == "" || in == schema.Stdin {
			continue
		}
		if fi, err := os.Stat(in); err == nil && os.SameFile(out, fi) {
			return fail(exitUsage, "-o %s is %s, which pipe graph reads: write the graph to another file", output, in)
		}
	}
	return nil
}

func (c *graphCmd) Run(e *env) error {
	if c.Output == "-" {
		c.Output = "" // stdout, as pipe run - reads stdin; -o ./- names a file
	}
	if err := notOverInput(c.Output, c.File); err != nil {
		return err
	}
	format, err := c.format()
	if err != nil {
		return err
	}
	if err := outputDirExists(c.Output); err != nil {
		return err // before dot renders for nothing
	}
	plan, err := engine.Load(c.File, modules.Default)
	if err != nil {
		return err
	}
	if err := notOverInput(c.Output, plan.Files()...); err != nil {
		return err // a sub-pipeline's file: read too
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
		if err := notOverInput(c.Output, path); err != nil {
			return err
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
	if format != "dot" {
		if out, err = render(e.ctx, out, format); err != nil {
			return err
		}
	}
	if c.Output == "" {
		_, err = e.stdout.Write(out)
		return err
	}
	return writeWhole(c.Output, out)
}

// outputDirExists says, of an -o file whose directory is not there, which
// directory is missing, rather than fail later naming the temporary file
// written beside it.
func outputDirExists(output string) error {
	if output == "" {
		return nil
	}
	dir := filepath.Dir(output)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(exitFailed, "cannot write %s: directory %s does not exist; create it first (mkdir -p %s)", output, dir, dir)
	case err == nil && !fi.IsDir():
		return fail(exitFailed, "cannot write %s: %s is not a directory", output, dir)
	}
	return nil
}

// render turns DOT into another format with Graphviz's dot.
func render(ctx context.Context, dot []byte, format string) ([]byte, error) {
	bin, err := exec.LookPath("dot")
	if err != nil {
		return nil, fail(exitFailed, "-T %s needs Graphviz's `dot`, which is not in PATH: install graphviz "+
			"(apt-get install graphviz, brew install graphviz), or pipe the DOT output: pipe graph FILE | dot -T%s > graph.%s", format, format, format)
	}
	// dot takes minutes on a graph of thousands of nodes: it must not go
	// on once pipe is interrupted or killed (startChild).
	cmd := exec.CommandContext(ctx, bin, "-T"+format)
	cmd.Stdin = bytes.NewReader(dot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = startChild(cmd)
	if err == nil {
		err = waitChild(cmd)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("dot -T%s: %v: %s", format, err, bytes.TrimSpace(stderr.Bytes()))
		}
		return nil, fmt.Errorf("dot -T%s: %w", format, err)
	}
	return stdout.Bytes(), nil
}
