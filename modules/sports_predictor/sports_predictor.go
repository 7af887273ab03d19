// Package sports_predictor is the sports_predictor module: it fits a
// match-outcome model (time-decayed Dixon-Coles, Elo, or a blend of the
// two) on football results, evaluates it walk-forward on seasons it has
// not seen, saves or loads it, and predicts fixtures.
package sports_predictor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/model"
)

// Synthetic is the `data` value that asks for the built-in synthetic league.
const Synthetic = "synthetic"

func init() {
	modules.Register(modules.Info{
		Name: "sports_predictor",
		Description: "Fits a match-outcome model on football results (football-data.co.uk CSVs or season/round/hTeam/aTeam CSVs, " +
			"a file, directory, glob or URL), evaluates it walk-forward on held-out seasons (log loss, Brier, RPS, accuracy), " +
			"saves or loads it, and predicts home/draw/away probabilities and expected goals for fixtures.",
		// Version: the node cache's key; raise it when a change to the
		// fit or the evaluation gives other outputs for the same inputs.
		Version: "4",
		Inputs: []modules.Field{
			{Name: "data", Type: modules.String, Default: Synthetic, Files: true, Description: "results: a CSV path, directory, glob or http(s) URL; \"synthetic\" for the built-in synthetic league", Example: "../shared/data/odds/england_premier-league.csv"},
			{Name: "method", Type: modules.String, Default: string(model.MethodBlend), Description: "blend (the average of the other two, best on the seasons the settings were tuned on), dixon_coles or elo", Enum: []string{"blend", "dixon_coles", "elo"}},
			{Name: "model", Type: modules.String, Writes: true, Description: "model file (JSON) to save the fit to, or to load (a cached node's key holds its content, as the node finds it and as it leaves it)"},
			{Name: "mode", Type: modules.String, Default: "auto", Enum: []string{"auto", "fit", "load"}, Description: "auto: fit, and save to the model file unless it holds a model of other data or settings (a node with cache: true reuses an unchanged fit); load: use the file as it is; fit: fit and replace it"},
			{Name: "fixtures", Type: modules.Any, Files: true, Description: "matches to predict: a CSV path, or a list of \"Home - Away\" strings or {home, away} maps; unplayed rows of the data are fixtures too"},
			{Name: "eval_from", Type: modules.String, Description: "first held-out season (e.g. 2017-2018); default: the last two seasons"},
			{Name: "evaluate", Type: modules.Bool, Default: true, Description: "evaluate walk-forward on the held-out seasons"},
			{Name: "compare", Type: modules.Bool, Default: true, Description: "evaluate blend, dixon_coles and elo side by side (one walk forward: the cost of blend) for the dashboard and the backtest"},
			{Name: "half_life_days", Type: modules.Number, Description: "Dixon-Coles time decay (default tuned)"},
			{Name: "prior_sd", Type: modules.Number, Description: "Dixon-Coles prior spread of team strengths (default tuned)"},
			{Name: "cache_dir", Type: modules.String, Default: ".pipe/cache", Description: "where downloaded data is kept"},
		},
		Outputs: []modules.Field{
			{Name: "predictions", Type: modules.List, Description: "fixtures: date (real dates only), season, home, away, p_home, p_draw, p_away, xg_home, xg_away, odds"},
			{Name: "fixtures", Type: modules.Map, Description: "where the fixtures came from: source (input, data, implied, none), count, note (what to give when there are none)"},
			{Name: "evaluation", Type: modules.List, Description: "walk-forward predictions of the held-out matches, with results, odds and (compare) each method's probabilities"},
			{Name: "metrics", Type: modules.Map, Description: "held-out log loss, Brier, RPS, accuracy, n, per season, calibration, each method's log loss per season, beside base rates and the market"},
			{Name: "model", Type: modules.Map, Description: "the model: method, teams, current_teams, data, file, synthetic, fitted (its parameters)"},
		},
		New: func() modules.Module { return Predictor{} },
	})
}

// Predictor is the module.
type Predictor struct{}

var _ modules.Module = Predictor{}

