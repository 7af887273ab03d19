"""A seed-style match model in PyTorch, run by pipe's python module.

Goals are Poisson: log(home goals) = mu + home + attack[home] - defence[away],
log(away goals) = mu + attack[away] - defence[home], matches weighted by age
(half-life one season), strengths pulled toward 0 by a normal prior. The
outcome probabilities come from the score grid up to 10 goals.

Evaluation is walk-forward, as pipe's Go models are evaluated: each held-out
round is predicted by a model fitted on the matches strictly before it. The
model fitted on every match is saved as a .pth file (torch.save) with its
metrics, and loaded from there when the file exists (mode auto or load).
"""
import csv
import logging
import math
import os
import time

import torch

log = logging.getLogger("sports_predictor")

ROUNDS_PER_SEASON = 38  # the time unit of the half-life
HALF_LIFE_SEASONS = 1.0
PRIOR_SD = 0.5
MAX_GOALS = 10
FORMAT = "pipe-seed-sports/1"


def read_matches(path):
    """Rows of the season/round layout of ../shared/data/odds."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    seasons = sorted({r["season"] for r in rows})
    out = []
    for r in rows:
        m = {
            "season": r["season"],
            "round": int(r["round"]),
            "home": r["hTeam"],
            "away": r["aTeam"],
            "t": seasons.index(r["season"]) * ROUNDS_PER_SEASON + int(r["round"]),
        }
        if r.get("hScore", "") != "" and r.get("aScore", "") != "":
            m["hg"], m["ag"] = int(r["hScore"]), int(r["aScore"])
        if r.get("hOdd"):
            m["odds"] = [float(r["hOdd"]), float(r["dOdd"]), float(r["aOdd"])]
        out.append(m)
    out.sort(key=lambda m: m["t"])
    return out


class Model(torch.nn.Module):
    def __init__(self, teams):
        super().__init__()
        self.teams = list(teams)
        self.index = {t: i for i, t in enumerate(self.teams)}
        n = len(self.teams)
        self.attack = torch.nn.Parameter(torch.zeros(n, dtype=torch.float64))
        self.defence = torch.nn.Parameter(torch.zeros(n, dtype=torch.float64))
        self.mu = torch.nn.Parameter(torch.tensor(0.3, dtype=torch.float64))
        self.home = torch.nn.Parameter(torch.tensor(0.25, dtype=torch.float64))

    def rates(self, h, a):
        lh = torch.exp(self.mu + self.home + self.attack[h] - self.defence[a])
        la = torch.exp(self.mu + self.attack[a] - self.defence[h])
        return lh, la

    def probabilities(self, h, a):
        """Home, draw, away probabilities for index tensors h and a."""
        lh, la = self.rates(h, a)
        k = torch.arange(MAX_GOALS + 1, dtype=torch.float64)
        lgk = torch.lgamma(k + 1)
        ph = torch.exp(k[None, :] * torch.log(lh[:, None]) - lh[:, None] - lgk[None, :])
        pa = torch.exp(k[None, :] * torch.log(la[:, None]) - la[:, None] - lgk[None, :])
        grid = ph[:, :, None] * pa[:, None, :]
        home = torch.tril(torch.ones(MAX_GOALS + 1, MAX_GOALS + 1, dtype=torch.float64), -1)
        p_home = (grid * home).sum((1, 2))
        p_away = (grid * home.T).sum((1, 2))
        p_draw = torch.diagonal(grid, dim1=1, dim2=2).sum(1)
        total = p_home + p_draw + p_away
        return torch.stack([p_home, p_draw, p_away], 1) / total[:, None], lh, la


def fit(model, matches, now, steps=60):
    """Fits model on played matches by L-BFGS, weighting each by its age
    (in rounds) at time now."""
    played = [m for m in matches if "hg" in m and m["home"] in model.index and m["away"] in model.index]
    h = torch.tensor([model.index[m["home"]] for m in played])
    a = torch.tensor([model.index[m["away"]] for m in played])
    hg = torch.tensor([m["hg"] for m in played], dtype=torch.float64)
    ag = torch.tensor([m["ag"] for m in played], dtype=torch.float64)
    age = torch.tensor([now - m["t"] for m in played], dtype=torch.float64)
    w = torch.pow(0.5, age / (HALF_LIFE_SEASONS * ROUNDS_PER_SEASON))
    opt = torch.optim.LBFGS(model.parameters(), max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        lh, la = model.rates(h, a)
        nll = -(w * (hg * torch.log(lh) - lh + ag * torch.log(la) - la)).sum()
        prior = (model.attack.pow(2).sum() + model.defence.pow(2).sum()) / (2 * PRIOR_SD**2)
        loss = nll + prior
        loss.backward()
        return loss

    opt.step(closure)
    return model


def outcome(m):
    return 0 if m["hg"] > m["ag"] else (1 if m["hg"] == m["ag"] else 2)


def demargin(odds):
    inv = [1 / o for o in odds]
    return [p / sum(inv) for p in inv]


def evaluate(matches, teams, eval_from):
    """Walk-forward over the seasons from eval_from: each round predicted by
    the model fitted on what came before it (warm-started from the last)."""
    model = Model(teams)
    held = [m for m in matches if m["season"] >= eval_from and "hg" in m]
    rows, ll, ll_market, n_market = [], 0.0, 0.0, 0
    for t in sorted({m["t"] for m in held}):
        fit(model, [m for m in matches if m["t"] < t], t, steps=20 if rows else 100)
        batch = [m for m in held if m["t"] == t and m["home"] in model.index and m["away"] in model.index]
        if not batch:
            continue
        with torch.no_grad():
            p, lh, la = model.probabilities(
                torch.tensor([model.index[m["home"]] for m in batch]), torch.tensor([model.index[m["away"]] for m in batch])
            )
        for i, m in enumerate(batch):
            probs = [float(x) for x in p[i]]
            o = outcome(m)
            ll -= math.log(probs[o])
            row = {"season": m["season"], "round": m["round"], "home": m["home"], "away": m["away"],
                   "p_home": probs[0], "p_draw": probs[1], "p_away": probs[2],
                   "xg_home": float(lh[i]), "xg_away": float(la[i]), "result": "HDA"[o]}
            if "odds" in m:
                row["odds"] = m["odds"]
                ll_market -= math.log(demargin(m["odds"])[o])
                n_market += 1
            rows.append(row)
    n = len(rows)
    metrics = {"n": n, "log_loss": ll / n if n else None, "eval_from": eval_from}
    if n_market:
        metrics["market_log_loss"] = ll_market / n_market
    return rows, metrics


def main(data, model="models/sports.pth", mode="auto", eval_from="2017-2018"):
    """Fits (or loads) the model; returns held-out metrics and predictions."""
    if mode not in ("auto", "fit", "load"):
        return {"status": "error", "message": "mode %r: want auto, fit or load" % mode}
    if mode == "load" or (mode == "auto" and os.path.exists(model)):
        if not os.path.exists(model):
            return {"status": "error", "message": "no model file at %s: run with mode fit first" % model}
        saved = torch.load(model)
        if saved.get("format") != FORMAT:
            return {"status": "error", "message": "%s is not a model of this module (format %r)" % (model, saved.get("format"))}
        log.info("loaded %s (%d teams)", model, len(saved["teams"]))
        return {"status": "success", "message": "loaded %s: held-out log loss %.4f over %d matches" % (model, saved["metrics"]["log_loss"], saved["metrics"]["n"]),
                "metrics": saved["metrics"], "evaluation": saved["evaluation"], "model": {"path": model, "loaded": True, "teams": saved["teams"]}}
    if not os.path.exists(data):
        return {"status": "error", "message": "no data at %s (the shared data lives in ../shared/data; set DATA)" % data}
    started = time.time()
    matches = read_matches(data)
    teams = sorted({m["home"] for m in matches} | {m["away"] for m in matches})
    log.info("%d matches, %d teams; walk-forward from %s", len(matches), len(teams), eval_from)
    evaluation, metrics = evaluate(matches, teams, eval_from)
    final = fit(Model(teams), matches, max(m["t"] for m in matches) + 1, steps=200)
    metrics["seconds"] = round(time.time() - started, 1)
    metrics["torch"] = torch.__version__
    os.makedirs(os.path.dirname(model) or ".", exist_ok=True)
    torch.save({"format": FORMAT, "teams": teams, "state": final.state_dict(), "metrics": metrics, "evaluation": evaluation}, model)
    return {"status": "success",
            "message": "fitted on %d matches, saved %s: held-out log loss %.4f over %d matches (market %.4f)" % (
                len(matches), model, metrics["log_loss"], metrics["n"], metrics.get("market_log_loss", float("nan"))),
            "metrics": metrics, "evaluation": evaluation, "model": {"path": model, "loaded": False, "teams": teams}}


def load(path):
    """The saved model, ready to predict (the web app uses it)."""
    saved = torch.load(path)
    m = Model(saved["teams"])
    m.load_state_dict(saved["state"])
    m.eval()
    return m


def predict(model, home, away):
    with torch.no_grad():
        p, lh, la = model.probabilities(torch.tensor([model.index[home]]), torch.tensor([model.index[away]]))
    return {"home": home, "away": away, "p_home": float(p[0, 0]), "p_draw": float(p[0, 1]), "p_away": float(p[0, 2]),
            "xg_home": float(lh[0]), "xg_away": float(la[0])}
