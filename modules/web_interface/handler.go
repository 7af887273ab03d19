package web_interface

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pipe-run/pipe/modules"
)

//go:embed page.html
var pageFS embed.FS

// pageTmpl is parsed on first use, not in init: every pipe command would
// pay for it otherwise.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page.html").Funcs(template.FuncMap{
		"pct": func(v any) string {
			if f, ok := v.(float64); ok {
				return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
			}
			return ""
		},
		"cell": cell,
	}).ParseFS(pageFS, "page.html"))
})

// page is what the module serves.
type page struct {
	Title       string
	Predictions []any
	Bets        []any
	Metrics     map[string]any
	Backtest    map[string]any
	// Fixtures says where the predictions' fixtures came from, or what
	// to give when there are none (sports_predictor's fixtures output).
	Fixtures map[string]any
	*dashboard
	predictor *predictor
	noModel   string // why predictor is nil
}

func pageFrom(in *modules.Input) *page {
	p := &page{Title: in.String("title")}
	// What it serves is masked like the run record: a secret that reached
	// a served value reads ***.
	mask := modules.NewMasker(in.Secrets)
	p.Predictions, _ = mask.Value(in.With["predictions"]).([]any)
	p.Bets, _ = mask.Value(in.With["bets"]).([]any)
	p.Metrics, _ = mask.Value(in.With["metrics"]).(map[string]any)
	p.Backtest, _ = mask.Value(in.With["backtest"]).(map[string]any)
	if p.Predictions == nil {
		p.Predictions = []any{}
	}
	if p.Bets == nil {
		p.Bets = []any{}
	}
	p.Fixtures, _ = mask.Value(in.With["fixtures"]).(map[string]any)
	p.dashboard = newDashboard(p.Metrics, p.Backtest)
	p.predictor, p.noModel = predictorFrom(in.With["model"])
	return p
}

func newHandler(p *page, run modules.RunInfo) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /api/predictions", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, p.Predictions) })
	mux.HandleFunc("GET /api/bets", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, p.Bets) })
	mux.HandleFunc("GET /api/metrics", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, orEmpty(p.Metrics)) })
	mux.HandleFunc("GET /api/backtest", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, orEmpty(p.Backtest)) })
	mux.HandleFunc("GET /api/predict", func(w http.ResponseWriter, r *http.Request) {
		a := p.predictor.ask(r.URL.Query().Get("home"), r.URL.Query().Get("away"), p.noModel)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		json.NewEncoder(w).Encode(a)
	})
	mux.HandleFunc("GET /api/teams", func(w http.ResponseWriter, r *http.Request) {
		if p.predictor == nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(map[string]any{"error": p.noModel})
			return
		}
		writeJSON(w, map[string]any{"current": p.predictor.current, "all": p.predictor.teams})
	})
	mux.HandleFunc("GET /api/run", func(w http.ResponseWriter, r *http.Request) {
		if run == nil {
			http.Error(w, "no run", http.StatusNotFound)
			return
		}
		b, err := run.Snapshot()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		data := struct {
			*page
			Graph    template.HTML
			GraphDOT string
			Columns  []string
			Now      string
			Teams    []string
			Asked    bool
			Ask      answer
			AskHome  string
			AskAway  string
			NoModel  string
		}{page: p, Columns: columns(p.Predictions), Now: time.Now().Format(time.RFC1123), NoModel: p.noModel}
		if p.predictor != nil {
			data.Teams = p.predictor.current
		}
		// The form asks through the page itself (GET /?home=&away=): it
		// works without a script, which the page's CSP forbids anyway.
		q := r.URL.Query()
		if q.Has("home") || q.Has("away") {
			data.Asked, data.AskHome, data.AskAway = true, q.Get("home"), q.Get("away")
			data.Ask = p.predictor.ask(data.AskHome, data.AskAway, p.noModel)
		}
		if run != nil {
			if dot, err := run.Graph(); err == nil {
				if svg, err := renderSVG(r.Context(), dot); err == nil {
					data.Graph = template.HTML(svg) // made by Graphviz from escaped DOT
				} else {
					data.GraphDOT = string(dot)
				}
			}
		}
		var buf bytes.Buffer
		if err := pageTmpl().Execute(&buf, data); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	})
	return mux
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	// A NaN metric is written as "NaN" (see modules.JSONSafe); encoding/json
	// would fail on it after the header is sent, leaving an empty body.
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(modules.JSONSafe(v))
}

// columns lists the keys of the rows in a stable, readable order.
func columns(rows []any) []string {
	order := map[string]int{"date": 0, "home": 1, "away": 2, "p_home": 3, "p_draw": 4, "p_away": 5, "pick": 6, "xg_home": 7, "xg_away": 8, "odds": 9, "result": 10}
	seen := map[string]bool{}
	var cols []string
	for _, r := range rows {
		m, _ := r.(map[string]any)
		for k := range m {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	sort.Slice(cols, func(i, j int) bool {
		oi, iok := order[cols[i]]
		oj, jok := order[cols[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return cols[i] < cols[j]
	})
	return cols
}

// renderSVG draws DOT with Graphviz when it is installed.
func renderSVG(ctx context.Context, dot []byte) ([]byte, error) {
	bin, err := exec.LookPath("dot")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	// Drop the XML prolog: the SVG goes inline in the page.
	if i := bytes.Index(out, []byte("<svg")); i > 0 {
		out = out[i:]
	}
	return out, nil
}

// cell renders one value of a row for the page.
func cell(row any, col string) string {
	m, _ := row.(map[string]any)
	switch v := m[col].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if text, ok := modules.NonFiniteText(v); ok {
			return text
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case map[string]any:
		if _, ok := v["home"]; ok { // odds
			return strings.Join([]string{cell(v, "home"), cell(v, "draw"), cell(v, "away")}, " / ")
		}
		b, _ := modules.MarshalJSON(v)
		return string(b)
	default:
		b, _ := modules.MarshalJSON(v)
		return string(b)
	}
}
