"""Go: the rules (``board``), Go-v0 (``env``), the PettingZoo AEC env (``aec``), opponents, GNU Go over GTP
(``gtp``), the renderer and a person's game (``render``, ``play``), and win rates and Elo (``evaluation``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rldojo.envs.go.board import BLACK, EMPTY, WHITE, GoBoard, IllegalMove

if TYPE_CHECKING:
    from rldojo.envs.go.env import GoEnv

__all__ = ["BLACK", "EMPTY", "WHITE", "GoBoard", "GoEnv", "IllegalMove"]


def __getattr__(name: str) -> Any:
    if name == "GoEnv":  # the env imports Gymnasium: loaded when asked, so the rules stay light
        return importlib.import_module("rldojo.envs.go.env").GoEnv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
