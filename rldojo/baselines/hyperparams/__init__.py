"""Default hyperparameters for every (env id, agent) pair, in one place, as rl-zoo3 keeps them.

Each module here holds one family of environments and defines ``HYPERPARAMS``, a dict
from ``(env_id, agent_name)`` to the keyword arguments ``make_agent`` takes. The CLI
and the benchmark both read them through :func:`defaults`, so a number is tuned once.

Where the settings come from (:func:`source`): rl-zoo3's published values where it has the
env (:data:`ZOO`: copied with their file and version, checked against the installed rl_zoo3
by ``tests/bench/test_bench_tune.py``); the best trial of an Optuna study where one was run
(:mod:`~rldojo.baselines.hyperparams.tuned`, written by ``rldojo bench tune``, laid over the
rest); otherwise set by hand, with what was measured in the module's comments.
"""

from __future__ import annotations

import importlib
import pkgutil

_CACHE: dict[tuple[str, str], dict] | None = None

ZOO_VERSION = "rl_zoo3 2.9.2"
# (env id, agent) -> rl-zoo3's file whose values the pair uses (n_timesteps and policy left out)
ZOO = {
    ("CartPole-v1", "sb3-dqn"): "hyperparams/dqn.yml",
    ("CartPole-v1", "sb3-ppo"): "hyperparams/ppo.yml",
    ("CartPole-v1", "ppo"): "hyperparams/ppo.yml",
    ("CartPole-v1", "sb3-a2c"): "hyperparams/a2c.yml",
}


def all_defaults() -> dict[tuple[str, str], dict]:
    """Every module's HYPERPARAMS merged; two modules naming one pair is an error."""
    global _CACHE
    if _CACHE is None:
        merged: dict[tuple[str, str], dict] = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if info.name == "tuned":  # laid over the rest by defaults()
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            for key, value in getattr(module, "HYPERPARAMS", {}).items():
                if key in merged:
                    raise ValueError(f"hyperparameters for {key} are defined twice (second in {info.name}.py)")
                merged[key] = value
        _CACHE = merged
    return _CACHE


def studies() -> dict[tuple[str, str], dict]:
    """The Optuna studies' winners: (env id, agent) -> {"study": what was run, "params": the best trial's}."""
    from rldojo.baselines.hyperparams.tuned import STUDIES

    return STUDIES


def defaults(env_id: str, agent: str) -> dict:
    """A fresh copy of the tuned keyword arguments of ``agent`` on ``env_id`` ({} if none).

    A study's winning settings (:mod:`~rldojo.baselines.hyperparams.tuned`) are laid over the
    module's values.
    """
    study = studies().get((env_id, agent))
    return {**all_defaults().get((env_id, agent), {}), **(dict(study["params"]) if study else {})}


def source(env_id: str, agent: str) -> str:
    """Where the settings of ``agent`` on ``env_id`` come from, in a few words for the tables."""
    study = studies().get((env_id, agent))
    if study is not None:
        about = study["study"]
        return f"Optuna study: {about['trials']} trials x {about['budget']:,} steps ({about['date']})"
    if ZOO.get((env_id, agent)):
        return f"rl-zoo3 ({ZOO_VERSION}, {ZOO[(env_id, agent)]})"
    if (env_id, agent) in all_defaults():
        return "set by hand"
    return "library defaults"
