package model

import (
	"math"

	"github.com/pipe-run/pipe/modules/internal/football"
)

// Prediction is a model's view of one match.
type Prediction struct {
	// Probs are home, draw and away probabilities, summing to one.
	Probs          [3]float64
	XGHome, XGAway float64
}

// Metrics score probabilistic predictions of played matches.
type Metrics struct {
	N        int     `json:"n"`
	LogLoss  float64 `json:"log_loss"`
	Brier    float64 `json:"brier"`
	RPS      float64 `json:"rps"`
	Accuracy float64 `json:"accuracy"`
}

// Scorer accumulates metrics.
type Scorer struct {
	n                         int
	logLoss, brier, rps, hits float64
}

// probFloor keeps a confident miss from scoring an infinite log loss.
const probFloor = 1e-12

// Add scores one prediction against the outcome.
func (s *Scorer) Add(p [3]float64, result football.Outcome) {
	s.n++
	s.logLoss -= math.Log(max(p[result], probFloor))
	var cumP, cumO float64
	best := 0
	for k := range 3 {
		o := 0.0
		if football.Outcome(k) == result {
			o = 1
		}
		s.brier += (p[k] - o) * (p[k] - o)
		if p[k] > p[best] {
			best = k
		}
		if k < 2 {
			cumP += p[k]
			cumO += o
			s.rps += (cumP - cumO) * (cumP - cumO) / 2
		}
	}
	if football.Outcome(best) == result {
		s.hits++
	}
}

// Metrics returns the means.
func (s *Scorer) Metrics() Metrics {
	if s.n == 0 {
		return Metrics{}
	}
	n := float64(s.n)
	return Metrics{N: s.n, LogLoss: s.logLoss / n, Brier: s.brier / n, RPS: s.rps / n, Accuracy: s.hits / n}
}

// MarketProbs removes the bookmaker's margin from decimal odds
// proportionally.
func MarketProbs(odds [3]float64) [3]float64 {
	var p [3]float64
	var sum float64
	for k, o := range odds {
		p[k] = 1 / o
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	return p
}
