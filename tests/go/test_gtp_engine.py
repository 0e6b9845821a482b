"""``rldojo gtp``: a scripted session checked byte for byte, and a game against GNU Go through a small referee.

The engine runs as a subprocess, the way GoGui, Sabaki and referees run it. The simple
``greedy`` player keeps the session's moves predictable: it takes the largest capture.
"""

import os
import selectors
import subprocess
import sys
import time

import pytest

from rldojo import __version__
from rldojo.envs.go.board import BLACK, GoBoard, fixed_handicap
from rldojo.envs.go.gtp import GnuGo, gnugo_available
from rldojo.gtp.clock import Clock
from rldojo.gtp.engine import GoEngine
from rldojo.gtp.protocol import parse_command, reply

ON_CI = os.environ.get("CI", "").lower() == "true"
ENGINE = [sys.executable, "-m", "rldojo.cli", "gtp"]

COMMANDS = [  # list_commands, sorted
    *("boardsize", "clear_board", "final_score", "fixed_handicap", "genmove", "known_command", "komi"),
    *("list_commands", "loadsgf", "name", "play", "protocol_version", "quit", "set_free_handicap", "showboard"),
    *("time_left", "time_settings", "undo", "version"),
]


def require_gnugo():
    if gnugo_available():
        return
    if ON_CI:
        pytest.fail("GNU Go is required on CI (CI=true) but was not found")
    pytest.skip("GNU Go is not installed (apt-get install gnugo)")


def diagram(rows: list[str], black: int, white: int, status: str) -> str:
    """showboard's reply text: the board with column letters, then the captures and whose move it is."""
    size = len(rows)
    lines = ["", "   " + " ".join("ABCDEFGHJ"[:size])]
    lines += [f"{size - r:2d} " + " ".join(row) for r, row in enumerate(rows)]
    lines += [f"black (X) has captured {black} stones", f"white (O) has captured {white} stones", status]
    return "\n".join(lines)


def session(record_path: str) -> list[tuple[str, str | None]]:
    """(command line, the exact reply) in order; None where the line gets no reply."""
    after_capture = diagram(
        [".....", "...X.", "..X.X", "O..X.", "O...."], black=1, white=0, status="move 7, white to play"
    )
    return [
        ("1 protocol_version", "=1 2\n\n"),
        ("name", "= rldojo\n\n"),
        ("version", f"= {__version__} greedy\n\n"),
        ("known_command genmove", "= true\n\n"),
        ("known_command fly", "= false\n\n"),
        ("list_commands", "= " + "\n".join(COMMANDS) + "\n\n"),
        ("2 fly", "?2 unknown command\n\n"),
        ("boardsize 26", "? unacceptable size\n\n"),
        ("boardsize five", "? syntax error\n\n"),
        ("boardsize 5", "= \n\n"),
        ("komi 6.5", "= \n\n"),
        ("komi lots", "? syntax error\n\n"),
        ("play black C3", "= \n\n"),
        ("play white C3", "? illegal move\n\n"),  # occupied
        ("play white F1", "? illegal move\n\n"),  # off a 5x5 board
        ("play white I2", "? syntax error\n\n"),  # GTP has no column I
        ("play purple D3", "? syntax error\n\n"),
        ("play white", "? syntax error\n\n"),
        ("3 play w D3", "=3 \n\n"),
        ("play B d4", "= \n\n"),
        ("play W a1", "= \n\n"),
        ("play b d2", "= \n\n"),
        ("play w a2", "= \n\n"),
        ("genmove black", "= E3\n\n"),  # the only capture: D3's last liberty
        ("showboard", f"= {after_capture}\n\n"),
        ("play white D3", "? illegal move\n\n"),  # suicide
        ("showboard", f"= {after_capture}\n\n"),  # unchanged by the illegal moves
        ("final_score", "= W+3.5\n\n"),  # black 4 stones + D3, white 2 stones, komi 6.5
        ("undo", "= \n\n"),
        ("play white E3", "= \n\n"),  # out of turn: black's turn is passed
        (
            "showboard",
            "= " + diagram([".....", "...X.", "..XOO", "O..X.", "O...."], 0, 0, "move 8, black to play") + "\n\n",
        ),
        ("undo", "= \n\n"),  # white's move and the pass go together
        ("genmove b", "= E3\n\n"),
        ("time_settings 300 30 5", "= \n\n"),
        ("time_settings 300 30", "? syntax error\n\n"),
        ("time_left white 120 0", "= \n\n"),
        ("time_left white lots 0", "? syntax error\n\n"),
        ("fixed_handicap 2", "? board not empty\n\n"),
        ("clear_board", "= \n\n"),
        ("fixed_handicap 2", "? invalid number of stones\n\n"),  # none on 5x5
        ("boardsize 9", "= \n\n"),
        ("fixed_handicap 10", "? invalid number of stones\n\n"),
        ("fixed_handicap 3", "= C7 G7 C3\n\n"),
        ("undo", "? cannot undo\n\n"),
        ("clear_board", "= \n\n"),
        ("set_free_handicap A1", "? bad vertex list\n\n"),
        ("set_free_handicap A1 A1", "? bad vertex list\n\n"),
        ("set_free_handicap A1 pass", "? bad vertex list\n\n"),
        ("set_free_handicap A1 Z9", "? bad vertex list\n\n"),
        ("set_free_handicap A1 J9", "= \n\n"),
        ("play b E5", "= \n\n"),  # white is to move after a handicap: white's turn is passed
        (
            "showboard",
            "= "
            + diagram(
                [
                    "........X",
                    ".........",
                    ".........",
                    ".........",
                    "....X....",
                    ".........",
                    ".........",
                    ".........",
                    "X........",
                ],
                0,
                0,
                "move 2, white to play",
            )
            + "\n\n",
        ),
        (f"loadsgf {record_path}", "= white\n\n"),
        (f"loadsgf {record_path} 3", "= black\n\n"),  # the position before move 3
        (
            "showboard",
            "= " + diagram([".....", ".....", "..X..", "...O.", "....."], 0, 0, "move 2, black to play") + "\n\n",
        ),
        ("final_score", "= W+0.5\n\n"),  # one stone each, no territory, and the record's komi, 0.5
        ("loadsgf /no/such/file.sgf", "? cannot load file\n\n"),
        ("# a comment line", None),
        ("", None),
        ("4 na\x01me\t# a tab, a control character and a comment", "=4 rldojo\n\n"),
        ("quit", "= \n\n"),
        ("name", None),  # after quit: no reply, the engine has ended
    ]


