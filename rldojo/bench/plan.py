"""Planning a suite: what a run is (:class:`RunSpec`), its key, and the runs of a suite.

A *run* is one (entry label, env id, env kwargs, agent, hyperparameters, seed, budget);
its key is a hash of those (:func:`run_key`), so the same run planned again, in another
process or another week, has the same key and a suite resumes by skipping recorded keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable
from typing import Any

DEFAULT_SEEDS = {"quick": 2, "full": 5}


def canonical(value: Any) -> Any:
    """A JSON-safe, stable form of ``value``: what a run's key is hashed from and what is recorded."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "shape", None) == ():
        return canonical(item())
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return canonical(tolist())
    if isinstance(value, type) or callable(value):
        # a class or function by its import path: stable across processes, unlike repr
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


# How a run is trained: one learn(budget) call, the curve evaluated from a callback (since 2026-12-02).
# Before, the runner called learn once per curve point, which restarted our DQN's epsilon and PPO's
# learning-rate annealing in every call and squeezed SB3's schedules into the first; the protocol
# joins the key, so those records are superseded rather than counted as results of this runner.
TRAINING_PROTOCOL = "one learn call"


def run_key(
    label: str,
    env_id: str,
    env_kwargs: dict,
    agent: str,
    hyperparameters: dict,
    seed: int,
    budget: int,
    select: str = "final",
) -> str:
    """The stable identity of a run: a hash of what determines its outcome.

    ``select="best"`` (report the best evaluation checkpoint) joins the hash, and so does the
    runner's :data:`TRAINING_PROTOCOL`.
    """
    payload = [label, env_id, canonical(env_kwargs), agent, canonical(hyperparameters), int(seed), int(budget)]
    if select != "final":
        payload.append(select)
    payload.append(TRAINING_PROTOCOL)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclasses.dataclass
class RunSpec:
    """Everything a worker needs to do one run (plain data, so it travels to a pool or to Ray)."""

    key: str
    label: str
    env_id: str
    env_kwargs: dict
    agent: str  # a make_agent name, or "module:Class" for an agent outside the registry
    hyperparameters: dict
    seed: int
    budget: int
    suite: str
    metric: str
    curve_metric: str | None
    headline: str
    higher_is_better: bool
    solved_at: float | None
    eval_points: int
    unit: str = "env steps"
    random_score: float | None = None  # the headline of a random policy: normalised score 0
    target_score: float | None = None  # the solved mark, else the oracle: normalised score 1
    select: str = "final"
    counterpart: str | None = None
    settings: str = ""  # where the hyperparameters come from (rl-zoo3, an Optuna study, set by hand)

    @property
    def name(self) -> str:
        return f"{self.label} {self.agent} seed={self.seed}"


def is_sb3(agent: str) -> bool:
    """stable-baselines3 agents are the ``sb3-*`` names; everything else is hand-written."""
    return agent.startswith("sb3-")


def _entry_matches(entry, wanted: set[str]) -> bool:
    return entry.label in wanted or entry.env_id in wanted


def plan_runs(
    entries,
    suite: str = "quick",
    seeds: int | Iterable[int] = 2,
    envs: Iterable[str] | None = None,
    agents: Iterable[str] | None = None,
) -> list[RunSpec]:
    """The runs of ``suite``: every entry and agent in it, on every seed, hyperparameters resolved.

    :param seeds: a count N (seeds 0..N-1) or the seeds themselves
    :param envs: keep only entries whose label or env id is listed
    :param agents: keep only these agent names
    """
    from rldojo.baselines.hyperparams import defaults, source

    if suite not in ("quick", "full"):
        raise ValueError(f"suite must be 'quick' or 'full', got {suite!r}")
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list:
        raise ValueError("seeds: at least one seed is needed")
    entries = list(entries)
    if envs is not None:
        wanted = {e.strip() for e in envs if e.strip()}
        known = {e.label for e in entries} | {e.env_id for e in entries}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(
                f"envs: unknown {', '.join(map(repr, unknown))}; known labels and ids: "
                f"{', '.join(sorted(known)) or '(no entries)'}"
            )
        entries = [e for e in entries if _entry_matches(e, wanted)]
    wanted_agents = None
    if agents is not None:
        wanted_agents = {a.strip() for a in agents if a.strip()}
        known_agents = {spec.agent for e in entries for spec in e.agents}
        unknown = sorted(wanted_agents - known_agents)
        if unknown:
            raise ValueError(
                f"agents: unknown {', '.join(map(repr, unknown))}; agents in these entries: "
                f"{', '.join(sorted(known_agents)) or '(none)'}"
            )
    runs = []
    for entry in entries:
        if suite not in entry.suites:
            continue
        for spec in entry.agents:
            if suite not in spec.suites or (wanted_agents is not None and spec.agent not in wanted_agents):
                continue
            if suite not in spec.timesteps:
                raise ValueError(f"entry {entry.label!r}, agent {spec.agent!r}: no {suite!r} budget in timesteps")
            env_kwargs = {**entry.env_kwargs, **spec.env_kwargs}
            hyperparameters = {**defaults(entry.env_id, spec.agent), **spec.agent_kwargs}
            settings = source(entry.env_id, spec.agent) + (" with the entry's overrides" if spec.agent_kwargs else "")
            budget = int(spec.timesteps[suite])
            select = entry.select
            if select not in ("final", "best"):
                raise ValueError(f"entry {entry.label!r}: select must be 'final' or 'best', got {select!r}")
            target = entry.solved_at if entry.solved_at is not None else entry.oracle_score
            for seed in seed_list:
                runs.append(
                    RunSpec(
                        key=run_key(
                            entry.label, entry.env_id, env_kwargs, spec.agent, hyperparameters, seed, budget, select
                        ),
                        label=entry.label,
                        env_id=entry.env_id,
                        env_kwargs=env_kwargs,
                        agent=spec.agent,
                        hyperparameters=hyperparameters,
                        seed=seed,
                        budget=budget,
                        suite=suite,
                        metric=entry.metric,
                        curve_metric=entry.curve_metric,
                        headline=entry.headline,
                        higher_is_better=entry.higher_is_better,
                        solved_at=entry.solved_at,
                        eval_points=max(1, int(entry.eval_points)),
                        unit=entry.unit,
                        random_score=entry.random_score,
                        target_score=target,
                        select=select,
                        counterpart=spec.counterpart,
                        settings=settings,
                    )
                )
    keys = [r.key for r in runs]
    if len(set(keys)) != len(keys):
        raise ValueError("two runs of the suite have the same key (an entry or agent is listed twice)")
    return runs


def equal_budget_problems(entries, suites: Iterable[str] = ("quick", "full")) -> list[str]:
    """What breaks the rule that every agent of an entry gets the same budget in a suite (empty: none).

    The evaluation is the entry's (its ``metric``, ``curve_metric`` and ``eval_points``), so the
    evaluation episodes or games are the same for every agent by construction; the budget is the
    agent spec's, so it is checked here, one suite at a time.
    """
    problems = []
    for entry in entries:
        for suite in suites:
            if suite not in entry.suites:
                continue
            budgets = {spec.agent: spec.timesteps.get(suite) for spec in entry.agents if suite in spec.suites}
            if len(set(budgets.values())) > 1:
                listed = ", ".join(f"{agent} {budget:,}" for agent, budget in budgets.items())
                problems.append(f"{entry.label} ({suite}): unequal budgets in {entry.unit}: {listed}")
    return problems
