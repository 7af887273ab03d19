package model

import (
	"math"
	"slices"
	"time"

	"github.com/pipe-run/pipe/modules/internal/football"
)

// Elo rates teams by Elo's rule (with a goal-difference multiplier and a
// home advantage) and turns the rating difference into home/draw/away
// probabilities with an ordered logit fitted on the matches seen so far.
// Expected goals come from a Poisson regression on the same difference.
type Elo struct {
	K       float64 `json:"k"`
	HomeAdv float64 `json:"home_advantage"`
	// NewTeam is how far below the league's mean a team new to it starts.
	NewTeam float64 `json:"new_team_offset"`
	// Regress pulls ratings toward the mean between seasons.
	Regress float64            `json:"season_regression"`
	Ratings map[string]float64 `json:"ratings"`
	Season  string             `json:"season"`
	// Ordered logit on d = (home + HomeAdv - away) / 100:
	// P(away) = s(Cut1 - Beta d), P(away or draw) = s(Cut2 - Beta d).
	Cut1 float64 `json:"cut1"`
	Cut2 float64 `json:"cut2"`
	Beta float64 `json:"beta"`
	// Expected goals: exp(GoalsH[0] + GoalsH[1] d) and the same for away.
	GoalsH   [2]float64 `json:"goals_home"`
	GoalsA   [2]float64 `json:"goals_away"`
	FittedAt time.Time  `json:"fitted_at"`

	samples []eloSample
	fitN    int // samples when the logit was last fitted
	cursor  int // matches of the series already rated
}

type eloSample struct {
	d      float64
	result football.Outcome
	hg, ag int
}

// NewElo returns Elo ratings with the given update speed and home edge.
func NewElo(k, homeAdv, newTeam, regress float64) *Elo {
	return &Elo{K: k, HomeAdv: homeAdv, NewTeam: newTeam, Regress: regress, Ratings: map[string]float64{},
		Cut1: -0.9, Cut2: 0.3, Beta: 0.6, GoalsH: [2]float64{0.35, 0.2}, GoalsA: [2]float64{0.1, -0.2}}
}

// Fit rates every played match before asOf, in order, and refits the
// logit once enough new matches are in. ms must be the same series on
// every call, growing only at its end: Elo is a running rating.
func (e *Elo) Fit(ms []football.Match, asOf time.Time) {
	e.FittedAt = asOf
	for ; e.cursor < len(ms) && ms[e.cursor].When.Before(asOf); e.cursor++ {
		m := &ms[e.cursor]
		if !m.Played() {
			continue
		}
		if m.Season != e.Season {
			e.newSeason(m.Season)
		}
		rh, ra := e.rating(m.Home), e.rating(m.Away)
		d := (rh + e.HomeAdv - ra) / 100
		e.samples = append(e.samples, eloSample{d, m.Result(), m.HomeGoals, m.AwayGoals})
		expected := 1 / (1 + math.Pow(10, -d/4))
		score := [...]float64{1, 0.5, 0}[m.Result()]
		delta := e.K * goalMultiplier(m.HomeGoals-m.AwayGoals) * (score - expected)
		e.Ratings[m.Home] = rh + delta
		e.Ratings[m.Away] = ra - delta
	}
	if len(e.samples) >= 200 && len(e.samples) > e.fitN+e.fitN/10 {
		e.fitLogit()
		e.fitGoals()
		e.fitN = len(e.samples)
	}
}

func goalMultiplier(gd int) float64 {
	if gd < 0 {
		gd = -gd
	}
	switch {
	case gd <= 1:
		return 1
	case gd == 2:
		return 1.5
	}
	return (11 + float64(gd)) / 8
}

func (e *Elo) mean() float64 {
	if len(e.Ratings) == 0 {
		return 1500
	}
	// Sum in name order: map order would make the last bits, and so the
	// predictions, differ from run to run.
	names := make([]string, 0, len(e.Ratings))
	for t := range e.Ratings {
		names = append(names, t)
	}
	slices.Sort(names)
	s := 0.0
	for _, t := range names {
		s += e.Ratings[t]
	}
	return s / float64(len(e.Ratings))
}

func (e *Elo) newSeason(season string) {
	mean := e.mean()
	for t, r := range e.Ratings {
		e.Ratings[t] = mean + (1-e.Regress)*(r-mean)
	}
	e.Season = season
}

