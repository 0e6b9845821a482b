"""Go-v0: the game of Go against an opponent, as a single-agent Gymnasium environment."""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rldojo.envs.common import (
    LegalActionSpace,
    check_action,
    check_choice,
    check_render_mode,
    check_reset_options,
)
from rldojo.envs.go.board import (
    BLACK,
    COLOR_NAMES,
    KO_RULES,
    MAX_SIZE,
    MIN_SIZE,
    WHITE,
    GoBoard,
    IllegalMove,
    board_planes,
    check_integer,
)
from rldojo.envs.go.opponents import OpponentError, make_opponent

AGENT_COLORS = ("black", "white", "random")
ILLEGAL_ACTIONS = ("raise", "lose", "pass")
REWARDS = ("win", "score")
NUM_PLANES = 5
# Why step() is refused: no game yet (or the last reset() failed), or the game has ended.
NO_GAME = "no game is in progress: call reset() before step()"
GAME_OVER = "the game is over: call reset() before step()"


def check_common_options(board_size, ko_rule, illegal_action, illegal_actions, render_mode, metadata) -> None:
    """The options Go-v0 and the AEC env share; the board checks komi (finite) and max_moves itself."""
    check_choice("illegal_action", illegal_action, illegal_actions)
    check_choice("ko_rule", ko_rule, KO_RULES)
    check_render_mode(render_mode, metadata)
    check_integer("board_size", board_size, MIN_SIZE, MAX_SIZE)


def action_meaning(board: GoBoard) -> str:
    """What the actions of a board's ``Discrete(N*N + 1)`` mean, for the message of a bad action."""
    n = board.size
    return f"row * {n} + col puts a stone, {board.pass_action} passes"


