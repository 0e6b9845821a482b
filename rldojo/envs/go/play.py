"""Play Go in a pygame window against a trained agent or GNU Go.

    rldojo play Go-v0 --agent model.pt         # the CLI calls play_human
    rldojo play Go-v0 --opponent gnugo

Click an intersection to play there; press P (or click the "pass" strip below the board)
to pass, U to undo your last move and the reply to it, N for a new game, Esc to quit.

With ``sgf_dir``, every game with a move in it is saved there as an SGF record when it
ends, when a new game is started and when the window is closed. ``rldojo play Go-v0``
saves in ``rldojo-games/`` (``-e sgf_dir=DIR`` chooses the folder, ``-e sgf_dir=null``
saves nothing).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from rldojo.envs import rendering
from rldojo.envs.go.board import BLACK, WHITE, GoBoard
from rldojo.envs.go.render import CELL, FOOTER, MARGIN, GoRenderer, point_at_pixel
from rldojo.envs.go.sgf import save_sgf

DEFAULT_SGF_DIR = "rldojo-games"  # where `rldojo play Go-v0` saves the games


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
    sgf_dir: str | os.PathLike | None = None,
) -> dict:
    """Open a window and let a person play ``human_color`` against ``agent`` (or ``opponent``).

    :param agent: a trained agent (anything with ``predict``, or ``act(board)``); when given it
        is the opponent (``rldojo play`` loads it from a checkpoint)
    :param opponent: ``"gnugo"`` (default), ``"greedy"``, ``"random"`` or a callable board -> action
    :param human_color: ``"black"`` or ``"white"``
    :param max_frames: stop after this many frames (for scripted runs); None runs until closed
    :param sgf_dir: the folder the games are saved in as SGF (created if missing); None saves nothing
    :returns: the last game's result: ``{"score", "winner", "moves", "history", "sgf"}`` (score None
        if unfinished; history is the list of actions played; sgf the records saved, every game's)
    """
    import numpy as np

    from rldojo.envs.go.evaluation import as_opponent, player_name

    if human_color not in ("black", "white"):
        raise ValueError(f"human_color must be 'black' or 'white', got {human_color!r}")
    player = as_opponent(agent if agent is not None else opponent, board_size, komi, **(opponent_kwargs or {}))
    names = {BLACK: "human", WHITE: player_name(agent if agent is not None else opponent, player)}
    if human_color == "white":
        names = {BLACK: names[WHITE], WHITE: "human"}
    saved: list[Path] = []

    def save(game: GoBoard) -> None:
        """Keep the game as SGF, once, if it has a move."""
        if sgf_dir is None or not game.history or any(game is done for done in kept):
            return
        folder = Path(sgf_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"go-{time.strftime('%Y%m%d-%H%M%S')}-{len(saved):02d}.sgf"
        save_sgf(path, game, black=names[BLACK], white=names[WHITE])
        saved.append(path)
        kept.append(game)
        print(f"saved the game to {path}")

    kept: list[GoBoard] = []  # boards already saved (a finished game is saved once)
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
            if over:
                save(board)
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
                    save(board)
                    return {**result, "history": list(board.history), "sgf": saved}
                if command == "new":
                    save(board)
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
    save(board)
    return {**result, "history": list(board.history), "sgf": saved}


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
