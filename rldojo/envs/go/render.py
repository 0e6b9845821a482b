"""Drawing a Go board: pygame frames (human, rgb_array) and text (ansi).

The wooden board, its grid, coordinates and star points are drawn once per renderer
and cached; each frame adds the stones, the last-move marker, the captures and, at the
end of the game, the score.
"""

from __future__ import annotations

from rldojo.envs import rendering
from rldojo.envs.go.board import BLACK, COLUMNS, EMPTY, WHITE, GoBoard

CELL = 56  # pixels between lines
MARGIN = 60  # board edge to the first line (room for the coordinates outside the stones)
FOOTER = 48  # text area below the board
WOOD = (220, 179, 92)
BLACK_STONE = (20, 20, 20)
WHITE_STONE = (250, 250, 248)


def star_points(size: int) -> list[tuple[int, int]]:
    """The (row, col) of the hoshi of a ``size`` board (the usual ones; none below 5)."""
    if size < 5:
        return []
    if size < 9:
        centre = size // 2
        return [(centre, centre)] if size % 2 else []
    edge = 2 if size < 13 else 3
    far = size - 1 - edge
    points = [(edge, edge), (edge, far), (far, edge), (far, far)]
    if size % 2:
        mid = size // 2
        points.append((mid, mid))
        if size >= 13:
            points += [(edge, mid), (mid, edge), (mid, far), (far, mid)]
    return points


def board_text(board: GoBoard, result: dict | None = None) -> str:
    """The board as text: ``X`` black, ``O`` white, ``.`` empty, the last move in parentheses."""
    marks = {EMPTY: ".", BLACK: "X", WHITE: "O"}
    n = board.size
    lines = ["   " + " ".join(COLUMNS[:n])]
    stones = board.points
    for r in range(n):
        cells = []
        for c in range(n):
            point = r * n + c
            mark = marks[stones[point]]
            cells.append(mark)
        last_col = -2
        if board.last_move is not None and board.last_move < board.pass_action and board.last_move // n == r:
            last_col = board.last_move % n
        row = ""
        for c in range(n):
            row += "(" if c == last_col else ")" if c == last_col + 1 else " "
            row += cells[c]
        if last_col == n - 1:
            row += ")"
        lines.append(f"{n - r:2d}{row}")
    to_play = "black" if board.to_play == BLACK else "white"
    last = "-" if board.last_move is None else board.describe(board.last_move)
    lines.append(
        f"move {board.move_number}, last {last}, {to_play} to play; "
        f"captures black {board.captures[BLACK]}, white {board.captures[WHITE]}"
    )
    if result is not None:
        lines.append(f"game over: score {result['score']:+.1f} (black - white - komi), winner {result['winner']}")
    return "\n".join(lines) + "\n"


def point_at_pixel(x: float, y: float, size: int, cell: int = CELL, margin: int = MARGIN) -> int | None:
    """The action a click at pixel (x, y) means: the nearest intersection, or None when outside the board.

    A click within 0.45 of a cell of an intersection (in both directions) selects it;
    clicks between intersections, in the footer or beyond the board's edge select nothing.
    """
    col = round((x - margin) / cell)
    row = round((y - margin) / cell)
    if not (0 <= row < size and 0 <= col < size):
        return None
    if abs(x - (margin + col * cell)) > 0.45 * cell or abs(y - (margin + row * cell)) > 0.45 * cell:
        return None
    return row * size + col


class GoRenderer:
    """Draws boards of one size; the static board is drawn once and reused."""

    def __init__(self, size: int, fps: int = 4, title: str = "rldojo Go"):
        self.size = size
        self.width = 2 * MARGIN + (size - 1) * CELL
        self.height = self.width + FOOTER
        self._background = None
        self._window = rendering.Window(title, fps)

    def _static(self):
        pygame = rendering.import_pygame()
        if self._background is None:
            surface = pygame.Surface((self.width, self.height))
            surface.fill(rendering.BACKGROUND)
            pygame.draw.rect(surface, WOOD, (0, 0, self.width, self.width))
            end = MARGIN + (self.size - 1) * CELL
            for i in range(self.size):
                at = MARGIN + i * CELL
                pygame.draw.line(surface, rendering.GRID_LINE, (MARGIN, at), (end, at), 2)
                pygame.draw.line(surface, rendering.GRID_LINE, (at, MARGIN), (at, end), 2)
            for r, c in star_points(self.size):
                pygame.draw.circle(surface, rendering.GRID_LINE, (MARGIN + c * CELL, MARGIN + r * CELL), 5)
            label = rendering.font(18)
            for i in range(self.size):
                text = label.render(COLUMNS[i], True, rendering.TEXT)
                surface.blit(text, text.get_rect(center=(MARGIN + i * CELL, 15)))
                text = label.render(str(self.size - i), True, rendering.TEXT)
                surface.blit(text, text.get_rect(center=(15, MARGIN + i * CELL)))
            self._background = surface
        return self._background.copy()

    def draw(self, board: GoBoard, result: dict | None = None, message: str | None = None):
        """A pygame surface of ``board``."""
        pygame = rendering.import_pygame()
        surface = self._static()
        radius = int(CELL * 0.46)
        stones = board.points
        for point in range(board.num_points):
            v = stones[point]
            if v == EMPTY:
                continue
            r, c = divmod(point, self.size)
            centre = (MARGIN + c * CELL, MARGIN + r * CELL)
            if v == BLACK:
                pygame.draw.circle(surface, BLACK_STONE, centre, radius)
            else:
                pygame.draw.circle(surface, WHITE_STONE, centre, radius)
                pygame.draw.circle(surface, rendering.GRID_LINE, centre, radius, 1)
        last = board.last_move
        if last is not None and last < board.pass_action:
            r, c = divmod(last, self.size)
            centre = (MARGIN + c * CELL, MARGIN + r * CELL)
            marker = WHITE_STONE if stones[last] == BLACK else BLACK_STONE
            pygame.draw.circle(surface, marker, centre, radius // 3, 3)
        small = rendering.font(22)
        last_text = "-" if last is None else board.describe(last)
        line = (
            f"move {board.move_number}  last {last_text}  captures B {board.captures[BLACK]} W {board.captures[WHITE]}"
        )
        surface.blit(small.render(line, True, rendering.TEXT), (10, self.width + 4))
        if result is not None:
            score = result["score"]
            text = f"{result['winner']} wins" if result["winner"] != "draw" else "draw"
            text += f"   score {score:+.1f} (B - W - komi)"
            surface.blit(small.render(text, True, rendering.AGENT), (10, self.width + 24))
        elif message:
            surface.blit(small.render(message, True, rendering.MUTED), (10, self.width + 24))
        return surface

    def render(self, board: GoBoard, result: dict | None = None, human: bool = False, message: str | None = None):
        """An (H, W, 3) uint8 frame, or None after showing it in a window (``human``)."""
        surface = self.draw(board, result, message)
        if human:
            self._window.show(surface)
            return None
        return rendering.surface_to_array(surface)

    def close(self) -> None:
        self._window.close()
