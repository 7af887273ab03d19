# pipe's runner for the python module: load a Python file, call one of its
# functions with args and kwargs, and write the result as JSON to fd 3, a
# pipe that pipe reads (no temp file, so nothing is left behind whatever kills
# pipe). The request comes as JSON on stdin.
import importlib.util
import json
import logging
import os
import sys
import traceback


RESULT_FD = 3


def write(result_fd, payload):
    # Where pipe cannot pass a pipe (Windows), it names a file instead.
    path = os.environ.get("PIPE_RESULT_FILE")
    with (open(path, "w", encoding="utf-8") if path else os.fdopen(result_fd, "w", encoding="utf-8")) as f:
        json.dump(payload, f, default=str)


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
        result = fn(*req.get("args", []), **req.get("kwargs", {}))
    except SystemExit as e:
        write(RESULT_FD, {"ok": False, "error": "SystemExit: %s" % (e.code,)})
        return
    except BaseException as e:  # the node fails with the exception's text
        traceback.print_exc()
        write(RESULT_FD, {"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        return
    write(RESULT_FD, {"ok": True, "result": result})


if __name__ == "__main__":
    main()
