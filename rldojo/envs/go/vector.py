"""Go-v0 as a native vector env: N games against an opponent, every board played at once.

``gym.make_vec("Go-v0", num_envs=N, vectorization_mode="vector_entry_point", **options)`` makes a
:class:`GoVectorEnv`. It takes every option of :class:`~rldojo.envs.go.env.GoEnv` and behaves as
N of them run by Gymnasium's ``SyncVectorEnv``: the same seeds and actions give the same
observations, rewards, flags and infos, in each autoreset mode (see :mod:`rldojo.envs.vector`).

The boards are one :class:`~rldojo.envs.go.batched.GoBatch`: a step is the agents' moves on
every board, then the opponent's replies on every board whose game goes on, each a few dozen
numpy operations with no Python loop over boards. The ``"random"`` and ``"greedy"`` opponents
are played on the arrays too, drawing from each env's own generator exactly what the single
env draws (:class:`~rldojo.envs.vector.EnvRandom`), so seeded games repeat the single env's.

GNU Go, a callable and an agent opponent need a :class:`~rldojo.envs.go.board.GoBoard`: for them
the env keeps one board per env beside the batch and asks the opponent env by env, in a Python
loop over the boards (GNU Go runs one process per env). If such an opponent fails during a
step, the :class:`~rldojo.envs.go.opponents.OpponentError` is raised and, unlike the single
env, the batch is not taken back: reset the vector env.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode

from rldojo.envs.common import check_reset_options
from rldojo.envs.go.batched import GoBatch
from rldojo.envs.go.board import BLACK, WHITE, GoBoard
from rldojo.envs.go.env import GoEnv, action_meaning
from rldojo.envs.go.opponents import Opponent, make_opponent
from rldojo.envs.vector import NativeVectorEnv

__all__ = ["GoVectorEnv", "greedy_moves"]

_COLOR_NAMES = np.array([None, "black", "white"], dtype=object)
_WINNER_NAMES = np.array(["draw", "black", "white"], dtype=object)
_BATCHED_OPPONENTS = ("random", "greedy")


class GoVectorEnv(NativeVectorEnv):
    """``num_envs`` games of Go-v0 played side by side (see the module docstring).

    Observations ``(num_envs, 5, N, N)`` float32, the single env's planes; actions an int array
    ``(num_envs,)``; ``action_masks()`` and ``info["action_mask"]`` ``(num_envs, N*N + 1)``.

    :param num_envs: how many games
    :param board_size: as Go-v0's (and every other option below)
    :param komi: points given to white
    :param ko_rule: ``"positional_superko"`` or ``"simple"``
    :param agent_color: ``"black"``, ``"white"`` or ``"random"`` (drawn at each reset, per env)
    :param opponent: ``"random"`` and ``"greedy"`` run on the arrays; ``"gnugo"``, a callable or
        an agent run env by env
    :param opponent_kwargs: the opponent's options
    :param illegal_action: ``"raise"`` refuses a step with any illegal action (a ValueError naming
        the env; nothing changes), ``"lose"`` ends those games, ``"pass"`` passes for them
    :param reward: ``"win"`` or ``"score"``
    :param max_moves: the move limit of every game (``2*N*N`` by default)
    :param render_mode: None or ``"rgb_array"`` (the boards of the first ``render_envs`` envs)
    :param autoreset_mode: a :class:`gymnasium.vector.AutoresetMode` or its value
    :param max_episode_steps: truncate a game after this many steps (None: never, as registered)
    :param render_envs: how many envs ``render()`` shows
    """

    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": ["rgb_array"],
        "render_fps": 4,
        "autoreset_mode": AutoresetMode.NEXT_STEP,
    }

    def __init__(
        self,
        num_envs: int = 1,
        board_size: int = 5,
        komi: float = 7.5,
        ko_rule: str = "positional_superko",
        agent_color: str = "black",
        opponent: Any = "random",
        opponent_kwargs: dict | None = None,
        illegal_action: str = "raise",
        reward: str = "win",
        max_moves: int | None = None,
        render_mode: str | None = None,
        *,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        max_episode_steps: int | None = None,
        render_envs: int = 1,
    ):
        # The single env checks the options as it does alone (GNU Go is started per env, below, instead).
        batched = isinstance(opponent, str) and opponent in _BATCHED_OPPONENTS
        gnugo = isinstance(opponent, str) and opponent == "gnugo"
        single = GoEnv(
            board_size=board_size,
            komi=komi,
            ko_rule=ko_rule,
            agent_color=agent_color,
            opponent="random" if gnugo else opponent,
            opponent_kwargs=None if gnugo else opponent_kwargs,
            illegal_action=illegal_action,
            reward=reward,
            max_moves=max_moves,
        )
        n = single.board_size
        super().__init__(
            num_envs,
            single.observation_space,
            spaces.Discrete(n * n + 1),
            autoreset_mode=autoreset_mode,
            max_episode_steps=max_episode_steps,
            render_mode=render_mode,
            render_envs=render_envs,
            action_meaning=action_meaning(single.board),
        )
        self.board_size = n
        self.komi = single.komi
        self.ko_rule = ko_rule
        self.max_moves = single.max_moves
        self.agent_color = agent_color
        self.illegal_action = illegal_action
        self.reward_mode = reward
        self.refuse_illegal = illegal_action == "raise"  # "lose" and "pass": the step handles them
        self.opponent_name = opponent if batched else None
        self.batch = GoBatch(self.num_envs, n, komi=self.komi, ko_rule=ko_rule, max_moves=self.max_moves)
        self.color = np.full(self.num_envs, BLACK, dtype=np.int64)  # each agent's colour
        self.finished = np.zeros(self.num_envs, dtype=bool)  # the game has ended (two passes, the limit, a forfeit)
        self.forfeited = np.zeros(self.num_envs, dtype=bool)
        self._score = np.zeros(self.num_envs)
        self._winner = np.zeros(self.num_envs, dtype=np.int64)
        self._masks: np.ndarray | None = None
        self._only_pass = np.zeros(n * n + 1, dtype=bool)
        self._only_pass[-1] = True
        # Opponents that need a GoBoard: one per env, with a board mirroring the batch's (none when batched).
        self.opponents: list[Opponent] = []
        self.boards: list[GoBoard] = []
        if not batched:
            self.opponents = [
                make_opponent(opponent, n, self.komi, ko_rule=ko_rule, **(opponent_kwargs or {}))
                for _ in range(self.num_envs)
            ]
            self.boards = [
                GoBoard(n, komi=self.komi, ko_rule=ko_rule, max_moves=self.max_moves) for _ in self.opponents
            ]
        single.close()

    # -- the opponent ------------------------------------------------------------------------------

    def _opponent_moves(self, playing: np.ndarray) -> None:
        """The opponent's move on every board where ``playing`` is True (the opponent is to move there)."""
        batch = self.batch
        if not playing.any():
            return
        if self.opponent_name == "random":
            masks = batch.legal_mask_view()
            counts = masks.sum(1)
            pick = np.zeros(self.num_envs, dtype=np.int64)
            pick[playing] = self.random.integers(playing, counts[playing])
            actions = np.argmax(masks.cumsum(1) > pick[:, None], axis=1)
        elif self.opponent_name == "greedy":
            actions = greedy_moves(batch, playing, self.random.integers)
        else:
            actions = np.zeros(self.num_envs, dtype=np.int64)
            for i in np.flatnonzero(playing).tolist():
                actions[i] = self.opponents[i](self.boards[i])
        self._play(actions, playing)

    def _play(self, actions: np.ndarray, playing: np.ndarray) -> None:
        self.batch.play(actions, playing)
        if self.boards:
            for i in np.flatnonzero(playing).tolist():
                self.boards[i].play(int(actions[i]))

    # -- the hooks of NativeVectorEnv -------------------------------------------------------------

    def _reset_envs(self, mask: np.ndarray, options: dict) -> dict[str, np.ndarray]:
        check_reset_options(options, ())
        self.batch.reset(mask)
        if self.agent_color == "random":
            self.color[mask] = np.where(self.random.integers(mask, 2) == 0, BLACK, WHITE)
        else:
            self.color[mask] = BLACK if self.agent_color == "black" else WHITE
        if self.opponents:
            for i in np.flatnonzero(mask).tolist():
                self.boards[i].clear()
                self.opponents[i].reset(self.random.generator(i))
        self.finished[mask] = False
        self.forfeited[mask] = False
        self._masks = None
        self._opponent_moves(mask & (self.color == WHITE))
        self._masks = None
        return self._info()

    def _step_envs(self, actions: np.ndarray, mask: np.ndarray):
        batch, n = self.batch, self.num_envs
        self._masks = None
        legal = batch.legal_mask_view()[np.arange(n), actions] == 1
        illegal = mask & ~legal
        reasons = None
        if illegal.any():  # only with illegal_action "lose" or "pass": "raise" was refused before the step
            if self.illegal_action == "lose":
                reasons = {i: batch.why_illegal(i, int(actions[i])) for i in np.flatnonzero(illegal).tolist()}
            else:
                actions = np.where(illegal, batch.pass_action, actions)
                illegal = np.zeros(n, dtype=bool)
        playing = mask & ~illegal
        self._play(actions, playing)
        self._opponent_moves(playing & ~batch.over)
        self._masks = None
        ended = (playing & batch.over) | illegal
        rewards = np.zeros(n)
        if ended.any():
            rows = np.flatnonzero(ended)
            self.finished[rows] = True
            self.forfeited[rows] = illegal[rows]
            self._score[rows] = batch.score(rows)
            winner = np.where(self._score[rows] > 0, BLACK, np.where(self._score[rows] < 0, WHITE, 0))
            self._winner[rows] = np.where(illegal[rows], 3 - self.color[rows], winner)
            if self.reward_mode == "score":
                sign = np.where(self.color[rows] == BLACK, 1.0, -1.0)
                final = sign * self._score[rows] / batch.num_points
            else:
                won = self._winner[rows] == self.color[rows]
                final = np.where(self._winner[rows] == 0, 0.0, np.where(won, 1.0, -1.0))
            rewards[rows] = np.where(illegal[rows], -1.0, final)
        info = self._info()
        if ended.any():
            info.update(
                score=self._score.copy(),
                _score=ended,
                winner=_WINNER_NAMES[self._winner],
                _winner=ended,
                is_success=self._winner == self.color,
                _is_success=ended,
                forfeit=self.forfeited.copy(),
                _forfeit=ended,
            )
            if reasons:
                texts = np.full(n, None, dtype=object)
                for i, reason in reasons.items():
                    texts[i] = reason
                info.update(illegal_action=texts, _illegal_action=illegal.copy())
        return rewards, ended, np.zeros(n, dtype=bool), info

    def _info(self) -> dict[str, np.ndarray]:
        """What the single env's info holds in every env (the base keeps the rows it was asked about)."""
        batch = self.batch
        last = batch.last_move
        replied = (batch.to_play == self.color) & (last >= 0)  # last_move is -1 before any move
        opponent_action = np.where(replied, last, -1).astype(np.int64)  # -1: no reply since the agent moved
        return {
            "action_mask": self._action_masks().astype(np.int8),
            "to_play": _COLOR_NAMES[batch.to_play],
            "agent_color": _COLOR_NAMES[self.color],
            "move_number": batch.move_number.copy(),
            "opponent_action": opponent_action,
        }

    def _observe(self) -> np.ndarray:
        planes = self.batch.planes(self.color)
        if self.finished.any():  # after the end: no legal moves shown, plane 4 says the agent's colour
            rows = np.flatnonzero(self.finished)
            planes[rows, 3] = 0.0
            planes[rows, 4] = (self.color[rows] == BLACK)[:, None, None]
        return planes

    def _action_masks(self) -> np.ndarray:
        if self._masks is None:  # asked before and after each step: made once per state
            masks = self.batch.legal_mask_view().astype(bool)
            masks[self.finished | self.batch.over] = self._only_pass
            self._masks = masks
        return self._masks

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        """Reset every env, or with ``options={"reset_mask": mask}`` only those where ``mask`` is True.

        :param seed: None, an int (env ``i`` gets ``seed + i``) or a list of one seed (or None) per env
        :param options: only ``reset_mask``: Go-v0 takes no reset options
        """
        observations, info = super().reset(seed=seed, options=options)
        mask = (options or {}).get("reset_mask")
        if "_action_mask" in info and isinstance(mask, np.ndarray):
            info["_action_mask"] = mask.copy()  # as SyncVectorEnv: only the envs reset have an info
        return observations, info

    def _render_env(self, i: int) -> np.ndarray:
        """Env ``i``'s board, drawn by the single env's renderer from a replay of its moves."""
        from rldojo.envs.go.render import GoRenderer

        renderer: Any = self._renderer
        if renderer is None:
            renderer = self._renderer = GoRenderer(self.board_size, fps=self.metadata["render_fps"])
        result = None
        if self.finished[i]:
            result = {
                "score": float(self._score[i]),
                "winner": str(_WINNER_NAMES[self._winner[i]]),
                "is_success": bool(self._winner[i] == self.color[i]),
                "forfeit": bool(self.forfeited[i]),
            }
        return renderer.render(self.batch.to_board(i), result, human=False)

    def close_extras(self, **kwargs: Any) -> None:
        super().close_extras(**kwargs)
        for opponent in self.opponents:
            opponent.close()


