"""Maze-v0 as a native vector env: every maze of the batch stepped at once with numpy.

``gym.make_vec("Maze-v0", num_envs=N, vectorization_mode="vector_entry_point", **options)``
makes a :class:`MazeVectorEnv`. It takes every option of ``MazeEnv`` and behaves as N of them
made by ``gym.make`` (with the 200-step limit) in Gymnasium's ``SyncVectorEnv``: the same
seeds and actions give the same observations, rewards, flags and infos.

The state of env ``i`` is a row of a few arrays: its cell index, the cells it has visited,
its reward so far and its status. A step is a lookup in the move table (cell, action) -> cell,
a handful of ``np.where`` for the rewards and the end rules, and a gather for the
observations; no Python runs per env. Mazes that differ between envs (``layout="random"``)
keep one move table and one set of observation tables per env, made by the rules' own
``Maze`` when that env's maze is made, at a reset.

Where the single env draws from its generator in ``reset`` (a random start cell, a new random
maze), the vector env asks each resetting env's generator in turn, in Python, as the single
env does; a step never does (slips are drawn ahead, see :class:`rldojo.envs.vector.EnvRandom`).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from rldojo.envs import rendering
from rldojo.envs.common import check_reset_options
from rldojo.envs.maze.env import (
    GRID_AGENT,
    GRID_FREE,
    GRID_WALL,
    LOCAL_EXIT,
    LOCAL_FREE,
    LOCAL_WALL,
    RGB_MIN_SIDE,
    MazeEnv,
)
from rldojo.envs.maze.generator import generate_maze
from rldojo.envs.maze.rules import (
    ACTION_NAMES,
    LOSE,
    LOSS_FRACTION,
    PENALTY_IMPOSSIBLE_MOVE,
    PENALTY_MOVE,
    PENALTY_VISITED,
    PERPENDICULAR,
    PLAYING,
    REWARD_EXIT,
    WIN,
    Maze,
    as_cell,
)
from rldojo.envs.vector import NativeVectorEnv

__all__ = ["MazeVectorEnv"]

# Status codes of the state arrays, and their names in the infos.
_PLAYING, _WIN, _LOSE = 0, 1, 2
_STATUS_NAMES = np.array([PLAYING, WIN, LOSE], dtype=object)
# The two directions a move can slip to, as arrays indexed by action.
_SLIP_FIRST = np.array([PERPENDICULAR[a][0] for a in range(4)], dtype=np.int64)
_SLIP_SECOND = np.array([PERPENDICULAR[a][1] for a in range(4)], dtype=np.int64)


class MazeVectorEnv(NativeVectorEnv):
    """``num_envs`` copies of Maze-v0 stepped together with numpy; see ``MazeEnv`` for the game and its options.

    :param num_envs: how many mazes
    :param autoreset_mode: Gymnasium's autoreset mode (``NEXT_STEP`` by default)
    :param max_episode_steps: the time limit (``make_vec`` passes the registration's 200)
    :param render_mode: None or ``"rgb_array"`` (env 0, or a grid of the first ``render_envs``)
    :param options: the options of ``MazeEnv`` (``layout``, ``size``, ``loops``, ``regenerate``,
        ``start``, ``obs_mode``, ``view_size``, ``slip_prob``), checked by it
    """

    metadata: ClassVar[dict[str, Any]] = {**NativeVectorEnv.metadata, "render_fps": MazeEnv.metadata["render_fps"]}

    def __init__(
        self,
        num_envs: int = 1,
        *,
        autoreset_mode="NextStep",
        max_episode_steps: int | None = None,
        render_mode: str | None = None,
        render_envs: int = 1,
        **options: Any,
    ):
        if options.get("render_mode") is not None:  # pragma: no cover - render_mode is a named argument
            raise ValueError("render_mode is a named argument")
        # One single env checks every option as Maze-v0 does and provides the spaces and the layout.
        template = MazeEnv(**options)
        super().__init__(
            num_envs,
            template.observation_space,
            template.action_space,
            autoreset_mode=autoreset_mode,
            max_episode_steps=max_episode_steps,
            render_mode=render_mode,
            render_envs=render_envs,
            action_meaning=", ".join(f"{a} {name}" for a, name in enumerate(ACTION_NAMES)),
        )
        self.options = dict(options)
        self.obs_mode = template.obs_mode
        self.view_size = template.view_size
        self.slip_prob = template.slip_prob
        self.start = template.start
        self.regenerate = template.regenerate
        self.size = template.size
        self.loops = template.loops
        self.width, self.height = template.width, template.height
        self.n_cells = template.n_cells
        self._rgb_cell = max(1, math.ceil(RGB_MIN_SIDE / min(self.width, self.height)))  # as MazeEnv's rgb
        self.random_layout = isinstance(options.get("layout"), str) and options.get("layout") == "random"

        n, cells = self.num_envs, self.n_cells
        self._env_rows = np.arange(n)
        # Cell geometry is the same in every maze of the batch: index -> (col, row).
        self._cols = np.arange(cells) % self.width
        self._rows = np.arange(cells) // self.width
        self._cell_tuples = np.empty(cells, dtype=object)
        self._cell_tuples[:] = [(int(c), int(r)) for c, r in zip(self._cols, self._rows, strict=True)]
        self._coords = np.stack([self._cols, self._rows], axis=1).astype(np.float32)
        self.exit_index = (self.height - 1) * self.width + (self.width - 1) if self.random_layout else None

        # Per-maze tables. A fixed layout has one maze for the whole batch; a random layout one per env.
        n_mazes = n if self.random_layout else 1
        self.mazes: list[Maze | None] = [None] * n_mazes
        self._maze_made = np.zeros(n_mazes, dtype=bool)
        self._next = np.full((n_mazes, cells, 4), -1, dtype=np.int64)
        self._grid = np.zeros((n_mazes, cells), dtype=np.float32)
        self._playable = np.zeros((n_mazes, cells), dtype=np.int64)  # indices of Maze.playable_cells, in order
        self._n_playable = np.zeros(n_mazes, dtype=np.int64)
        if self.obs_mode == "rgb":
            s = self._rgb_cell
            self._rgb = np.zeros((n_mazes, self.height * s, self.width * s, 3), dtype=np.uint8)
        if self.obs_mode == "local":
            half = self.view_size // 2
            self._local = np.zeros((n_mazes, self.height + 2 * half, self.width + 2 * half), dtype=np.float32)
        self._maze_of_env = np.arange(n) if self.random_layout else np.zeros(n, dtype=np.int64)
        self._table_offset = self._maze_of_env * (cells * 4)  # where env i's move table starts in _next_flat
        self._next_flat = self._next.ravel()  # a view
        if self.random_layout:
            start_col, start_row = self.start if isinstance(self.start, tuple) else (0, 0)
            self._start_index = start_row * self.width + start_col
        else:
            self._set_maze(0, template.maze)
            self.exit_index = template.maze.exit_index
            self._start_index = template.maze.index(template.maze.start_cell)

        # The episode state, one row per env.
        self.position = np.zeros(n, dtype=np.int64)
        self.visited = np.zeros((n, cells), dtype=bool)
        self._visited_flat = self.visited.ravel()  # a view: env i's cells start at _visit_offset[i]
        self._visit_offset = self._env_rows * cells
        self.total_reward = np.zeros(n)
        self.status = np.zeros(n, dtype=np.int8)
        self._loss_threshold = LOSS_FRACTION * cells

    # ------------------------------------------------------------------------------ mazes

    def _set_maze(self, k: int, maze: Maze) -> None:
        """Maze slot ``k`` becomes ``maze``: its move table and the tables observations are cut from."""
        self.mazes[k] = maze
        self._maze_made[k] = True
        self._next[k] = np.array(maze.next_index, dtype=np.int64)
        self._grid[k] = np.where(maze.walls, GRID_WALL, GRID_FREE).ravel()
        playable = [maze.index(cell) for cell in maze.playable_cells]
        self._playable[k, : len(playable)] = playable
        self._n_playable[k] = len(playable)
        ec, er = maze.exit_cell
        if self.obs_mode == "rgb":
            colours = np.empty((self.height, self.width, 3), dtype=np.uint8)
            colours[:] = rendering.FREE
            colours[maze.walls] = rendering.WALL
            colours[er, ec] = rendering.EXIT
            s = self._rgb_cell
            self._rgb[k] = np.repeat(np.repeat(colours, s, axis=0), s, axis=1)
        if self.obs_mode == "local":
            half = self.view_size // 2
            local = np.where(maze.walls, LOCAL_WALL, LOCAL_FREE).astype(np.float32)
            local[er, ec] = LOCAL_EXIT
            self._local[k] = np.pad(local, half, constant_values=LOCAL_WALL)

    def _new_random_maze(self, i: int) -> None:
        walls = generate_maze(self.size, self.random.generator(i), self.loops)
        start = self.start if isinstance(self.start, tuple) else (0, 0)
        self._set_maze(i, Maze(walls, start=start, exit=(self.width - 1, self.height - 1), slip_prob=self.slip_prob))

    # ------------------------------------------------------------------------------ the hooks

    def _reset_envs(self, mask: np.ndarray, options: dict) -> dict[str, np.ndarray]:
        chosen = check_reset_options(options, ("start",)).get("start") if options else None
        if chosen is not None:
            chosen = as_cell(chosen, "start")
        envs = np.flatnonzero(mask) if (chosen is not None or self.start == "random") else None
        if self.random_layout:
            new = mask & (~self._maze_made | self.regenerate | self.random.reseeded)
            for i in np.flatnonzero(new).tolist():  # a maze is a Python walk, as in the single env
                self._new_random_maze(i)
        if chosen is not None:
            starts = np.empty(len(envs), dtype=np.int64)
            for k, maze_index in enumerate(self._maze_of_env[envs].tolist()):
                maze = self.mazes[maze_index]
                cell = maze.check_cell(chosen, "start")
                if cell == maze.exit_cell:
                    raise ValueError(f"start {cell} is the exit; start on another free cell")
                starts[k] = maze.index(cell)
        elif self.start == "random":  # one integers() draw from each env's generator, as MazeEnv.reset makes it
            mazes = self._maze_of_env[envs]
            starts = self._playable[mazes, self.random.integers(mask, self._n_playable[mazes])]
        else:  # every env starts on the same cell: boolean-mask writes, no index arrays
            starts = None
        self.visited[mask] = False
        if starts is None:
            self.position[mask] = self._start_index
            self.visited[mask, self._start_index] = True
        else:
            self.position[envs] = starts
            self._visited_flat[self._visit_offset[envs] + starts] = True
        self.total_reward[mask] = 0.0
        self.status[mask] = _PLAYING
        return {"status": _STATUS_NAMES.take(self.status), "cell": self._cell_tuples.take(self.position)}

    def _step_envs(self, actions: np.ndarray, mask: np.ndarray):
        position = self.position
        if self.slip_prob > 0.0:
            # One uniform draw per moving env, as Maze.move draws it; it may turn the move at right angles.
            u = np.ones(self.num_envs)
            u[mask] = self.random.uniform(mask)[:, 0]
            actions = np.where(
                u < self.slip_prob,
                np.where(u < 0.5 * self.slip_prob, _SLIP_FIRST[actions], _SLIP_SECOND[actions]),
                actions,
            )
        table_index = position * 4 + actions
        if self.random_layout:
            table_index += self._table_offset
        target = self._next_flat.take(table_index)
        moved = target >= 0
        # Envs outside mask are reset right after this step (see NativeVectorEnv): no need to spare them.
        self.position = new_position = np.where(moved, target, position)
        win = new_position == self.exit_index
        visit_index = self._visit_offset + new_position
        seen = self._visited_flat.take(visit_index)
        rewards = np.where(
            moved, np.where(win, REWARD_EXIT, np.where(seen, PENALTY_VISITED, PENALTY_MOVE)), PENALTY_IMPOSSIBLE_MOVE
        )
        self._visited_flat[visit_index] = True
        self.total_reward += rewards
        lose = self.total_reward < self._loss_threshold
        lose &= ~win
        self.status = code = win.view(np.int8) + 2 * lose.view(np.int8)  # 0 playing, 1 win, 2 lose
        info = {
            "status": _STATUS_NAMES.take(code),
            "cell": self._cell_tuples.take(new_position),
            "is_success": win,
            "_is_success": win | lose,
        }
        return rewards, win, lose, info

    def _observe(self):
        position, mode = self.position, self.obs_mode
        if mode == "coords":
            return self._coords.take(position, axis=0)
        if mode == "index":
            return position.copy()
        if mode == "onehot":
            obs = np.zeros((self.num_envs, self.n_cells), dtype=np.float32)
            obs[self._env_rows, position] = 1.0
            return obs
        if mode == "grid":
            obs = self._grid[self._maze_of_env]
            obs[self._env_rows, position] = GRID_AGENT
            return obs
        cols, rows = self._cols[position], self._rows[position]
        if mode == "rgb":
            s = self._rgb_cell
            obs = self._rgb[self._maze_of_env]
            cells = obs.reshape(self.num_envs, self.height, s, self.width, s, 3)
            cells[self._env_rows, rows, :, cols, :] = rendering.AGENT
            return obs
        k = self.view_size
        offsets = np.arange(k)
        window_rows = (rows[:, None] + offsets)[:, :, None]
        window_cols = (cols[:, None] + offsets)[:, None, :]
        windows = self._local[self._maze_of_env[:, None, None], window_rows, window_cols]
        return windows.reshape(self.num_envs, k * k)

    def _render_env(self, i: int) -> np.ndarray:
        if self._renderer is None:
            from rldojo.envs.maze.render import MazeRenderer

            self._renderer = MazeRenderer(fps=self.metadata["render_fps"])
        maze = self.mazes[self._maze_of_env[i]]
        if maze is None:  # a random maze before the first reset: nothing to show yet
            raise RuntimeError("call reset() before render(): the random mazes are made at the first reset")
        # The rules object draws the picture: give it env i's episode for the moment.
        saved = (maze.position, maze.visited, maze.status)
        maze.position = int(self.position[i])
        maze.visited = bytearray(self.visited[i].astype(np.uint8).tobytes())
        maze.status = str(_STATUS_NAMES[self.status[i]])
        try:
            return self._renderer.frame(maze)
        finally:
            maze.position, maze.visited, maze.status = saved
