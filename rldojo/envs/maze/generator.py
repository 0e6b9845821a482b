"""Perfect mazes: a random spanning tree of rooms, carved by a depth-first walk.

Rooms sit at the cells whose column and row are both even; the cell between two
rooms is a wall or, once carved, a passage. A perfect maze has exactly one path
between any two free cells, so its free cells form a tree (edges = cells - 1).
``loops`` then knocks out a fraction of the remaining inner walls, each one adding a cycle.
"""

from __future__ import annotations

import numpy as np


def check_size(size) -> tuple[int, int]:
    """``size`` as (width, height) of odd integers >= 3, or a ValueError saying why not."""
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"size must be a pair (width, height) of odd integers >= 3, got {size!r}") from None
    if width < 3 or height < 3 or width % 2 == 0 or height % 2 == 0:
        raise ValueError(
            f"size must be a pair (width, height) of odd integers >= 3 (rooms on even cells, walls between), "
            f"got {tuple(size)!r}; try ({width | 1}, {height | 1})"
        )
    return width, height


def generate_maze(size: tuple[int, int], rng: np.random.Generator, loops: float = 0.0) -> np.ndarray:
    """A random maze as a bool wall array of shape (height, width).

    :param size: (width, height) in cells, both odd and >= 3; the top-left and
        bottom-right cells are always free
    :param rng: the generator every random choice comes from (the env's ``np_random``)
    :param loops: fraction in [0, 1] of the inner walls between two rooms to remove after
        carving; 0 gives a perfect maze, 1 an open grid of pillars
    """
    width, height = check_size(size)
    if not 0.0 <= float(loops) <= 1.0:
        raise ValueError(f"loops must be a fraction in [0, 1], got {loops!r}")
    rooms_w, rooms_h = (width + 1) // 2, (height + 1) // 2
    walls = np.ones((height, width), dtype=bool)
    walls[::2, ::2] = False  # every room is free; passages get carved between them

    # Iterative depth-first walk over rooms (recursive backtracker), so big mazes do not hit the recursion limit.
    seen = np.zeros((rooms_h, rooms_w), dtype=bool)
    start = (int(rng.integers(rooms_w)), int(rng.integers(rooms_h)))
    seen[start[1], start[0]] = True
    stack = [start]
    steps = ((-1, 0), (1, 0), (0, -1), (0, 1))
    while stack:
        x, y = stack[-1]
        options = [
            (x + dx, y + dy)
            for dx, dy in steps
            if 0 <= x + dx < rooms_w and 0 <= y + dy < rooms_h and not seen[y + dy, x + dx]
        ]
        if not options:
            stack.pop()
            continue
        nx, ny = options[int(rng.integers(len(options)))]
        seen[ny, nx] = True
        walls[y + ny, x + nx] = False  # the cell between rooms (x, y) and (nx, ny), in cell coordinates
        stack.append((nx, ny))

    if loops > 0:
        # Inner walls between two rooms: odd on exactly one axis, and still standing.
        rows, cols = np.nonzero(walls)
        between = [(r, c) for r, c in zip(rows.tolist(), cols.tolist(), strict=True) if (r % 2) != (c % 2)]
        count = round(float(loops) * len(between))
        if count:
            for i in rng.choice(len(between), size=count, replace=False).tolist():
                r, c = between[i]
                walls[r, c] = False
    return walls
