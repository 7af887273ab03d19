package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

type validateCmd struct {
	Files  []string `arg:"" optional:"" help:"Pipeline files (default pipelines/*.yaml and *.yml)."`
	Format string   `help:"Output format: text or json." enum:"text,json" default:"text"`
}

func (c *validateCmd) Run(e *env) error {
	files := c.Files
	if len(files) == 0 {
		for _, pattern := range []string{"pipelines/*.yaml", "pipelines/*.yml"} {
			matches, _ := filepath.Glob(pattern)
			files = append(files, matches...)
		}
		slices.Sort(files)
		if len(files) == 0 {
			return fail(exitUsage, "no pipeline files in pipelines/: name the files to check")
		}
	}
	var all schema.Diagnostics
	for _, f := range files {
		plan, err := engine.Load(f, modules.Default)
		if err == nil {
			if c.Format == "text" {
				fmt.Fprintf(e.stdout, "ok %s (%d nodes)\n", f, plan.Graph.Len())
			}
			continue
		}
		var diags schema.Diagnostics
		if !errors.As(err, &diags) {
			diags = schema.Diagnostics{{File: f, Message: err.Error()}}
		}
		all = append(all, diags...)
	}
	if c.Format == "json" {
		if all == nil {
			all = schema.Diagnostics{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return err
		}
		if len(all) > 0 {
			return silent(exitFailed)
		}
		return nil
	}
	if len(all) > 0 {
		printDiagnostics(e.stderr, all)
		return silent(exitFailed)
	}
	return nil
}
