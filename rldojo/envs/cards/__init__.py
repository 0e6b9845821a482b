"""Kuhn poker and Leduc Hold'em: the rules (``games``), exact analysis (``analysis``), the Gymnasium envs
(``env``), the PettingZoo AEC envs (``aec``), the table renderer and the measures (``evaluation``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rldojo.envs.cards.games import ACTION_NAMES, GAMES, KUHN, LEDUC, InfoState, PokerGame, PokerState

if TYPE_CHECKING:
    from rldojo.envs.cards.env import KuhnPokerEnv, LeducHoldemEnv

__all__ = [
    "ACTION_NAMES",
    "GAMES",
    "KUHN",
    "LEDUC",
    "InfoState",
    "KuhnPokerEnv",
    "LeducHoldemEnv",
    "PokerGame",
    "PokerState",
]


def __getattr__(name: str) -> Any:
    if name in (
        "KuhnPokerEnv",
        "LeducHoldemEnv",
    ):  # the env imports Gymnasium: loaded when asked, so the rules stay light
        return getattr(importlib.import_module("rldojo.envs.cards.env"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
