"""A seed-style Flask app, run by pipe's python module: it serves the
predictor's metrics, the backtest, and a prediction for any match from the
saved .pth model, until the run is stopped (Ctrl-C: pipe sends SIGTERM, the
server shuts down and the module returns).
"""
import difflib
import logging
import os
import signal
import sys
import threading

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "prediction"))
import sports_predictor  # noqa: E402  (the module beside this one)

log = logging.getLogger("web_interface")


def create_app(model_path, metrics, backtest):
    app = Flask("pipe-seed")
    model = sports_predictor.load(model_path)

    @app.get("/healthz")
    def healthz():
        return "ok\n"

    @app.get("/api/metrics")
    def api_metrics():
        return jsonify(metrics)

    @app.get("/api/backtest")
    def api_backtest():
        return jsonify(backtest)

    @app.get("/api/predict")
    def api_predict():
        home, away = request.args.get("home", ""), request.args.get("away", "")
        for team in (home, away):
            if team not in model.index:
                near = difflib.get_close_matches(team, model.teams, n=1)
                hint = " (did you mean %s?)" % near[0] if near else ""
                return jsonify({"error": "unknown team %r%s" % (team, hint)}), 404
        return jsonify(sports_predictor.predict(model, home, away))

    return app


def main(model, metrics=None, backtest=None, host="127.0.0.1", port=0):
    server = make_server(host, int(port), create_app(model, metrics or {}, backtest or {}), threaded=True)
    # pipe stops a node with SIGTERM: shut the server down and return.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print("serving on http://%s:%d" % (host, server.server_port), flush=True)
    stop.wait()
    server.shutdown()
    thread.join()
    log.info("stopped")
    return {"status": "success", "message": "served on http://%s:%d until stopped" % (host, server.server_port)}
