"""The leagues pipeline's own steps: which leagues there are, and one table
that compares their backtests (pipelines/leagues.yaml runs them with the
python module)."""

import glob
import os


def leagues(directory):
    """The leagues in directory: one CSV each, named by its file."""
    files = sorted(glob.glob(os.path.join(directory, "*.csv")))
    if not files:
        return {"status": "error", "message": f"no league CSVs in {directory}"}
    names = [os.path.splitext(os.path.basename(f))[0] for f in files]
    return {"message": f"{len(names)} leagues: {', '.join(names)}", "leagues": names}


def _pct(x):
    return "n/a" if x is None else f"{x * 100:+.1f}%"


def _num(x, fmt="{:.4f}"):
    return "n/a" if x is None else fmt.format(x)


def compare(leagues, metrics, backtest, statuses):
    """One row per league: the model's held-out log loss beside the
    market's, and the betting rule's ROI with its 95% interval. A league
    whose instance failed shows its status instead of numbers."""
    rows = []
    # A fan-in of instances that never ran is null, not a list.
    for league, m, b, status in zip(leagues or [], metrics or [], backtest or [], statuses or []):
        m, b = m or {}, b or {}
        ci = b.get("roi_ci95") or [None, None]
        rows.append({
            "league": league,
            "status": status,
            "matches": m.get("n"),
            "log_loss": m.get("log_loss"),
            "market_log_loss": (m.get("market") or {}).get("log_loss"),
            "bets": b.get("bets"),
            "roi": b.get("roi"),
            "roi_ci95": ci,
        })
    head = ["league", "matches", "log loss", "market", "bets", "ROI", "95% interval"]
    lines = [head]
    for r in rows:
        if r["status"] != "success":
            lines.append([r["league"], r["status"], "", "", "", "", ""])
            continue
        lines.append([
            r["league"], str(r["matches"]), _num(r["log_loss"]), _num(r["market_log_loss"]),
            str(r["bets"]), _pct(r["roi"]), f"[{_pct(r['roi_ci95'][0])}, {_pct(r['roi_ci95'][1])}]",
        ])
    widths = [max(len(row[k]) for row in lines) for k in range(len(head))]
    table = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in lines)
    print(table)
    ok = [r for r in rows if r["roi"] is not None]
    best = min(ok, key=lambda r: r["log_loss"]) if ok else None
    message = f"{len(rows)} leagues compared"
    if best:
        message += f"; the model fits {best['league']} best (log loss {best['log_loss']:.4f})"
    return {"message": message, "table": table, "rows": rows}