// Run implements modules.Module.
func (Predictor) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	raw := in // the paths as given, for messages
	in = in.WithPaths("model", "cache_dir", "fixtures")
	if d := in.String("data"); d != Synthetic {
		in = in.WithPaths("data")
	}
	opts := model.DefaultOptions(model.Method(in.String("method")))
	if _, err := model.New(opts); err != nil {
		return nil, err
	}
	if v, ok := in.With["half_life_days"]; ok && v != nil {
		opts.HalfLife = in.Float("half_life_days")
	}
	if v, ok := in.With["prior_sd"]; ok && v != nil {
		opts.PriorSD = in.Float("prior_sd")
	}
	if opts.HalfLife <= 0 || opts.PriorSD <= 0 {
		return nil, errors.New("half_life_days and prior_sd must be positive")
	}

	source := in.String("data")
	synthetic := source == "" || source == Synthetic
	var ms []football.Match
	var src football.Source
	var err error
	if synthetic {
		league := football.NewSyntheticLeague()
		ms = league.Matches()
		src = football.Source{Files: []string{"built-in synthetic league"}, Layout: Synthetic, OddsColumns: "synthetic", Matches: len(ms)}
		ms = append(ms, league.Fixtures(1)...)
		src.Fixtures = len(ms) - src.Matches
	} else if ms, src, err = football.Read(ctx, source, in.String("cache_dir")); err != nil {
		return nil, football.MissingFile(raw, "data", raw.String("data"), err)
	}
	var dataWarnings []any
	if src.Duplicates > 0 {
		w := fmt.Sprintf("%d match(es) read twice (the same season, date or round, and clubs) were dropped; the first at %s", src.Duplicates, src.FirstDuplicate)
		in.Logger.Warn("data: " + w)
		dataWarnings = append(dataWarnings, w)
	}
	for _, w := range src.Overlaps {
		in.Logger.Warn("data: " + w)
		dataWarnings = append(dataWarnings, w)
	}
	if src.BadOdds > 0 {
		in.Logger.Warn("odds that are not finite or not above 1 are treated as missing: those matches have no odds (the market's figures and the backtest leave them out)",
			"matches", src.BadOdds, "first", src.FirstBadOdds)
	}
	played := playedOnly(ms)
	if len(played) == 0 && in.String("mode") != "load" {
		return nil, fmt.Errorf("%s: no played matches to fit on", source)
	}

	fitted, file, loaded, err := fitOrLoad(ctx, in, raw.String("model"), played, opts, src, synthetic)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	fixtures, fixInfo, err := fixturesOf(ctx, in, ms)
	if err != nil {
		if path, ok := raw.With["fixtures"].(string); ok {
			err = football.MissingFile(raw, "fixtures", path, err)
		}
		return nil, err
	}
	if err := checkTeams(fixtures, fitted, file.Teams(), football.Teams(played), loaded, in.String("model")); err != nil {
		return nil, err
	}
	predictions := make([]any, 0, len(fixtures))
	for i := range fixtures {
		predictions = append(predictions, predictionRow(&fixtures[i], fitted.Predict(fixtures[i].Home, fixtures[i].Away)))
	}

	values := map[string]any{"predictions": predictions, "evaluation": []any{}, "fixtures": fixInfo.value(len(predictions))}
	if fixInfo.source == "none" {
		in.Logger.Info("no fixtures to predict: " + fixInfo.note)
	}
	metricsOut := map[string]any{"method": string(opts.Method), "synthetic": synthetic}
	message := ""
	if in.Bool("evaluate") && len(played) > 0 {
		ev, err := evaluate(ctx, played, in.String("eval_from"), opts, in.Bool("compare"))
		if err != nil {
			return nil, err
		}
		values["evaluation"] = ev.rows
		metricsOut = ev.metrics
		metricsOut["synthetic"] = synthetic
		message = ev.summary
	}
	if src.BadOdds > 0 {
		metricsOut["odds_dropped"] = src.BadOdds
	}
	if len(dataWarnings) > 0 {
		metricsOut["data_warnings"] = dataWarnings
	}
	values["metrics"] = metricsOut
	teams := len(football.Teams(played))
	if loaded {
		teams = len(file.Teams()) // the model's, which may be of other data
	}
	modelOut := map[string]any{
		"method": string(opts.Method), "synthetic": synthetic, "loaded": loaded,
		"teams": teams, "matches": len(played), "data": src.Files, "layout": src.Layout,
		"fitted_at": file.FittedAt.Format(time.RFC3339), "fingerprint": file.Fingerprint,
	}
	if path := in.String("model"); path != "" {
		modelOut["path"] = path
	}
	// The fitted parameters themselves (a few kB): web_interface predicts
	// any match from them, whether or not the model file was written.
	if fittedValue, err := asValue(file); err == nil {
		modelOut["fitted"] = fittedValue
	}
	modelOut["current_teams"] = anyStrings(currentTeams(played))
	values["model"] = modelOut
	how := "fitted"
	if loaded {
		how = "loaded"
	}
	label := ""
	if synthetic {
		label = " (SYNTHETIC league, not real data)"
	}
	msg := fmt.Sprintf("%s %s on %d matches%s; %d fixture(s) predicted", how, opts.Method, len(played), label, len(predictions))
	if message != "" {
		msg += "; " + message
	}
	return &modules.Output{Message: msg, Values: values}, nil
}

