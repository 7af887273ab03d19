# A module that needs a package the interpreter may not have: pipe says
# which interpreter lacks it and what to do.
import no_such_package_for_pipe_tests.nn  # noqa: F401


def main():
    return {"status": "success"}
