"""``python -m rldojo.bench``: the benchmark's command line, as ``rldojo bench``."""

from rldojo.bench.cli import run_as_script

if __name__ == "__main__":
    run_as_script("python -m rldojo.bench")