func (e *Elo) rating(team string) float64 {
	if r, ok := e.Ratings[team]; ok {
		return r
	}
	r := e.mean() - e.NewTeam
	if len(e.Ratings) == 0 {
		r = 1500
	}
	e.Ratings[team] = r
	return r
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func (e *Elo) probs(d float64) [3]float64 {
	pa := sigmoid(e.Cut1 - e.Beta*d)
	pad := sigmoid(e.Cut2 - e.Beta*d)
	return [3]float64{1 - pad, pad - pa, pa}
}

// fitLogit maximises the ordered logit's likelihood over the samples by
// Newton's method (gradient exact, Hessian by differences), halving steps
// that do not improve it.
func (e *Elo) fitLogit() {
	params := [3]float64{e.Cut1, e.Cut2, e.Beta}
	ll := func(p [3]float64) float64 {
		if p[1] <= p[0] {
			return math.Inf(-1)
		}
		s := 0.0
		for _, x := range e.samples {
			pa := sigmoid(p[0] - p[2]*x.d)
			pad := sigmoid(p[1] - p[2]*x.d)
			pr := [3]float64{1 - pad, pad - pa, pa}[x.result]
			s += math.Log(max(pr, probFloor))
		}
		return s
	}
	grad := func(p [3]float64) [3]float64 {
		const h = 1e-5
		var g [3]float64
		for i := range 3 {
			up, dn := p, p
			up[i] += h
			dn[i] -= h
			g[i] = (ll(up) - ll(dn)) / (2 * h)
		}
		return g
	}
	cur := ll(params)
	for iter := 0; iter < 50; iter++ {
		g := grad(params)
		var hess [3][3]float64
		const h = 1e-4
		for j := range 3 {
			up := params
			up[j] += h
			gu := grad(up)
			for i := range 3 {
				hess[i][j] = (gu[i] - g[i]) / h
			}
		}
		step, ok := solve3(hess, g)
		if !ok {
			return
		}
		improved := false
		for t := 1.0; t > 1e-4; t /= 2 {
			next := [3]float64{params[0] - t*step[0], params[1] - t*step[1], params[2] - t*step[2]}
			if v := ll(next); v > cur {
				params, improved = next, true
				if v-cur < 1e-9 {
					cur = v
					break
				}
				cur = v
				break
			}
		}
		if !improved {
			break
		}
	}
	e.Cut1, e.Cut2, e.Beta = params[0], params[1], params[2]
}

// solve3 solves a x = b for a 3x3 system.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	det := a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) + a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	if math.Abs(det) < 1e-12 {
		return [3]float64{}, false
	}
	var x [3]float64
	for i := range 3 {
		m := a
		for r := range 3 {
			m[r][i] = b[r]
		}
		x[i] = (m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])) / det
	}
	return x, true
}

// fitGoals fits log-linear Poisson regressions of home and away goals on
// the rating difference (two-parameter Newton).
func (e *Elo) fitGoals() {
	fit := func(p [2]float64, goals func(eloSample) int) [2]float64 {
		for iter := 0; iter < 30; iter++ {
			var g0, g1, h00, h01, h11 float64
			for _, x := range e.samples {
				lam := math.Exp(p[0] + p[1]*x.d)
				r := float64(goals(x)) - lam
				g0 += r
				g1 += r * x.d
				h00 += lam
				h01 += lam * x.d
				h11 += lam * x.d * x.d
			}
			det := h00*h11 - h01*h01
			if det <= 0 {
				return p
			}
			s0 := (h11*g0 - h01*g1) / det
			s1 := (h00*g1 - h01*g0) / det
			p[0] += s0
			p[1] += s1
			if math.Abs(s0)+math.Abs(s1) < 1e-9 {
				break
			}
		}
		return p
	}
	e.GoalsH = fit(e.GoalsH, func(x eloSample) int { return x.hg })
	e.GoalsA = fit(e.GoalsA, func(x eloSample) int { return x.ag })
}

// Predict gives home/draw/away probabilities and expected goals.
func (e *Elo) Predict(home, away string) Prediction {
	rh, ok := e.Ratings[home]
	if !ok {
		rh = e.mean() - e.NewTeam
	}
	ra, ok := e.Ratings[away]
	if !ok {
		ra = e.mean() - e.NewTeam
	}
	d := (rh + e.HomeAdv - ra) / 100
	return Prediction{Probs: e.probs(d), XGHome: math.Exp(e.GoalsH[0] + e.GoalsH[1]*d), XGAway: math.Exp(e.GoalsA[0] + e.GoalsA[1]*d)}
}

// Known reports whether the team has a rating.
func (e *Elo) Known(team string) bool {
	_, ok := e.Ratings[team]
	return ok
}