def test_a_scripted_session_gets_the_exact_replies(tmp_path):
    record = tmp_path / "three-moves.sgf"
    record.write_bytes(b"(;FF[4]GM[1]SZ[5]KM[0.5];B[cc];W[dd];B[dc])")
    script = session(str(record))
    stdin = "".join(line + "\n" for line, _ in script)
    done = subprocess.run(
        [*ENGINE, "--engine", "greedy", "--seed", "0", "--size", "5"],
        input=stdin.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    output = done.stdout.decode()
    for line, expected in script:
        if expected is None:
            continue
        assert output.startswith(expected), f"command {line!r}: expected {expected!r}, got {output[:300]!r}"
        output = output[len(expected) :]
    assert output == ""  # nothing after quit, nothing unasked


def test_protocol_lines_and_replies():
    command = parse_command("12 play\tb  C3  # a move")
    assert (command.id, command.name, command.arguments) == (12, "play", ["b", "C3"])
    assert parse_command("# only a comment") is None and parse_command(" \r") is None
    assert parse_command("gen\x7fmove b").name == "genmove"  # control characters are dropped
    assert reply(None, "") == "= \n\n" and reply(5, "illegal move", success=False) == "?5 illegal move\n\n"
    # A reply never holds a blank line before its end (a diagram may start on the next line).
    assert reply(None, "\nrow 1\n\nrow 2") == "= \nrow 1\nrow 2\n\n"


def test_fixed_handicap_places_the_stones_where_gnugo_does():
    require_gnugo()
    for size in (7, 8, 9, 13, 19):
        with GnuGo(size=size, level=0) as gnugo:
            for stones in range(2, 10):
                try:
                    ours = fixed_handicap(size, stones)
                except ValueError:
                    with pytest.raises(Exception, match="invalid handicap"):
                        gnugo.command(f"fixed_handicap {stones}")
                    continue
                board = GoBoard(size)
                theirs = gnugo.command(f"fixed_handicap {stones}").split()
                assert [board.describe(p) for p in ours] == theirs, (size, stones)
                gnugo.clear()


# --------------------------------------------------------------------------- the clock


class Recorder:
    """A player that plays the first legal point, resigns every third move, and remembers the time it was given."""

    name = "recorder"

    def __init__(self):
        self.seconds = []

    def prepare(self, size, komi, ko_rule):
        if size > 9:
            raise ValueError("too big")

    def choose(self, board, seconds=None):
        self.seconds.append(seconds)
        return None if len(self.seconds) % 3 == 0 else board.legal_actions()[0]


def test_the_move_budget_follows_time_settings_and_time_left():
    player = Recorder()
    server = GoEngine(player, size=5).server()
    for line in ("genmove b", "time_settings 60 0 0", "genmove w", "time_left b 10 5"):
        server.handle(line)
    assert server.handle("genmove b") == "= resign\n\n"
    # No limits; then 60 s absolute over 12 moves (half the 24 empty points); then 10 s for 5 byo-yomi stones.
    assert player.seconds == [None, pytest.approx(0.8 * 60 / 12 - 0.05), pytest.approx(0.8 * 10 / 5 - 0.05)]
    assert server.handle("showboard").endswith("move 2, black to play\n\n")  # the resignation played nothing
    assert server.handle("boardsize 13") == "? unacceptable size\n\n"  # the player cannot play 13x13
    assert Clock(main_time=0, byo_yomi_time=1, byo_yomi_stones=0).budget(BLACK, 25) is None  # GTP's "no limit"
    clock = Clock(main_time=300, byo_yomi_time=30, byo_yomi_stones=5)
    assert clock.budget(BLACK, 81) == pytest.approx(0.8 * (300 / 40 + 30 / 5) - 0.05)


def test_after_two_passes_genmove_passes_without_searching():
    player = Recorder()
    server = GoEngine(player, size=5).server()
    assert [server.handle(line) for line in ("play b pass", "play w pass", "genmove b")] == ["= \n\n"] * 2 + [
        "= pass\n\n"
    ]
    assert player.seconds == [] and server.handle("play b C3") == "? illegal move\n\n"


# --------------------------------------------------------------------------- saved agents and the search


def test_a_saved_agent_plays_through_gtp(tmp_path):
    import gymnasium as gym

    from rldojo.baselines import make_agent
    from rldojo.gtp.command import build_parser, make_engine

    model = make_agent("dqn", gym.make("Go-v0", board_size=5), seed=0).save(tmp_path / "model.pt")
    engine = make_engine(build_parser().parse_args(["--agent", str(model)]))
    server = engine.server()
    assert engine.size == 5  # the agent's size by default
    assert server.handle("boardsize 9") == "? unacceptable size\n\n"
    assert server.handle("version") == f"= {__version__} model.pt\n\n"
    server.handle("play b C3")
    answer = server.handle("genmove w")
    assert answer.startswith("= ") and answer != "= C3\n\n"
    assert engine.board.move_number == 2 and engine.board.history[0] == engine.board.parse("C3")


def test_the_search_plays_through_gtp_with_its_options():
    from rldojo.gtp.command import build_parser, make_engine

    moves = []
    for _ in range(2):
        args = ["--engine", "mcts", "--playouts", "60", "--seed", "3", "--size", "5"]
        engine = make_engine(build_parser().parse_args(args))
        server = engine.server()
        for line in ("play b C3", "play w D3", "play b D4"):
            assert server.handle(line) == "= \n\n"
        answer = server.handle("genmove w")
        search = engine.player.search
        assert search.config.playouts == 60 and search.last_search["simulations"] == 60
        action = engine.board.history[-1]
        assert answer == f"= {engine.board.describe(action)}\n\n" and engine.board.move_number == 4
        moves.append(answer)
    assert moves[0] == moves[1]  # the same seed, the same move


# --------------------------------------------------------------------------- a game against GNU Go


class EngineProcess:
    """``rldojo gtp`` as a subprocess, one command at a time, with a deadline on every reply."""

    def __init__(self, args: list[str]):
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.buffer = b""

    def command(self, line: str, timeout: float = 60.0) -> str:
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while b"\n\n" not in self.buffer:
            assert self.selector.select(max(0.0, deadline - time.monotonic())), f"no reply to {line!r}"
            chunk = os.read(self.process.stdout.fileno(), 65536)
            assert chunk, f"the engine ended during {line!r}"
            self.buffer += chunk
        answer, self.buffer = self.buffer.split(b"\n\n", 1)
        text = answer.decode()
        assert text.startswith("= "), f"{line!r} failed: {text!r}"
        return text[2:]

    def close(self):
        try:
            self.command("quit", timeout=10)
        finally:
            self.process.stdin.close()
            self.process.wait(timeout=10)
            self.process.stdout.close()
            self.selector.close()


def stones_on(showboard: str, size: int) -> dict[str, set[str]]:
    """The stones of a showboard diagram, by colour, as GTP vertices."""
    found = {"black": set(), "white": set()}
    for line in showboard.splitlines()[2 : 2 + size]:
        number, *cells = line.split()
        for column, cell in zip("ABCDEFGHJ"[:size], cells, strict=True):
            if cell in "XO":
                found["black" if cell == "X" else "white"].add(f"{column}{number}")
    return found


def test_games_against_gnugo_keep_both_boards_equal():
    require_gnugo()
    size = 5
    engine = EngineProcess([*ENGINE, "--engine", "greedy", "--seed", "1", "--size", str(size)])
    try:
        with GnuGo(size=size, komi=7.5, level=0, ko_rule="positional_superko", timeout=10) as gnugo:
            for engine_color in ("black", "white"):  # a game with each colour
                engine.command("clear_board")
                engine.command("komi 7.5")
                gnugo.clear()
                color, passes, moves = "black", 0, 0
                while passes < 2 and moves < 60:
                    if color == engine_color:
                        move = engine.command(f"genmove {color}", timeout=30)
                        gnugo.play(color, move)
                    else:
                        move = gnugo.genmove(color)
                        if move.lower() == "resign":
                            break
                        engine.command(f"play {color} {move}")
                    passes = passes + 1 if move.lower() == "pass" else 0
                    moves += 1
                    ours = stones_on(engine.command("showboard"), size)
                    theirs = {c: set(gnugo.list_stones(c)) for c in ("black", "white")}
                    assert ours == theirs, f"engine {engine_color}, move {moves} ({color} {move})"
                    color = "white" if color == "black" else "black"
                assert moves >= 10
    finally:
        engine.close()
    assert engine.process.returncode == 0
