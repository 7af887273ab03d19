"""Seed-style module, as the old executor ran it: ('prediction/sports_predictor.py', 'main', [], {})."""
import json
import sys


def main(*args, **kwargs):
    print("loading model...")  # goes to the node's log
    return {"status": "success", "message": "args=%d kwargs=%s" % (len(args), sorted(kwargs)), "echo": {"args": list(args), "kwargs": kwargs}}


def broken():
    return {"status": "error", "message": "model file missing"}


def raises():
    raise ValueError("bad input shape")


def plain():
    return [1, 2.5, "three"]


def nothing():
    return None


def leaves():
    sys.exit(3)


def done_early():
    sys.exit(0)


def sets():
    return {"tags": {"b", "a"}, "mixed": {1, "x"}}
