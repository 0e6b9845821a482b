"""``python -m benchmarks.run``: the benchmark suite from a checkout, as ``rldojo bench`` (:mod:`rldojo.bench`)."""

from rldojo.bench.cli import main, run_as_script

__all__ = ["main"]

if __name__ == "__main__":
    run_as_script("python -m benchmarks.run")
