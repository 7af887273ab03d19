// Package model fits match-outcome models to football results and
// evaluates them walk-forward: a time-decayed Dixon-Coles model (Poisson
// goals with the low-score correction) and Elo ratings with an ordered
// logit.
package model

import (
	"math"
	"time"

	"github.com/pipe-run/pipe/modules/internal/football"
)

// DixonColes is Dixon and Coles' model: home goals are Poisson with mean
// exp(Base + Home + Attack[h] - Defence[a]), away goals with mean
// exp(Base + Attack[a] - Defence[h]), the low scores corrected by Rho.
// Older matches weigh less: a match HalfLife days old counts half.
type DixonColes struct {
	Teams   map[string]int `json:"-"`
	Names   []string       `json:"teams"`
	Attack  []float64      `json:"attack"`
	Defence []float64      `json:"defence"`
	Base    float64        `json:"base"`
	Home    float64        `json:"home"`
	Rho     float64        `json:"rho"`
	// HalfLife is the time decay, in days.
	HalfLife float64 `json:"half_life_days"`
	// PriorSD is the spread of team strengths a priori: it pulls teams with
	// few matches toward the average, which a promoted team needs.
	PriorSD float64 `json:"prior_sd"`
	// StyleSD is the spread of the difference between a team's attack and
	// defence a priori; 0 lets them vary independently.
	StyleSD float64 `json:"style_sd"`
	// PromotedPrior is where a team not seen in the last season starts, in
	// attack and defence: promoted teams are weaker than average.
	PromotedPrior float64 `json:"promoted_prior"`
	// FittedAt is the time of the fit: matches up to it were used.
	FittedAt time.Time `json:"fitted_at"`
	// prior holds each team's prior mean strength.
	prior []float64
}

// NewDixonColes returns an unfitted model with the given decay and prior.
func NewDixonColes(halfLife, priorSD, styleSD, promoted float64) *DixonColes {
	return &DixonColes{Teams: map[string]int{}, HalfLife: halfLife, PriorSD: priorSD, StyleSD: styleSD, PromotedPrior: promoted, Base: math.Log(1.3)}
}

func (m *DixonColes) team(name string) int {
	if i, ok := m.Teams[name]; ok {
		return i
	}
	i := len(m.Names)
	m.Teams[name] = i
	m.Names = append(m.Names, name)
	m.Attack = append(m.Attack, 0)
	m.Defence = append(m.Defence, 0)
	m.prior = append(m.prior, 0)
	return i
}

// Index rebuilds the team index after the model is read from JSON.
func (m *DixonColes) Index() {
	m.Teams = make(map[string]int, len(m.Names))
	for i, n := range m.Names {
		m.Teams[n] = i
	}
	m.prior = make([]float64, len(m.Names))
}

type obs struct {
	h, a   int
	hg, ag int
	w      float64
}

// Fit fits the model to the played matches before asOf. It starts from the
// current parameters, so refitting a little later is quick.
func (m *DixonColes) Fit(ms []football.Match, asOf time.Time) {
	m.FittedAt = asOf
	decay := math.Ln2 / m.HalfLife
	var data []obs
	// A team that has not played in the last recentDays is new to the
	// league (promoted, or never seen): its prior is the promoted level.
	recent := map[string]bool{}
	for i := range ms {
		mt := &ms[i]
		if !mt.When.Before(asOf) {
			break
		}
		if !mt.Played() {
			continue
		}
		h, a := m.team(mt.Home), m.team(mt.Away)
		age := asOf.Sub(mt.When).Hours() / 24
		if age < recentDays {
			recent[mt.Home], recent[mt.Away] = true, true
		}
		w := math.Exp(-decay * age)
		if w < 1e-3 {
			continue
		}
		data = append(data, obs{h, a, mt.HomeGoals, mt.AwayGoals, w})
	}
	// Teams of the coming season that were not around lately start from
	// the promoted level; a newly seen team too.
	for name, i := range m.Teams {
		m.prior[i] = 0
		if !recent[name] {
			m.prior[i] = m.PromotedPrior
		}
	}
	if len(data) == 0 {
		return
	}
	m.fitRates(data)
	m.fitRho(data)
}

// recentDays is how long since its last match a team still counts as one
// of the league's: longer than a summer break, shorter than a season away.
const recentDays = 200

