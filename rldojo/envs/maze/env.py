"""Maze-v0: the course's maze as a Gymnasium environment (a thin adapter over ``rules.Maze``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rldojo.envs import rendering
from rldojo.envs.common import (
    check_action,
    check_choice,
    check_integer,
    check_number,
    check_render_mode,
    check_reset_options,
    policy_action,
)
from rldojo.envs.maze.generator import check_size, generate_maze
from rldojo.envs.maze.layouts import Cell, parse_layout
from rldojo.envs.maze.rules import ACTION_NAMES, LOSE, PLAYING, WIN, Maze, as_cell, check_slip_prob

OBS_MODES = ("coords", "index", "onehot", "grid", "rgb", "local")
DEFAULT_RANDOM_SIZE = (9, 9)
RGB_MIN_SIDE = 36  # SB3's NatureCNN needs at least 36x36 pixels

# The ``grid`` observation's cell values, and the ``local`` window's.
GRID_WALL, GRID_FREE, GRID_AGENT = 0.0, 1.0, 0.5
LOCAL_FREE, LOCAL_WALL, LOCAL_EXIT = 0.0, 1.0, 0.5

_ACTION_MEANING = ", ".join(f"{a} {name}" for a, name in enumerate(ACTION_NAMES))


class MazeEnv(gym.Env):
    """
    ## Description
    The maze of the course's deep Q-learning lesson: an agent walks a grid of free cells and
    walls from a start cell to the exit. A cell is (col, row) and (0, 0) is the top left.
    The default layout is the course's 4x4 maze (start (0, 0), exit (3, 3)); an 8x8
    ``"classic"`` maze, any ASCII or 0/1 layout, and generated perfect mazes are built in.
    With ``slip_prob`` > 0 a move may slip at right angles, making the maze a stochastic MDP
    whose model is ``env.unwrapped.P``, in FrozenLake's format.

    ## Action Space
    `Discrete(4)`: 0 left, 1 right, 2 up, 3 down. An action is a Python int, a numpy integer or
    a 0-d integer array; anything else (a float, a string, a bool, None, a value out of range)
    raises a ValueError naming the action.

    ## Observation Space
    Chosen by ``obs_mode``:

    - ``"coords"`` (default): the course's (col, row), `Box(0, [width-1, height-1], (2,), float32)`.
    - ``"index"``: `Discrete(width * height)`, the cell index ``row * width + col`` (for tabular agents).
    - ``"onehot"``: `Box(0, 1, (width * height,), float32)`, a one-hot of the index.
    - ``"grid"``: the flattened maze, `Box(0, 1, (width * height,), float32)`: 0 wall, 1 free, 0.5 the agent.
    - ``"rgb"``: `Box(0, 255, (H, W, 3), uint8)` with square cells, the shorter side at least 36
      pixels (SB3's ``CnnPolicy`` accepts it): walls, free cells, the exit and the agent.
    - ``"local"``: a ``view_size`` x ``view_size`` window centred on the agent,
      flattened row by row, `Box(0, 1, (k * k,), float32)`: 0 free, 1 wall or outside, 0.5 the exit.
      The agent sits in the middle. Partially observable.

    ## Rewards
    +10 for reaching the exit; -0.05 for a move; -0.25 for a move into a cell already visited
    this episode (the start cell counts as visited); -0.75 for an impossible move (into a wall
    or off the edge), after which the agent stays where it is.

    ## Starting State
    ``start="fixed"``: the layout's start ((0, 0) unless marked ``S``). ``start="random"``: a
    uniformly drawn free cell that can reach the exit (as in the course's training loop).
    ``start=(col, row)``: that cell. ``reset(options={"start": (col, row)})`` overrides all three
    for one episode.

    ## Episode End
    - Termination: the agent reaches the exit (a win, ``info["status"] == "win"``).
    - Truncation: the cumulative reward drops below -0.5 x the number of cells (a loss,
      ``info["status"] == "lose"``), or the ``max_episode_steps`` limit of the registration (200).

    ``info`` holds ``"status"`` ("playing", "win" or "lose") and ``"cell"`` (col, row) at every
    step, and ``"is_success"`` when the episode ends by a win or a loss.

    ## Arguments
    ```python
    gym.make("Maze-v0", layout="seed", size=None, loops=0.0, regenerate=False, start="fixed",
             obs_mode="coords", view_size=5, slip_prob=0.0, render_mode=None)
    ```

    - ``layout`` (default ``"seed"``): ``"seed"`` (the course's 4x4 maze), ``"classic"`` (8x8),
      ``"random"`` (a generated maze), an ASCII string (rows of ``#`` wall, ``.`` free, optional
      ``S`` start and ``E`` exit; without ``E`` the exit is the bottom-right cell), a list of row
      strings, or a 2-D 0/1 array (1 a wall).
    - ``size`` (default ``None``): (width, height) of a ``"random"`` maze, odd integers >= 3;
      ``None`` means (9, 9). Only with ``layout="random"``.
    - ``loops`` (default ``0.0``): fraction in [0, 1] of a random maze's inner walls to remove
      (0 gives a perfect maze). Only with ``layout="random"``.
    - ``regenerate`` (default ``False``): ``False`` makes a random maze at the first reset and on
      a reset with a seed; ``True`` makes a new one on every reset. Only with ``layout="random"``.
    - ``start`` (default ``"fixed"``): ``"fixed"``, ``"random"`` or a cell (col, row).
    - ``obs_mode`` (default ``"coords"``): one of ``"coords"``, ``"index"``, ``"onehot"``,
      ``"grid"``, ``"rgb"``, ``"local"`` (see Observation Space).
    - ``view_size`` (default ``5``): the side of the ``"local"`` window, an odd integer >= 3.
    - ``slip_prob`` (default ``0.0``): probability in [0, 1) that a move goes at right angles instead.
    - ``render_mode`` (default ``None``): ``None``, ``"human"``, ``"rgb_array"`` or ``"ansi"``.

    Helpers on ``env.unwrapped``: ``P``, ``shortest_path_lengths()``, ``optimal_actions(cell)``,
    ``value_iteration()``, ``check_win_all(policy)``, ``best_moves(policy)``,
    ``render_best_moves(policy)``, and ``maze``, the rules object.

    ## Version History
    - v0: first version.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["human", "rgb_array", "ansi"], "render_fps": 8}

    def __init__(
        self,
        layout="seed",
        size: tuple[int, int] | None = None,
        loops: float = 0.0,
        regenerate: bool = False,
        start="fixed",
        obs_mode: str = "coords",
        view_size: int = 5,
        slip_prob: float = 0.0,
        render_mode: str | None = None,
    ):
        check_choice("obs_mode", obs_mode, OBS_MODES)
        check_render_mode(render_mode, self.metadata)
        self.slip_prob = check_slip_prob(check_number("slip_prob", slip_prob))
        if check_integer("view_size", view_size, 3) % 2 == 0:
            raise ValueError(f"view_size must be an odd integer >= 3, got {view_size!r}")
        check_choice("regenerate", regenerate, (False, True))
        if not (isinstance(start, str) and start in ("fixed", "random")):
            if isinstance(start, str):
                raise ValueError(f"start must be 'fixed', 'random' or a cell (col, row), got {start!r}")
            start = as_cell(start, "start")  # a free cell of the maze: checked once the maze exists
        self.start = start
        self.obs_mode = obs_mode
        self.view_size = int(view_size)
        self.render_mode = render_mode
        self.regenerate = bool(regenerate)
        self.layout = layout

        self._random_layout = isinstance(layout, str) and layout == "random"
        if not self._random_layout:
            for name, value, given in (
                ("size", size, size is not None),
                ("loops", loops, loops != 0),
                ("regenerate", regenerate, bool(regenerate)),
            ):
                if given:
                    raise ValueError(f"{name}={value!r} only applies to layout='random', not to layout={layout!r}")
        if self._random_layout:
            if size is not None:  # integers only: 5.0 and "5" are refused, never converted
                try:
                    for part in size:
                        check_integer("size", part, 3)
                except (TypeError, ValueError):
                    raise ValueError(
                        f"size must be a pair (width, height) of odd integers >= 3, got {size!r}"
                    ) from None
            self.size = check_size(DEFAULT_RANDOM_SIZE if size is None else size)
            self.loops = check_number("loops", loops, low=0.0, high=1.0)
            width, height = self.size
            if isinstance(start, tuple) and not (
                0 <= start[0] < width and 0 <= start[1] < height and start[0] % 2 == 0 and start[1] % 2 == 0
            ):
                raise ValueError(
                    f"start {start} would be on a wall or outside a random {width}x{height} maze: "
                    "its free rooms are the cells with even col and row"
                )
            self._maze: Maze | None = None  # made from np_random at the first reset
        else:
            walls, layout_start, exit_cell = parse_layout(layout)
            fixed = start if isinstance(start, tuple) else layout_start
            self._maze = Maze(walls, start=fixed, exit=exit_cell, slip_prob=self.slip_prob)
            height, width = walls.shape
            self.size = (width, height)
            self.loops = 0.0
        self.width, self.height = width, height
        self.n_cells = width * height

        self.action_space = spaces.Discrete(4)
        self._rgb_cell = max(1, math.ceil(RGB_MIN_SIDE / min(width, height)))
        if obs_mode == "coords":
            self.observation_space = spaces.Box(
                0.0, np.array([width - 1, height - 1], dtype=np.float32), shape=(2,), dtype=np.float32
            )
        elif obs_mode == "index":
            self.observation_space = spaces.Discrete(self.n_cells)
        elif obs_mode in ("onehot", "grid"):
            self.observation_space = spaces.Box(0.0, 1.0, shape=(self.n_cells,), dtype=np.float32)
        elif obs_mode == "rgb":
            shape = (height * self._rgb_cell, width * self._rgb_cell, 3)
            self.observation_space = spaces.Box(0, 255, shape=shape, dtype=np.uint8)
        else:
            k = self.view_size
            self.observation_space = spaces.Box(0.0, 1.0, shape=(k * k,), dtype=np.float32)
        self._observe: Callable[[], Any] = getattr(self, f"_observe_{obs_mode}")
        self._renderer = None
        self._reset_done = False  # step() before the first reset() is refused
        if self._maze is not None:
            self._prepare_observations()

    # ------------------------------------------------------------------------------ the maze

    @property
    def maze(self) -> Maze:
        """The rules object (walls, start, exit, the episode's state); made on first use for random layouts."""
        if self._maze is None:
            self._new_random_maze()
        return self._maze

    def _new_random_maze(self) -> None:
        walls = generate_maze(self.size, self.np_random, self.loops)
        start = self.start if isinstance(self.start, tuple) else (0, 0)
        self._maze = Maze(walls, start=start, exit=(self.width - 1, self.height - 1), slip_prob=self.slip_prob)
        self._prepare_observations()

    def _prepare_observations(self) -> None:
        """Per-maze tables the observations are cut from, so ``step`` only copies."""
        maze = self._maze
        self._coords = np.array(maze.cells, dtype=np.float32)
        grid = np.where(maze.walls, GRID_WALL, GRID_FREE).astype(np.float32).ravel()
        self._grid = grid
        if self.obs_mode == "rgb":
            colours = np.empty((self.height, self.width, 3), dtype=np.uint8)
            colours[:] = rendering.FREE
            colours[maze.walls] = rendering.WALL
            ec, er = maze.exit_cell
            colours[er, ec] = rendering.EXIT
            s = self._rgb_cell
            self._rgb = np.repeat(np.repeat(colours, s, axis=0), s, axis=1)
        if self.obs_mode == "local":
            half = self.view_size // 2
            local = np.where(maze.walls, LOCAL_WALL, LOCAL_FREE).astype(np.float32)
            ec, er = maze.exit_cell
            local[er, ec] = LOCAL_EXIT
            self._local = np.pad(local, half, constant_values=LOCAL_WALL)

    # ------------------------------------------------------------------------------ observations

    def _observe_coords(self):
        return self._coords[self._maze.position].copy()

    def _observe_index(self):
        return self._maze.position

    def _observe_onehot(self):
        obs = np.zeros(self.n_cells, dtype=np.float32)
        obs[self._maze.position] = 1.0
        return obs

    def _observe_grid(self):
        obs = self._grid.copy()
        obs[self._maze.position] = GRID_AGENT
        return obs

    def _observe_rgb(self):
        obs = self._rgb.copy()
        c, r = self._maze.cell
        s = self._rgb_cell
        obs[r * s : (r + 1) * s, c * s : (c + 1) * s] = rendering.AGENT
        return obs

    def _observe_local(self):
        c, r = self._maze.cell
        k = self.view_size
        return self._local[r : r + k, c : c + k].flatten()

    def observation_at(self, cell: Cell):
        """The observation the agent would get standing on ``cell`` at the start of an episode."""
        maze = self.maze
        cell = maze.check_cell(cell)
        saved = maze.position
        maze.position = maze.index(cell)
        try:
            return self._observe()
        finally:
            maze.position = saved

    # ------------------------------------------------------------------------------ Gymnasium API

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._reset_done = True
        if self._random_layout and (self._maze is None or self.regenerate or seed is not None):
            self._new_random_maze()
        maze = self._maze
        start = None
        options = check_reset_options(options, ("start",))
        if options.get("start") is not None:
            start = options["start"]
        elif self.start == "random":
            cells = maze.playable_cells
            start = cells[int(self.np_random.integers(len(cells)))]
        maze.reset(start)
        if self.render_mode == "human":
            self.render()
        return self._observe(), {"status": PLAYING, "cell": maze.cell}

    def step(self, action):
        a = check_action(action, 4, _ACTION_MEANING)
        maze = self._maze
        if maze is None or not self._reset_done:
            raise RuntimeError("call reset() before step()")
        if maze.status != PLAYING:
            raise RuntimeError(f"the episode is over ({maze.status}); call reset() before step()")
        reward = maze.move(a, self.np_random if self.slip_prob > 0.0 else None)
        status = maze.status
        info = {"status": status, "cell": maze.cells[maze.position]}
        if status != PLAYING:
            info["is_success"] = status == WIN
        if self.render_mode == "human":
            self.render()
        return self._observe(), reward, status == WIN, status == LOSE, info

    # ------------------------------------------------------------------------------ rendering

    def _get_renderer(self):
        if self._renderer is None:
            from rldojo.envs.maze.render import MazeRenderer

            self._renderer = MazeRenderer(fps=self.metadata["render_fps"])
        return self._renderer

    def render(self):
        if self.render_mode is None:
            gym.logger.warn(
                "render() was called without a render_mode; pass render_mode='rgb_array', 'human' or 'ansi' to gym.make"
            )
            return None
        maze = self.maze
        if self.render_mode == "ansi":
            return maze.ascii(trail=True) + f"\nstatus: {maze.status}, reward so far: {maze.total_reward:.2f}\n"
        frame = self._get_renderer().frame(maze)
        if self.render_mode == "human":
            self._renderer.show(frame)
            return None
        return frame

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    # ------------------------------------------------------------------------------ oracles and course helpers

    @property
    def P(self):
        """The transition model, FrozenLake's format: ``P[s][a] = [(prob, next_s, reward, terminated)]``."""
        return self.maze.P

    def shortest_path_lengths(self) -> dict[Cell, int]:
        """BFS: the fewest moves from each free cell to the exit."""
        return self.maze.shortest_path_lengths()

    def optimal_actions(self, cell: Cell) -> list[int]:
        """Every action that begins a shortest path from ``cell`` to the exit."""
        return self.maze.optimal_actions(cell)

    def value_iteration(self, gamma: float = 0.95, theta: float = 1e-9):
        """Optimal values and a greedy policy over cell indices, by value iteration over ``P``."""
        return self.maze.value_iteration(gamma=gamma, theta=theta)

    def play_from_every_cell(self, policy, max_steps: int | None = None) -> dict[Cell, tuple[bool, int]]:
        """A greedy episode from every cell that can reach the exit: ``{cell: (won, steps)}``.

        :param policy: anything with ``predict(obs, deterministic=True)`` or a callable obs -> action
        :param max_steps: a cap per episode; the registered ``max_episode_steps`` by default (the loss
            rule ends every episode anyway)
        The current episode is left as it was.
        """
        maze = self.maze
        if max_steps is None and self.spec is not None:
            max_steps = self.spec.max_episode_steps
        saved = (maze.position, maze.visited, maze.total_reward, maze.status)
        rng = self.np_random if self.slip_prob > 0.0 else None
        results: dict[Cell, tuple[bool, int]] = {}
        try:
            for cell in maze.playable_cells:
                maze.reset(cell)
                steps = 0
                while maze.status == PLAYING and (max_steps is None or steps < max_steps):
                    maze.move(_greedy_action(policy, self._observe()), rng)
                    steps += 1
                results[cell] = (maze.status == WIN, steps)
        finally:
            maze.position, maze.visited, maze.total_reward, maze.status = saved
        return results

    def check_win_all(self, policy, max_steps: int | None = None) -> tuple[bool, float]:
        """The course's convergence check: ``(won_all, win_rate)`` of greedy episodes from every free cell."""
        results = self.play_from_every_cell(policy, max_steps)
        wins = [won for won, _ in results.values()]
        return all(wins), float(np.mean(wins)) if wins else 0.0

    def best_moves(self, policy) -> dict[Cell, int]:
        """The policy's greedy action on every free cell but the exit: ``{cell: action}``."""
        maze = self.maze
        saved = maze.position
        moves = {}
        try:
            for cell in maze.free_cells:
                if cell != maze.exit_cell:
                    maze.position = maze.index(cell)  # the policy may look at the env, so stand on the cell
                    moves[cell] = _greedy_action(policy, self._observe())
        finally:
            maze.position = saved
        return moves

    def render_best_moves(self, policy) -> np.ndarray:
        """The course's best-move picture: an arrow on every free cell, as an RGB array.

        In ``human`` mode the picture is also shown in the window.
        """
        frame = self._get_renderer().best_moves_frame(self.maze, self.best_moves(policy))
        if self.render_mode == "human":
            self._renderer.show(frame)
        return frame


def _greedy_action(policy, obs) -> int:
    """One deterministic action of ``policy``, checked to be one move of the maze."""
    action = np.asarray(policy_action(policy, obs))
    if action.size != 1:
        raise ValueError(f"the policy returned {action.size} actions for one observation")
    value = int(action.reshape(-1)[0])
    if not 0 <= value < 4:
        raise ValueError(f"the policy returned action {value}, outside 0..3")
    return value
