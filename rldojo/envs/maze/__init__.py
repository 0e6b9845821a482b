"""Maze-v0: the course's maze. ``rules`` holds the game, ``env`` the Gymnasium adapter, ``render`` the pictures."""

from rldojo.envs.maze.generator import generate_maze
from rldojo.envs.maze.layouts import LAYOUTS, parse_layout
from rldojo.envs.maze.rules import ACTION_NAMES, DOWN, LEFT, RIGHT, UP, Maze

__all__ = ["ACTION_NAMES", "DOWN", "LAYOUTS", "LEFT", "RIGHT", "UP", "Maze", "MazeEnv", "generate_maze",
           "parse_layout"]


def __getattr__(name):
    # The env imports Gymnasium; load it only when asked, so the rules stay importable alone.
    if name == "MazeEnv":
        from rldojo.envs.maze.env import MazeEnv

        return MazeEnv
    raise AttributeError(name)
