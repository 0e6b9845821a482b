"""How long planned runs should take, from the runs of earlier suites (``--dry-run --estimate-from DIR[,DIR]``)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from rldojo.bench.plan import RunSpec
from rldojo.bench.store import read_results


def estimate_cpu(
    specs: list[RunSpec], results_dir: str | os.PathLike | Iterable[str | os.PathLike]
) -> dict[str, float]:
    """CPU seconds each run should take, scaled from the ok runs of the same entry and agent in other folders.

    Training CPU is taken to grow with the budget, evaluation CPU to stay (same eval points):
    ``train * budget / steps + eval``, with a measured run's CPU split in the ratio of its
    training and evaluation wall times. A run with no measured run of its entry and agent is
    scaled from the same agent on the same env id in another entry (the full suite's Go entry
    from the quick suite's, say); runs with neither are left out.
    """
    folders = [results_dir] if isinstance(results_dir, (str, os.PathLike)) else list(results_dir)
    by_entry: dict[tuple[str, str], list[tuple[float, float]]] = {}
    by_env: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for folder in folders:
        for record in read_results(folder):
            if record.get("status") != "ok" or not record.get("env_steps"):
                continue
            wall, evaluation = record.get("wall_time") or 0.0, record.get("eval_time") or 0.0
            cpu = record.get("cpu_time") or (wall + evaluation)
            train_share = wall / (wall + evaluation) if wall + evaluation > 0 else 1.0
            sample = (cpu * train_share / record["env_steps"], cpu * (1 - train_share))
            by_entry.setdefault((record["label"], record["agent"]), []).append(sample)
            by_env.setdefault((record.get("env_id"), record["agent"]), []).append(sample)
    costs = {}
    for spec in specs:
        samples = by_entry.get((spec.label, spec.agent)) or by_env.get((spec.env_id, spec.agent))
        if samples:
            per_step = sum(p for p, _ in samples) / len(samples)
            fixed = sum(f for _, f in samples) / len(samples)
            costs[spec.key] = per_step * spec.budget + fixed
    return costs
