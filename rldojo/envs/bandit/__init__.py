"""The k-armed bandit: the rules (``rules``), Bandit-v0 (``env``) and its chart (``render``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rldojo.envs.bandit.rules import ARM_KINDS, BERNOULLI, GAUSSIAN, KArmedBandit

if TYPE_CHECKING:
    from rldojo.envs.bandit.env import BanditEnv

__all__ = ["ARM_KINDS", "BERNOULLI", "GAUSSIAN", "BanditEnv", "KArmedBandit"]


def __getattr__(name: str) -> Any:
    if name in ("BanditEnv",):  # the env imports Gymnasium: loaded when asked, so the rules stay light
        return getattr(importlib.import_module("rldojo.envs.bandit.env"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
