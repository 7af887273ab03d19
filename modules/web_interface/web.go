// Package web_interface is the web_interface module: a read-only HTTP
// server over the run's results (predictions, bets, the run record and the
// pipeline's graph) that runs until the run is stopped.
package web_interface

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/pipe-run/pipe/modules"
)

func init() {
	modules.Register(modules.Info{
		Name: "web_interface",
		Description: "Serves the run's results over HTTP until the run is stopped: GET /api/predictions, /api/bets, /api/metrics, " +
			"/api/backtest, /api/predict?home=&away= (any match, with did-you-mean on club names), /api/teams, /api/run (the run record), /healthz, " +
			"and / (a dashboard: calibration, log loss per season and backtest charts drawn as SVG on the server, the methods side by side, " +
			"a form to ask for a match, the tables and the pipeline's graph). Read-only.",
		Waits:   true,
		Effects: true, // it serves the run to the world: never from cache
		Tags:    []string{"web"},
		Inputs: []modules.Field{
			{Name: "addr", Type: modules.String, Default: "127.0.0.1:8080", Description: "listen address; port 0 picks a free port (logged)", Rule: modules.ListenAddress},
			{Name: "allowed_hosts", Type: modules.List, Description: "more names the server answers to in the Host header (a proxy's public name; *.example.com for subdomains; * for any). " +
				"IP addresses, localhost and the addr's own name always work; other names get 421, which stops DNS-rebinding pages from reading the run", Example: "[pipe.example.com]"},
			{Name: "title", Type: modules.String, Default: "pipe: predictions", Description: "the page's title"},
			{Name: "predictions", Type: modules.List, Description: "rows to serve at /api/predictions"},
			{Name: "bets", Type: modules.List, Description: "rows to serve at /api/bets"},
			{Name: "metrics", Type: modules.Map, Description: "served at /api/metrics"},
			{Name: "backtest", Type: modules.Map, Description: "served at /api/backtest; its path and methods are drawn"},
			{Name: "model", Type: modules.Map, Description: "sports_predictor's model output: its fitted parameters answer /api/predict and the page's form", Example: "${{ nodes.sports_predictor.outputs.model }}"},
			{Name: "fixtures", Type: modules.Map, Description: "sports_predictor's fixtures output: where the fixtures came from, or what to give when there are none"},
		},
		Outputs: []modules.Field{
			{Name: "url", Type: modules.String, Description: "where it served"},
			{Name: "requests", Type: modules.Int, Description: "how many requests it answered"},
		},
		New: func() modules.Module { return &Web{} },
	})
}

// Web is the module.
type Web struct{}

var _ modules.Module = (*Web)(nil)

// Server limits: a read-only page needs little, and slow clients must not
// hold the server.
const (
	maxInFlight     = 64
	shutdownTimeout = time.Second
)

// otherAddress says how to choose another address to listen on. The
// module sees only the addr input's value: where the pipeline took it
// from (a config key, as predict.yaml's WEB_ADDR) only the user knows,
// so both ways are told.
const otherAddress = "choose another address: set the node's addr input (127.0.0.1:0 takes a free port), " +
	"or, where it reads a config key (addr: ${{ config.WEB_ADDR }}), that key: pipe run FILE --web-addr HOST:PORT or --set WEB_ADDR=HOST:PORT"

// Run implements modules.Module: it serves until ctx ends, then shuts down
// gracefully and succeeds.
func (w *Web) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	addr := in.String("addr")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w (%s)", addr, err, otherAddress)
	}
	url := "http://" + ln.Addr().String()
	var requests atomic.Int64
	allowed, err := in.Strings("allowed_hosts")
	if err != nil {
		return nil, err
	}
	h := newHandler(pageFrom(in), in.Run)
	srv := &http.Server{
		Handler:           newHostCheck(addr, allowed).wrap(limit(h, &requests)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    32 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	in.Logger.Info("serving; stop the run (Ctrl-C) to stop it", "url", url)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return nil, fmt.Errorf("serving %s: %w", url, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return nil, err
	}
	n := requests.Load()
	return &modules.Output{
		Message: fmt.Sprintf("served %d request(s) at %s until stopped", n, url),
		Values:  map[string]any{"url": url, "requests": int(n)},
	}, nil
}

// limit counts requests, refuses all but GET and HEAD, and answers 503
// past maxInFlight requests at once.
func limit(next http.Handler, count *atomic.Int64) http.Handler {
	sem := make(chan struct{}, maxInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "read-only: GET only", http.StatusMethodNotAllowed)
			return
		}
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
			next.ServeHTTP(w, r)
		default:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	})
}
