"""Whole-board shape features of a Go position, for a linear value of the position after a move.

Every square window of 1x1 up to ``max_window`` x ``max_window`` points that fits on the
board is read as a base-3 code (0 empty, 1 the mover's stone, 2 the opponent's), from the
side of the player who has just moved. Each window gives two features:

- *location-dependent*: this shape in this window. A shape in a corner and the same
  shape in the centre are different things in Go, so each place has its own weight.
- *location-independent*: this shape anywhere on the board, so what is learned in
  one place is used in every other.

Both kinds are tied under the 8 symmetries of the square (rotations and reflections):
a shape and its mirror image share one weight, so every game teaches eight positions.
This is the representation of Silver, Sutton and Mueller's RLGO ("Reinforcement learning
of local shape in the game of Go", IJCAI 2007), which learned 5x5 and 9x9 Go by
temporal-difference self-play with a linear value over exactly these shapes.

Pure numpy: the codes of a batch of positions are a few array operations, so scoring
every legal move of a 5x5 position costs tens of microseconds.
"""

from __future__ import annotations

import numpy as np

MAX_WINDOW = 3  # a 4x4 window would need 3^16 weights per place

# The 8 symmetries of a square, as maps of (row, col) on a side of length n.
_SYMMETRIES = (
    lambda r, c, n: (r, c),
    lambda r, c, n: (c, n - 1 - r),
    lambda r, c, n: (n - 1 - r, n - 1 - c),
    lambda r, c, n: (n - 1 - c, r),
    lambda r, c, n: (r, n - 1 - c),
    lambda r, c, n: (n - 1 - r, c),
    lambda r, c, n: (c, r),
    lambda r, c, n: (n - 1 - c, n - 1 - r),
)


class BoardShapes:
    """The shape features of positions on a ``size`` board, numbered from ``offset`` on.

    :param size: the board's side
    :param max_window: the largest window's side, 1 to ``MAX_WINDOW`` and at most ``size``
    :param offset: the index of the first feature, so that these can follow other features
    """

    def __init__(self, size: int, max_window: int, offset: int = 0):
        if not 1 <= max_window <= min(MAX_WINDOW, size):
            raise ValueError(
                f"max_window must be from 1 to {min(MAX_WINDOW, size)} on a {size}x{size} board, got {max_window}"
            )
        # Per window side k: the points of each window (W, k*k), the powers of 3 of its
        # cells, and a table from (window, code) to the feature index of each kind.
        self.blocks = []
        start = offset
        for k in range(1, max_window + 1):
            cells = k * k
            codes = 3**cells
            corners = [(r, c) for r in range(size - k + 1) for c in range(size - k + 1)]
            windows = np.array(
                [[(r + i) * size + (c + j) for i in range(k) for j in range(k)] for r, c in corners], dtype=np.int64
            )
            powers = 3 ** np.arange(cells, dtype=np.int64)
            digits = (np.arange(codes)[:, None] // powers[None, :]) % 3  # (codes, cells)
            # Location-dependent: the canonical (window, code) pair over the board's symmetries.
            where = {tuple(sorted(w)): i for i, w in enumerate(windows.tolist())}
            dependent = np.full((len(windows), codes), np.iinfo(np.int64).max, dtype=np.int64)
            for sym in _SYMMETRIES:
                for i, w in enumerate(windows.tolist()):
                    moved = [sym(p // size, p % size, size) for p in w]
                    points = [r * size + c for r, c in moved]
                    j = where[tuple(sorted(points))]
                    order = {p: n for n, p in enumerate(windows[j].tolist())}
                    new_code = digits @ (3 ** np.array([order[p] for p in points], dtype=np.int64))
                    dependent[i] = np.minimum(dependent[i], j * codes + new_code)
            # Location-independent: the canonical code over the window's own symmetries.
            independent = np.full(codes, np.iinfo(np.int64).max, dtype=np.int64)
            for sym in _SYMMETRIES:
                perm = [sym(i, j, k) for i in range(k) for j in range(k)]
                new_code = digits @ (3 ** np.array([r * k + c for r, c in perm], dtype=np.int64))
                independent = np.minimum(independent, new_code)
            dependent += start
            start += len(windows) * codes
            independent += start
            start += codes
            self.blocks.append((windows, powers, dependent, independent))
        self.end = start  # one past the last feature index
        self.per_position = 2 * sum(len(b[0]) for b in self.blocks)

    def of_positions(self, relative: np.ndarray) -> np.ndarray:
        """The feature indices of a batch of positions, shape (batch, ``per_position``).

        :param relative: (batch, size*size) ints: 0 empty, 1 the mover's stone, 2 the opponent's
        """
        columns = []
        for windows, powers, dependent, independent in self.blocks:
            codes = relative[:, windows] @ powers  # (batch, W)
            columns.append(dependent[np.arange(len(windows))[None, :], codes])
            columns.append(independent[codes])
        return np.concatenate(columns, axis=1)
