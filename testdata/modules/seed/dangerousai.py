"""A seed-style module that acts on the world, and says so in its own file:
pipe reads PIPE_DANGEROUS without running any of it, and skips it while
ENABLE_DANGEROUS_AI is false."""
import os

PIPE_DANGEROUS = True

# Runs as the module is imported: if pipe ran any of its code with the gate
# closed, this file would be there.
with open("dangerous-ai-ran.txt", "w", encoding="utf-8") as f:
    f.write("the dangerous module ran\n")


def main():
    return {"status": "success", "message": "acted on the world", "path": os.path.abspath("dangerous-ai-ran.txt")}
