package main

import (
	"errors"
	"slices"

	"github.com/pipe-run/pipe/engine"
)

// selection is what pipe run and pipe explain share: which nodes, the
// config overrides, and the base directory.
type selection struct {
	Only     []string `help:"Run only these nodes (and what they need)." aliases:"modules" placeholder:"A,B" sep:"none"`
	Skip     []string `help:"Skip these nodes (and what needs them)." placeholder:"C" sep:"none"`
	Tags     []string `help:"Run only the nodes with any of these tags (theirs or their module's), and what they need." placeholder:"T,U"`
	SkipTags []string `help:"Skip the nodes with any of these tags (and what needs them)." placeholder:"T"`
	NoWeb    bool     `help:"Skip the nodes tagged web (web_interface, servers you tag web) and what needs them: --skip-tags web."`
	Config   string   `help:"Read config overrides from this .env file, after the pipeline's dotenv files; its other keys reach exec and python modules' environment." placeholder:"F.env"`
	Set      []string `short:"s" help:"Override a config key (repeatable)." sep:"none" placeholder:"K=V"`
	baseDirFlag
	// NoCache runs cached nodes again; what succeeds still refreshes the
	// cache.
	NoCache bool `help:"Run nodes that cache (cache: true) instead of reusing earlier outputs; what succeeds is still stored."`
	// pipeline holds the config keys given as flags after the file
	// (params.go); kong never sees them.
	pipeline *pipelineArgs `kong:"-"`
}

// baseDirFlag is --base-dir, the same flag for pipe run, explain and
// validate: a check in CI must resolve paths as the run will.
type baseDirFlag struct {
	BaseDir string `help:"Resolve the pipeline's relative paths against this directory, and its sub-pipelines' that set no base_dir (default: its base_dir, else the current directory when it holds the file, else the file's project)." placeholder:"DIR"`
}

// load reads and compiles the pipeline file with the selected base
// directory.
func (s *selection) load(eng *engine.Engine, file string) (*engine.Plan, error) {
	opts := engine.LoadOptions{BaseDir: s.BaseDir, LowMemory: true}
	if s.pipeline != nil && s.pipeline.stream != nil {
		return engine.CompileLoaded(s.pipeline.stream.pipeline, s.pipeline.stream.err, eng.Registry, opts)
	}
	return engine.LoadWith(file, eng.Registry, opts)
}

// options resolves the config of plan and returns the options that select
// its nodes, with where each config value came from. It logs the .env
// keys that are surely typos of config keys.
func (s *selection) options(e *env, plan *engine.Plan) (engine.Options, map[string]string, error) {
	set, err := s.withParams(plan)
	if err != nil {
		return engine.Options{}, nil, err
	}
	// The pipeline's dotenv files go the --config file's way, before it.
	src := engine.ConfigSources{DotEnv: engine.DotEnvFiles(plan.Pipeline), EnvFile: s.Config, Environ: engine.OSEnviron, Set: set}
	for _, f := range engine.SkippedDotEnv(src) {
		e.logs.base.Debug("dotenv file not found, skipped", "file", f)
	}
	cfg, from, err := engine.ResolveConfigFrom(plan.Pipeline, src)
	if err != nil {
		return engine.Options{}, nil, err
	}
	if s.pipeline != nil {
		for _, p := range s.pipeline.params {
			from[p.key] = p.flag
		}
	}
	extra, warnings, err := engine.EnvFileExtras(plan.Pipeline, src)
	if err != nil {
		return engine.Options{}, nil, err
	}
	for _, w := range warnings {
		e.logs.base.Warn(w.String())
	}
	opts := engine.Options{Config: cfg, Only: s.Only, Skip: s.Skip, Tags: s.Tags, SkipTags: s.SkipTags, Env: extra, NoCache: s.NoCache}
	if s.NoWeb {
		opts.SkipTags = append(opts.SkipTags, engine.WebTag)
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