class GoEnv(gym.Env):
    """
    ## Description
    Go on a small board against an opponent: random, greedy, GNU Go, any callable or a
    trained agent. The rules are those of :class:`~rldojo.envs.go.board.GoBoard`:
    suicide is illegal, positional superko by default, Tromp–Taylor area scoring.
    Each step is one move of the agent followed by the opponent's reply.

    ## Action Space
    `Discrete(N*N + 1)`: the action `row * N + col` puts a stone on that point; the
    action `N*N` passes. Illegal moves are masked: `action_masks()` and
    `info["action_mask"]` (np.int8, one entry per action) give the legal moves.
    `action_space.sample()` draws a legal move (the space is a `Discrete` subclass
    that reads the board's mask).

    ## Observation Space
    `Box(0, 1, (5, N, N), float32)`, planes from the agent's side: 0 the agent's
    stones, 1 the opponent's stones, 2 empty points, 3 the agent's legal moves,
    4 all ones if the agent plays black (the side to move), zeros if white.

    ## Rewards
    With `reward="win"` (default): +1 for a win, -1 for a loss, 0 for a draw, at the
    end; 0 on every other step. With `reward="score"`: the final Tromp–Taylor score
    difference from the agent's side (komi included) divided by N*N.
    An illegal action with `illegal_action="lose"` ends the game with -1.

    ## Starting State
    An empty board. If the agent plays white, the opponent's first move is already
    on the board.

    ## Episode End
    The episode terminates when both players pass in a row, when the game reaches
    `max_moves` moves (`2*N*N` by default; then it is scored), or on an illegal action
    with `illegal_action="lose"`. `info` then holds `"score"` (black minus white
    minus komi), `"winner"` ("black", "white" or "draw") and `"is_success"`.
    At the end `info["action_mask"]` allows only the pass, so that masks are never empty.
    After the end, and before the first `reset()`, `step()` raises a RuntimeError.

    ## Failures
    An action that is not an integer of the action space (a float, a string, None, a
    bool, out of range) raises a ValueError and changes nothing. When the opponent fails
    during a step (GNU Go died, timed out or answered nonsense; a callable raised or chose
    an illegal move), the agent's move is taken back and `step()` raises an
    `OpponentError` (a RuntimeError): the game is exactly as before the step, which may
    be retried. `reset()` starts a fresh GNU Go if its process died.

    ## Arguments
    ```python
    gym.make("Go-v0", board_size=5, komi=7.5, ko_rule="positional_superko", agent_color="black",
             opponent="random", opponent_kwargs=None, illegal_action="raise", reward="win",
             max_moves=None, render_mode=None)
    ```

    - ``board_size`` (default ``5``): N, an integer from 2 to 19.
    - ``komi`` (default ``7.5``): points given to white, any finite number; an integer komi allows draws.
    - ``ko_rule`` (default ``"positional_superko"``): ``"positional_superko"`` or ``"simple"``.
    - ``agent_color`` (default ``"black"``): ``"black"``, ``"white"`` or ``"random"`` (drawn at each reset).
    - ``opponent`` (default ``"random"``): ``"random"``, ``"greedy"``, ``"gnugo"`` (needs the
      ``gnugo`` binary), a callable board -> action, or an agent with ``predict`` (it sees the
      planes from its side).
    - ``opponent_kwargs`` (default ``None``): a dict of the opponent's options, e.g.
      ``{"level": 1}`` for GNU Go (also ``timeout`` in seconds, and ``retries``: restarts of a
      failed GNU Go inside one step, 0 by default); ``None`` for none.
    - ``illegal_action`` (default ``"raise"``): ``"raise"`` a ValueError, ``"lose"`` the game,
      or play a ``"pass"``.
    - ``reward`` (default ``"win"``): ``"win"`` or ``"score"`` (see Rewards).
    - ``max_moves`` (default ``None``): the move limit, a positive integer (at least 2 when the
      agent may play white, since the opponent's first move is played in ``reset()``);
      ``None`` means ``2*N*N``.
    - ``render_mode`` (default ``None``): ``None``, ``"human"``, ``"rgb_array"`` or ``"ansi"``.

    ## Version History
    - v0: first version.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["human", "rgb_array", "ansi"], "render_fps": 4}

    def __init__(
        self,
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
    ):
        check_choice("agent_color", agent_color, AGENT_COLORS)
        check_choice("reward", reward, REWARDS)
        check_common_options(board_size, ko_rule, illegal_action, ILLEGAL_ACTIONS, render_mode, self.metadata)
        # The board validates komi and max_moves with clear messages.
        self.board = GoBoard(board_size, komi=komi, ko_rule=ko_rule, max_moves=max_moves)
        self.board_size = self.board.size
        self.komi = self.board.komi
        self.ko_rule = ko_rule
        self.max_moves = self.board.max_moves
        if agent_color != "black" and self.max_moves < 2:
            raise ValueError(
                f"max_moves must be at least 2 when the agent may play white (agent_color={agent_color!r}): "
                f"the opponent then moves first, in reset(), and max_moves={max_moves!r} would end the game "
                "before the agent's first move"
            )
        self.agent_color = agent_color
        self.illegal_action = illegal_action
        self.reward_mode = reward
        self.render_mode = render_mode
        if opponent_kwargs is not None and not isinstance(opponent_kwargs, dict):
            raise ValueError(f"opponent_kwargs must be a dict or None, got {opponent_kwargs!r}")
        self.opponent = make_opponent(opponent, self.board_size, self.komi, ko_rule=ko_rule, **(opponent_kwargs or {}))
        n = self.board_size
        only_pass = np.zeros(n * n + 1, dtype=np.int8)
        only_pass[-1] = 1  # after the end of a game only the pass
        self.action_space = LegalActionSpace(n * n + 1, self.board.legal_mask, fallback=only_pass)
        self.observation_space = spaces.Box(0.0, 1.0, (NUM_PLANES, n, n), dtype=np.float32)
        self.color = BLACK
        self._renderer = None
        self._last_captures = 0
        self._over_info: dict = {}
        self._num_actions = n * n + 1
        self._action_meaning = action_meaning(self.board)
        self._refusal: str | None = NO_GAME  # why step() is refused now; None while a game is on

    # ------------------------------------------------------------------ gymnasium

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        check_reset_options(options, ())
        super().reset(seed=seed)
        self._refusal = NO_GAME  # until this reset has finished
        board = self.board
        board.clear()
        if self.agent_color == "random":
            self.color = BLACK if self.np_random.integers(2) == 0 else WHITE
        else:
            self.color = BLACK if self.agent_color == "black" else WHITE
        self.opponent.reset(self.np_random)
        self._over_info = {}
        if self.color == WHITE:
            self._opponent_move(0, "reset")
        self._refusal = None
        if self.render_mode == "human":
            self.render()
        return self._observation(), self._info()

    def step(self, action):
        board = self.board
        if self._refusal is not None or board.is_over():
            raise RuntimeError(self._refusal or GAME_OVER)
        action = check_action(action, self._num_actions, self._action_meaning)
        if not board.legal_mask_view()[action]:
            reason = board.why_illegal(action, board.to_play) or "illegal"
            if self.illegal_action == "raise":
                raise ValueError(
                    f"illegal action {action}: {reason} (see info['action_mask'], "
                    f"or make the env with illegal_action='lose' or 'pass')"
                )
            if self.illegal_action == "lose":
                info = self._finish(forfeit=True)
                info["illegal_action"] = reason
                return self._observation(), -1.0, True, False, info
            action = board.pass_action
        before = board.move_number
        board.play(action)
        if not board.is_over():
            self._opponent_move(before, "step")
        if self.render_mode == "human":
            self.render()
        if board.is_over():
            info = self._finish()
            return self._observation(), self._final_reward(), True, False, info
        return self._observation(), 0.0, False, False, self._info()

    def _opponent_move(self, undo_to: int, during: str) -> None:
        """The opponent's move. If it fails the board goes back to move ``undo_to`` and OpponentError says so.

        :param during: ``"step"`` or ``"reset"``, for the message
        """
        board = self.board
        try:
            board.play(self.opponent(board))
        except BaseException as error:
            board.rewind(undo_to)
            if not isinstance(error, Exception):
                raise  # KeyboardInterrupt and the like pass as they are, the board taken back
            if isinstance(error, IllegalMove):
                what = f"chose an illegal move: {error}"
            else:
                what = f"failed: {type(error).__name__}: {error}"
            if during == "step":
                after = (
                    "The game was left unchanged, as it was before this step: call step() again to retry, or reset()"
                )
            else:
                after = "No game was started (the board is left empty): call reset() again"
            raise OpponentError(f"the opponent {self.opponent.name!r} {what}. {after}") from error

    def _observation(self) -> np.ndarray:
        board = self.board
        if board.is_over() or self._over_info:
            planes = board_planes(board, self.color)
            planes[3] = 0.0
            planes[4] = 1.0 if self.color == BLACK else 0.0
            return planes
        return board_planes(board, self.color)

    def action_masks(self) -> np.ndarray:
        """The legal actions now (np.int8, one entry per action); only the pass after the end."""
        if self.board.is_over() or self._over_info:
            mask = np.zeros(self.board.pass_action + 1, dtype=np.int8)
            mask[-1] = 1
            return mask
        return self.board.legal_mask()

    def _info(self) -> dict:
        board = self.board
        return {
            "action_mask": self.action_masks(),
            "to_play": COLOR_NAMES[board.to_play],
            "agent_color": COLOR_NAMES[self.color],
            "move_number": board.move_number,
            # -1 when the opponent has not moved since the agent did: an int either way, so that
            # SyncVectorEnv can put the infos of several envs in one array
            "opponent_action": board.last_move if board.to_play == self.color and board.last_move is not None else -1,
        }

    def _finish(self, forfeit: bool = False) -> dict:
        self._refusal = GAME_OVER
        board = self.board
        score = board.score()
        if forfeit:
            winner = 3 - self.color
        else:
            winner = board.winner()
        self._over_info = {
            "score": float(score),
            "winner": COLOR_NAMES.get(winner, "draw"),
            "is_success": bool(winner == self.color),
            "forfeit": forfeit,
        }
        info = self._info()
        info.update(self._over_info)
        return info

    def _final_reward(self) -> float:
        info = self._over_info
        if self.reward_mode == "score":
            sign = 1.0 if self.color == BLACK else -1.0
            return float(sign * info["score"] / self.board.num_points)
        if info["winner"] == "draw":
            return 0.0
        return 1.0 if info["is_success"] else -1.0

    # ------------------------------------------------------------------ rendering

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; make the env with render_mode=...")
            return None
        if self.render_mode == "ansi":
            from rldojo.envs.go.render import board_text

            return board_text(self.board, self._over_info or None)
        if self._renderer is None:
            from rldojo.envs.go.render import GoRenderer

            self._renderer = GoRenderer(self.board_size, fps=self.metadata["render_fps"])
        return self._renderer.render(self.board, self._over_info or None, human=self.render_mode == "human")

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        if getattr(self, "opponent", None) is not None:
            self.opponent.close()
