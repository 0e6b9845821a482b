"""A client for GNU Go's Go Text Protocol mode (``gnugo --mode gtp``).

GNU Go serves two purposes in rldojo: an opponent of known strength, and, in the
tests, an independent oracle for the rules. Every call has a timeout; the process is
ended on :meth:`GnuGo.close`, when the client is garbage collected, and at interpreter
exit, and it is always waited for, so no zombie is left behind.

>>> with GnuGo(size=5, level=1) as gnugo:
...     gnugo.play("black", "C3")
...     reply = gnugo.genmove("white")
"""

from __future__ import annotations

import atexit
import contextlib
import os
import selectors
import shutil
import subprocess
import time
import weakref

DEFAULT_TIMEOUT = 30.0
INSTALL_HINT = (
    "GNU Go was not found on PATH nor in /usr/games. Install it with `sudo apt-get install gnugo` "
    "(Debian/Ubuntu), `brew install gnu-go` (macOS), or pass executable= to GnuGo"
)

# Live clients, so that atexit can close what the user forgot to.
_LIVE: weakref.WeakSet[GnuGo] = weakref.WeakSet()


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

    :param size: board size (GNU Go takes 1 to 19)
    :param komi: komi given to white
    :param level: GNU Go's strength, 0 (weakest, fastest) to 10
    :param chinese_rules: area scoring, as rldojo scores (True by default)
    :param capture_all_dead: GNU Go removes dead stones by capturing them before it passes
        (True by default): Tromp–Taylor scoring, rldojo's, counts every stone left on the
        board, so without this GNU Go passes early and loses games it has won
    :param ko_rule: ``"simple"`` (GNU Go's default) or ``"positional_superko"``
    :param timeout: seconds allowed for any one command
    :param executable: a gnugo binary to use instead of searching for one
    :param seed: GNU Go's random seed, for reproducible games
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
        if not 0 <= int(level) <= 10:
            raise ValueError(f"level must be from 0 to 10, got {level!r}")
        if not 1 <= int(size) <= 19:
            raise ValueError(f"size must be from 1 to 19 for GNU Go, got {size!r}")
        self.size = int(size)
        self.komi = float(komi)
        self.level = int(level)
        self.timeout = float(timeout)
        self.path = find_gnugo(executable)
        args = [self.path, "--mode", "gtp", "--level", str(self.level)]
        if chinese_rules:
            args.append("--chinese-rules")
        if capture_all_dead:
            args.append("--capture-all-dead")
        if ko_rule == "positional_superko":
            args.append("--positional-superko")
        elif ko_rule != "simple":
            raise ValueError(f"ko_rule must be 'simple' or 'positional_superko', got {ko_rule!r}")
        if seed is not None:
            args += ["--seed", str(int(seed))]
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

        :raises GTPError: if any command fails (the first failure is reported)
        """
        if self._process is None:
            raise GTPError("this GNU Go client is closed")
        if not lines:
            return []
        payload = "".join(line.strip() + "\n" for line in lines).encode()
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
                    failure = f"GNU Go refused {line.strip()!r}: {reply.lstrip('? ').strip()}"
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
        """Play ``vertex`` (``C3`` or ``pass``) for ``color`` (``black`` or ``white``)."""
        self.command(f"play {color} {vertex}")

    def genmove(self, color: str) -> str:
        """GNU Go's move for ``color``, played on its board: a vertex, ``PASS`` or ``resign``."""
        return self.command(f"genmove {color}")

    def reg_genmove(self, color: str) -> str:
        """GNU Go's move for ``color`` without playing it."""
        return self.command(f"reg_genmove {color}")

    def list_stones(self, color: str) -> list[str]:
        """The vertices of ``color``'s stones."""
        return self.command(f"list_stones {color}").split()

    def is_legal(self, color: str, vertex: str) -> bool:
        return self.command(f"is_legal {color} {vertex}") == "1"

    def final_score(self) -> str:
        return self.command("final_score")

    # ------------------------------------------------------------------ lifetime

    @property
    def closed(self) -> bool:
        return self._process is None

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
