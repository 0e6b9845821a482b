"""What chooses the engine's moves: a saved agent, the search (``mcts``), or a simple opponent.

A player answers two questions of :class:`~rldojo.gtp.engine.GoEngine`:

- ``prepare(size, komi, ko_rule)``: get ready for a new board; a ValueError if it cannot
  play on it (an agent trained on 5x5 cannot play 9x9; GTP then answers ``unacceptable size``);
- ``choose(board, seconds)``: the move for the side to move (an action ``row * size + col``,
  ``size * size`` to pass) or None to resign, without changing the board; ``seconds`` is the
  time the clock allows (None: the player's own budget).
"""

from __future__ import annotations

import os
from typing import Any, Protocol

import numpy as np

from rldojo.envs.common import policy_action
from rldojo.envs.go.board import GoBoard, board_planes
from rldojo.envs.go.opponents import make_opponent

__all__ = ["AgentPlayer", "OpponentPlayer", "Player", "SearchPlayer", "load_player"]

SIMPLE_ENGINES = ("greedy", "random")


class Player(Protocol):
    """What :class:`~rldojo.gtp.engine.GoEngine` asks of whatever chooses its moves."""

    name: str

    def prepare(self, size: int, komi: float, ko_rule: str) -> None:
        """Get ready for a new board; a ValueError if this player cannot play on it."""

    def choose(self, board: GoBoard, seconds: float | None = None) -> int | None:
        """The move for the side to move of ``board`` (not changed), or None to resign."""


class AgentPlayer:
    """A saved Go agent (any rldojo or stable-baselines3 agent trained on Go-v0).

    A saved search agent (``select_move``) gets the board and the clock's time, and may
    resign. An agent with ``act(board)`` (the SARSA self-play agent) is given the board, with
    its history; any other sees the Go-v0 observation of the side to move and the legal moves,
    through :func:`~rldojo.envs.common.policy_action`. The others never resign; an illegal choice
    (an agent trained without masks) is played as a pass.
    """

    def __init__(self, agent: Any, name: str = "agent"):
        shape = getattr(getattr(agent, "observation_space", None), "shape", None)
        if shape is None or len(shape) != 3 or shape[1] != shape[2]:
            raise ValueError(
                f"agent must be a Go-v0 agent (observations of shape (5, N, N)), got {type(agent).__name__} "
                f"with observations of shape {shape}"
            )
        self.agent = agent
        self.size = int(shape[-1])
        self.name = name

    def prepare(self, size: int, komi: float, ko_rule: str) -> None:
        if size != self.size:
            raise ValueError(f"the agent plays on {self.size}x{self.size} boards only, not {size}x{size}")

    def choose(self, board: GoBoard, seconds: float | None = None) -> int | None:
        if hasattr(self.agent, "select_move"):  # a saved search agent: it may use the clock, and resign
            return self.agent.select_move(board, seconds=seconds)
        mask = board.legal_mask()
        if hasattr(self.agent, "act"):
            action = int(self.agent.act(board, deterministic=True))
        else:
            planes = board_planes(board, mask=mask)
            action = int(np.asarray(policy_action(self.agent, planes, mask, deterministic=True)).reshape(-1)[0])
        return action if 0 <= action < len(mask) and mask[action] else board.pass_action


class SearchPlayer:
    """The search agent, :class:`rldojo.baselines.mcts.MCTS`, made for each board size.

    :param options: its hyperparameters (``playouts``, ``seconds``, ``prior_path``, ...)
    :param seed: its seed; the same seed replays the same moves when budgeted in playouts
    """

    def __init__(self, seed: int = 0, **options: Any):
        self.seed = seed
        self.options = options
        self.search = None
        self.name = "mcts"
        self._made_for: tuple | None = None

    def prepare(self, size: int, komi: float, ko_rule: str) -> None:
        if self._made_for == (size, ko_rule):  # the search scores with the board's own komi
            return
        import gymnasium as gym
        import torch

        from rldojo.baselines import make_agent

        torch.set_num_threads(1)  # more threads only slow the prior's small network down
        env = gym.make("rldojo:Go-v0", board_size=size, komi=komi, ko_rule=ko_rule)
        self.search = make_agent("mcts", env, seed=self.seed, **self.options)
        self._made_for = (size, ko_rule)

    def choose(self, board: GoBoard, seconds: float | None = None) -> int | None:
        own = self.options.get("seconds")
        if seconds is not None and own is not None:
            seconds = min(seconds, own)  # the clock's share, never more than the user's --seconds
        return self.search.select_move(board, seconds=seconds)


class OpponentPlayer:
    """One of Go-v0's simple opponents (``greedy``, ``random``): quick, for trying a set-up and for tests."""

    def __init__(self, name: str, seed: int = 0):
        self.name = name
        self.opponent = make_opponent(name, 9, 7.5)  # these two read every board they are given
        self.opponent.reset(np.random.default_rng(seed))

    def prepare(self, size: int, komi: float, ko_rule: str) -> None:
        pass

    def choose(self, board: GoBoard, seconds: float | None = None) -> int | None:
        return int(self.opponent(board))


def load_player(
    agent: str | os.PathLike | None = None, engine: str = "mcts", seed: int = 0, **search_options: Any
) -> AgentPlayer | SearchPlayer | OpponentPlayer:
    """The player ``rldojo gtp`` runs: the saved agent at ``agent`` if given, else ``engine``.

    :param engine: ``"mcts"`` (the search, with ``search_options``), ``"greedy"`` or ``"random"``
    """
    if agent is not None:
        import torch

        from rldojo.baselines import load_agent

        torch.set_num_threads(1)  # more threads only slow small networks down
        return AgentPlayer(load_agent(agent), name=os.path.basename(str(agent)))
    if engine == "mcts":
        return SearchPlayer(seed=seed, **search_options)
    if engine in SIMPLE_ENGINES:
        return OpponentPlayer(engine, seed=seed)
    raise ValueError(f"engine must be one of 'mcts', {', '.join(map(repr, SIMPLE_ENGINES))}, got {engine!r}")
