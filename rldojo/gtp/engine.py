"""The Go half of rldojo's GTP engine: the game's state and the commands that read and change it.

:class:`GoEngine` holds a :class:`~rldojo.envs.go.board.GoBoard` (rldojo's rules: suicide
illegal, positional superko by default, Tromp–Taylor area scoring), the clock, and a
*player* that chooses the engine's moves (:mod:`rldojo.gtp.players`). Its command table
goes to a :class:`~rldojo.gtp.protocol.GtpServer`, which speaks the protocol.

Choices where GTP leaves one open:

- ``play`` and ``genmove`` for the side that is not to move (GTP allows it) first record
  a pass for the side to move, since the board alternates; ``undo`` takes both back. If that
  pass would end the game (the other side passed just before), the move is refused.
- A vertex written correctly but off this board is an ``illegal move``; a word that is not
  a vertex or a colour is a ``syntax error``.
- After the game has ended (two passes in a row), ``play`` answers ``illegal move`` and
  ``genmove`` answers ``pass`` without playing.
- ``final_score`` is the Tromp–Taylor score of the position as it stands: every stone on
  the board counts as alive, as GNU Go's ``--capture-all-dead`` play expects.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from rldojo import __version__
from rldojo.envs.go.board import BLACK, KO_RULES, MAX_SIZE, MIN_SIZE, WHITE, GoBoard, fixed_handicap
from rldojo.envs.go.sgf import load_sgf, result_text
from rldojo.envs.options import check_choice
from rldojo.gtp.clock import Clock
from rldojo.gtp.players import Player
from rldojo.gtp.protocol import GtpError, GtpServer, Handler

__all__ = ["GoEngine"]

COLORS = {"b": BLACK, "black": BLACK, "w": WHITE, "white": WHITE}
# A vertex in GTP's grammar, on any board up to 25x25: a letter (no I) and a row number.
VERTEX = re.compile(r"([A-HJ-Z])([0-9]{1,2})", re.IGNORECASE)
# The board's move limit, per point: far beyond any real game; the controller ends games in GTP.
MOVES_PER_POINT = 10


def parse_color(word: str) -> int:
    """``b``, ``black``, ``w`` or ``white`` in any case, as BLACK or WHITE."""
    color = COLORS.get(word.lower())
    if color is None:
        raise GtpError("syntax error")
    return color


def parse_int(word: str) -> int:
    if not word.isdigit():
        raise GtpError("syntax error")
    return int(word)


def parse_float(word: str) -> float:
    try:
        number = float(word)
    except ValueError:
        raise GtpError("syntax error") from None
    if not math.isfinite(number):
        raise GtpError("syntax error")
    return number


def arguments(words: list[str], count: int) -> list[str]:
    if len(words) != count:
        raise GtpError("syntax error")
    return words


class GoEngine:
    """A Go program over GTP: the board, the clock, and the player that chooses the moves.

    :param player: chooses the engine's moves (``prepare`` and ``choose``, see :mod:`rldojo.gtp.players`)
    :param size: the board size at start, 2 to 19 (``boardsize`` changes it)
    :param komi: the komi at start (``komi`` changes it)
    :param ko_rule: ``"positional_superko"`` (default) or ``"simple"``
    :param name: the answer to ``name``
    """

    def __init__(
        self,
        player: Player,
        size: int = 9,
        komi: float = 7.5,
        ko_rule: str = "positional_superko",
        name: str = "rldojo",
    ):
        check_choice("ko_rule", ko_rule, KO_RULES)
        self.player = player
        self.size = size
        self.komi = komi
        self.ko_rule = ko_rule
        self.name = name
        self.clock = Clock()
        self.player.prepare(size, komi, ko_rule)  # a player that cannot play this size fails here, loudly
        self.board = self._new_board(size)
        self.undo_points: list[int] = []  # board.move_number before each play or genmove, for undo

    def _new_board(self, size: int) -> GoBoard:
        return GoBoard(size, komi=self.komi, ko_rule=self.ko_rule, max_moves=MOVES_PER_POINT * size * size)

    def server(self) -> GtpServer:
        """A GTP server with this engine's commands."""
        return GtpServer(self.commands())

    def commands(self) -> dict[str, Handler]:
        """The Go commands, by GTP name (the protocol's own are the server's)."""
        return {
            "name": lambda args: self.name,
            "version": lambda args: f"{__version__} {self.player.name}",
            "boardsize": self.boardsize,
            "clear_board": self.clear_board,
            "komi": self.set_komi,
            "play": self.play,
            "genmove": self.genmove,
            "undo": self.undo,
            "showboard": self.showboard,
            "final_score": self.final_score,
            "time_settings": self.time_settings,
            "time_left": self.time_left,
            "fixed_handicap": self.fixed_handicap,
            "set_free_handicap": self.set_free_handicap,
            "loadsgf": self.loadsgf,
        }

    # ------------------------------------------------------------------ words to moves

    def vertex(self, word: str) -> int:
        """The action of a vertex (``C3``, ``pass``) on this board."""
        if word.lower() == "pass":
            return self.board.pass_action
        match = VERTEX.fullmatch(word)
        if match is None:
            raise GtpError("syntax error")
        try:
            return self.board.parse(word)
        except ValueError:  # in GTP's grammar, but off this board
            raise GtpError("illegal move") from None

    # ------------------------------------------------------------------ setting up

    def boardsize(self, args: list[str]) -> str:
        (word,) = arguments(args, 1)
        size = parse_int(word)
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise GtpError("unacceptable size")
        try:
            self.player.prepare(size, self.komi, self.ko_rule)
        except ValueError:
            raise GtpError("unacceptable size") from None
        self.size = size
        return self.clear_board([])

    def clear_board(self, args: list[str]) -> str:
        arguments(args, 0)
        self.board = self._new_board(self.size)
        self.undo_points = []
        return ""

    def set_komi(self, args: list[str]) -> str:
        (word,) = arguments(args, 1)
        self.komi = parse_float(word)
        self.board.komi = self.komi  # the score reads it; nothing else on the board depends on it
        return ""

    def _check_empty(self) -> None:
        if self.board.move_number or self.board.num_stones:
            raise GtpError("board not empty")

    def fixed_handicap(self, args: list[str]) -> str:
        (word,) = arguments(args, 1)
        stones = parse_int(word)
        self._check_empty()
        try:
            points = fixed_handicap(self.size, stones)
        except ValueError:
            raise GtpError("invalid number of stones") from None
        self.board.place_setup_stones(points)
        return " ".join(self.board.describe(p) for p in points)

    def set_free_handicap(self, args: list[str]) -> str:
        self._check_empty()
        board = self.board
        try:
            points = [self.vertex(word) for word in args]
        except GtpError:
            raise GtpError("bad vertex list") from None
        if not 2 <= len(points) < board.num_points or board.pass_action in points:
            raise GtpError("bad vertex list")
        try:
            board.place_setup_stones(points)
        except ValueError:
            raise GtpError("bad vertex list") from None
        return ""

    def loadsgf(self, args: list[str]) -> str:
        if len(args) not in (1, 2):
            raise GtpError("syntax error")
        move_number = parse_int(args[1]) if len(args) == 2 else None
        try:
            record = Path(args[0]).read_bytes()
            size = load_sgf(record, ko_rule=self.ko_rule).size
            board = load_sgf(record, ko_rule=self.ko_rule, max_moves=MOVES_PER_POINT * size * size)
            self.player.prepare(board.size, board.komi, self.ko_rule)
        except (OSError, ValueError):
            raise GtpError("cannot load file") from None
        played = board.move_number
        if move_number is not None:  # the position before move ``move_number`` was played
            board.rewind(min(played, max(move_number - 1, 0)))
        self.board, self.size, self.komi = board, board.size, board.komi
        self.undo_points = list(range(board.move_number))
        return "black" if board.to_play == BLACK else "white"

    # ------------------------------------------------------------------ playing

    def _give_turn(self, color: int) -> None:
        """Make ``color`` the side to move, recording a pass for the other side if needed."""
        board = self.board
        if board.to_play != color:
            board.play(board.pass_action)

    def play(self, args: list[str]) -> str:
        color_word, vertex_word = arguments(args, 2)
        color = parse_color(color_word)
        action = self.vertex(vertex_word)
        board = self.board
        if board.is_over():
            raise GtpError("illegal move")
        before = board.move_number
        self._give_turn(color)
        if not board.is_legal(action):
            if board.move_number != before:
                board.rewind(before)  # the pass recorded for the other side goes too
            raise GtpError("illegal move")
        board.play(action)
        self.undo_points.append(before)
        return ""

    def genmove(self, args: list[str]) -> str:
        (color_word,) = arguments(args, 1)
        color = parse_color(color_word)
        board = self.board
        if board.is_over():
            return "pass"
        before = board.move_number
        self._give_turn(color)
        if board.is_over():  # the pass given for the other side ended the game
            board.rewind(before)
            return "pass"
        seconds = self.clock.budget(color, board.num_points - board.num_stones)
        action = self.player.choose(board, seconds)
        if action is None:
            if board.move_number != before:
                board.rewind(before)
            return "resign"
        if not board.is_legal(action):
            action = board.pass_action
        board.play(action)
        self.undo_points.append(before)
        return board.describe(action)

    def undo(self, args: list[str]) -> str:
        arguments(args, 0)
        if not self.undo_points:
            raise GtpError("cannot undo")
        self.board.rewind(self.undo_points.pop())
        return ""

    # ------------------------------------------------------------------ the clock

    def time_settings(self, args: list[str]) -> str:
        words = arguments(args, 3)
        main_time, byo_yomi_time, stones = parse_float(words[0]), parse_float(words[1]), parse_int(words[2])
        if main_time < 0 or byo_yomi_time < 0:
            raise GtpError("syntax error")
        self.clock.set(main_time, byo_yomi_time, stones)
        return ""

    def time_left(self, args: list[str]) -> str:
        color_word, seconds, stones = arguments(args, 3)
        self.clock.report(parse_color(color_word), parse_float(seconds), parse_int(stones))
        return ""

    # ------------------------------------------------------------------ reading the board

    def showboard(self, args: list[str]) -> str:
        arguments(args, 0)
        board = self.board
        to_play = "black" if board.to_play == BLACK else "white"
        return "\n".join(
            [
                "",
                str(board),
                f"black (X) has captured {board.captures[BLACK]} stones",
                f"white (O) has captured {board.captures[WHITE]} stones",
                f"move {board.move_number}, {'game over' if board.is_over() else to_play + ' to play'}",
            ]
        )

    def final_score(self, args: list[str]) -> str:
        arguments(args, 0)
        return result_text(self.board)
