"""Default hyperparameters for every (env id, agent) pair, in one place, as rl-zoo3 keeps them.

Each module here holds one family of environments and defines ``HYPERPARAMS``, a dict
from ``(env_id, agent_name)`` to the keyword arguments ``make_agent`` takes. The CLI
and the benchmark both read them through :func:`defaults`, so a number is tuned once.
"""

from __future__ import annotations

import importlib
import pkgutil

_CACHE: dict[tuple[str, str], dict] | None = None


def all_defaults() -> dict[tuple[str, str], dict]:
    """Every module's HYPERPARAMS merged; two modules naming one pair is an error."""
    global _CACHE
    if _CACHE is None:
        merged: dict[tuple[str, str], dict] = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for key, value in getattr(module, "HYPERPARAMS", {}).items():
                if key in merged:
                    raise ValueError(f"hyperparameters for {key} are defined twice (second in {info.name}.py)")
                merged[key] = value
        _CACHE = merged
    return _CACHE


def defaults(env_id: str, agent: str) -> dict:
    """A fresh copy of the tuned keyword arguments of ``agent`` on ``env_id`` ({} if none)."""
    return dict(all_defaults().get((env_id, agent), {}))
