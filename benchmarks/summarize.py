"""``python -m benchmarks.summarize DIR``: a benchmark folder's summary, as ``python -m rldojo.bench.summarize``."""

import sys

from rldojo.bench.summarize import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main(prog="python -m benchmarks.summarize"))
