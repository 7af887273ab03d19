package betting_prediction

import (
	"fmt"
	"math"
)

// Margin methods turn a bookmaker's odds into probabilities that sum to
// one, each with its own idea of how the margin is spread.
const (
	Proportional = "proportional" // the margin in proportion to each price
	Shin         = "shin"         // Shin's insider-trading model: more margin on long shots
	Power        = "power"        // p = (1/odds)^k
)

// Implied removes the margin from decimal odds.
func Implied(odds [3]float64, method string) ([3]float64, error) {
	var pi [3]float64
	book := 0.0
	for k, o := range odds {
		if !(o > 1) {
			return pi, fmt.Errorf("odds %v: each price must be above 1", odds)
		}
		pi[k] = 1 / o
		book += pi[k]
	}
	switch method {
	case Proportional:
		for k := range pi {
			pi[k] /= book
		}
		return pi, nil
	case Shin:
		p := func(z float64) [3]float64 {
			var out [3]float64
			for k := range pi {
				out[k] = (math.Sqrt(z*z+4*(1-z)*pi[k]*pi[k]/book) - z) / (2 * (1 - z))
			}
			return out
		}
		sum := func(z float64) float64 { q := p(z); return q[0] + q[1] + q[2] }
		if book <= 1 { // no margin to remove
			return Implied(odds, Proportional)
		}
		return p(bisect(sum, 0, 0.5)), nil
	case Power:
		sum := func(k float64) float64 {
			return math.Pow(pi[0], k) + math.Pow(pi[1], k) + math.Pow(pi[2], k)
		}
		k := bisect(sum, 0.1, 10)
		var out [3]float64
		for i := range pi {
			out[i] = math.Pow(pi[i], k)
		}
		return out, nil
	}
	return pi, fmt.Errorf("margin method %q: want proportional, shin or power", method)
}

// bisect finds x in [lo, hi] where the decreasing f crosses one.
func bisect(f func(float64) float64, lo, hi float64) float64 {
	for range 100 {
		mid := (lo + hi) / 2
		if f(mid) > 1 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// Kelly is the share of bankroll that maximises log growth for a bet at
// decimal odds o won with probability p; 0 when the bet has no edge.
func Kelly(p, o float64) float64 {
	f := (p*o - 1) / (o - 1)
	return max(f, 0)
}
