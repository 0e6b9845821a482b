"""Go games as SGF (Smart Game Format, FF[4]) records: save a :class:`GoBoard`'s game, read one back.

sgfmill, the standard Python SGF library, parses and writes the text (escaping, property
syntax, coordinates); this module only maps its nodes to and from a board's history.

>>> board = GoBoard(5)
>>> for vertex in ("C3", "D3", "pass"):
...     board.play(board.parse(vertex))
>>> save_sgf("game.sgf", board, black="me", white="greedy")
>>> load_sgf("game.sgf").history == board.history
True

Written: ``FF[4] GM[1] CA[UTF-8] AP SZ KM RU PB PW``, ``RE`` when the game is over or a result
is given, ``HA`` and ``AB`` (and ``AW``, ``PL``) for stones set up before the first move, then
one node a move, a pass written ``B[]`` / ``W[]``. ``RU[Chinese]`` is the nearest standard
name for rldojo's rules: area scoring, suicide illegal (the ko rule is not recorded).

Read: the main line of the record (first variations only), setup stones in the root node
only, and moves that alternate. Anything else, a malformed property or an illegal move, is a
``ValueError`` naming the node (root = node 0) and, for moves, the move number.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from sgfmill import sgf

from rldojo.envs.go.board import BLACK, MAX_SIZE, MIN_SIZE, WHITE, GoBoard, IllegalMove

__all__ = ["board_to_sgf", "load_sgf", "result_text", "save_sgf"]

APPLICATION = ("rldojo", "0.1")
RULES = "Chinese"
COLOR_LETTERS = {BLACK: "b", WHITE: "w"}
SETUP_PROPERTIES = ("AB", "AW", "AE")


def result_text(board: GoBoard) -> str:
    """The SGF result of a finished game by its Tromp–Taylor score: ``B+3.5``, ``W+0.5``, or ``0`` for a draw."""
    score = board.score()
    if score == 0:
        return "0"
    return f"{'B' if score > 0 else 'W'}+{abs(score):g}"


def _sgf_point(board: GoBoard, action: int) -> tuple[int, int]:
    """sgfmill's (row, col) counts rows from the bottom; the board's from the top."""
    row, col = divmod(action, board.size)
    return board.size - 1 - row, col


def _board_point(size: int, point: tuple[int, int]) -> int:
    row, col = point
    return (size - 1 - row) * size + col


def board_to_sgf(
    board: GoBoard,
    *,
    black: str = "Black",
    white: str = "White",
    result: str | None = None,
    handicap: Sequence[int] = (),
) -> bytes:
    """The game of ``board`` (its setup stones and every move of its history) as SGF FF[4] bytes.

    :param board: a board played from the empty position or from setup stones (not one made by
        :meth:`GoBoard.from_rows`, whose history does not replay its position)
    :param black: the black player's name (PB)
    :param white: the white player's name (PW)
    :param result: RE, e.g. ``"B+R"`` for a resignation; by default the score of a finished game
        (:func:`result_text`), and no RE for an unfinished one
    :param handicap: the handicap stones (points); by default the board's own black setup
        stones, which they must equal when given
    :raises ValueError: for a board whose history does not replay, or a handicap that is not
        the board's
    """
    if not isinstance(board, GoBoard):
        raise TypeError(f"board must be a GoBoard, got {type(board).__name__}")
    if not board.replays_history:
        raise ValueError("board was set up by from_rows: its history does not replay its position, so no SGF")
    for name, value in (("black", black), ("white", white)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a player's name (str), got {type(value).__name__}")
    if result is not None and not isinstance(result, str):
        raise TypeError(f"result must be a str such as 'B+R' or None, got {type(result).__name__}")
    if handicap and sorted(handicap) != sorted(board.setup_black):
        raise ValueError(
            f"handicap must be the board's black setup stones {sorted(board.setup_black)} (or empty), "
            f"got {list(handicap)}: place them with board.place_setup_stones before the first move"
        )
    game = sgf.Sgf_game(size=board.size)
    root = game.get_root()
    root.set("AP", APPLICATION)
    root.set("KM", board.komi)
    root.set("RU", RULES)
    root.set("PB", black)
    root.set("PW", white)
    if result is None and board.is_over():
        result = result_text(board)
    if result is not None:
        root.set("RE", result)
    if board.setup_black or board.setup_white:
        if board.setup_black and not board.setup_white:
            root.set("HA", len(board.setup_black))
        root.set_setup_stones(
            [_sgf_point(board, p) for p in board.setup_black], [_sgf_point(board, p) for p in board.setup_white]
        )
        root.set("PL", COLOR_LETTERS[board.setup_to_play])
    color = board.setup_to_play
    for action in board.history:
        node = game.extend_main_sequence()
        if action == board.pass_action:
            node.set_raw(COLOR_LETTERS[color].upper(), b"")  # FF[4]'s pass; sgfmill would write [tt]
        else:
            node.set_move(COLOR_LETTERS[color], _sgf_point(board, action))
        color = 3 - color
    return game.serialise()


def save_sgf(
    path: str | os.PathLike,
    board: GoBoard,
    *,
    black: str,
    white: str,
    result: str | None = None,
    handicap: Sequence[int] = (),
) -> None:
    """Write the game of ``board`` to ``path`` as SGF (see :func:`board_to_sgf` for the arguments).

    The file is written to a temporary name and renamed, so a reader never sees half a record.
    """
    data = board_to_sgf(board, black=black, white=white, result=result, handicap=handicap)
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _describe(node: sgf.Tree_node, index: int) -> str:
    """A node for a message: its index in the main line and its properties as written."""
    shown = []
    for identifier in sorted(node.properties()):
        values = "".join("[" + raw.decode("utf-8", "replace") + "]" for raw in node.get_raw_list(identifier))
        shown.append(identifier + values)
    text = "".join(shown)
    return f"node {index} ({text[:60] + '...' if len(text) > 60 else text})"


def load_sgf(
    source: str | os.PathLike | bytes, *, ko_rule: str = "positional_superko", max_moves: int | None = None
) -> GoBoard:
    """A board with the game of an SGF record replayed move by move (its main line).

    :param source: a path to an ``.sgf`` file, or the record itself as bytes
    :param ko_rule: the board's ko rule (SGF does not record it), ``"positional_superko"`` or ``"simple"``
    :param max_moves: the board's move limit; by default ``2 * size * size``, or the record's
        length if that is longer
    :raises ValueError: for a malformed record, a property rldojo cannot use (a size beyond
        2 to 19, a game other than Go, setup stones after the root, moves out of turn) or an
        illegal move; the message names the node
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        game = sgf.Sgf_game.from_bytes(data)
    except ValueError as error:
        raise ValueError(f"not a readable SGF record: {error}") from None
    root = game.get_root()
    where = _describe(root, 0)
    if root.has_property("GM") and root.get("GM") != 1:
        raise ValueError(f"SGF {where}: GM[{root.get('GM')}] is not Go (GM[1])")
    size = game.get_size()
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"SGF {where}: SZ must be from {MIN_SIZE} to {MAX_SIZE} for a GoBoard, got {size}")
    try:
        komi = game.get_komi()
        black, white, _empty = root.get_setup_stones()
        to_play = {"b": BLACK, "w": WHITE}[root.get("PL")] if root.has_property("PL") else None
    except (ValueError, KeyError) as error:
        detail = str(error) or "KM a number, AB/AW/AE points of the board, PL B or W"
        raise ValueError(f"SGF {where}: malformed property: {detail}") from None
    nodes = game.get_main_sequence()
    moves = sum(1 for node in nodes if node.has_property("B") or node.has_property("W"))
    if max_moves is None:
        max_moves = max(2 * size * size, moves)
    board = GoBoard(size, komi=komi, ko_rule=ko_rule, max_moves=max_moves)
    if black or white:
        try:
            board.place_setup_stones(
                sorted(_board_point(size, p) for p in black), sorted(_board_point(size, p) for p in white), to_play
            )
        except ValueError as error:
            raise ValueError(f"SGF {where}: bad setup stones: {error}") from None
    for index, node in enumerate(nodes):
        if index and any(node.has_property(p) for p in SETUP_PROPERTIES):
            raise ValueError(f"SGF {_describe(node, index)}: setup stones after the root node cannot be replayed")
        if node.has_property("B") and node.has_property("W"):
            raise ValueError(f"SGF {_describe(node, index)}: a node holds both a black and a white move")
        try:
            letter, point = node.get_move()
        except ValueError as error:
            detail = str(error) or f"not a point of a {size}x{size} board nor a pass"
            raise ValueError(f"SGF {_describe(node, index)}: malformed move: {detail}") from None
        if letter is None:
            continue
        color = BLACK if letter == "b" else WHITE
        where = f"SGF {_describe(node, index)}, move {board.move_number + 1}"
        if color != board.to_play:
            raise ValueError(
                f"{where}: {'black' if color == BLACK else 'white'} moves out of turn "
                "(rldojo's board needs alternating moves)"
            )
        action = board.pass_action if point is None else _board_point(size, point)
        try:
            board.play(action)
        except IllegalMove as error:
            raise ValueError(f"{where}: illegal move: {error}") from None
    return board
