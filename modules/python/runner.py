# pipe's runner for the python module: load a Python file, call one of its
# functions with args and kwargs, and write the result as JSON to fd 3, a
# pipe that pipe reads (no temp file, so nothing is left behind whatever kills
# pipe). The request comes as JSON on stdin.
import importlib.util
import json
import logging
import os
import re
import sys
import traceback


RESULT_FD = 3


# pipe's whole numbers are 64-bit: a Python int past that would reach pipe
# as an inexact float, so the node fails saying so instead.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
LONG_DIGITS = re.compile(r"\d{19}")


def big_int(value, where):
    """Return (where, n) for the first int in value outside 64 bits, or None."""
    stack = [(value, where)]
    while stack:
        v, at = stack.pop()
        if isinstance(v, int) and not isinstance(v, bool):
            if v < INT_MIN or v > INT_MAX:
                return at, v
        elif isinstance(v, dict):
            stack.extend((item, "%s[%r]" % (at, k)) for k, item in reversed(list(v.items())))
        elif isinstance(v, (list, tuple)):
            stack.extend((item, "%s[%d]" % (at, i)) for i, item in reversed(list(enumerate(v))))
    return None


def as_json(value):
    """What json cannot write: a set as a list (sorted when it can be), the
    rest (a date, a Decimal, a path) as its text."""
    if isinstance(value, (set, frozenset)):
        try:
            return sorted(value)
        except TypeError:  # mixed kinds: by their text, the same each run
            return sorted(value, key=repr)
    return str(value)


def write(result_fd, payload, function="main"):
    try:
        text = json.dumps(payload, default=as_json)
    except (ValueError, TypeError) as e:  # an int of more than 4300 digits, a circular list, a key that is no text
        text = json.dumps({"ok": False, "error": "%s() returned what cannot be written as JSON: %s" % (function, e)})
    # Only an output with 19 digits in a row can hold such an int: the
    # walk is skipped for all others.
    if payload.get("ok") and LONG_DIGITS.search(text):
        found = big_int(payload["result"], function + "()")
        if found:
            at, n = found
            text = json.dumps({"ok": False, "error": "%s is %d, a whole number past 64 bits, which pipe cannot keep exactly: "
                               "return str(n) to keep it exact, or float(n) for an approximate number" % (at, n)})
    # Where pipe cannot pass a pipe (Windows), it names a file instead.
    path = os.environ.get("PIPE_RESULT_FILE")
    with (open(path, "w", encoding="utf-8") if path else os.fdopen(result_fd, "w", encoding="utf-8")) as f:
        f.write(text)


def main():
    # The module's logging goes where its print goes (pipe shows both, after
    # [node]); pipe --debug lets its debug lines through. A module that sets
    # up logging itself keeps its own set-up.
    logging.basicConfig(
        level=logging.DEBUG if os.environ.get("PIPE_LOG_LEVEL") == "debug" else logging.INFO,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not os.environ.get("PIPE_RESULT_FILE"):
        # The module's own child processes must not hold the result pipe open.
        os.set_inheritable(RESULT_FD, False)
    req = json.load(sys.stdin)
    path = req["path"]
    function = req.get("function") or "main"
    try:
        full = os.path.abspath(path)
        if not os.path.isfile(full):
            write(RESULT_FD, {"ok": False, "error": "no Python file at %s" % path})
            return
        sys.path.insert(0, os.path.dirname(full))
        name = os.path.splitext(os.path.basename(full))[0]
        spec = importlib.util.spec_from_file_location(name, full)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        fn = getattr(module, function, None)
        if not callable(fn):
            write(RESULT_FD, {"ok": False, "error": "%s has no function %s()" % (path, function)})
            return
    except SystemExit as e:  # while loading: the function never ran
        write(RESULT_FD, {"ok": False, "error": "%s called sys.exit(%s) while loading, before %s() ran" % (path, e.code, function)})
        return
    except BaseException as e:  # the node fails with the exception's text
        traceback.print_exc()
        write(RESULT_FD, {"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        return
    try:
        result = fn(*req.get("args", []), **req.get("kwargs", {}))
    except SystemExit as e:
        if e.code is None or e.code == 0:  # sys.exit() and sys.exit(0) in the function succeed, as a script's would
            write(RESULT_FD, {"ok": True, "result": None}, function)
            return
        write(RESULT_FD, {"ok": False, "error": "SystemExit: %s" % (e.code,)})
        return
    except BaseException as e:  # the node fails with the exception's text
        traceback.print_exc()
        write(RESULT_FD, {"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        return
    write(RESULT_FD, {"ok": True, "result": result}, function)


if __name__ == "__main__":
    main()
