"""Go for two learners: a PettingZoo AEC environment with agents ``"black"`` and ``"white"``.

>>> from rldojo.envs.go import aec
>>> env = aec.env(board_size=5)
>>> env.reset(seed=0)
>>> for agent in env.agent_iter():
...     obs, reward, termination, truncation, info = env.last()
...     action = None if termination or truncation else env.action_space(agent).sample(obs["action_mask"])
...     env.step(action)
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium
import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv
from pettingzoo.utils import wrappers

from rldojo.envs.common import check_action, check_reset_options
from rldojo.envs.go.board import BLACK, COLOR_NAMES, WHITE, GoBoard, board_planes
from rldojo.envs.go.env import GAME_OVER, NO_GAME, action_meaning, check_common_options

ILLEGAL_ACTIONS = ("raise", "lose")
AGENTS = ("black", "white")


def env(**kwargs) -> AECEnv:
    """The Go AEC env inside PettingZoo's order-enforcing wrapper (see :class:`raw_env`)."""
    return wrappers.OrderEnforcingWrapper(raw_env(**kwargs))


class raw_env(AECEnv):
    """
    ## Description
    Go between two agents, ``"black"`` and ``"white"``, black first, with the rules of
    :class:`~rldojo.envs.go.board.GoBoard` (suicide illegal, positional superko by
    default, Tromp–Taylor area scoring). Every env owns its board: envs of different
    sizes live side by side in one process.

    ## Action Space
    ``Discrete(N*N + 1)`` for each agent: ``row * N + col``, or ``N*N`` to pass.

    ## Observation Space
    A dict: ``"observation"``, ``Box(0, 1, (5, N, N), float32)`` planes from the
    observing agent's side (its stones, the other's stones, empty points, its legal
    moves when it is to move, all ones when black is to move), and ``"action_mask"``,
    ``Box(0, 1, (N*N + 1,), int8)``, the legal moves (zeros when it is not to move).

    ## Rewards
    At the end: +1 to the winner, -1 to the loser, 0 to both on a draw (an integer
    komi allows draws; PettingZoo's go_v5 gives white +1 on a draw, this env does not).
    An illegal action with ``illegal_action="lose"`` gives -1 to the mover, +1 to the other.

    ## Episode End
    Both agents terminate after two passes in a row, at ``max_moves`` (2*N*N by
    default; the position is scored), or on an illegal action with ``"lose"``.
    ``infos[agent]`` then has ``"score"`` (black minus white minus komi) and ``"winner"``.
    Each then takes PettingZoo's dead step, ``step(None)``; any other action after the end
    raises a ValueError, and once both are gone ``step()`` raises a RuntimeError until
    ``reset()``. Before the first ``reset()`` ``step()`` raises a RuntimeError too.

    ## Failures
    An action that is not an integer of the action space (a float, a string, a bool, out
    of range, or None from an agent that is not done) raises a ValueError and changes nothing.

    ## Arguments
    ``board_size=5`` (2 to 19), ``komi=7.5`` (a finite number), ``ko_rule="positional_superko"`` or ``"simple"``,
    ``illegal_action="raise"`` or ``"lose"``, ``max_moves=None``, ``render_mode=None``
    (``"human"``, ``"rgb_array"``, ``"ansi"``).

    ## Version History
    - v0: first version.
    """

    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": ["human", "rgb_array", "ansi"],
        "name": "rldojo_go_v0",
        "is_parallelizable": False,
        "render_fps": 4,
    }

    def __init__(
        self,
        board_size: int = 5,
        komi: float = 7.5,
        ko_rule: str = "positional_superko",
        illegal_action: str = "raise",
        max_moves: int | None = None,
        render_mode: str | None = None,
    ):
        super().__init__()
        check_common_options(board_size, ko_rule, illegal_action, ILLEGAL_ACTIONS, render_mode, self.metadata)
        self.board = GoBoard(board_size, komi=komi, ko_rule=ko_rule, max_moves=max_moves)
        self.board_size = self.board.size
        self.komi = self.board.komi
        self.illegal_action = illegal_action
        self.render_mode = render_mode
        n = self.board_size
        self.possible_agents = list(AGENTS)
        self.agents = list(AGENTS)
        self.action_spaces = {a: spaces.Discrete(n * n + 1) for a in AGENTS}
        self.observation_spaces = {
            a: spaces.Dict(
                {
                    "observation": spaces.Box(0.0, 1.0, (5, n, n), dtype=np.float32),
                    "action_mask": spaces.Box(0, 1, (n * n + 1,), dtype=np.int8),
                }
            )
            for a in AGENTS
        }
        self._renderer = None
        self._result: dict | None = None
        self._num_actions = n * n + 1
        self._action_meaning = action_meaning(self.board) + "; None only for an agent that is done"
        self._refusal: str | None = NO_GAME  # why step() is refused now; None while a game is on
        self.np_random, _ = gymnasium.utils.seeding.np_random(None)
        self._reset_bookkeeping()

    def observation_space(self, agent):
        return self.observation_spaces[agent]

    def action_space(self, agent):
        return self.action_spaces[agent]

    def _reset_bookkeeping(self) -> None:
        self.agents = list(AGENTS)
        self.rewards = {a: 0.0 for a in AGENTS}
        self._cumulative_rewards = {a: 0.0 for a in AGENTS}
        self.terminations = {a: False for a in AGENTS}
        self.truncations = {a: False for a in AGENTS}
        self.infos = {a: {} for a in AGENTS}
        self.agent_selection = "black"
        self._result = None

    def reset(self, seed: int | None = None, options: dict | None = None) -> None:
        check_reset_options(options, (), ignored=("options",))  # PettingZoo api_test's probe
        if seed is not None:
            self.np_random, _ = gymnasium.utils.seeding.np_random(seed)
        self.board.clear()
        self._reset_bookkeeping()
        self._refusal = None
        if self.render_mode == "human":
            self.render()

    def observe(self, agent: str) -> dict:
        color = BLACK if agent == "black" else WHITE
        board = self.board
        planes = board_planes(board, color)
        if color == board.to_play and not self._result:
            mask = board.legal_mask()
        else:
            mask = np.zeros(board.pass_action + 1, dtype=np.int8)
            planes[3] = 0.0
        return {"observation": planes, "action_mask": mask}

    def action_mask(self, agent: str | None = None) -> np.ndarray:
        """The legal actions of ``agent`` (default: the agent to move) as np.int8."""
        return self.observe(agent or self.agent_selection)["action_mask"]

    def step(self, action) -> None:
        if self._refusal is not None:
            raise RuntimeError(self._refusal)
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            if action is not None:
                raise ValueError(
                    f"the game is over and {agent!r} is done: its only action is None (PettingZoo's "
                    f"dead step), then reset() starts a new game; got action {action!r}"
                )
            self._was_dead_step(action)
            if not self.agents:
                self._refusal = GAME_OVER
            return
        board = self.board
        action = check_action(action, self._num_actions, self._action_meaning)
        forfeit = None
        if not board.legal_mask_view()[action]:
            forfeit = board.why_illegal(action, board.to_play) or "illegal"
            if self.illegal_action == "raise":
                raise ValueError(
                    f"illegal action {action} by {agent}: {forfeit} (see the 'action_mask' "
                    f"of the observation, or make the env with illegal_action='lose')"
                )
        # Nothing has changed until here: a refused action leaves the env as it was.
        self._cumulative_rewards[agent] = 0.0
        self.rewards = {a: 0.0 for a in self.agents}
        if forfeit is not None:
            winner = WHITE if agent == "black" else BLACK
            self._end(winner, forfeit=forfeit)
        else:
            board.play(action)
            if board.is_over():
                self._end(board.winner())
        self.agent_selection = COLOR_NAMES[board.to_play] if not self._result else self._other(agent)
        self._accumulate_rewards()
        if self.render_mode == "human":
            self.render()

    @staticmethod
    def _other(agent: str) -> str:
        return "white" if agent == "black" else "black"

    def _end(self, winner: int, forfeit: str | None = None) -> None:
        board = self.board
        score = float(board.score())
        self._result = {"score": score, "winner": COLOR_NAMES.get(winner, "draw")}
        if forfeit:
            self._result["illegal_action"] = forfeit
        for a in AGENTS:
            color = BLACK if a == "black" else WHITE
            self.rewards[a] = 0.0 if winner == 0 else (1.0 if winner == color else -1.0)
            self.terminations[a] = True
            self.infos[a] = dict(self._result)

    def render(self):
        if self.render_mode is None:
            gymnasium.logger.warn("render() called without a render_mode; make the env with render_mode=...")
            return None
        if self.render_mode == "ansi":
            from rldojo.envs.go.render import board_text

            return board_text(self.board, self._result)
        if self._renderer is None:
            from rldojo.envs.go.render import GoRenderer

            self._renderer = GoRenderer(self.board_size, fps=self.metadata["render_fps"])
        return self._renderer.render(self.board, self._result, human=self.render_mode == "human")

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
