"""Play Go in a pygame window against a trained agent or GNU Go.

    rldojo play Go-v0 --agent model.pt         # the CLI calls play_human
    rldojo play Go-v0 --opponent gnugo

Click an intersection to play there; press P (or click the "pass" strip below the board)
to pass, U to undo your last move and the reply to it, N for a new game, Esc to quit.
"""

from __future__ import annotations

from typing import Any

from rldojo.envs import rendering
from rldojo.envs.go.board import BLACK, WHITE, GoBoard
from rldojo.envs.go.render import CELL, FOOTER, MARGIN, GoRenderer, point_at_pixel


def click_to_action(x: float, y: float, size: int) -> int | None:
    """The action a click at window pixel (x, y) means on a ``size`` board, or None.

    A click near an intersection is that point; a click in the footer strip under the
    board is the pass (``size * size``); anywhere else means nothing.
    """
    width = 2 * MARGIN + (size - 1) * CELL
    if 0 <= x < width and width <= y < width + FOOTER:
        return size * size
    return point_at_pixel(x, y, size)


def key_to_command(key_name: str) -> str | None:
    """The command of a key (pygame's key name): ``pass``, ``undo``, ``new`` or ``quit``."""
    return {"p": "pass", "u": "undo", "n": "new", "escape": "quit", "q": "quit"}.get(key_name)


def play_human(
    agent: Any = None,
    opponent: Any = "gnugo",
    board_size: int = 5,
    komi: float = 7.5,
    human_color: str = "black",
    opponent_kwargs: dict | None = None,
    fps: int = 30,
    max_frames: int | None = None,
) -> dict:
    """Open a window and let a person play ``human_color`` against ``agent`` (or ``opponent``).

    :param agent: a trained agent (anything with ``predict``, or ``act(board)``); when given it
        is the opponent (``rldojo play`` loads it from a checkpoint)
    :param opponent: ``"gnugo"`` (default), ``"greedy"``, ``"random"`` or a callable board -> action
    :param human_color: ``"black"`` or ``"white"``
    :param max_frames: stop after this many frames (for scripted runs); None runs until closed
    :returns: the last game's result: ``{"score", "winner", "moves", "history"}`` (score None
        if unfinished; history is the list of actions played)
    """
    import numpy as np

    from rldojo.envs.go.evaluation import as_opponent

    if human_color not in ("black", "white"):
        raise ValueError(f"human_color must be 'black' or 'white', got {human_color!r}")
    player = as_opponent(agent if agent is not None else opponent, board_size, komi, **(opponent_kwargs or {}))
    pygame = rendering.import_pygame()
    renderer = GoRenderer(board_size, fps=fps, title="rldojo Go - click to play, P pass, U undo, N new game")
    human = BLACK if human_color == "black" else WHITE
    board = GoBoard(board_size, komi=komi)
    player.reset(np.random.default_rng())
    result: dict = {"score": None, "winner": None, "moves": 0}
    message = "your move"
    frames = 0
    try:
        while max_frames is None or frames < max_frames:
            frames += 1
            if not board.is_over() and board.to_play != human:
                action = int(player(board))
                board.play(action if board.is_legal(action) else board.pass_action)
                message = f"{'pass' if action == board.pass_action else board.describe(action)} - your move"
            over = board.is_over()
            if over and result["score"] is None:
                result = {
                    "score": board.score(),
                    "winner": {1: "black", 2: "white"}.get(board.winner(), "draw"),
                    "moves": board.move_number,
                }
            renderer.render(board, result if over else None, human=True, message=message)
            for event in pygame.event.get():
                command = None
                action = None
                if event.type == pygame.QUIT:
                    command = "quit"
                elif event.type == pygame.KEYDOWN:
                    command = key_to_command(pygame.key.name(event.key))
                elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                    action = click_to_action(*event.pos, board_size)
                if command == "quit":
                    return {**result, "history": list(board.history)}
                if command == "new":
                    board = GoBoard(board_size, komi=komi)
                    player.reset(np.random.default_rng())
                    result = {"score": None, "winner": None, "moves": 0}
                    message = "new game"
                elif command == "undo":
                    board, message = _undo(board, human), "undone"
                    result = {"score": None, "winner": None, "moves": 0}
                elif command == "pass":
                    action = board.pass_action
                if action is not None and not board.is_over() and board.to_play == human:
                    if board.is_legal(action):
                        board.play(action)
                        message = "thinking..."
                    else:
                        message = f"{board.describe(action)} is illegal: " + (
                            board.why_illegal(action, human) or "the game is over"
                        )
    finally:
        renderer.close()
        player.close()
    return {**result, "history": list(board.history)}


def _undo(board: GoBoard, human: int) -> GoBoard:
    """The board replayed without the human's last move and everything after it."""
    history = board.history
    # Find the last move the human made (moves alternate, black first).
    last_human = max((i for i in range(len(history)) if (i % 2 == 0) == (human == BLACK)), default=None)
    keep = history[:last_human] if last_human is not None else history
    again = GoBoard(board.size, komi=board.komi, ko_rule=board.ko_rule, max_moves=board.max_moves)
    for action in keep:
        again.play(action)
    return again
