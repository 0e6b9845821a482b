"""Opponents for Go-v0: random, greedy, GNU Go, a callable, or a trained agent.

An opponent is called with the board (a :class:`~rldojo.envs.go.board.GoBoard`, the
side to move being the opponent) and returns an action. ``reset(np_random)`` is called
at the start of every game with the env's generator, so that seeded envs replay the
same games. ``close()`` releases what the opponent holds (GNU Go's process).

When an opponent fails (GNU Go died, timed out or answered nonsense; a callable raised
or chose an illegal move), Go-v0 takes the agent's move back and raises
:class:`OpponentError`: the game is as it was before the step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rldojo.envs.common import check_action, policy_action
from rldojo.envs.go.board import EMPTY, GoBoard, board_planes
from rldojo.envs.go.gtp import GnuGo, GTPError
from rldojo.envs.options import check_integer

OPPONENTS = ("random", "greedy", "gnugo")


class OpponentError(RuntimeError):
    """The opponent failed during a step or a reset; the env left the game as it was before it."""


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
        return check_action(self.fn(board), board.pass_action + 1, "the opponent's move")


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

    When GNU Go fails (its process died, it timed out, or it answered something that is not
    a move) the call raises :class:`~rldojo.envs.go.gtp.GTPError`, and Go-v0 turns that into
    an :class:`OpponentError` with the game unchanged. After a failure has been raised, a
    fresh process is started, and the game replayed to it, at the next call or ``reset()``.
    With ``retries`` the restart and replay happen inside the failing call instead, up to
    that many times, so a step survives a crash unseen; the new GNU Go may choose other moves
    than the dead one would have, so seeded games no longer repeat exactly.

    :param level: GNU Go's level, 0 to 10
    :param timeout: seconds allowed per GTP command
    :param ko_rule: the env's ko rule, passed on to GNU Go
    :param retries: restarts of a failed GNU Go within one move (0: every failure is raised)
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
        retries: int = 0,
    ):
        super().__init__()
        self.retries = check_integer("retries", retries, 0)
        self._factory = lambda seed: GnuGo(
            size=size, komi=komi, level=level, timeout=timeout, executable=executable, seed=seed, ko_rule=ko_rule
        )
        self.level = level
        self._seed = 0
        self.engine = self._factory(self._seed)
        # The moves GNU Go's board holds; None when unknown (after a failure): then it is cleared and replayed.
        self._synced: list[int] | None = []

    def _restart(self) -> None:
        """A fresh GNU Go process with an empty board, seeded as this game was."""
        self.engine.close()
        self.engine = self._factory(self._seed)
        self._synced = []

    def reset(self, np_random: np.random.Generator) -> None:
        super().reset(np_random)
        self._seed = int(np_random.integers(2**31))
        if self.engine.alive:
            try:
                self.engine.commands([f"set_random_seed {self._seed}", "clear_board"])
                self._synced = []
                return
            except GTPError:
                pass  # it died or misbehaved just now: start a fresh one
        self._restart()

    def _sync(self, board: GoBoard) -> None:
        history = board.history
        synced = self._synced
        if synced is None or history[: len(synced)] != synced:
            self.engine.clear()
            synced = self._synced = []
        lines = []
        color = 1 if len(synced) % 2 == 0 else 2
        for action in history[len(synced) :]:
            lines.append(f"play {'black' if color == 1 else 'white'} {board.describe(action)}")
            color = 3 - color
        self.engine.commands(lines)
        self._synced = list(history)

    def _genmove(self, board: GoBoard) -> int:
        self._sync(board)
        color = "black" if board.to_play == 1 else "white"
        reply = self.engine.genmove(color)
        word = reply.strip().lower()
        if word == "resign":
            self.engine.play(color, "pass")  # GNU Go recorded no move for a resignation
            word = "pass"
        if word == "pass":
            action = board.pass_action
        else:
            try:
                action = board.parse(reply)
            except ValueError:
                raise GTPError(
                    f"GNU Go answered 'genmove {color}' with {reply!r}, which is not a move on a "
                    f"{board.size}x{board.size} board"
                ) from None
            if not board.is_legal(action):
                self.engine.command("undo")
                self.engine.play(color, "pass")
                action = board.pass_action
        self._synced = [*board.history, action]
        return action

    def __call__(self, board: GoBoard) -> int:
        failures = 0
        while True:
            try:
                if not self.engine.alive:
                    if self._synced is not None:  # a death not reported yet: report it first
                        raise GTPError("GNU Go's process is no longer running")
                    self._restart()  # after a reported failure; _sync replays the game to it
                return self._genmove(board)
            except GTPError:
                self._synced = None  # GNU Go's board is unknown now
                failures += 1
                if failures > self.retries:
                    raise
                self.engine.close()  # restarted at the top of the loop
            except BaseException:
                self._synced = None
                raise

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
