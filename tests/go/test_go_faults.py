"""Go that cannot be hijacked, corrupted or played past its end.

Bad actions, bad GTP arguments and commands, an opponent that dies, times out or answers
nonsense mid-game, play before reset and after the end, and options that would make
``reset()`` return a finished game or rewards of nan. Each row asserts the exception type
and that the message names what was wrong. Tests that need GNU Go skip without it, except
on CI (CI=true), where they fail.
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from test_go_gnugo import require_gnugo

from rldojo.envs.go import aec
from rldojo.envs.go.board import GoBoard
from rldojo.envs.go.env import GoEnv
from rldojo.envs.go.gtp import GnuGo, check_command, gtp_color, gtp_vertex
from rldojo.envs.go.opponents import GnuGoOpponent, OpponentError

BAD_ACTIONS = [2.5, 12.0, "12", None, True, np.float32(12), np.array([12]), np.array(12.0), 26, -1, [12]]


def board_state(board: GoBoard) -> tuple:
    """Everything a position is made of, for comparing before and after."""
    return (
        list(board.points),
        list(board.history),
        board.to_play,
        board.move_number,
        board.hash,
        dict(board.captures),
        board.ko_point,
        board.consecutive_passes,
        board.last_move,
        board.is_over(),
        board.legal_mask().tolist(),
        sorted(board.chain_of[p].hash if board.chain_of[p] else 0 for p in range(board.num_points)),
    )


def play_random(env: GoEnv, info: dict, rng: np.random.Generator, steps: int) -> tuple[dict, bool]:
    """Up to ``steps`` random legal non-pass moves; returns the last info and whether the game ended."""
    for _ in range(steps):
        legal = np.flatnonzero(info["action_mask"][:-1])
        action = int(rng.choice(legal)) if len(legal) else env.board.pass_action
        _obs, _reward, terminated, _truncated, info = env.step(action)
        if terminated:
            return info, True
    return info, False


def play_to_the_end(env: GoEnv, info: dict, rng: np.random.Generator) -> dict:
    done = False
    while not done:
        legal = np.flatnonzero(info["action_mask"])
        _obs, _reward, done, _truncated, info = env.step(int(rng.choice(legal)))
    return info


# --------------------------------------------------------------------------- actions


@pytest.mark.parametrize("action", BAD_ACTIONS, ids=repr)
def test_go_v0_refuses_actions_outside_its_space_and_changes_nothing(action):
    env = GoEnv(board_size=5, illegal_action="lose")  # even "lose" does not forfeit on a non-action
    env.reset(seed=0)
    env.step(12)
    before = board_state(env.board)
    with pytest.raises(ValueError, match=r"action must be an integer.*Discrete\(26\)") as caught:
        env.step(action)
    assert repr(action) in str(caught.value)
    assert board_state(env.board) == before
    env.step(np.int64(13))  # numpy integers and 0-d integer arrays are actions
    env.step(np.array(14))
    assert env.board.history[2::2] == [13, 14]


@pytest.mark.parametrize("action", BAD_ACTIONS, ids=repr)
def test_aec_refuses_actions_outside_its_space_and_changes_nothing(action):
    env = aec.raw_env(board_size=5, illegal_action="lose")
    env.reset()
    env.step(12)
    before = (board_state(env.board), env.agent_selection, dict(env.rewards), dict(env._cumulative_rewards))
    with pytest.raises(ValueError, match=r"action must be an integer.*Discrete\(26\)") as caught:
        env.step(action)
    assert repr(action) in str(caught.value)
    if action is None:
        assert "None only for an agent that is done" in str(caught.value)
    after = (board_state(env.board), env.agent_selection, dict(env.rewards), dict(env._cumulative_rewards))
    assert after == before
    env.step(np.int64(13))
    assert env.board.history == [12, 13]


# --------------------------------------------------------------------------- before reset, after the end


def test_step_before_reset_is_refused():
    env = GoEnv(board_size=5)
    with pytest.raises(RuntimeError, match=r"call reset\(\) before step\(\)"):
        env.step(12)
    assert env.board.history == []
    raw = aec.raw_env(board_size=5)
    with pytest.raises(RuntimeError, match=r"call reset\(\) before step\(\)"):
        raw.step(12)
    assert raw.board.history == []


@pytest.mark.parametrize("illegal_action", ["raise", "lose", "pass"])
def test_go_v0_refuses_steps_after_the_end_until_reset(illegal_action):
    env = GoEnv(board_size=3, komi=0.5, illegal_action=illegal_action, opponent=lambda board: board.pass_action)
    env.reset(seed=0)
    _obs, reward, terminated, _truncated, _info = env.step(9)  # black passes, white passes: over
    assert terminated and reward == -1.0
    for action in (13, 9, 4):
        with pytest.raises(RuntimeError, match=r"game is over: call reset\(\)"):
            env.step(action)
    env.reset(seed=0)
    assert env.step(4)[2] is False


def test_go_v0_refuses_steps_after_a_forfeit_until_reset():
    env = GoEnv(board_size=3, illegal_action="lose")
    env.reset(seed=0)
    env.step(4)
    before = board_state(env.board)
    _obs, reward, terminated, _truncated, info = env.step(4)  # occupied: the agent forfeits
    assert (reward, terminated, info["forfeit"]) == (-1.0, True, True)
    for action in (0, 9, 13):
        with pytest.raises(RuntimeError, match=r"game is over: call reset\(\)"):
            env.step(action)
    assert board_state(env.board) == before
    assert env.action_masks().tolist() == [0] * 9 + [1]
    env.reset(seed=0)
    assert env.board.history == []
    assert env.step(4)[2] is False


def test_aec_after_the_end_takes_only_the_dead_steps_then_refuses():
    env = aec.raw_env(board_size=3, illegal_action="lose")
    env.reset()
    env.step(4)
    env.step(4)  # white plays on black's stone: white forfeits
    assert all(env.terminations.values()) and env.rewards == {"black": 1.0, "white": -1.0}
    agent = env.agent_selection
    with pytest.raises(ValueError, match=rf"the game is over and '{agent}' is done.*None.*got action 13"):
        env.step(13)
    env.step(None)
    env.step(None)
    assert env.agents == []
    for action in (None, 13):
        with pytest.raises(RuntimeError, match=r"game is over: call reset\(\)"):
            env.step(action)
    env.reset()
    env.step(4)
    assert env.board.history == [4]


def test_aec_api_test_still_passes_with_the_dead_steps():
    from pettingzoo.test import api_test

    api_test(aec.env(board_size=3, illegal_action="lose", max_moves=4), num_cycles=60)


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize("agent_color", ["white", "random"])
def test_max_moves_that_would_end_the_game_in_reset_is_refused(agent_color):
    with pytest.raises(ValueError, match=r"max_moves must be at least 2 .*agent_color=.*opponent then moves first"):
        GoEnv(board_size=3, agent_color=agent_color, max_moves=1)
    env = GoEnv(board_size=3, agent_color=agent_color, max_moves=2)
    for seed in range(4):
        _obs, info = env.reset(seed=seed)
        assert not env.board.is_over() and info["action_mask"].any()
        _obs, _reward, terminated, _truncated, _info = env.step(env.board.pass_action)
        assert terminated


def test_max_moves_one_is_a_game_of_one_move_for_black():
    env = GoEnv(board_size=3, max_moves=1)
    _obs, info = env.reset(seed=0)
    assert info["action_mask"].sum() == 10
    assert env.step(4)[2] is True


@pytest.mark.parametrize(
    "make",
    [GoBoard, GoEnv, aec.raw_env, lambda **kw: GnuGo(**kw, executable="gnugo-never-started")],
    ids=["GoBoard", "GoEnv", "aec", "GnuGo"],
)
@pytest.mark.parametrize("komi", [float("nan"), float("inf"), -float("inf"), "7.5", True, None])
def test_komi_must_be_a_finite_number(make, komi):
    with pytest.raises(ValueError, match="komi must be a finite number") as caught:
        make(komi=komi)
    assert repr(komi) in str(caught.value)


@pytest.mark.parametrize(
    "make, argument, value",
    [
        (GoBoard, "size", 2.0),
        (GoBoard, "max_moves", True),
        (GoBoard, "max_moves", 0),
        (GoBoard, "max_moves", 3.5),
        (GoEnv, "board_size", True),
        (GoEnv, "board_size", 20),
        (aec.raw_env, "board_size", "5"),
        (aec.raw_env, "max_moves", -1),
    ],
)
def test_sizes_and_move_limits_are_integers(make, argument, value):
    with pytest.raises(ValueError, match=rf"{argument} must be an integer") as caught:
        make(**{argument: value})
    assert repr(value) in str(caught.value)


# --------------------------------------------------------------------------- the GTP client


@pytest.mark.parametrize(
    "argument, value, allowed",
    [
        ("size", 2.7, "an integer from 2 to 25"),
        ("size", "abc", "an integer from 2 to 25"),
        ("size", True, "an integer from 2 to 25"),
        ("size", 1, "an integer from 2 to 25"),
        ("size", 26, "an integer from 2 to 25"),
        ("level", float("nan"), "an integer from 0 to 10"),
        ("level", 1.0, "an integer from 0 to 10"),
        ("level", 11, "an integer from 0 to 10"),
        ("level", -1, "an integer from 0 to 10"),
        ("komi", float("inf"), "a finite number"),
        ("komi", "7.5", "a finite number"),
        ("timeout", -1, "a finite number greater than 0"),
        ("timeout", 0, "a finite number greater than 0"),
        ("timeout", float("inf"), "a finite number greater than 0"),
        ("timeout", float("nan"), "a finite number greater than 0"),
        ("timeout", "30", "a finite number greater than 0"),
        ("seed", 1.5, "an integer of at least 0"),
        ("seed", -1, "an integer of at least 0"),
        ("ko_rule", "japanese", "one of 'positional_superko', 'simple'"),
    ],
)
def test_gnugo_arguments_are_checked_before_any_process_starts(argument, value, allowed):
    # An executable that does not exist: the check must come first, with its own message.
    with pytest.raises(ValueError, match=re.escape(f"{argument} must be {allowed}")) as caught:
        GnuGo(**{argument: value}, executable="gnugo-never-started")
    assert repr(value) in str(caught.value)


@pytest.mark.parametrize(
    "color, expected",
    [("black", "black"), ("WHITE", "white"), ("b", "black"), ("W", "white"), ("Black", "black")],
)
def test_gtp_colors(color, expected):
    assert gtp_color(color) == expected


@pytest.mark.parametrize("color", ["red", "", "black\n", " black", "bl", "black white", None, 1, b"black"])
def test_gtp_colors_refused(color):
    with pytest.raises(ValueError, match=r"color must be one of 'black', 'white', 'b', 'w'") as caught:
        gtp_color(color)
    assert repr(color) in str(caught.value)


@pytest.mark.parametrize(
    "vertex, size, expected",
    [("C3", 5, "C3"), ("e5", 5, "E5"), ("PASS", 5, "pass"), ("Pass", 9, "pass"), ("T19", 19, "T19"), ("J1", 9, "J1")],
)
def test_gtp_vertices(vertex, size, expected):
    assert gtp_vertex(vertex, size) == expected


@pytest.mark.parametrize(
    "vertex",
    [
        "D4\nplay white E5",
        "D4\r",
        "D4 ",
        " D4",
        "D\t4",
        "D4\x00",
        "I3",  # GTP skips I
        "F1",  # off a 5x5 board
        "A6",
        "A0",
        "A04",
        "4D",
        "",
        "p ass",
        "Ｄ4",  # a full-width letter
        "K1",
        None,
        12,
    ],
)
def test_gtp_vertices_refused(vertex):
    with pytest.raises(ValueError, match=r"vertex must be 'pass' or a column A to E \(no I\).* 5x5 board") as caught:
        gtp_vertex(vertex, 5)
    assert repr(vertex) in str(caught.value)


@pytest.mark.parametrize(
    "line",
    [
        "version\nquit",
        "version\r",
        "play black C3\x00",
        "\tversion",
        "version\x7f",
        "",
        "   ",
        "# a comment",
        "vérsion",
        7,
    ],
)
def test_gtp_command_lines_refused(line):
    with pytest.raises(ValueError, match=r"command must be one GTP command line") as caught:
        check_command(line)
    assert repr(line) in str(caught.value)


def test_a_hijacked_vertex_is_refused_and_the_stream_stays_in_sync():
    require_gnugo()
    with GnuGo(size=5, level=0) as gnugo:
        with pytest.raises(ValueError, match="vertex must be"):
            gnugo.play("black", "D4\nplay white E5")
        with pytest.raises(ValueError, match="color must be"):
            gnugo.play("black\nplay white E5", "D4")
        # A bad line in a batch: nothing of the batch is sent.
        with pytest.raises(ValueError, match="command must be one GTP command line"):
            gnugo.commands(["play black C3", "play white D4\nplay white E5"])
        with pytest.raises(ValueError, match="command must be one GTP command line"):
            gnugo.command("# a comment GNU Go would not answer")
        gnugo.play("b", "d4")
        assert gnugo.list_stones("black") == ["D4"]  # the answer to this command, not to a smuggled one
        assert gnugo.list_stones("white") == []
        assert gnugo.is_legal("white", "E5") and not gnugo.is_legal("white", "D4")
        assert gnugo.command("query_boardsize") == "5"


# --------------------------------------------------------------------------- GoBoard.rewind


def test_rewind_restores_every_earlier_position_exactly():
    rng = np.random.default_rng(3)
    for ko_rule in ("positional_superko", "simple"):
        board = GoBoard(5, ko_rule=ko_rule)
        states = [board_state(board)]
        while not board.is_over():
            legal = board.legal_actions()
            board.play(legal[rng.integers(len(legal) - 1)] if len(legal) > 1 else legal[-1])  # no pass
            states.append(board_state(board))
        assert sum(board.captures.values()) > 0  # captures were made and are taken back
        for k in sorted({0, 1, len(states) // 2, len(states) - 2, len(states) - 1}, reverse=True):
            board.rewind(k)
            assert board_state(board) == states[k]
    with pytest.raises(ValueError, match="move_number must be an integer from 0 to 0"):
        board.rewind(3)
    with pytest.raises(ValueError, match="set up from rows"):
        GoBoard.from_rows(["X..", "...", "..."]).rewind(0)


# --------------------------------------------------------------------------- failing opponents


def failing_opponent(fail_at: int, error: Exception | int | float):
    """Plays the first legal point, until move ``fail_at``: then raises ``error`` or returns it as a move."""

    def opponent(board: GoBoard):
        if board.move_number >= fail_at:
            if isinstance(error, Exception):
                raise error
            return error
        return int(np.flatnonzero(board.legal_mask())[0])

    return opponent


@pytest.mark.parametrize(
    "error, message",
    [
        (OSError("the engine's pipe broke"), r"failed: OSError: the engine's pipe broke"),
        (ValueError("no move"), r"failed: ValueError: no move"),
        (2.5, r"failed: ValueError: action must be an integer .*got 2.5"),
        (12, r"chose an illegal move: point C3 is occupied"),
        (99, r"failed: ValueError: action must be an integer .*got 99"),
    ],
)
def test_a_failing_opponent_leaves_the_game_unchanged(error, message):
    env = GoEnv(board_size=5, opponent=failing_opponent(4, error))
    env.reset(seed=0)
    env.step(12)
    env.step(13)
    before = board_state(env.board)
    with pytest.raises(OpponentError, match=message + r".*left unchanged, as it was before this step"):
        env.step(7)
    assert isinstance(OpponentError("x"), RuntimeError)
    assert board_state(env.board) == before
    with pytest.raises(OpponentError):  # still unchanged when tried again
        env.step(7)
    assert board_state(env.board) == before
    env.reset(seed=0)
    assert env.board.history == []


def test_an_opponent_failing_in_reset_starts_no_game():
    env = GoEnv(board_size=5, agent_color="white", opponent=failing_opponent(0, RuntimeError("down")))
    with pytest.raises(OpponentError, match=r"failed: RuntimeError: down\. No game was started.*reset\(\) again"):
        env.reset(seed=0)
    assert board_state(env.board) == board_state(GoBoard(5))
    with pytest.raises(RuntimeError, match=r"call reset\(\) before step\(\)"):
        env.step(12)


def test_keyboard_interrupt_in_the_opponent_passes_through_with_the_move_taken_back():
    def interrupted(board):
        raise KeyboardInterrupt

    env = GoEnv(board_size=5, opponent=interrupted)
    env.reset(seed=0)
    before = board_state(env.board)
    with pytest.raises(KeyboardInterrupt):
        env.step(12)
    assert board_state(env.board) == before


def fake_engine(tmp_path, genmove_line: str, name: str) -> str:
    """A GTP engine that answers everything with success and ``genmove`` with ``genmove_line``.

    ``genmove_line`` is Python run for genmove: it writes a reply, or sleeps.
    """
    script = tmp_path / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        "while True:\n"
        "    line = sys.stdin.readline()\n"
        "    if not line:\n"
        "        break\n"
        "    words = line.split()\n"
        "    if words and words[0] == 'genmove':\n"
        f"        {genmove_line}\n"
        "        continue\n"
        "    sys.stdout.write('= \\n\\n')\n"
        "    sys.stdout.flush()\n"
        "    if words and words[0] == 'quit':\n"
        "        break\n"
    )
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize(
    "genmove_line, timeout, message",
    [
        ("sys.stdout.write('= Z99\\n\\n'); sys.stdout.flush()", 5.0, r"answered 'genmove white' with 'Z99'"),
        ("sys.stdout.write('= \\n\\n'); sys.stdout.flush()", 5.0, r"answered 'genmove white' with ''"),
        # 2 s, not less: the fake engine is a Python script, and its start-up answers count against the timeout too
        ("time.sleep(30)", 2.0, r"did not answer within 2.0 s"),
        ("sys.exit(0)", 5.0, r"exited unexpectedly"),
    ],
    ids=["garbage", "empty", "silent", "exits"],
)
def test_an_engine_that_answers_nonsense_times_out_or_exits(tmp_path, genmove_line, timeout, message):
    executable = fake_engine(tmp_path, genmove_line, "fake-gtp")
    env = GoEnv(board_size=5, opponent="gnugo", opponent_kwargs={"executable": executable, "timeout": timeout})
    env.reset(seed=0)
    before = board_state(env.board)
    with pytest.raises(OpponentError, match=r"'gnugo' failed: GTPError: .*" + message + r".*left unchanged"):
        env.step(12)
    assert board_state(env.board) == before
    env.close()


# --------------------------------------------------------------------------- GNU Go dying mid-game


def kill_gnugo_mid_game(seed: int, retries: int = 0):
    """A 5x5 game against GNU Go three steps in, its process just killed.

    Returns (the env, a legal action now, the board's state, the dead process).
    """
    require_gnugo()
    env = GoEnv(board_size=5, opponent="gnugo", opponent_kwargs={"level": 0, "retries": retries})
    _obs, info = env.reset(seed=0)
    info, over = play_random(env, info, np.random.default_rng(seed), 3)
    assert not over and env.board.move_number == 6
    process = env.opponent.engine._process
    process.kill()
    process.wait()
    return env, int(np.flatnonzero(info["action_mask"][:-1])[0]), board_state(env.board), process


def test_gnugo_killed_mid_game_leaves_the_game_unchanged_and_reset_recovers():
    env, action, before, process = kill_gnugo_mid_game(seed=0)
    with pytest.raises(OpponentError, match=r"'gnugo' failed: GTPError: .*no longer running.*left unchanged"):
        env.step(action)
    board = env.board
    assert board_state(board) == before  # points, history, to_play, move_number, hash, captures, ko, mask
    assert (board.to_play, board.move_number, len(board.history)) == (before[2], 6, 6)
    # reset() starts a fresh GNU Go, and a whole game is played with it.
    _obs, info = env.reset(seed=1)
    assert env.opponent.engine.alive and env.opponent.engine._process is not process
    info = play_to_the_end(env, info, np.random.default_rng(0))
    assert info["winner"] in ("black", "white") and env.board.is_over()
    env.close()


def test_gnugo_killed_mid_game_then_step_again_restarts_and_replays():
    env, action, before, _process = kill_gnugo_mid_game(seed=1)
    with pytest.raises(OpponentError):
        env.step(action)
    env.step(action)  # the retry restarts GNU Go and replays the game to it
    assert env.board.history[:-1] == [*before[1], action]
    # The new GNU Go knows the whole game: its stones are the board's.
    engine = env.opponent.engine
    for color, value in (("black", 1), ("white", 2)):
        ours = {env.board.describe(p) for p in range(25) if env.board.points[p] == value}
        assert set(engine.list_stones(color)) == ours
    env.close()


def test_gnugo_retries_restart_inside_the_step():
    env, action, before, _process = kill_gnugo_mid_game(seed=2, retries=1)
    env.step(action)  # no error: restarted and replayed within the step
    assert env.board.history[:-1] == [*before[1], action] and env.board.move_number == 8
    with pytest.raises(ValueError, match="retries must be an integer of at least 0"):
        GnuGoOpponent(5, 7.5, retries=-1)
    env.close()
