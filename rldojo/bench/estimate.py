"""How long planned runs should take, from the runs of an earlier suite (``--dry-run --estimate-from DIR``)."""

from __future__ import annotations

import os

from rldojo.bench.plan import RunSpec
from rldojo.bench.store import read_results


def estimate_cpu(specs: list[RunSpec], results_dir: str | os.PathLike) -> dict[str, float]:
    """CPU seconds each run should take, scaled from the ok runs of the same entry and agent in another folder.

    Training CPU is taken to grow with the budget, evaluation CPU to stay (same eval points):
    ``train * budget / steps + eval``, with a measured run's CPU split in the ratio of its
    training and evaluation wall times. Runs with no measured counterpart are left out.
    """
    measured: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for record in read_results(results_dir):
        if record.get("status") != "ok" or not record.get("env_steps"):
            continue
        wall, evaluation = record.get("wall_time") or 0.0, record.get("eval_time") or 0.0
        cpu = record.get("cpu_time") or (wall + evaluation)
        train_share = wall / (wall + evaluation) if wall + evaluation > 0 else 1.0
        measured.setdefault((record["label"], record["agent"]), []).append(
            (cpu * train_share / record["env_steps"], cpu * (1 - train_share))
        )
    costs = {}
    for spec in specs:
        samples = measured.get((spec.label, spec.agent))
        if samples:
            per_step = sum(p for p, _ in samples) / len(samples)
            fixed = sum(f for _, f in samples) / len(samples)
            costs[spec.key] = per_step * spec.budget + fixed
    return costs
