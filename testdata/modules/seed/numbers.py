"""Numbers a seed-style module may return: NaN, and ints past 64 bits."""


def nan():
    return {"status": "success", "loss": float("nan"), "best": float("-inf")}


def big():
    return {"status": "success", "count": 2**70}


def big_as_text():
    return {"status": "success", "count": str(2**70), "max": 2**63 - 1, "float": 1e20}


def tuple_keys():
    """A dict JSON cannot write: its keys are tuples."""
    return {(1, 2): 3}
