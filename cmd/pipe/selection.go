package main

import (
	"errors"
	"slices"

	"github.com/pipe-run/pipe/engine"
)

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
	// pipeline holds the config keys given as flags after the file
	// (params.go); kong never sees them.
	pipeline *pipelineArgs `kong:"-"`
}

// options resolves the config of plan and returns the options that select
// its nodes, with where each config value came from.
func (s *selection) options(plan *engine.Plan) (engine.Options, map[string]string, error) {
	set, err := s.withParams(plan)
	if err != nil {
		return engine.Options{}, nil, err
	}
	cfg, from, err := engine.ResolveConfigFrom(plan.Pipeline, engine.ConfigSources{EnvFile: s.Config, Environ: engine.OSEnviron, Set: set})
	if err != nil {
		return engine.Options{}, nil, err
	}
	if s.pipeline != nil {
		for _, p := range s.pipeline.params {
			from[p.key] = p.flag
		}
	}
	opts := engine.Options{Config: cfg, Only: s.Only, Skip: s.Skip, NoCache: s.NoCache}
	if s.NoWeb {
		opts.SkipModules = []string{"web_interface"}
	}
	return opts, from, nil
}

// withParams returns --set with the config keys given as flags after the
// file appended: they apply last, so they win over --set. Each is checked
// alone first, so that an error names its flag.
func (s *selection) withParams(plan *engine.Plan) ([]string, error) {
	pa := s.pipeline
	if pa == nil {
		return s.Set, nil
	}
	if pa.stripped {
		return nil, fail(exitUsage, "the flags after %s were not read: %v", pa.file, pa.readErr)
	}
	set := slices.Clip(s.Set)
	for _, p := range pa.params {
		kv := p.key + "=" + p.value
		if _, err := engine.ResolveConfig(plan.Pipeline, engine.ConfigSources{Set: []string{kv}}); err != nil {
			if ce := (*engine.ConfigError)(nil); errors.As(err, &ce) {
				ce.From = p.flag
			}
			return nil, err
		}
		set = append(set, kv)
	}
	return set, nil
}
