"""Maze-v0: the course's maze. ``rules`` holds the game, ``env`` the Gymnasium adapter, ``render`` the pictures."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rldojo.envs.maze.generator import generate_maze
from rldojo.envs.maze.layouts import LAYOUTS, parse_layout
from rldojo.envs.maze.rules import ACTION_NAMES, DOWN, LEFT, RIGHT, UP, Maze

if TYPE_CHECKING:
    from rldojo.envs.maze.env import MazeEnv

__all__ = ["ACTION_NAMES", "DOWN", "LAYOUTS", "LEFT", "RIGHT", "UP", "Maze", "MazeEnv", "generate_maze", "parse_layout"]


def __getattr__(name: str) -> Any:
    if name == "MazeEnv":  # the env imports Gymnasium: loaded when asked, so the rules stay light
        return importlib.import_module("rldojo.envs.maze.env").MazeEnv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
