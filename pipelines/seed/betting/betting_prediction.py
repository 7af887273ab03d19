"""A seed-style betting module, run by pipe's python module.

It reads the predictor's held-out predictions (with the bookmakers' odds),
removes the bookmaker's margin, and bets one unit on the outcome with the
best expected value when that reaches min_edge: a backtest of the rule on
matches the model never saw. The rule is read from a JSON file when the
file exists (--betting-model), and written there when it does not.
"""
import json
import logging
import math
import os

log = logging.getLogger("betting_prediction")


def rule_of(path, min_edge, kelly_fraction):
    rule = {"min_edge": min_edge, "kelly_fraction": kelly_fraction}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            rule.update(json.load(f))
        log.info("rule read from %s", path)
    elif path:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(rule, f, indent=2)
        log.info("rule written to %s", path)
    return rule


def main(evaluation, model="", min_edge=0.03, kelly_fraction=0.25, bankroll=1000.0):
    if not isinstance(evaluation, list):
        return {"status": "error", "message": "evaluation must be the predictor's list of held-out predictions"}
    rule = rule_of(model, min_edge, kelly_fraction)
    bets, profit, wins, peak, drawdown, kelly_bank = [], 0.0, 0, 0.0, 0.0, bankroll
    for row in evaluation:
        odds = row.get("odds")
        if not odds:
            continue
        probs = [row["p_home"], row["p_draw"], row["p_away"]]
        ev = [p * o - 1 for p, o in zip(probs, odds)]
        best = max(range(3), key=lambda i: ev[i])
        if ev[best] < rule["min_edge"]:
            continue
        won = "HDA"[best] == row["result"]
        profit += odds[best] - 1 if won else -1
        wins += won
        peak = max(peak, profit)
        drawdown = max(drawdown, peak - profit)
        kelly = max(0.0, (probs[best] * odds[best] - 1) / (odds[best] - 1)) * rule["kelly_fraction"]
        stake = min(kelly, 0.05) * kelly_bank
        kelly_bank += stake * (odds[best] - 1) if won else -stake
        bets.append({"season": row["season"], "round": row["round"], "home": row["home"], "away": row["away"],
                     "pick": "HDA"[best], "odds": odds[best], "edge": ev[best], "won": won})
    n = len(bets)
    roi = profit / n if n else 0.0
    # A rough 95% interval of the ROI: the per-bet profit's spread.
    if n > 1:
        mean = roi
        sd = math.sqrt(sum(((b["odds"] - 1 if b["won"] else -1) - mean) ** 2 for b in bets) / (n - 1))
        interval = [roi - 1.96 * sd / math.sqrt(n), roi + 1.96 * sd / math.sqrt(n)]
    else:
        interval = [None, None]
    verdict = "no bets"
    if n > 1:
        verdict = "loses money" if interval[1] < 0 else ("wins money" if interval[0] > 0 else "no evidence of an edge")
    summary = {"bets": n, "profit": profit, "roi": roi, "roi_95": interval, "hit_rate": wins / n if n else None,
               "max_drawdown": drawdown, "kelly_bankroll": kelly_bank, "verdict": verdict, "rule": rule}
    return {"status": "success", "message": "%d bets, ROI %+.1f%%: %s" % (n, 100 * roi, verdict), "bets": bets[-50:], "backtest": summary}