def greedy_moves(batch: GoBatch, boards: np.ndarray, integers) -> np.ndarray:
    """The greedy opponent's move on every board where ``boards`` is True, as :class:`GreedyOpponent` picks it.

    In order: a move taking the most stones; else one rescuing the most stones from atari (leaving
    them two liberties or more); else a random move that neither puts its own chain in atari nor
    fills its own eye; else the pass. Ties are broken by ``integers(mask, counts)`` (a draw per
    board in ``mask`` from ``0..count-1``, in increasing order of points, as the single opponent
    draws), which happens only on boards with a candidate.

    :param batch: the boards; the opponent is the side to move
    :param boards: bool array, one entry a board
    :param integers: ``EnvRandom.integers``
    """
    B = batch.num_boards
    actions = np.full(B, batch.pass_action, dtype=np.int64)
    if not boards.any():
        return actions
    board, action, taken, rescued, two_liberties, eye = batch.move_effects(np.flatnonzero(boards))
    rescued = np.where(two_liberties, rescued, 0)
    calm = (taken == 0) & (rescued == 0) & two_liberties & ~eye
    # Per board: the best capture, else the best rescue, else the calm moves.
    best_taken = np.zeros(B, dtype=np.int64)
    np.maximum.at(best_taken, board, taken)
    best_rescued = np.zeros(B, dtype=np.int64)
    np.maximum.at(best_rescued, board, np.where(taken == 0, rescued, 0))
    chosen = np.where(
        best_taken[board] > 0,
        taken == best_taken[board],
        np.where(best_rescued[board] > 0, (taken == 0) & (rescued == best_rescued[board]), calm),
    )
    counts = np.bincount(board[chosen], minlength=B)
    drawing = counts > 0
    pick = np.zeros(B, dtype=np.int64)
    pick[drawing] = integers(drawing, counts[drawing])
    rank = np.cumsum(chosen) - 1  # the rank of each chosen move among all chosen, then within its board
    first = np.zeros(B, dtype=np.int64)
    first[1:] = np.cumsum(counts)[:-1]
    hit = chosen & (rank - first[board] == pick[board])
    actions[board[hit]] = action[hit]
    return actions
