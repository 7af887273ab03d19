package model

import (
	"context"
	"fmt"
	"time"

	"github.com/pipe-run/pipe/modules/internal/football"
)

// Model is a fitted match-outcome model.
type Model interface {
	// Fit fits the model on the played matches of ms before asOf.
	Fit(ms []football.Match, asOf time.Time)
	Predict(home, away string) Prediction
	Known(team string) bool
}

// Method names a model.
type Method string

// The methods there are.
const (
	MethodDixonColes Method = "dixon_coles"
	MethodElo        Method = "elo"
	MethodBlend      Method = "blend"
)

// Options are the models' settings. The defaults were chosen on the
// 2014-15 to 2016-17 seasons of the four leagues, before the held-out ones.
type Options struct {
	Method   Method  `json:"method"`
	HalfLife float64 `json:"half_life_days"`
	PriorSD  float64 `json:"prior_sd"`
	StyleSD  float64 `json:"style_sd"`
	Promoted float64 `json:"promoted_prior"`
	EloK     float64 `json:"elo_k"`
	EloHome  float64 `json:"elo_home"`
	EloNew   float64 `json:"elo_new_team"`
	EloRegr  float64 `json:"elo_regress"`
	// BlendWeight is Dixon-Coles' share in the blend.
	BlendWeight float64 `json:"blend_weight"`
}

// DefaultOptions returns the tuned defaults for method.
func DefaultOptions(method Method) Options {
	return Options{Method: method, HalfLife: 365, PriorSD: 0.5, StyleSD: 0.1, Promoted: 0,
		EloK: 12, EloHome: 65, EloNew: 50, EloRegr: 0.1, BlendWeight: 0.5}
}

// New makes an unfitted model of opts.Method.
func New(opts Options) (Model, error) {
	switch opts.Method {
	case MethodDixonColes:
		return NewDixonColes(opts.HalfLife, opts.PriorSD, opts.StyleSD, opts.Promoted), nil
	case MethodElo:
		return NewElo(opts.EloK, opts.EloHome, opts.EloNew, opts.EloRegr), nil
	case MethodBlend:
		return &Blend{DC: NewDixonColes(opts.HalfLife, opts.PriorSD, opts.StyleSD, opts.Promoted), Elo: NewElo(opts.EloK, opts.EloHome, opts.EloNew, opts.EloRegr), Weight: opts.BlendWeight}, nil
	}
	return nil, fmt.Errorf("unknown method %q (dixon_coles, elo or blend)", opts.Method)
}

// Blend averages Dixon-Coles' and Elo's probabilities.
type Blend struct {
	DC     *DixonColes `json:"dixon_coles"`
	Elo    *Elo        `json:"elo"`
	Weight float64     `json:"weight"`
}

// Fit fits both models.
func (b *Blend) Fit(ms []football.Match, asOf time.Time) {
	b.DC.Fit(ms, asOf)
	b.Elo.Fit(ms, asOf)
}

// Predict averages the two; expected goals are Dixon-Coles'.
func (b *Blend) Predict(home, away string) Prediction {
	p, q := b.DC.Predict(home, away), b.Elo.Predict(home, away)
	for k := range p.Probs {
		p.Probs[k] = b.Weight*p.Probs[k] + (1-b.Weight)*q.Probs[k]
	}
	return p
}

// Known reports whether both models know the team.
func (b *Blend) Known(team string) bool { return b.DC.Known(team) && b.Elo.Known(team) }

// Scored is a walk-forward prediction of a match.
type Scored struct {
	Match *football.Match
	Prediction
}

// WalkForward predicts every played match of ms at or after from, in time
// order, each from the model fitted on the matches strictly before its
// time (matches at the same time are predicted together, before any of
// them is known). Nothing later is ever seen.
func WalkForward(ctx context.Context, ms []football.Match, from time.Time, m Model) ([]Scored, error) {
	var out []Scored
	var fitted time.Time
	for i := range ms {
		mt := &ms[i]
		if mt.When.Before(from) || !mt.Played() {
			continue
		}
		if !mt.When.Equal(fitted) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			m.Fit(ms, mt.When)
			fitted = mt.When
		}
		out = append(out, Scored{Match: mt, Prediction: m.Predict(mt.Home, mt.Away)})
	}
	return out, nil
}
