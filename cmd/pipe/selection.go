package main

import "github.com/pipe-run/pipe/engine"

// selection is what pipe run and pipe explain share: which nodes, and the
// config overrides.
type selection struct {
	Only   []string `help:"Run only these nodes (and what they need)." aliases:"modules" placeholder:"A,B"`
	Skip   []string `help:"Skip these nodes (and what needs them)." placeholder:"C"`
	NoWeb  bool     `help:"Skip web_interface nodes (and what needs them)."`
	Config string   `help:"Read config overrides from this .env file." placeholder:"F.env"`
	Set    []string `short:"s" help:"Override a config key (repeatable)." sep:"none" placeholder:"K=V"`
	// NoCache runs cached nodes again; what succeeds still refreshes the
	// cache.
	NoCache bool `help:"Run nodes that cache (cache: true) instead of reusing earlier outputs; what succeeds is still stored."`
}

// options resolves the config of plan and returns the options that select
// its nodes, with where each config value came from.
func (s *selection) options(plan *engine.Plan) (engine.Options, map[string]string, error) {
	cfg, from, err := engine.ResolveConfigFrom(plan.Pipeline, engine.ConfigSources{EnvFile: s.Config, Environ: engine.OSEnviron, Set: s.Set})
	if err != nil {
		return engine.Options{}, nil, err
	}
	opts := engine.Options{Config: cfg, Only: s.Only, Skip: s.Skip, NoCache: s.NoCache}
	if s.NoWeb {
		opts.SkipModules = []string{"web_interface"}
	}
	return opts, from, nil
}