// fitRates maximises the weighted Poisson likelihood with a normal prior on
// each team's strengths, by block Newton steps: every attack at once, then
// every defence, then the base rate and home advantage. Each step is exact
// for its block given the others, so it converges in a few dozen passes.
func (m *DixonColes) fitRates(data []obs) {
	n := len(m.Names)
	g := make([]float64, n)
	hs := make([]float64, n)
	// The prior: attack = s + t and defence = s - t, with s (how good a
	// team is) spread PriorSD and t (scoring more than it stops) spread
	// StyleSD. Good teams tend to be good at both, so attack and defence
	// are correlated a priori; StyleSD 0 means independent strengths.
	pAA, pAD := 1/(m.PriorSD*m.PriorSD), 0.0
	if m.StyleSD > 0 {
		ss, tt := m.PriorSD*m.PriorSD, m.StyleSD*m.StyleSD
		v, c := ss+tt, ss-tt
		det := v*v - c*c
		pAA, pAD = v/det, -c/det
	}
	for iter := 0; iter < 100; iter++ {
		maxStep := 0.0
		// attack
		for i := range n {
			g[i] = -(m.Attack[i]-m.prior[i])*pAA - (m.Defence[i]-m.prior[i])*pAD
			hs[i] = pAA
		}
		for _, o := range data {
			lh := math.Exp(m.Base + m.Home + m.Attack[o.h] - m.Defence[o.a])
			la := math.Exp(m.Base + m.Attack[o.a] - m.Defence[o.h])
			g[o.h] += o.w * (float64(o.hg) - lh)
			hs[o.h] += o.w * lh
			g[o.a] += o.w * (float64(o.ag) - la)
			hs[o.a] += o.w * la
		}
		for i := range n {
			step := g[i] / hs[i]
			m.Attack[i] += step
			maxStep = max(maxStep, math.Abs(step))
		}
		// defence
		for i := range n {
			g[i] = -(m.Defence[i]-m.prior[i])*pAA - (m.Attack[i]-m.prior[i])*pAD
			hs[i] = pAA
		}
		for _, o := range data {
			lh := math.Exp(m.Base + m.Home + m.Attack[o.h] - m.Defence[o.a])
			la := math.Exp(m.Base + m.Attack[o.a] - m.Defence[o.h])
			g[o.a] -= o.w * (float64(o.hg) - lh)
			hs[o.a] += o.w * lh
			g[o.h] -= o.w * (float64(o.ag) - la)
			hs[o.h] += o.w * la
		}
		for i := range n {
			step := g[i] / hs[i]
			m.Defence[i] += step
			maxStep = max(maxStep, math.Abs(step))
		}
		// base and home: closed form given the teams
		var goalsH, goalsA, rateH, rateA float64
		for _, o := range data {
			goalsH += o.w * float64(o.hg)
			goalsA += o.w * float64(o.ag)
			rateH += o.w * math.Exp(m.Attack[o.h]-m.Defence[o.a])
			rateA += o.w * math.Exp(m.Attack[o.a]-m.Defence[o.h])
		}
		if goalsH > 0 && goalsA > 0 {
			base := math.Log(goalsA / rateA)
			home := math.Log(goalsH/rateH) - base
			maxStep = max(maxStep, math.Abs(base-m.Base), math.Abs(home-m.Home))
			m.Base, m.Home = base, home
		}
		if maxStep < 1e-6 {
			break
		}
	}
}

// fitRho maximises the likelihood of the low-score correction given the
// goal rates, by golden-section search.
func (m *DixonColes) fitRho(data []obs) {
	type low struct {
		x, y   int
		lh, la float64
		w      float64
	}
	var lows []low
	for _, o := range data {
		if o.hg <= 1 && o.ag <= 1 {
			lh := math.Exp(m.Base + m.Home + m.Attack[o.h] - m.Defence[o.a])
			la := math.Exp(m.Base + m.Attack[o.a] - m.Defence[o.h])
			lows = append(lows, low{o.hg, o.ag, lh, la, o.w})
		}
	}
	// The other scores' probabilities do not depend on rho, but the
	// normalisation does not either: tau keeps the total at one.
	ll := func(rho float64) float64 {
		s := 0.0
		for _, l := range lows {
			t := football.Tau(l.x, l.y, l.lh, l.la, rho)
			if t <= 0 {
				return math.Inf(-1)
			}
			s += l.w * math.Log(t)
		}
		return s
	}
	lo, hi := -0.3, 0.3
	const phi = 0.6180339887498949
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := ll(a), ll(b)
	for hi-lo > 1e-5 {
		if fa > fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = ll(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = ll(b)
		}
	}
	m.Rho = (lo + hi) / 2
}

// Rates returns the expected goals of home and away.
func (m *DixonColes) Rates(home, away string) (float64, float64) {
	h, a := m.strength(home), m.strength(away)
	lh := math.Exp(m.Base + m.Home + h.att - a.def)
	la := math.Exp(m.Base + a.att - h.def)
	return lh, la
}

type strength struct{ att, def float64 }

func (m *DixonColes) strength(team string) strength {
	if i, ok := m.Teams[team]; ok {
		return strength{m.Attack[i], m.Defence[i]}
	}
	return strength{m.PromotedPrior, m.PromotedPrior}
}

// Predict gives home/draw/away probabilities and expected goals.
func (m *DixonColes) Predict(home, away string) Prediction {
	lh, la := m.Rates(home, away)
	return Prediction{Probs: football.OutcomeProbs(lh, la, m.Rho), XGHome: lh, XGAway: la}
}

// Known reports whether the model has seen the team.
func (m *DixonColes) Known(team string) bool {
	_, ok := m.Teams[team]
	return ok
}
