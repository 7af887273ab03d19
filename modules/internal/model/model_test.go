package model

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules/internal/football"
)

func corr(a, b []float64) float64 {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma += a[i] / n
		mb += b[i] / n
	}
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// TestDixonColesRecoversSyntheticStrengths fits the synthetic league and
// checks that the fit finds the strengths that made it.
func TestDixonColesRecoversSyntheticStrengths(t *testing.T) {
	l := football.NewSyntheticLeague()
	ms := l.Matches()
	m := NewDixonColes(100000, 10, 0, 0) // no decay, almost no prior: plain maximum likelihood
	m.Fit(ms, ms[len(ms)-1].When.Add(time.Hour))
	att, def := make([]float64, len(l.Teams)), make([]float64, len(l.Teams))
	for i, name := range l.Teams {
		k := m.Teams[name]
		att[i], def[i] = m.Attack[k], m.Defence[k]
	}
	if c := corr(att, l.Attack); c < 0.95 {
		t.Errorf("attack correlation with the truth %.3f, want >= 0.95", c)
	}
	if c := corr(def, l.Defence); c < 0.95 {
		t.Errorf("defence correlation with the truth %.3f, want >= 0.95", c)
	}
	if math.Abs(m.Home-l.HomeAdv) > 0.06 {
		t.Errorf("home advantage %.3f, truth %.3f", m.Home, l.HomeAdv)
	}
	// The synthetic scores are independent Poisson: rho must come out small.
	if math.Abs(m.Rho) > 0.1 {
		t.Errorf("rho %.3f for independent scores", m.Rho)
	}
}

// TestNoLookAhead shuffles every result after a cut-off: the predictions
// of the matches before it must not change, for every method.
func TestNoLookAhead(t *testing.T) {
	ms := football.NewSyntheticLeague().Matches()
	cut := ms[len(ms)*3/4].When
	shuffled := append([]football.Match(nil), ms...)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range shuffled {
		if !shuffled[i].When.Before(cut) {
			shuffled[i].HomeGoals, shuffled[i].AwayGoals = rng.IntN(5), rng.IntN(5)
		}
	}
	from := ms[len(ms)/2].When
	for _, method := range []Method{MethodDixonColes, MethodElo, MethodBlend} {
		a, _ := New(DefaultOptions(method))
		b, _ := New(DefaultOptions(method))
		pa, err := WalkForward(context.Background(), ms, from, a)
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := WalkForward(context.Background(), shuffled, from, b)
		checked := 0
		for i := range pa {
			if !pa[i].Match.When.Before(cut) {
				break
			}
			if pa[i].Probs != pb[i].Probs {
				t.Fatalf("%s: the prediction of %s - %s on %s changed when later results changed", method, pa[i].Match.Home, pa[i].Match.Away, pa[i].Match.When.Format("2006-01-02"))
			}
			checked++
		}
		if checked < 300 {
			t.Fatalf("%s: only %d predictions checked", method, checked)
		}
		// And later ones do change: the test can fail.
		same := true
		for i := checked; i < len(pa); i++ {
			if pa[i].Probs != pb[i].Probs {
				same = false
				break
			}
		}
		if same {
			t.Errorf("%s: predictions after the cut did not change either; the test proves nothing", method)
		}
	}
}

func TestProbabilitiesAreProper(t *testing.T) {
	ms := football.NewSyntheticLeague().Matches()
	for _, method := range []Method{MethodDixonColes, MethodElo, MethodBlend} {
		m, _ := New(DefaultOptions(method))
		m.Fit(ms, ms[len(ms)-1].When.Add(time.Hour))
		for _, p := range []Prediction{m.Predict(ms[0].Home, ms[0].Away), m.Predict(ms[5].Away, ms[5].Home), m.Predict("Nobody FC", ms[0].Home)} {
			s := p.Probs[0] + p.Probs[1] + p.Probs[2]
			if math.Abs(s-1) > 1e-9 || p.Probs[0] <= 0 || p.Probs[1] <= 0 || p.Probs[2] <= 0 || p.XGHome <= 0 || p.XGAway <= 0 {
				t.Errorf("%s: improper prediction %+v", method, p)
			}
		}
	}
}

func TestModelFileRoundTrip(t *testing.T) {
	ms := football.NewSyntheticLeague().Matches()
	for _, method := range []Method{MethodDixonColes, MethodElo, MethodBlend} {
		opts := DefaultOptions(method)
		m, _ := New(opts)
		at := ms[len(ms)-1].When.Add(time.Hour)
		m.Fit(ms, at)
		path := filepath.Join(t.TempDir(), "m.json")
		if err := NewFile(m, opts, football.Source{}, true, Fingerprint(ms, opts), at).Save(path); err != nil {
			t.Fatal(err)
		}
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		back, _ := f.Model()
		want, got := m.Predict(ms[3].Home, ms[3].Away), back.Predict(ms[3].Home, ms[3].Away)
		if want != got {
			t.Errorf("%s: loaded model predicts %+v, the fitted one %+v", method, got, want)
		}
	}
}

func TestScorer(t *testing.T) {
	var s Scorer
	s.Add([3]float64{0.5, 0.3, 0.2}, football.Home)
	s.Add([3]float64{0.2, 0.3, 0.5}, football.Home)
	m := s.Metrics()
	wantLL := -(math.Log(0.5) + math.Log(0.2)) / 2
	wantBrier := ((0.25 + 0.09 + 0.04) + (0.64 + 0.09 + 0.25)) / 2
	// RPS: cumulative (0.5,0.8) vs (1,1) -> (0.25+0.04)/2; (0.2,0.5) vs (1,1) -> (0.64+0.25)/2
	wantRPS := ((0.25+0.04)/2 + (0.64+0.25)/2) / 2
	if math.Abs(m.LogLoss-wantLL) > 1e-12 || math.Abs(m.Brier-wantBrier) > 1e-12 || math.Abs(m.RPS-wantRPS) > 1e-12 || m.Accuracy != 0.5 || m.N != 2 {
		t.Errorf("metrics %+v, want log loss %v, Brier %v, RPS %v", m, wantLL, wantBrier, wantRPS)
	}
}
