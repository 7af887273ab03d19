"""A seed-style module: main() returns {"status", "message", ...outputs}."""
import statistics


def main(numbers=None, label="numbers"):
    if not numbers:
        return {"status": "error", "message": "no numbers given"}
    mean = statistics.fmean(numbers)
    spread = statistics.pstdev(numbers)
    return {
        "status": "success",
        "message": "%s: mean %.3f, sd %.3f over %d values" % (label, mean, spread, len(numbers)),
        "mean": mean,
        "sd": spread,
        "n": len(numbers),
    }
