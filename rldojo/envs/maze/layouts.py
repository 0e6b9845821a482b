"""Named maze layouts and the parser that turns a layout into walls, a start and an exit.

A layout is written as rows, top to bottom, one character a cell:

- ``#`` or ``1``: a wall;
- ``.`` or ``0``: a free cell;
- ``S``: the start (a free cell); without one the start is the top-left cell;
- ``E``: the exit (a free cell); without one the exit is the bottom-right cell.

A cell is (col, row) and (0, 0) is the top left, as in the course.
"""

from __future__ import annotations

import textwrap

import numpy as np

Cell = tuple[int, int]

# The course's maze: start (0, 0), exit (3, 3). The best moves are down at (0, 0),
# right at (1, 2) and down at (3, 2).
SEED = """
.#..
.#..
....
.##.
"""

# An 8x8 maze with dead ends, two routes to the exit and a loop, start top left, exit bottom right.
CLASSIC = """
S.#...#.
#.#.#.#.
....#...
.####.#.
.#....#.
.#.##.##
...#....
##...##E
"""

LAYOUTS: dict[str, str] = {"seed": SEED, "classic": CLASSIC}
"""The named layouts ``MazeEnv(layout=...)`` accepts besides ``"random"``."""

_WALL_CHARS = frozenset("#1")
_FREE_CHARS = frozenset(".0")


def _rows_from_text(text: str) -> list[str]:
    lines = textwrap.dedent(text).strip("\n").split("\n")
    rows = [line.strip() for line in lines]
    if not rows or all(not row for row in rows):
        raise ValueError("layout is empty: give at least one row of cells")
    return rows


def _rows_from_array(layout) -> list[str]:
    """A 2-D array of 0/1 (or of characters) as rows of characters."""
    array = np.asarray(layout)
    if array.dtype == object:
        raise ValueError(
            "layout rows have different lengths (a ragged layout): every row needs the same number of cells"
        )
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"a layout array must be 2-D and non-empty, got shape {array.shape}")
    if array.dtype.kind in "biu":
        if not np.isin(array, (0, 1)).all():
            raise ValueError("a numeric layout array may only hold 0 (free) and 1 (wall)")
        return ["".join("#" if v else "." for v in row) for row in array.tolist()]
    if array.dtype.kind == "f":
        raise ValueError("a layout array must hold integers 0/1 or characters, not floats")
    return ["".join(str(v) for v in row) for row in array.tolist()]


def parse_layout(layout) -> tuple[np.ndarray, Cell, Cell]:
    """Read a layout into ``(walls, start, exit)``.

    :param layout: a layout name (see :data:`LAYOUTS`), an ASCII string, a list of row
        strings, or a 2-D array of 0/1 (1 a wall) or of characters
    :return: ``walls`` as a bool array of shape (rows, cols), and the start and exit cells
        as (col, row)
    :raises ValueError: for an unknown name, a ragged layout, an unknown character, several
        starts or exits, no exit, or a start or exit on a wall
    """
    if isinstance(layout, str):
        if layout in LAYOUTS:
            rows = _rows_from_text(LAYOUTS[layout])
        elif "\n" not in layout and not set(layout) <= (_WALL_CHARS | _FREE_CHARS | {"S", "E"}):
            raise ValueError(
                f"unknown layout {layout!r}; use one of {[*sorted(LAYOUTS), 'random']}, "
                "an ASCII maze (rows of '#', '.', 'S', 'E'), or a 0/1 array"
            )
        else:
            rows = _rows_from_text(layout)
    elif isinstance(layout, (list, tuple)) and layout and all(isinstance(row, str) for row in layout):
        rows = [row.strip() for row in layout]
    else:
        try:
            rows = _rows_from_array(layout)
        except ValueError as error:
            if "inhomogeneous" in str(error):
                raise ValueError(
                    "layout rows have different lengths (a ragged layout): every row needs the same number of cells"
                ) from error
            raise
    width = len(rows[0])
    for r, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(
                f"ragged layout: row {r} has {len(row)} cells but row 0 has {width}; every row needs the same length"
            )
    if width == 0:
        raise ValueError("layout is empty: give at least one column of cells")

    walls = np.zeros((len(rows), width), dtype=bool)
    start = exit_ = None
    for r, row in enumerate(rows):
        for c, char in enumerate(row):
            if char in _WALL_CHARS:
                walls[r, c] = True
            elif char == "S":
                if start is not None:
                    raise ValueError(f"layout marks more than one start 'S': {start} and {(c, r)}")
                start = (c, r)
            elif char == "E":
                if exit_ is not None:
                    raise ValueError(f"layout marks more than one exit 'E': {exit_} and {(c, r)}")
                exit_ = (c, r)
            elif char not in _FREE_CHARS:
                raise ValueError(
                    f"unknown character {char!r} at cell {(c, r)}; use '#' or '1' (wall), "
                    "'.' or '0' (free), 'S' (start), 'E' (exit)"
                )
    if exit_ is None:
        exit_ = (width - 1, len(rows) - 1)
        if walls[exit_[1], exit_[0]]:
            raise ValueError(
                f"layout has no exit: mark one with 'E' (the default exit, the bottom-right cell {exit_}, is a wall)"
            )
    if start is None:
        start = (0, 0)
    return walls, start, exit_
