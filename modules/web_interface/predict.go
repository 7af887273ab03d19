package web_interface

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/model"
)

// predictor answers any match from the model sports_predictor fitted (its
// model output carries the fitted parameters).
type predictor struct {
	m        model.Model
	method   string
	fittedAt string
	teams    []string // every club the model knows, sorted
	current  []string // the last season's clubs: the form offers these
}

// predictorFrom reads the model input; nil (and why) when it holds no
// fitted model.
func predictorFrom(v any) (*predictor, string) {
	info, _ := v.(map[string]any)
	fitted, ok := info["fitted"].(map[string]any)
	if !ok {
		return nil, "the web_interface node has no fitted model: give it sports_predictor's model output (model: ${{ nodes.sports_predictor.outputs.model }})"
	}
	b, err := modules.MarshalJSON(fitted)
	if err != nil {
		return nil, err.Error()
	}
	var f model.File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, "the model input's fitted parameters do not read as a model: " + err.Error()
	}
	m, err := f.Model()
	if err != nil {
		return nil, err.Error()
	}
	p := &predictor{m: m, method: string(f.Options.Method), teams: f.Teams()}
	if !f.FittedAt.IsZero() {
		p.fittedAt = f.FittedAt.Format("2006-01-02")
	}
	list, _ := info["current_teams"].([]any)
	for _, t := range list {
		if s, ok := t.(string); ok && m.Known(s) {
			p.current = append(p.current, s)
		}
	}
	if len(p.current) == 0 {
		p.current = p.teams
	}
	return p, ""
}

// answer is the reply to a match asked for, or why there is none.
type answer struct {
	Home       string            `json:"home,omitempty"`
	Away       string            `json:"away,omitempty"`
	PHome      float64           `json:"p_home,omitempty"`
	PDraw      float64           `json:"p_draw,omitempty"`
	PAway      float64           `json:"p_away,omitempty"`
	XGHome     float64           `json:"xg_home,omitempty"`
	XGAway     float64           `json:"xg_away,omitempty"`
	Pick       string            `json:"pick,omitempty"`
	Method     string            `json:"method,omitempty"`
	FittedAt   string            `json:"fitted_at,omitempty"`
	Error      string            `json:"error,omitempty"`
	DidYouMean map[string]string `json:"did_you_mean,omitempty"`
	status     int
}

// ask predicts home against away, reading the names loosely (case,
// spaces) and saying "did you mean" for a name it does not know.
func (p *predictor) ask(home, away string, why string) answer {
	if p == nil {
		return answer{Error: why, status: http.StatusServiceUnavailable}
	}
	home, away = strings.TrimSpace(home), strings.TrimSpace(away)
	if home == "" || away == "" {
		return answer{Error: "give both clubs: /api/predict?home=...&away=... (GET /api/teams lists them)", status: http.StatusBadRequest}
	}
	a := answer{status: http.StatusOK}
	var unknown []string
	for _, side := range []struct {
		name string
		to   *string
		key  string
	}{{home, &a.Home, "home"}, {away, &a.Away, "away"}} {
		if t, ok := p.resolve(side.name); ok {
			*side.to = t
			continue
		}
		unknown = append(unknown, fmt.Sprintf("%q", side.name))
		if s := p.suggest(side.name); s != "" {
			if a.DidYouMean == nil {
				a.DidYouMean = map[string]string{}
			}
			a.DidYouMean[side.key] = s
		}
	}
	if len(unknown) > 0 {
		a.Error = fmt.Sprintf("unknown club %s (the model knows %d; GET /api/teams lists them)", strings.Join(unknown, " and "), len(p.teams))
		if a.DidYouMean != nil {
			var hints []string
			for _, k := range []string{"home", "away"} {
				if s, ok := a.DidYouMean[k]; ok {
					hints = append(hints, fmt.Sprintf("%s=%q", k, s))
				}
			}
			a.Error += "; did you mean " + strings.Join(hints, ", ") + "?"
		}
		a.Home, a.Away, a.status = "", "", http.StatusBadRequest
		return a
	}
	if a.Home == a.Away {
		return answer{Error: a.Home + " cannot play itself", status: http.StatusBadRequest}
	}
	pr := p.m.Predict(a.Home, a.Away)
	a.PHome, a.PDraw, a.PAway = round4(pr.Probs[0]), round4(pr.Probs[1]), round4(pr.Probs[2])
	a.XGHome, a.XGAway = round4(pr.XGHome), round4(pr.XGAway)
	a.Pick = "home"
	if pr.Probs[1] > pr.Probs[0] && pr.Probs[1] >= pr.Probs[2] {
		a.Pick = "draw"
	} else if pr.Probs[2] > pr.Probs[0] {
		a.Pick = "away"
	}
	a.Method, a.FittedAt = p.method, p.fittedAt
	return a
}

// resolve finds the club the model knows by this name, ignoring case and
// extra spaces.
func (p *predictor) resolve(name string) (string, bool) {
	if p.m.Known(name) {
		return name, true
	}
	norm := strings.Join(strings.Fields(name), " ")
	for _, t := range p.teams {
		if strings.EqualFold(t, norm) {
			return t, true
		}
	}
	return "", false
}

// suggest is the closest club, preferring the last season's.
func (p *predictor) suggest(name string) string {
	if s := football.Closest(name, p.current); s != "" {
		return s
	}
	return football.Closest(name, p.teams)
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
