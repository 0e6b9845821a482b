"""A client for GNU Go's Go Text Protocol mode (``gnugo --mode gtp``).

GNU Go serves two purposes in rldojo: an opponent of known strength, and, in the
tests, an independent oracle for the rules. Every call has a timeout; the process is
ended on :meth:`GnuGo.close`, when the client is garbage collected, and at interpreter
exit, and it is always waited for, so no zombie is left behind.

Nothing a caller passes can put a second command on the stream: colours and vertices are
checked against GTP's grammar, and every command line is checked, in one place
(:meth:`GnuGo.commands`), to be one line of printable text before anything is sent.

>>> with GnuGo(size=5, level=1) as gnugo:
...     gnugo.play("black", "C3")
...     reply = gnugo.genmove("white")
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import selectors
import shutil
import subprocess
import time
import weakref
from typing import Any

from rldojo.envs.go.board import COLUMNS, KO_RULES
from rldojo.envs.options import check_choice, check_integer, check_number

DEFAULT_TIMEOUT = 30.0
INSTALL_HINT = (
    "GNU Go was not found on PATH nor in /usr/games. Install it with `sudo apt-get install gnugo` "
    "(Debian/Ubuntu), `brew install gnu-go` (macOS), or pass executable= to GnuGo"
)

# Live clients, so that atexit can close what the user forgot to.
_LIVE: weakref.WeakSet[GnuGo] = weakref.WeakSet()

# GTP's board sizes; GNU Go itself refuses sizes above the one it was built for (19 usually).
GTP_MIN_SIZE, GTP_MAX_SIZE = 2, 25
COLORS = {"black": "black", "b": "black", "white": "white", "w": "white"}
# A GTP vertex: a column letter (A to Z without I) and a row number, checked against the size apart.
_VERTEX = re.compile(r"([A-HJ-Z])([1-9][0-9]?)")


def gtp_color(color: Any) -> str:
    """``color`` as GTP's ``black`` or ``white``, from ``black``, ``white``, ``b`` or ``w`` in any case.

    :raises ValueError: naming the allowed values and the value given
    """
    if isinstance(color, str):
        name = COLORS.get(color.lower())
        if name is not None:
            return name
    raise ValueError(f"color must be one of 'black', 'white', 'b', 'w' (in any case), got {color!r}")


def gtp_vertex(vertex: Any, size: int) -> str:
    """``vertex`` as a GTP vertex of a ``size`` board (``C3``, upper case) or ``pass``.

    :raises ValueError: naming the allowed values and the value given; whitespace and
        control characters are never part of a vertex
    """
    if isinstance(vertex, str) and vertex.isascii():
        text = vertex.upper()
        if text == "PASS":
            return "pass"
        match = _VERTEX.fullmatch(text)
        if match and COLUMNS.index(match[1]) < size and int(match[2]) <= size:
            return text
    raise ValueError(
        f"vertex must be 'pass' or a column A to {COLUMNS[size - 1]} (no I) followed by a row 1 to {size}, "
        f"such as 'C3', on a {size}x{size} board; got {vertex!r}"
    )


def check_command(line: Any) -> str:
    """``line`` stripped, if it is one GTP command: printable ASCII, no newline nor control character.

    Refused too: a line that is empty or only a comment, since GTP engines answer nothing to
    it and every later reply would be matched to the wrong command.
    """
    if isinstance(line, str) and line.isascii() and line.isprintable() and line.split("#", 1)[0].strip():
        return line.strip()
    raise ValueError(
        "command must be one GTP command line: printable ASCII text, no newline or other control "
        f"character, not empty nor only a comment; got {line!r}"
    )


class GTPError(RuntimeError):
    """GNU Go answered a command with an error, or did not answer in time."""


def find_gnugo(executable: str | None = None) -> str:
    """The path of the gnugo executable: ``executable`` if given, else PATH, else /usr/games.

    :raises FileNotFoundError: with the install command, when there is none
    """
    if executable is not None:
        found = shutil.which(executable)
        if found is None:
            raise FileNotFoundError(f"{executable!r} is not an executable. {INSTALL_HINT}")
        return found
    found = shutil.which("gnugo")
    if found is None and os.access("/usr/games/gnugo", os.X_OK):
        found = "/usr/games/gnugo"
    if found is None:
        raise FileNotFoundError(INSTALL_HINT)
    return found


def gnugo_available() -> bool:
    """Whether GNU Go can be found."""
    try:
        find_gnugo()
    except FileNotFoundError:
        return False
    return True


class GnuGo:
    """One GNU Go process spoken to in GTP.

    :param size: board size, an integer from 2 to 25 (GTP's sizes; GNU Go usually takes up to 19)
    :param komi: komi given to white, a finite number
    :param level: GNU Go's strength, an integer from 0 (weakest, fastest) to 10
    :param chinese_rules: area scoring, as rldojo scores (True by default)
    :param capture_all_dead: GNU Go removes dead stones by capturing them before it passes
        (True by default): Tromp–Taylor scoring, rldojo's, counts every stone left on the
        board, so without this GNU Go passes early and loses games it has won
    :param ko_rule: ``"simple"`` (GNU Go's default) or ``"positional_superko"``
    :param timeout: seconds allowed for any one command, a positive finite number
    :param executable: a gnugo binary to use instead of searching for one
    :param seed: GNU Go's random seed (a non-negative integer), for reproducible games; None for GNU Go's own
    """

    def __init__(
        self,
        size: int = 9,
        komi: float = 7.5,
        level: int = 1,
        chinese_rules: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        executable: str | None = None,
        seed: int | None = 0,
        capture_all_dead: bool = True,
        ko_rule: str = "simple",
    ):
        self._process: subprocess.Popen | None = None  # so that close() works if a check below fails
        self.size = check_integer("size", size, GTP_MIN_SIZE, GTP_MAX_SIZE)
        self.komi = check_number("komi", komi)
        self.level = check_integer("level", level, 0, 10)
        self.timeout = check_number("timeout", timeout, positive=True)
        check_choice("ko_rule", ko_rule, KO_RULES)
        if seed is not None:
            seed = check_integer("seed", seed, 0)
        self.path = find_gnugo(executable)
        args = [self.path, "--mode", "gtp", "--level", str(self.level)]
        if chinese_rules:
            args.append("--chinese-rules")
        if capture_all_dead:
            args.append("--capture-all-dead")
        if ko_rule == "positional_superko":
            args.append("--positional-superko")
        if seed is not None:
            args += ["--seed", str(seed)]
        self._process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0
        )
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._process.stdout, selectors.EVENT_READ)
        self._buffer = b""
        _LIVE.add(self)
        try:
            self.command(f"boardsize {self.size}")
            self.command("clear_board")
            self.command(f"komi {self.komi}")
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ protocol

    def _read_reply(self, deadline: float) -> str:
        """One GTP reply (up to the blank line that ends it), raw."""
        while b"\n\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise GTPError(f"GNU Go did not answer within {self.timeout} s")
            if not self._selector.select(remaining):
                continue
            chunk = os.read(self._process.stdout.fileno(), 65536)
            if not chunk:
                self.close()
                raise GTPError("GNU Go exited unexpectedly")
            self._buffer += chunk.replace(b"\r", b"")
        reply, self._buffer = self._buffer.split(b"\n\n", 1)
        return reply.decode()

    def commands(self, lines: list[str]) -> list[str]:
        """Send several commands at once and return their answers in order (one round trip).

        Every line is checked before anything is sent (:func:`check_command`): one that
        would put a second command on the stream, or none, is refused and nothing is sent.

        :raises ValueError: for a line that is not exactly one command
        :raises GTPError: if any command fails (the first failure is reported)
        """
        lines = [check_command(line) for line in lines]
        if self._process is None:
            raise GTPError("this GNU Go client is closed")
        if not lines:
            return []
        payload = "".join(line + "\n" for line in lines).encode()
        try:
            self._process.stdin.write(payload)
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            self.close()
            raise GTPError(f"GNU Go is not running: {error}") from error
        deadline = time.monotonic() + self.timeout
        answers, failure = [], None
        for line in lines:
            reply = self._read_reply(deadline).strip()
            if reply.startswith("="):
                answers.append(reply[1:].strip())
            else:
                answers.append(None)
                if failure is None:
                    failure = f"GNU Go refused {line!r}: {reply.lstrip('? ').strip()}"
        if failure is not None:
            raise GTPError(failure)
        return answers

    def command(self, line: str) -> str:
        """Send one GTP command and return GNU Go's answer (without the ``=``)."""
        return self.commands([line])[0]

    # ------------------------------------------------------------------ the game

    def clear(self) -> None:
        """An empty board."""
        self.command("clear_board")

    def play(self, color: str, vertex: str) -> None:
        """Play ``vertex`` (``C3`` or ``pass``) for ``color`` (``black``, ``white``, ``b`` or ``w``)."""
        self.command(f"play {gtp_color(color)} {gtp_vertex(vertex, self.size)}")

    def genmove(self, color: str) -> str:
        """GNU Go's move for ``color``, played on its board: a vertex, ``PASS`` or ``resign``."""
        return self.command(f"genmove {gtp_color(color)}")

    def reg_genmove(self, color: str) -> str:
        """GNU Go's move for ``color`` without playing it."""
        return self.command(f"reg_genmove {gtp_color(color)}")

    def list_stones(self, color: str) -> list[str]:
        """The vertices of ``color``'s stones."""
        return self.command(f"list_stones {gtp_color(color)}").split()

    def is_legal(self, color: str, vertex: str) -> bool:
        return self.command(f"is_legal {gtp_color(color)} {gtp_vertex(vertex, self.size)}") == "1"

    def final_score(self) -> str:
        return self.command("final_score")

    # ------------------------------------------------------------------ lifetime

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called, or a failure closed the client."""
        return self._process is None

    @property
    def alive(self) -> bool:
        """Whether the client is open and its process still runs (False once it died, even unnoticed)."""
        return self._process is not None and self._process.poll() is None

    def close(self) -> None:
        """End the process and wait for it; safe to call more than once."""
        process = getattr(self, "_process", None)
        if process is None:
            return
        self._process = None
        with contextlib.suppress(Exception):
            self._selector.close()
        try:
            if process.poll() is None:
                try:
                    process.stdin.write(b"quit\n")
                    process.stdin.flush()
                except (BrokenPipeError, OSError, ValueError):
                    pass
                try:
                    process.wait(timeout=1.0)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5.0)
        finally:
            for stream in (process.stdin, process.stdout):
                with contextlib.suppress(Exception):
                    stream.close()
            _LIVE.discard(self)

    def __enter__(self) -> GnuGo:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        # a plain try, not contextlib.suppress: at interpreter exit this module's globals may already be gone
        try:  # noqa: SIM105
            self.close()
        except Exception:
            pass


@atexit.register
def _close_all() -> None:
    for client in list(_LIVE):
        client.close()
