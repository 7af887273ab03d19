package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

type explainCmd struct {
	File   string   `arg:"" help:"The pipeline file."`
	Only   []string `help:"As pipe run: only these nodes (and what they need)." aliases:"modules" placeholder:"A,B"`
	Skip   []string `help:"As pipe run: skip these nodes (and what needs them)." placeholder:"C"`
	NoWeb  bool     `help:"As pipe run: skip web_interface nodes."`
	Config string   `help:"Read config overrides from this .env file." placeholder:"F.env"`
	Set    []string `short:"s" help:"Override a config key (repeatable)." sep:"none" placeholder:"K=V"`
	JSON   bool     `help:"Print the explanations as a JSON array."`
}

func (c *explainCmd) Run(e *env) error {
	eng := engine.New(modules.Default)
	plan, err := eng.Load(c.File)
	if err != nil {
		return err
	}
	cfg, err := engine.ResolveConfig(plan.Pipeline, engine.ConfigSources{EnvFile: c.Config, Environ: engine.OSEnviron, Set: c.Set})
	if err != nil {
		return err
	}
	opts := engine.Options{Config: cfg, Only: c.Only, Skip: c.Skip}
	if c.NoWeb {
		opts.SkipModules = []string{"web_interface"}
	}
	return explain(e, eng, plan, opts, c.JSON)
}

// explain prints what each node of plan would do in a run with opts.
func explain(e *env, eng *engine.Engine, plan *engine.Plan, opts engine.Options, asJSON bool) error {
	ex, err := eng.Explain(plan, opts)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ex)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tMODULE\tWOULD\tWHY")
	for _, x := range ex {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Node, x.Module, x.Would, x.Why)
	}
	return tw.Flush()
}