func playedOnly(ms []football.Match) []football.Match {
	out := make([]football.Match, 0, len(ms))
	for _, m := range ms {
		if m.Played() {
			out = append(out, m)
		}
	}
	return out
}

// fitOrLoad returns the model for predicting fixtures: loaded from the
// model file, or fitted on every played match (and saved there). rawPath
// is the model input as given, for messages.
func fitOrLoad(ctx context.Context, in *modules.Input, rawPath string, played []football.Match, opts model.Options, src football.Source, synthetic bool) (model.Model, *model.File, bool, error) {
	path, mode := in.String("model"), in.String("mode")
	fp := model.Fingerprint(played, opts)
	switch mode {
	case "load":
		if path == "" {
			return nil, nil, false, errors.New("mode load needs a model file: set the model input")
		}
		f, err := model.Load(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, false, fmt.Errorf("mode load: no model file %q%s: mode load uses a model saved by a run in mode fit or auto; "+
				"run once with mode fit to save one there (pipe run pipelines/predict.yaml --set SPORTS_MODE=fit), or name another file",
				rawPath, football.Where(in, rawPath))
		}
		if err != nil {
			return nil, nil, false, err
		}
		m, _ := f.Model()
		return m, f, true, nil
	case "auto":
		// Reusing an unchanged fit is the node cache's job (`cache: true`
		// keys the node by its inputs and data files): auto always fits,
		// and saves unless the file holds another model.
		if path != "" {
			f, err := model.Load(path)
			if (err == nil && f.Fingerprint != fp) || (err != nil && !errors.Is(err, os.ErrNotExist)) {
				// Never overwrite a model fitted on other data or settings:
				// it may be someone's custom model.
				why := "it was fitted on other data or settings"
				if err != nil {
					why = err.Error()
				}
				in.Logger.Warn("fitting without saving; mode load uses the file as it is, mode fit replaces it", "path", path, "why", why)
				path = ""
			}
		}
	case "fit":
	default:
		return nil, nil, false, fmt.Errorf("mode %q: want auto, fit or load", mode)
	}
	return fit(ctx, in, played, opts, src, synthetic, fp, path)
}

// fit fits the model on every played match and saves it to path, if any.
func fit(ctx context.Context, in *modules.Input, played []football.Match, opts model.Options, src football.Source, synthetic bool, fp, path string) (model.Model, *model.File, bool, error) {
	m, err := model.New(opts)
	if err != nil {
		return nil, nil, false, err
	}
	at := played[len(played)-1].When.Add(24 * time.Hour)
	m.Fit(played, at)
	f := model.NewFile(m, opts, src, synthetic, fp, at)
	if path != "" {
		if err := f.Save(path); err != nil {
			return nil, nil, false, fmt.Errorf("saving the model: %w", err)
		}
		in.Logger.Info("saved model", "path", path)
	}
	return m, f, false, ctx.Err()
}
