"""Running a suite: plan it, skip the runs already recorded, execute the rest, record each, summarize.

:func:`run_suite` is what ``rldojo bench`` wraps. Each finished run is appended to
``out/results.jsonl`` by this process only, as it finishes; a killed suite run again
resumes where it stopped. At the end the summary is written from that file alone.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from rldojo.bench.execute import now, run_pool, run_ray, run_serial
from rldojo.bench.plan import DEFAULT_SEEDS, plan_runs
from rldojo.bench.progress import Progress
from rldojo.bench.store import ResultsFile, recorded_keys, write_plan


@dataclasses.dataclass
class SuiteReport:
    planned: int  # runs in the suite
    skipped: int  # already in the results file
    finished: int  # recorded now, ok or failed
    failed: int
    interrupted: bool
    results: Path


def run_suite(
    entries,
    suite: str = "quick",
    seeds: int | Iterable[int] | None = None,
    out: str | os.PathLike = "results",
    workers: int = 2,
    ray_address: str | None = None,
    *,
    envs: Iterable[str] | None = None,
    agents: Iterable[str] | None = None,
    progress: bool = True,
    summarize: bool = True,
    retry_failed: bool = False,
    log: Callable[[str], None] = print,
) -> SuiteReport:
    """Run every run of ``suite`` not yet in ``out/results.jsonl``; the function the CLI wraps.

    :param entries: the suite's entries (``rldojo.bench.suites.all_entries()`` for the real one)
    :param seeds: a count (seeds 0..N-1) or a list of seeds; None for the suite's default
    :param workers: processes in the local pool; 0 runs everything in this process
    :param ray_address: a Ray cluster address, or "local" for a local Ray instance; None for the pool
    :param retry_failed: run again the runs whose last record is a failure
    """
    if seeds is None:
        seeds = DEFAULT_SEEDS.get(suite, 1)
    if workers < 0:
        raise ValueError(f"workers must be 0 or more, got {workers}")
    entries = list(entries)
    specs = plan_runs(entries, suite, seeds, envs, agents)
    # the current plan is the whole suite's, so that a rerun of a few entries (after a change of
    # settings) leaves the others counted and the records it supersedes uncounted
    whole = specs if envs is None and agents is None else plan_runs(entries, suite, seeds)
    out = Path(out)
    interrupted = False
    finished = failed = 0
    with ResultsFile(out) as results:
        if results.repaired:
            log(f"{results.path}: {results.repaired}")
        write_plan(out, suite, sorted({s.seed for s in whole}), [s.key for s in whole], now())
        done_keys = recorded_keys(results.records(), retry_failed)
        todo = [s for s in specs if s.key not in done_keys]
        steps = sum(s.budget for s in specs)
        seed_count = len({s.seed for s in specs})
        log(
            f"{suite} suite: {len(specs)} runs planned ({len({s.label for s in specs})} entries, {seed_count} seeds, "
            f"{steps:,} env steps); {len(specs) - len(todo)} already in {results.path}, {len(todo)} to run"
            + (
                ""
                if not todo
                else f" on Ray ({ray_address})"
                if ray_address
                else " in this process"
                if workers == 0
                else f" with {min(workers, len(todo))} worker process{'es' if min(workers, len(todo)) > 1 else ''}"
            )
        )
        bar = Progress(len(todo), progress)

        def on_result(record: dict) -> None:
            nonlocal finished, failed
            results.append(record)
            finished += 1
            failed += record["status"] != "ok"
            bar.finish(record)

        try:
            if not todo:
                pass
            elif ray_address:
                run_ray(todo, ray_address, workers or 1, bar.start, on_result)
            elif workers == 0:
                run_serial(todo, bar.start, on_result)
            else:
                run_pool(todo, min(workers, len(todo)), bar.start, on_result)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
    if interrupted:
        log(
            f"interrupted: {finished} runs recorded in {results.path}; the same command resumes the other "
            f"{len(todo) - finished}"
        )
    else:
        if failed:
            log(f"{failed} run(s) failed; their tracebacks are in {results.path}")
        if summarize:
            from rldojo.bench.summarize import summarize as write_summary

            try:
                log(f"summary: {write_summary(out)}")
            except KeyboardInterrupt:
                interrupted = True
                log(f"summary interrupted; every run is recorded: python -m rldojo.bench.summarize {out} makes it")
    return SuiteReport(
        planned=len(specs),
        skipped=len(specs) - len(todo),
        finished=finished,
        failed=failed,
        interrupted=interrupted,
        results=results.path,
    )
