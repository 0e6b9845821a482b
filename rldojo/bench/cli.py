"""The benchmark's command line: ``rldojo bench``, ``python -m rldojo.bench`` (and ``python -m benchmarks.run``).

::

    rldojo bench --suite quick --out results/quick
    rldojo bench --suite full --seeds 5 --workers 2 --out results/full
    rldojo bench --suite quick --envs Maze-v0,KuhnPoker-v0 --agents dqn,sb3-dqn
    rldojo bench --suite full --ray local --out results/full
    rldojo bench tune Taxi sb3-dqn --trials 8          # an Optuna study (rldojo.bench.tune)

Runs go to a local process pool (``--workers``, default 2; ``0`` runs them in this
process) or, with ``--ray ADDRESS``, to a Ray cluster as tasks with ``num_cpus=1``
(``local`` starts a local Ray instance). At the end the summary is written
(``python -m rldojo.bench.summarize DIR`` makes it again from the results file alone).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rldojo.bench.estimate import estimate_cpu
from rldojo.bench.plan import DEFAULT_SEEDS, plan_runs
from rldojo.bench.runner import run_suite
from rldojo.bench.suites import all_entries, load_entries

DESCRIPTION = (
    "Run the benchmark suite: every entry's agents, on several seeds, into one results file "
    "('rldojo bench tune ENV AGENT --trials N' runs a tuning study)."
)


def _split(text: str | None) -> list[str] | None:
    return None if text is None else [part for part in text.split(",") if part.strip()]


def build_parser(prog: str = "rldojo bench") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    parser.add_argument("--suite", choices=("quick", "full"), default="quick", help="which budgets to run")
    parser.add_argument("--envs", help="comma-separated entry labels or env ids to keep (default: all)")
    parser.add_argument("--agents", help="comma-separated agent names to keep (default: all)")
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        help=f"seeds per run, 0..N-1 (default: {DEFAULT_SEEDS['quick']} quick, {DEFAULT_SEEDS['full']} full)",
    )
    parser.add_argument("--workers", type=int, default=2, help="local worker processes; 0 runs in this process")
    parser.add_argument("--out", default=None, help="output folder (default: results/<suite>)")
    parser.add_argument(
        "--ray",
        metavar="ADDRESS",
        default=None,
        help="send runs to a Ray cluster at ADDRESS; 'local' starts a local Ray instance",
    )
    parser.add_argument(
        "--entries",
        metavar="MODULE:NAME",
        default=None,
        help="take the entries from a list (or a function returning one) instead of rldojo.bench.entries",
    )
    parser.add_argument("--retry-failed", action="store_true", help="run again the runs recorded as failed")
    parser.add_argument("--dry-run", action="store_true", help="list the planned runs and stop")
    parser.add_argument(
        "--estimate-from",
        metavar="DIR",
        default=None,
        help="with --dry-run: estimate each run's CPU time from the runs in DIR/results.jsonl (DIR,DIR: several)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _dry_run(args, entries, seeds) -> int:
    specs = plan_runs(entries, args.suite, seeds, _split(args.envs), _split(args.agents))
    costs = estimate_cpu(specs, args.estimate_from.split(",")) if args.estimate_from else {}
    for spec in specs:
        cost = costs.get(spec.key)
        print(
            f"{spec.key}  {spec.name}  budget={spec.budget:,}"
            + ("" if not args.estimate_from else "  cpu=?" if cost is None else f"  cpu~{cost:,.1f}s")
        )
    print(f"{args.suite} suite: {len(specs)} runs, {sum(s.budget for s in specs):,} env steps")
    if args.estimate_from:
        known = [costs[s.key] for s in specs if s.key in costs]
        total = sum(known)
        print(
            f"estimated from {args.estimate_from}: {total:,.0f} CPU seconds for {len(known)} of "
            f"{len(specs)} runs, about {total / max(1, args.workers) / 60:,.1f} minutes on "
            f"{max(1, args.workers)} idle cores"
        )
    return 0


def main(argv: list[str] | None = None, prog: str = "rldojo bench") -> int:
    """Parse the benchmark's arguments and run (or, with ``--dry-run``, list) the suite; returns the exit code.

    ``tune ENV AGENT --trials N`` as the first arguments runs a tuning study instead (:mod:`rldojo.bench.tune`).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["tune"]:
        from rldojo.bench.tune import main as tune_main

        return tune_main(argv[1:], prog=f"{prog} tune")
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.seeds is not None and args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by the pool's workers
    os.environ.setdefault("MPLBACKEND", "Agg")
    out = Path(args.out) if args.out else Path("results") / args.suite
    seeds = args.seeds if args.seeds is not None else DEFAULT_SEEDS[args.suite]
    try:
        entries = all_entries() if args.entries is None else load_entries(args.entries)
        if args.dry_run:
            return _dry_run(args, entries, seeds)
        report = run_suite(
            entries,
            args.suite,
            seeds,
            out,
            args.workers,
            args.ray,
            envs=_split(args.envs),
            agents=_split(args.agents),
            progress=not args.no_progress,
            retry_failed=args.retry_failed,
        )
    except (ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 130 if report.interrupted else 0


def _sigterm_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def run_as_script(prog: str) -> None:
    """``main`` as a program's entry point: ``kill`` stops the suite as cleanly as Ctrl-C, then exit with its code."""
    import signal

    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    sys.exit(main(prog=prog))
