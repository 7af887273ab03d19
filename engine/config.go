package engine

import (
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// ConfigSources are the layers that override a pipeline's config defaults,
// applied in this order: the pipeline's dotenv files, the .env file, the
// environment, then Set.
type ConfigSources struct {
	// DotEnv are the pipeline's dotenv files (DotEnvFiles), read in order
	// before EnvFile, a later one winning, each as EnvFile is. One that
	// does not exist is skipped (SkippedDotEnv names them).
	DotEnv []string
	// EnvFile is a .env file (godotenv syntax, but values are literal: no
	// $VAR expansion); keys that are not in the pipeline's config are
	// ignored.
	EnvFile string
	// Environ looks up environment variables; nil means none. Only keys the
	// pipeline's config declares are looked up, and ENABLE_DANGEROUS_AI
	// (DangerKey), which every pipeline has.
	Environ func(key string) (string, bool)
	// Set holds KEY=VALUE overrides (the CLI's --set); an unknown key is an
	// error (DangerKey is known to every pipeline).
	Set []string
}

// ResolveConfig layers src over p's defaults and converts every override to
// its default's type ("true" becomes a bool where the default is a bool).
func ResolveConfig(p *schema.Pipeline, src ConfigSources) (map[string]any, error) {
	values, _, err := ResolveConfigFrom(p, src)
	return values, err
}

// ResolveConfigFrom is ResolveConfig that also says where each value came
// from: "default", "environment", "--set" or the path of the .env file
// (a dotenv file or --config's) that set it.
func ResolveConfigFrom(p *schema.Pipeline, src ConfigSources) (values map[string]any, from map[string]string, err error) {
	if p == nil {
		return nil, nil, errors.New("the pipeline is nil")
	}
	values = make(map[string]any, len(p.Config))
	from = make(map[string]string, len(p.Config))
	defaults := make(map[string]any, len(p.Config))
	keys := p.ConfigKeys()
	for _, c := range p.Config {
		values[c.Key] = c.Value
		from[c.Key] = "default"
		defaults[c.Key] = c.Value
	}
	if _, declared := defaults[DangerKey]; !declared {
		// Every pipeline has the dangerous gate: its key may be set as if
		// declared, a bool, and is absent (the gate shut) unless set.
		defaults[DangerKey] = false
		keys = append(keys, DangerKey)
	}
	apply := func(key, raw, where string) error {
		v, err := convert(raw, defaults[key])
		if err != nil {
			if p.IsSecret(key) {
				// convert quotes the value it could not read.
				err = errors.New(strings.ReplaceAll(err.Error(), schema.Quote(raw), Masked))
			}
			return &ConfigError{Key: key, From: where, Err: err}
		}
		values[key] = v
		from[key] = where
		return nil
	}
	files, err := src.envFiles()
	if err != nil {
		return nil, nil, dotEnvProblem(p, err)
	}
	for _, f := range files {
		for _, key := range keys {
			if raw, ok := f.keys[key]; ok {
				if err := apply(key, raw, f.path); err != nil {
					var ce *ConfigError
					if line := lineOf(f.data, key); errors.As(err, &ce) && line > 0 {
						ce.From, ce.Line = fmt.Sprintf("%s:%d", f.path, line), line // the line to fix
					}
					if f.dotenv {
						err = dotEnvProblem(p, &DotEnvError{Path: f.path, Err: err})
					}
					return nil, nil, err
				}
			}
		}
	}
	if src.Environ != nil {
		for _, key := range keys {
			if raw, ok := src.Environ(key); ok {
				if err := apply(key, raw, "environment"); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	for _, kv := range src.Set {
		key, raw, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, nil, fmt.Errorf("%w: --set %s: write KEY=VALUE", ErrUsage, schema.Quote(kv))
		}
		if _, known := defaults[key]; !known {
			hint := schema.DidYouMean(key, p.ConfigKeys())
			if hint != "" {
				hint = " (" + hint + ")"
			}
			return nil, nil, fmt.Errorf("%w: --set %s=...: pipeline %s has no config key %s%s", ErrUsage, schema.Clip(key), p.Name, schema.Quote(key), hint)
		}
		if err := apply(key, raw, "--set"); err != nil {
			return nil, nil, err
		}
	}
	return values, from, nil
}

// WithDangerKey returns cfg with DangerKey appended, a bool defaulting to
// false, where cfg does not declare it: every pipeline has the dangerous
// gate, so its expressions read config.ENABLE_DANGEROUS_AI, and pipe run
// FILE takes --enable-dangerous-ai, whether it declares the key or not.
func WithDangerKey(cfg []schema.ConfigVar) []schema.ConfigVar {
	if slices.ContainsFunc(cfg, func(c schema.ConfigVar) bool { return c.Key == DangerKey }) {
		return cfg
	}
	return append(slices.Clip(cfg), schema.ConfigVar{Key: DangerKey, Value: false,
		Description: "let dangerous modules run (every pipeline has this key)"})
}

// OSEnviron looks keys up in the process environment.
func OSEnviron(key string) (string, bool) { return os.LookupEnv(key) }

// ParseBool reads raw as a bool config value: true, 1, yes, on, t, y (in
// any case) are true; false, 0, no, off, f, n and "" false. ok is false
// for another word.
func ParseBool(raw string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "1", "t", "true", "yes", "y", "on":
		return true, true
	case "0", "f", "false", "no", "n", "off", "":
		return false, true
	}
	return false, false
}

// convert reads raw as the type of def.
func convert(raw string, def any) (any, error) {
	switch def.(type) {
	case bool:
		if b, ok := ParseBool(raw); ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s is not a bool (write true or false)", schema.Quote(raw))
	case int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("%s is out of range for a whole number", schema.Quote(raw))
		}
		if err != nil {
			return nil, fmt.Errorf("%s is not a whole number", schema.Quote(raw))
		}
		return n, nil
	case float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil {
			return nil, fmt.Errorf("%s is not a number", schema.Quote(raw))
		}
		return f, nil
	}
	return raw, nil
}

// truthy reads a config value as a yes/no switch.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		b, err := convert(x, false)
		return err == nil && b.(bool)
	case int:
		return x != 0
	case float64:
		return x != 0
	}
	return false
}

// TypedConfig returns cfg with each number typed as the pipeline's default
// for its key: config that crossed a wire as JSON may carry 3 for 3.0, or
// 3.0 for 3.
func TypedConfig(plan *Plan, cfg map[string]any) map[string]any {
	out := make(map[string]any, len(cfg))
	for key, v := range cfg {
		out[key] = v
		i, ok := plan.env.cfgIndex[key]
		if !ok {
			continue
		}
		switch want, x := plan.env.cfgType.Field(i).Type.Kind(), v; x := x.(type) {
		case int:
			if want == reflect.Float64 {
				out[key] = float64(x)
			}
		case float64:
			if want == reflect.Int && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				out[key] = int(x)
			}
		}
	}
	return out
}
