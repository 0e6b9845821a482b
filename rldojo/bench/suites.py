"""What a benchmark suite is made of: entries (an env and its agents) gathered from ``rldojo.bench.entries``.

Each module in :mod:`rldojo.bench.entries` defines ``ENTRIES: list[Entry]`` for one family
of environments. A run is one (entry, agent, seed, suite), and its hyperparameters
are ``rldojo.baselines.hyperparams.defaults(env_id, agent)`` updated by ``agent_kwargs``.
Agents, metrics and entry lists outside the package are named by ``"module:name"``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field


@dataclass
class AgentSpec:
    agent: str  # a make_agent name
    timesteps: dict[str, int]  # budget per suite: {"quick": n, "full": n}
    env_kwargs: dict = field(default_factory=dict)  # merged over the entry's env_kwargs
    agent_kwargs: dict = field(default_factory=dict)  # merged over hyperparams.defaults(env_id, agent)
    suites: tuple[str, ...] = ("quick", "full")  # which suites run this agent
    # the SB3 agent of the same family (value-based, policy-gradient) that this hand-written
    # agent is compared with in the aggregate's probability of improvement; None for none
    counterpart: str | None = None


@dataclass
class Entry:
    label: str  # unique name of the entry, e.g. "Maze-v0/seed"
    env_id: str
    env_kwargs: dict
    agents: list[AgentSpec]
    # "module:function" with signature f(agent, env_id, env_kwargs, seed) -> dict[str, float]:
    # the final metrics of a trained agent; also called for the learning curve.
    metric: str
    headline: str  # the key of metric's dict that the tables lead with
    higher_is_better: bool = True
    solved_at: float | None = None  # headline value that counts as solved ("steps to solve")
    eval_points: int = 5  # learning-curve evaluations per run
    curve_metric: str | None = None  # a cheaper metric for the curve; defaults to metric
    suites: tuple[str, ...] = ("quick", "full")
    unit: str = "env steps"  # what a budget counts ("CFR iterations" for CFR): equal within an entry
    # the headline of a uniformly random policy (normalised score 0), and, where the entry has
    # no solved_at, the oracle's (normalised score 1): see rldojo.bench.aggregate
    random_score: float | None = None
    oracle_score: float | None = None
    # "final": the metrics of the agent as training left it; "best": of the evaluation checkpoint
    # (curve point) with the best curve headline, for every agent of the entry alike
    select: str = "final"


def all_entries() -> list[Entry]:
    """Every entry of every module in rldojo.bench.entries, sorted by label."""
    from rldojo.bench import entries as package

    found: dict[str, Entry] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for entry in getattr(module, "ENTRIES", []):
            if entry.label in found:
                raise ValueError(f"benchmark entry {entry.label!r} is defined twice")
            found[entry.label] = entry
    return [found[k] for k in sorted(found)]


def import_path(path: str):
    """The object named by ``"module:name"``."""
    module_name, sep, attribute = path.partition(":")
    if not sep or not attribute:
        raise ValueError(f"expected 'module:name', got {path!r}")
    return getattr(importlib.import_module(module_name), attribute)


def load_entries(path: str) -> list:
    """Entries named by "module:name": a list of Entry, or a function that returns one."""
    found = import_path(path)
    return list(found() if callable(found) else found)
