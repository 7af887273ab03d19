package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

type validateCmd struct {
	Files  []string `arg:"" optional:"" help:"Pipeline files (default pipelines/*.yaml and *.yml)."`
	Format string   `help:"Output format: text or json (the problems as a JSON array, each with its severity)." enum:"text,json" default:"text"`
	JSON   bool     `help:"Same as --format json, as run, explain, runs and show take it."`
	baseDirFlag
}

func (c *validateCmd) Run(e *env) error {
	if c.JSON {
		if c.Format != "json" && flagGiven(e.args, "--format") {
			return fail(exitUsage, "--json and --format %s disagree: give one of them", c.Format)
		}
		c.Format = "json"
	}
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
	// all holds every file's diagnostics; a file with warnings only is ok,
	// its warnings printed, and validation still exits 0.
	files, all := expandPatterns(files)
	failed := len(all) > 0
	for _, f := range files {
		plan, err := engine.LoadWith(f, modules.Default, engine.LoadOptions{BaseDir: c.BaseDir})
		if err == nil {
			// The dotenv files the run would read, read as it would: a
			// malformed one passed here and failed the run at its line.
			diags := append(slices.Clip(plan.Warnings), engine.CheckDotEnv(plan.Pipeline)...)
			if slices.ContainsFunc(diags, func(d *schema.Diagnostic) bool { return !d.IsWarning() }) {
				failed = true
				all = append(all, diags...)
				continue
			}
			if c.Format == "text" {
				for _, w := range diags {
					fmt.Fprintln(e.stderr, w.Long())
				}
				name := f
				if name == schema.Stdin {
					name = schema.StdinName // as its errors name it
				}
				fmt.Fprintf(e.stdout, "ok %s (%s)\n", name, plural(plan.Graph.Len(), "node"))
			} else {
				all = append(all, diags...)
			}
			continue
		}
		if errors.Is(err, engine.ErrUsage) {
			return err // --base-dir names no directory: no file can be checked (exit 2, as run)
		}
		failed = true
		var diags schema.Diagnostics
		if !errors.As(err, &diags) {
			msg := err.Error()
			var pe *fs.PathError
			if errors.As(err, &pe) {
				msg = pe.Err.Error() // the diagnostic names the file already
			}
			diags = schema.Diagnostics{{File: f, Message: msg}}
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
		if failed {
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

// plural writes n things: 1 node, 2 nodes.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// expandPatterns expands, as a shell would, each name that is no file but
// a pattern ('pipelines/*.yaml', quoted in a CI file or a Makefile, comes
// to pipe as it is written); the matches come sorted, in the pattern's
// place. A pattern that matches nothing is a problem of its own.
func expandPatterns(names []string) ([]string, schema.Diagnostics) {
	var files []string
	var unmatched schema.Diagnostics
	for _, name := range names {
		if name == schema.Stdin || !strings.ContainsAny(name, "*?[") {
			files = append(files, name)
			continue
		}
		if _, err := os.Lstat(name); err == nil {
			files = append(files, name) // a file named so
			continue
		}
		matches, err := filepath.Glob(name)
		switch {
		case err != nil:
			files = append(files, name) // no pattern: said missing below
		case len(matches) == 0:
			unmatched = append(unmatched, &schema.Diagnostic{File: name, Message: "no file matches this pattern"})
		default:
			files = append(files, matches...)
		}
	}
	return files, unmatched
}
