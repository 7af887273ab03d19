"""A module that acts on the world: it must only run when ENABLE_DANGEROUS_AI is true."""
import os


def main(target="dangerous-ai-ran.txt"):
    with open(target, "w", encoding="utf-8") as f:
        f.write("the dangerous module ran\n")
    return {"status": "success", "message": "wrote %s" % target, "path": os.path.abspath(target)}
