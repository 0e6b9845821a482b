"""Opponents for Go-v0: random, greedy, GNU Go, a callable, or a trained agent.

An opponent is called with the board (a :class:`~rldojo.envs.go.board.GoBoard`, the
side to move being the opponent) and returns an action. ``reset(np_random)`` is called
at the start of every game with the env's generator, so that seeded envs replay the
same games. ``close()`` releases what the opponent holds (GNU Go's process).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rldojo.envs.common import policy_action
from rldojo.envs.go.board import EMPTY, GoBoard, board_planes

OPPONENTS = ("random", "greedy", "gnugo")


class Opponent:
    """Base class: a policy for the side to move of a board."""

    name = "opponent"

    def __init__(self):
        self.np_random = np.random.default_rng()

    def reset(self, np_random: np.random.Generator) -> None:
        self.np_random = np_random

    def __call__(self, board: GoBoard) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


class RandomOpponent(Opponent):
    """Uniformly random among the legal actions, the pass included."""

    name = "random"

    def __call__(self, board: GoBoard) -> int:
        legal = board.legal_mask_view().nonzero()[0]
        return int(legal[self.np_random.integers(len(legal))])


def move_effects(board: GoBoard, point: int) -> tuple[int, int, int, bool]:
    """What a legal stone at ``point`` by the side to move does, without playing it.

    Returns (stones captured, liberties of the chain the new stone joins, stones of the
    mover's chains in atari that the move rescues, whether the point is the mover's own eye).
    """
    color = board.to_play
    stones = board.points
    chain_of = board.chain_of
    neighbours = board.neighbours
    liberties = set()
    friends = []
    captured = []
    eye = True
    for n in neighbours[point]:
        v = stones[n]
        if v == EMPTY:
            liberties.add(n)
            eye = False
        elif v == color:
            chain = chain_of[n]
            if chain not in friends:
                friends.append(chain)
        else:
            eye = False
            chain = chain_of[n]
            if len(chain.liberties) == 1 and chain not in captured:
                captured.append(chain)
    rescued = 0
    members = {point}
    for chain in friends:
        liberties |= chain.liberties
        members.update(chain.stones)
        if len(chain.liberties) == 1:
            rescued += len(chain.stones)
    liberties.discard(point)
    taken = 0
    for chain in captured:
        taken += len(chain.stones)
        for s in chain.stones:
            if any(n in members for n in neighbours[s]):
                liberties.add(s)
    if len(liberties) < 2:
        rescued = 0
    return taken, len(liberties), rescued, eye


class GreedyOpponent(Opponent):
    """Captures when it can, saves its stones in atari, avoids self-atari, else plays at random.

    In order: the move that captures the most stones; else the move that rescues the
    most stones from atari (leaving them two liberties or more); else a random move that
    neither puts its own chain in atari nor fills one of its own eyes; else it passes.
    """

    name = "greedy"

    def __call__(self, board: GoBoard) -> int:
        legal = np.flatnonzero(board.legal_mask_view()[:-1])
        best_capture, capture_moves = 0, []
        best_rescue, rescue_moves = 0, []
        calm = []
        for point in legal.tolist():
            taken, libs, rescued, eye = move_effects(board, point)
            if taken:
                if taken > best_capture:
                    best_capture, capture_moves = taken, [point]
                elif taken == best_capture:
                    capture_moves.append(point)
                continue
            if rescued:
                if rescued > best_rescue:
                    best_rescue, rescue_moves = rescued, [point]
                elif rescued == best_rescue:
                    rescue_moves.append(point)
                continue
            if libs >= 2 and not eye:
                calm.append(point)
        for moves in (capture_moves, rescue_moves, calm):
            if moves:
                return int(moves[self.np_random.integers(len(moves))])
        return board.pass_action


class CallableOpponent(Opponent):
    """Wraps any ``fn(board) -> action``."""

    name = "callable"

    def __init__(self, fn: Callable[[GoBoard], int]):
        super().__init__()
        self.fn = fn

    def __call__(self, board: GoBoard) -> int:
        return int(self.fn(board))


class AgentOpponent(Opponent):
    """A trained agent (anything with stable-baselines3's ``predict``) playing the other side.

    It sees the planes from its own side, as it would as the Go-v0 agent, and its mask.
    """

    name = "agent"

    def __init__(self, agent: Any, deterministic: bool = True):
        super().__init__()
        self.agent = agent
        self.deterministic = deterministic

    def __call__(self, board: GoBoard) -> int:
        mask = board.legal_mask()
        obs = board_planes(board, mask=mask)
        action = int(np.asarray(policy_action(self.agent, obs, mask, self.deterministic)).reshape(-1)[0])
        if not mask[action]:
            return board.pass_action  # an unmasked agent's illegal choice becomes a pass
        return action


class GnuGoOpponent(Opponent):
    """GNU Go over GTP. It replays the moves it has not seen, then asks ``genmove``.

    GNU Go runs with Chinese rules, ``--capture-all-dead`` (Tromp–Taylor counts every stone
    left on the board) and the env's ko rule. A resignation is played as a pass. A move
    rldojo's rules refuse (none was seen in testing) is taken back and replaced by a pass.

    :param level: GNU Go's level, 0 to 10
    :param timeout: seconds allowed per GTP command
    :param ko_rule: the env's ko rule, passed on to GNU Go
    """

    name = "gnugo"

    def __init__(
        self,
        size: int,
        komi: float,
        level: int = 1,
        timeout: float = 30.0,
        executable: str | None = None,
        ko_rule: str = "positional_superko",
    ):
        super().__init__()
        from rldojo.envs.go.gtp import GnuGo

        self._factory = lambda seed: GnuGo(
            size=size, komi=komi, level=level, timeout=timeout, executable=executable, seed=seed, ko_rule=ko_rule
        )
        self.level = level
        self.engine = self._factory(0)
        self._synced: list[int] = []

    def reset(self, np_random: np.random.Generator) -> None:
        super().reset(np_random)
        if self.engine.closed:
            self.engine = self._factory(int(np_random.integers(2**31)))
        else:
            self.engine.command(f"set_random_seed {int(np_random.integers(2**31))}")
        self.engine.clear()
        self._synced = []

    def _sync(self, board: GoBoard) -> None:
        history = board.history
        if history[: len(self._synced)] != self._synced:
            self.engine.clear()
            self._synced = []
        lines = []
        color = 1 if len(self._synced) % 2 == 0 else 2
        for action in history[len(self._synced) :]:
            lines.append(f"play {'black' if color == 1 else 'white'} {board.describe(action)}")
            color = 3 - color
        self.engine.commands(lines)
        self._synced = list(history)

    def __call__(self, board: GoBoard) -> int:
        self._sync(board)
        color = "black" if board.to_play == 1 else "white"
        reply = self.engine.genmove(color)
        if reply.lower() == "resign":
            self.engine.play(color, "pass")  # GNU Go recorded no move for a resignation
            reply = "pass"
        action = board.pass_action if reply.lower() == "pass" else board.parse(reply)
        if action != board.pass_action and not board.is_legal(action):
            self.engine.command("undo")
            self.engine.play(color, "pass")
            action = board.pass_action
        self._synced = [*list(board.history), action]
        return action

    def close(self) -> None:
        self.engine.close()


def make_opponent(spec: Any, size: int, komi: float, ko_rule: str = "positional_superko", **kwargs) -> Opponent:
    """An :class:`Opponent` from a name (``random``, ``greedy``, ``gnugo``), a callable or an agent.

    :param kwargs: the opponent's options (``level`` and ``timeout`` for GNU Go)
    """
    if isinstance(spec, Opponent):
        return spec
    if isinstance(spec, str):
        if spec == "random":
            opponent = RandomOpponent()
        elif spec == "greedy":
            opponent = GreedyOpponent()
        elif spec == "gnugo":
            return GnuGoOpponent(size, komi, ko_rule=ko_rule, **kwargs)
        else:
            raise ValueError(
                f"opponent must be one of {', '.join(map(repr, OPPONENTS))}, a callable "
                f"board -> action or an agent with predict, got {spec!r}"
            )
        if kwargs:
            raise ValueError(f"opponent {spec!r} takes no opponent_kwargs, got {sorted(kwargs)}")
        return opponent
    if hasattr(spec, "predict"):
        return AgentOpponent(spec, **kwargs)
    if callable(spec):
        return CallableOpponent(spec)
    raise ValueError(
        f"opponent must be one of {', '.join(map(repr, OPPONENTS))}, a callable "
        f"board -> action or an agent with predict, got {spec!r}"
    )
