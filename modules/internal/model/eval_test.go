package model

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules/internal/football"
)

// sharedData is where the project's real data lives, beside the repository.
const sharedData = "../../../../shared/data/odds"

func leagues(t testing.TB) map[string][]football.Match {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedData, "*.csv"))
	if len(files) == 0 {
		t.Skipf("no real data at %s: the evaluation against it is skipped", sharedData)
	}
	out := map[string][]football.Match{}
	for _, f := range files {
		ms, _, err := football.Read(context.Background(), f, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = ms
	}
	return out
}

func seasonStart(year int) time.Time { return time.Date(year, time.July, 1, 0, 0, 0, 0, time.UTC) }

func evaluate(ms []football.Match, from, until time.Time, opts Options) (Metrics, Metrics) {
	var in []football.Match
	for _, m := range ms {
		if m.When.Before(until) {
			in = append(in, m)
		}
	}
	mod, _ := New(opts)
	var s, market Scorer
	scored, _ := WalkForward(context.Background(), in, from, mod)
	for _, p := range scored {
		s.Add(p.Probs, p.Match.Result())
		if p.Match.HasOdds() {
			market.Add(MarketProbs(p.Match.Odds), p.Match.Result())
		}
	}
	return s.Metrics(), market.Metrics()
}

// TestTune prints a grid over the settings on the seasons before the held-out
// ones (2014-15 to 2016-17). Run it with PIPE_TUNE=1.
func TestTune(t *testing.T) {
	if os.Getenv("PIPE_TUNE") == "" {
		t.Skip("set PIPE_TUNE=1 to search the settings")
	}
	data := leagues(t)
	base := DefaultOptions(Method(os.Getenv("PIPE_TUNE_METHOD")))
	if base.Method == "" {
		base.Method = MethodDixonColes
	}
	for _, hl := range floats(os.Getenv("PIPE_TUNE_HL"), 150, 240, 365) {
		for _, sd := range floats(os.Getenv("PIPE_TUNE_SD"), 0.2, 0.3, 0.5) {
			for _, pr := range floats(os.Getenv("PIPE_TUNE_STYLE"), 0, 0.1, 0.2) {
				o := base
				o.HalfLife, o.PriorSD, o.StyleSD = hl, sd, pr
				total := 0.0
				line := ""
				for name, ms := range data {
					m, _ := evaluate(ms, seasonStart(2014), seasonStart(2017), o)
					total += m.LogLoss
					line += fmt.Sprintf(" %s=%.4f", name[:5], m.LogLoss)
				}
				t.Logf("hl=%v sd=%v style=%v mean=%.4f%s", hl, sd, pr, total/float64(len(data)), line)
			}
		}
	}
}

// TestTuneElo is TestTune for Elo's settings. Run it with PIPE_TUNE=1.
func TestTuneElo(t *testing.T) {
	if os.Getenv("PIPE_TUNE") == "" {
		t.Skip("set PIPE_TUNE=1 to search the settings")
	}
	data := leagues(t)
	for _, k := range floats(os.Getenv("PIPE_TUNE_K"), 15, 20, 30) {
		for _, home := range floats(os.Getenv("PIPE_TUNE_HOME"), 50, 65, 80) {
			for _, newTeam := range floats(os.Getenv("PIPE_TUNE_NEW"), 50, 100, 150) {
				for _, regr := range floats(os.Getenv("PIPE_TUNE_REGRESS"), 0.1, 0.2, 0.33) {
					o := DefaultOptions(MethodElo)
					o.EloK, o.EloHome, o.EloNew, o.EloRegr = k, home, newTeam, regr
					total := 0.0
					for _, ms := range data {
						m, _ := evaluate(ms, seasonStart(2014), seasonStart(2017), o)
						total += m.LogLoss
					}
					t.Logf("k=%v home=%v new=%v regress=%v mean=%.4f", k, home, newTeam, regr, total/float64(len(data)))
				}
			}
		}
	}
}

// TestTuneBlend compares the methods and blend weights on the tuning
// seasons. Run it with PIPE_TUNE=1.
func TestTuneBlend(t *testing.T) {
	if os.Getenv("PIPE_TUNE") == "" {
		t.Skip("set PIPE_TUNE=1 to search the settings")
	}
	data := leagues(t)
	for _, w := range floats(os.Getenv("PIPE_TUNE_WEIGHT"), 0, 0.3, 0.5, 0.7, 1) {
		o := DefaultOptions(MethodBlend)
		o.BlendWeight = w
		total, line := 0.0, ""
		for name, ms := range data {
			m, _ := evaluate(ms, seasonStart(2014), seasonStart(2017), o)
			total += m.LogLoss
			line += fmt.Sprintf(" %s=%.4f", name[:5], m.LogLoss)
		}
		t.Logf("weight=%v mean=%.4f%s", w, total/float64(len(data)), line)
	}
}

// TestHeldOut prints the figures the README reports: train on seasons up
// to 2016-17, predict 2017-18 and 2018-19 match by match.
func TestHeldOut(t *testing.T) {
	if os.Getenv("PIPE_EVAL") == "" {
		t.Skip("set PIPE_EVAL=1 to print the held-out evaluation")
	}
	data := leagues(t)
	for name, ms := range data {
		for _, method := range []Method{MethodDixonColes, MethodElo, MethodBlend} {
			m, market := evaluate(ms, seasonStart(2017), seasonStart(2019), DefaultOptions(method))
			t.Logf("%-28s %-12s n=%d logloss=%.4f brier=%.4f rps=%.4f acc=%.3f market=%.4f", name, method, m.N, m.LogLoss, m.Brier, m.RPS, m.Accuracy, market.LogLoss)
		}
	}
}

// floats reads a comma-separated list, or returns the defaults.
func floats(list string, defaults ...float64) []float64 {
	if list == "" {
		return defaults
	}
	var out []float64
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.ParseFloat(f, 64)
		if err == nil {
			out = append(out, v)
		}
	}
	return out
}
