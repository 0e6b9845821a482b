"""The maze game itself: cells, walls, moves, rewards, and the oracles (BFS, P, value iteration).

No Gymnasium and no pygame here: the env in ``env.py`` and the renderer in ``render.py``
wrap this class, and tests, agents and oracles use it directly.

A cell is (col, row) and (0, 0) is the top left. A cell's *index* is ``row * width + col``.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from rldojo.envs.maze.layouts import Cell, parse_layout

# Actions, in the course's order.
LEFT, RIGHT, UP, DOWN = 0, 1, 2, 3
ACTION_NAMES = ("left", "right", "up", "down")
MOVES: dict[int, tuple[int, int]] = {LEFT: (-1, 0), RIGHT: (1, 0), UP: (0, -1), DOWN: (0, 1)}
# Where a move can slip to: the two directions at right angles to it.
PERPENDICULAR: dict[int, tuple[int, int]] = {
    LEFT: (UP, DOWN),
    RIGHT: (UP, DOWN),
    UP: (LEFT, RIGHT),
    DOWN: (LEFT, RIGHT),
}

# The course's rewards.
REWARD_EXIT = 10.0
PENALTY_MOVE = -0.05
PENALTY_VISITED = -0.25
PENALTY_IMPOSSIBLE_MOVE = -0.75
LOSS_FRACTION = -0.5  # the episode is lost when the cumulative reward drops below this x the number of cells

PLAYING, WIN, LOSE = "playing", "win", "lose"


def as_cell(value, what: str = "cell") -> Cell:
    """``value`` as a (col, row) tuple of Python ints, or a ValueError naming ``what``.

    Only integers count (Python or numpy, not bool): ``(0.5, 0)`` and ``("1", 0)`` are refused,
    never truncated.
    """
    try:
        col, row = value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a cell (col, row) of two integers, got {value!r}") from None
    for part in (col, row):
        if isinstance(part, bool) or not isinstance(part, (int, np.integer)):
            raise ValueError(f"{what} must be a cell (col, row) of two integers, got {value!r}")
    return int(col), int(row)


class Maze:
    """A maze, and one episode being played in it.

    :param walls: bool array of shape (rows, cols), True for a wall
    :param start: the start cell (col, row)
    :param exit: the exit cell (col, row); the bottom-right cell by default
    :param slip_prob: probability in [0, 1) that a move goes at right angles instead
        (half to each side); 0 gives the course's deterministic maze
    :raises ValueError: a start or exit off the grid or on a wall, the start on the exit,
        an exit that cannot be reached from the start, or ``slip_prob`` outside [0, 1)

    The episode: :meth:`reset` puts the agent on a cell, :meth:`move` plays one action and
    returns its reward; :attr:`status` says "playing", "win" or "lose".
    """

    def __init__(self, walls, start: Cell = (0, 0), exit: Cell | None = None, slip_prob: float = 0.0):
        walls = np.array(walls, dtype=bool)
        if walls.ndim != 2 or walls.size == 0:
            raise ValueError(f"walls must be a non-empty 2-D array, got shape {walls.shape}")
        walls.setflags(write=False)
        self.walls = walls
        self.height, self.width = walls.shape
        self.n_cells = int(walls.size)
        self.slip_prob = check_slip_prob(slip_prob)
        self.loss_threshold = LOSS_FRACTION * self.n_cells

        self.exit_cell = self._check_cell(
            self.width - 1 if exit is None else exit[0], self.height - 1 if exit is None else exit[1], "exit"
        )
        self.start_cell = self._check_cell(start[0], start[1], "start")
        if self.start_cell == self.exit_cell:
            raise ValueError(f"the start and the exit are the same cell {self.start_cell}")
        self.exit_index = self.index(self.exit_cell)

        # Move table: for each cell index and action, the index moved to, or -1 for a wall or the edge.
        self.cells: list[Cell] = [(i % self.width, i // self.width) for i in range(self.n_cells)]
        self.next_index: list[list[int]] = []
        for c, r in self.cells:
            row = []
            for action in range(4):
                dc, dr = MOVES[action]
                nc, nr = c + dc, r + dr
                inside = 0 <= nc < self.width and 0 <= nr < self.height
                row.append(nr * self.width + nc if inside and not walls[nr, nc] else -1)
            self.next_index.append(row)

        self.free_cells: list[Cell] = [cell for cell in self.cells if not walls[cell[1], cell[0]]]
        self._distance = self._bfs_from_exit()
        if self._distance[self.index(self.start_cell)] < 0:
            raise ValueError(f"the exit {self.exit_cell} cannot be reached from the start {self.start_cell}")
        # Cells an episode can start from and win: free, not the exit, connected to the exit.
        self.playable_cells: list[Cell] = [cell for cell in self.free_cells if self._distance[self.index(cell)] > 0]
        self._P = None
        self.reset()

    # ----------------------------------------------------------------------------- construction

    @classmethod
    def from_layout(cls, layout="seed", slip_prob: float = 0.0, start: Cell | None = None) -> Maze:
        """A maze from a layout name, ASCII text or 0/1 array (see ``layouts.parse_layout``)."""
        walls, layout_start, exit_cell = parse_layout(layout)
        return cls(walls, start=layout_start if start is None else start, exit=exit_cell, slip_prob=slip_prob)

    def _check_cell(self, col, row, what: str) -> Cell:
        col_i, row_i = as_cell((col, row), what)
        if not (0 <= col_i < self.width and 0 <= row_i < self.height):
            raise ValueError(f"{what} {(col_i, row_i)} is outside the {self.width}x{self.height} maze")
        if self.walls[row_i, col_i]:
            raise ValueError(f"{what} {(col_i, row_i)} is on a wall; choose a free cell")
        return col_i, row_i

    def check_cell(self, cell, what: str = "cell") -> Cell:
        """``cell`` as a (col, row) tuple of ints, or a ValueError if it is off the grid or a wall."""
        return self._check_cell(*as_cell(cell, what), what)

    def index(self, cell: Cell) -> int:
        """The index ``row * width + col`` of a cell (the ``index`` observation)."""
        return int(cell[1]) * self.width + int(cell[0])

    def is_free(self, cell: Cell) -> bool:
        col, row = cell
        return 0 <= col < self.width and 0 <= row < self.height and not self.walls[row, col]

    # ----------------------------------------------------------------------------- the episode

    def reset(self, start: Cell | None = None) -> None:
        """Begin an episode on ``start`` (the maze's start cell by default); the start counts as visited."""
        cell = self.start_cell if start is None else self.check_cell(start, "start")
        if cell == self.exit_cell:
            raise ValueError(f"start {cell} is the exit; start on another free cell")
        self.position = self.index(cell)
        self.visited = bytearray(self.n_cells)
        self.visited[self.position] = 1
        self.total_reward = 0.0
        self.status = PLAYING

    @property
    def cell(self) -> Cell:
        """The agent's cell (col, row)."""
        return self.cells[self.position]

    def move(self, action: int, rng: np.random.Generator | None = None) -> float:
        """Play one action (0 left, 1 right, 2 up, 3 down) and return its reward.

        With ``slip_prob`` > 0 the move may slip at right angles, drawn from ``rng``.
        An impossible move (a wall or the edge) leaves the agent where it is.
        """
        if self.slip_prob > 0.0:
            if rng is None:
                raise ValueError("a slippery maze needs rng, a numpy Generator, to draw slips")
            u = rng.random()
            if u < self.slip_prob:
                action = PERPENDICULAR[action][0 if u < 0.5 * self.slip_prob else 1]
        target = self.next_index[self.position][action]
        if target < 0:
            reward = PENALTY_IMPOSSIBLE_MOVE
        else:
            self.position = target
            if target == self.exit_index:
                reward = REWARD_EXIT
                self.status = WIN
            elif self.visited[target]:
                reward = PENALTY_VISITED
            else:
                reward = PENALTY_MOVE
                self.visited[target] = 1
        self.total_reward += reward
        if self.status == PLAYING and self.total_reward < self.loss_threshold:
            self.status = LOSE
        return reward

    # ----------------------------------------------------------------------------- oracles

    def _bfs_from_exit(self) -> list[int]:
        distance = [-1] * self.n_cells
        distance[self.exit_index] = 0
        queue = deque([self.exit_index])
        while queue:
            i = queue.popleft()
            # Moves are symmetric (a passage works both ways), so the neighbours of i are its move targets.
            for j in self.next_index[i]:
                if j >= 0 and distance[j] < 0:
                    distance[j] = distance[i] + 1
                    queue.append(j)
        return distance

    def shortest_path_lengths(self) -> dict[Cell, int]:
        """BFS: the fewest moves from each free cell to the exit (cells that cannot reach it are left out)."""
        return {cell: d for cell, d in zip(self.cells, self._distance, strict=True) if d >= 0}

    def distance_to_exit(self, cell: Cell) -> int:
        """The fewest moves from ``cell`` to the exit, or -1 when it cannot be reached."""
        return self._distance[self.index(self.check_cell(cell))]

    def optimal_actions(self, cell: Cell) -> list[int]:
        """Every action that starts a shortest path from ``cell`` to the exit ([] at the exit or when cut off)."""
        i = self.index(self.check_cell(cell))
        d = self._distance[i]
        if d <= 0:
            return []
        return [a for a, j in enumerate(self.next_index[i]) if j >= 0 and self._distance[j] == d - 1]

    @property
    def P(self) -> dict[int, dict[int, list[tuple[float, int, float, bool]]]]:
        """The transition model in FrozenLake's format: ``P[s][a] = [(prob, next_s, reward, terminated), ...]``.

        States are cell indices. Rewards are those of a move into a cell not yet visited
        (the visited penalty and the loss rule depend on the episode's history, so a
        Markov model over cells leaves them out). The exit and the walls are absorbing.
        """
        if self._P is None:
            self._P = self._transitions()
        return self._P

    def _transitions(self):
        table = {}
        for s in range(self.n_cells):
            c, r = self.cells[s]
            if s == self.exit_index or self.walls[r, c]:
                table[s] = {a: [(1.0, s, 0.0, True)] for a in range(4)}
                continue
            table[s] = {}
            for a in range(4):
                outcomes = [(1.0 - self.slip_prob, a)]
                if self.slip_prob > 0:
                    outcomes += [(0.5 * self.slip_prob, b) for b in PERPENDICULAR[a]]
                rows = []
                for prob, direction in outcomes:
                    target = self.next_index[s][direction]
                    if target < 0:
                        rows.append((prob, s, PENALTY_IMPOSSIBLE_MOVE, False))
                    elif target == self.exit_index:
                        rows.append((prob, target, REWARD_EXIT, True))
                    else:
                        rows.append((prob, target, PENALTY_MOVE, False))
                table[s][a] = rows
        return table

    def value_iteration(self, gamma: float = 0.95, theta: float = 1e-9, max_iterations: int = 100_000):
        """Solve the MDP :attr:`P` by value iteration.

        :return: ``(values, policy)``: arrays over cell indices of the optimal state value
            and a greedy action (the lowest-numbered among ties)
        """
        if not 0.0 <= gamma < 1.0:
            raise ValueError(f"gamma must be in [0, 1), got {gamma}")
        P = self.P
        width = max(len(P[s][a]) for s in P for a in P[s])
        shape = (self.n_cells, 4, width)
        probs, rewards, dones = np.zeros(shape), np.zeros(shape), np.ones(shape)
        nexts = np.zeros(shape, dtype=np.int64)
        for s in P:
            for a in P[s]:
                for k, (p, s2, rwd, done) in enumerate(P[s][a]):
                    probs[s, a, k], nexts[s, a, k], rewards[s, a, k], dones[s, a, k] = p, s2, rwd, float(done)
        values = np.zeros(self.n_cells)
        expected_reward = (probs * rewards).sum(axis=2)
        continue_prob = probs * (1.0 - dones)
        for _ in range(max_iterations):
            q = expected_reward + gamma * (continue_prob * values[nexts]).sum(axis=2)
            new_values = q.max(axis=1)
            delta = np.abs(new_values - values).max()
            values = new_values
            if delta < theta:
                break
        q = expected_reward + gamma * (continue_prob * values[nexts]).sum(axis=2)
        return values, q.argmax(axis=1)

    def ascii(self, agent: bool = True, trail: bool = False) -> str:
        """The maze as text: '#' walls, '.' free, 'E' the exit, 'A' the agent, '+' visited cells."""
        lines = []
        for r in range(self.height):
            chars = []
            for c in range(self.width):
                i = r * self.width + c
                if agent and i == self.position:
                    chars.append("A")
                elif i == self.exit_index:
                    chars.append("E")
                elif self.walls[r, c]:
                    chars.append("#")
                elif trail and self.visited[i]:
                    chars.append("+")
                else:
                    chars.append(".")
            lines.append("".join(chars))
        return "\n".join(lines)


def check_slip_prob(slip_prob) -> float:
    """``slip_prob`` as a float in [0, 1), or a ValueError."""
    try:
        value = float(slip_prob)
    except (TypeError, ValueError):
        raise ValueError(f"slip_prob must be a number in [0, 1), got {slip_prob!r}") from None
    if not 0.0 <= value < 1.0:
        raise ValueError(f"slip_prob must be in [0, 1), got {slip_prob!r}")
    return value
