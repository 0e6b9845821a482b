"""Drawing the maze with pygame: walls, free cells, the exit, the agent, its trail, and best-move arrows.

pygame draws each kind of cell once, as a small tile; a maze's background is those tiles
laid out by numpy and cached, and a frame is the cached background with the trail and
the agent pasted on. So a frame costs one array copy and a few slices, whatever the maze.
"""

from __future__ import annotations

import numpy as np

from rldojo.envs import rendering

# Arrow directions per action (left, right, up, down) as unit vectors in pixels.
_ARROW_DIRECTIONS = {0: (-1, 0), 1: (1, 0), 2: (0, -1), 3: (0, 1)}


def default_cell_size(width: int, height: int) -> int:
    """64 pixels a cell (FrozenLake's size), smaller for big mazes so the picture stays within 512 pixels."""
    return int(max(8, min(64, 512 // max(width, height))))


class MazeRenderer:
    """Frames of a :class:`~rldojo.envs.maze.rules.Maze` as RGB arrays, and a window for ``human`` mode.

    :param cell_size: pixels per cell; by default :func:`default_cell_size` of the maze
    :param fps: frames per second of the ``human`` window
    """

    def __init__(self, cell_size: int | None = None, fps: int = 8, title: str = "Maze-v0"):
        self.cell_size = cell_size
        self.fps = fps
        self.title = title
        self._tiles: dict[int, dict[str, np.ndarray]] = {}
        self._background_key = None
        self._background: np.ndarray | None = None
        self._window: rendering.Window | None = None

    # ------------------------------------------------------------------------------ tiles, drawn once

    def _size_for(self, maze) -> int:
        return self.cell_size or default_cell_size(maze.width, maze.height)

    def tiles(self, size: int) -> dict[str, np.ndarray]:
        """The cell tiles at ``size`` pixels: free, wall, exit, trail, agent (on the trail and on the exit), arrows."""
        if size not in self._tiles:
            self._tiles[size] = self._draw_tiles(size)
        return self._tiles[size]

    def _draw_tiles(self, s: int) -> dict[str, np.ndarray]:
        pygame = rendering.import_pygame()
        line = max(1, s // 32)

        def tile(fill, border=rendering.GRID_LINE):
            surface = pygame.Surface((s, s))
            surface.fill(fill)
            if border is not None:
                pygame.draw.rect(surface, border, pygame.Rect(0, 0, s, s), line)
            return surface

        def as_array(surface):
            return rendering.surface_to_array(surface)

        free = tile(rendering.FREE, (205, 200, 186))
        wall = tile(rendering.WALL, None)
        # A lighter inner square gives the walls some relief.
        pygame.draw.rect(wall, (68, 74, 90), pygame.Rect(s // 8, s // 8, s - s // 4, s - s // 4))
        exit_ = tile(rendering.EXIT, (205, 200, 186))
        # A flag on the exit: a pole and a pennant.
        pole_x = s * 3 // 8
        pygame.draw.line(exit_, rendering.BACKGROUND, (pole_x, s // 5), (pole_x, s * 4 // 5), max(1, s // 16))
        pygame.draw.polygon(
            exit_, rendering.BACKGROUND, [(pole_x, s // 5), (pole_x + s * 3 // 8, s * 3 // 10), (pole_x, s * 2 // 5)]
        )
        trail = tile(rendering.TRAIL, (205, 200, 186))
        pygame.draw.circle(trail, (232, 170, 80), (s // 2, s // 2), max(1, s // 10))

        def with_agent(base):
            surface = base.copy()
            pygame.draw.circle(surface, rendering.AGENT, (s // 2, s // 2), max(1, s * 3 // 8))
            pygame.draw.circle(surface, (150, 30, 25), (s // 2, s // 2), max(1, s * 3 // 8), max(1, s // 32))
            return surface

        tiles = {
            "free": as_array(free),
            "wall": as_array(wall),
            "exit": as_array(exit_),
            "trail": as_array(trail),
            "agent": as_array(with_agent(trail)),
            "agent_exit": as_array(with_agent(exit_)),
        }
        for action, (dx, dy) in _ARROW_DIRECTIONS.items():
            surface = free.copy()
            c = s / 2
            length, head, half_width = s * 0.32, s * 0.2, s * 0.16
            tip = (c + dx * length, c + dy * length)
            tail = (c - dx * length, c - dy * length)
            base = (tip[0] - dx * head, tip[1] - dy * head)
            px, py = -dy, dx  # perpendicular
            pygame.draw.line(surface, rendering.HIGHLIGHT, tail, base, max(1, s // 12))
            wings = [(base[0] + side * px * half_width, base[1] + side * py * half_width) for side in (1, -1)]
            pygame.draw.polygon(surface, rendering.HIGHLIGHT, [tip, *wings])
            tiles[f"arrow{action}"] = as_array(surface)
        return tiles

    # ------------------------------------------------------------------------------ frames

    def background(self, maze) -> np.ndarray:
        """The static picture of ``maze`` (walls, free cells, the exit), built once per maze and size."""
        size = self._size_for(maze)
        key = (id(maze), maze.walls.tobytes(), maze.exit_index, size)
        if self._background_key != key:
            tiles = self.tiles(size)
            h, w = maze.height, maze.width
            image = np.empty((h, size, w, size, 3), dtype=np.uint8)
            view = image.transpose(0, 2, 1, 3, 4)  # (row, col, y, x, rgb)
            view[:] = tiles["free"]
            view[maze.walls] = tiles["wall"]
            ec, er = maze.exit_cell
            view[er, ec] = tiles["exit"]
            self._background = image.reshape(h * size, w * size, 3)
            self._background_key = key
        return self._background

    def frame(self, maze, trail: bool = True) -> np.ndarray:
        """The maze now, as a fresh (height, width, 3) uint8 array: the background, the trail, the agent."""
        size = self._size_for(maze)
        tiles = self.tiles(size)
        image = self.background(maze).copy()
        view = image.reshape(maze.height, size, maze.width, size, 3).transpose(0, 2, 1, 3, 4)
        if trail:
            visited = np.frombuffer(maze.visited, dtype=np.uint8).reshape(maze.height, maze.width)
            view[visited.astype(bool)] = tiles["trail"]
        c, r = maze.cell
        view[r, c] = tiles["agent_exit" if maze.position == maze.exit_index else "agent"]
        return image

    def best_moves_frame(self, maze, moves: dict) -> np.ndarray:
        """The course's best-move picture: an arrow for ``moves[cell]`` on every cell it names."""
        size = self._size_for(maze)
        tiles = self.tiles(size)
        image = self.background(maze).copy()
        view = image.reshape(maze.height, size, maze.width, size, 3).transpose(0, 2, 1, 3, 4)
        for (c, r), action in moves.items():
            view[r, c] = tiles[f"arrow{int(action)}"]
        return image

    # ------------------------------------------------------------------------------ the window

    def show(self, frame: np.ndarray) -> None:
        """Show ``frame`` in the ``human`` window, opening it on first use."""
        pygame = rendering.import_pygame()
        if self._window is None:
            self._window = rendering.Window(self.title, self.fps)
        surface = pygame.surfarray.make_surface(np.ascontiguousarray(frame.transpose(1, 0, 2)))
        self._window.show(surface)

    def close(self) -> None:
        """Close the window; safe to call any number of times."""
        if self._window is not None:
            self._window.close()
            self._window = None
