"""GNU Go as an oracle for the rules, the GTP client's hygiene, and GNU Go as an opponent.

Skipped when GNU Go is missing, except on CI (CI=true), where missing GNU Go fails.
"""

import os
import random
import re

import numpy as np
import pytest

from rldojo.envs.go.board import BLACK, GoBoard
from rldojo.envs.go.gtp import INSTALL_HINT, GnuGo, GTPError, find_gnugo, gnugo_available

ON_CI = os.environ.get("CI", "").lower() == "true"


def require_gnugo():
    if gnugo_available():
        return
    if ON_CI:
        pytest.fail("GNU Go is required on CI (CI=true) but was not found: " + INSTALL_HINT)
    pytest.skip("GNU Go is not installed (apt-get install gnugo)")


def agreement_games(size: int, games: int, seed: int, ko_rule: str) -> int:
    """Random games checked move by move against GNU Go; returns the moves checked."""
    checked = 0
    with GnuGo(size=size, komi=7.5, level=0, ko_rule=ko_rule) as gnugo:
        vertices = None
        for game in range(games):
            rng = random.Random(seed * 1000 + game)
            board = GoBoard(size, ko_rule=ko_rule)
            vertices = [board.describe(p) for p in range(size * size)]
            gnugo.clear()
            while not board.is_over():
                color = "black" if board.to_play == BLACK else "white"
                # One round trip per move: legality of every point, then both stone lists.
                answers = gnugo.commands(
                    [f"is_legal {color} {v}" for v in vertices] + ["list_stones black", "list_stones white"]
                )
                ours = board.legal_mask()
                for p, answer in enumerate(answers[:-2]):
                    assert (answer == "1") == bool(ours[p]) == board.is_legal(p), (
                        f"{size}x{size} game {game} move {board.move_number}: {vertices[p]}\n{board}"
                    )
                for answer, color_id in ((answers[-2], 1), (answers[-1], 2)):
                    mine = {vertices[p] for p in range(size * size) if board.grid.flat[p] == color_id}
                    assert set(answer.split()) == mine, f"{size}x{size} game {game} move {board.move_number}"
                legal = np.flatnonzero(ours).tolist()
                # Passes are rarer than in uniform play, so games get crowded and capture-rich.
                stones_ = legal[:-1]
                action = stones_[rng.randrange(len(stones_))] if stones_ and rng.random() < 0.97 else legal[-1]
                gnugo.play(color, board.describe(action))
                board.play(action)
                checked += 1
    return checked


@pytest.mark.parametrize(
    "size, games, ko_rule",
    [
        (5, 24, "positional_superko"),
        (5, 16, "simple"),
        (9, 5, "positional_superko"),
        (9, 5, "simple"),
    ],
)
def test_rules_agree_with_gnugo_on_random_games(size, games, ko_rule):
    # 50 games in all; GNU Go runs with the same ko rule (--positional-superko or its default).
    require_gnugo()
    moves = agreement_games(size, games, seed=size, ko_rule=ko_rule)
    assert moves > games * size  # whole games, not a few moves


def test_gtp_errors_timeouts_and_cleanup():
    require_gnugo()
    gnugo = GnuGo(size=5, level=0)
    process = gnugo._process
    with pytest.raises(GTPError, match="refused"):
        gnugo.command("play black Z9")
    assert gnugo.command("boardsize 5") == ""  # still usable after an error
    gnugo.close()
    gnugo.close()  # twice is fine
    assert process.poll() is not None  # ended and reaped: no zombie
    with pytest.raises(GTPError, match="closed"):
        gnugo.command("version")


def test_a_silent_engine_times_out_and_is_reaped(tmp_path, monkeypatch):
    import subprocess

    from rldojo.envs.go import gtp

    silent = tmp_path / "silent-gtp"
    silent.write_text("#!/bin/sh\nexec sleep 30\n")
    silent.chmod(0o755)
    started = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(gtp.subprocess, "Popen", recording_popen)
    with pytest.raises(GTPError, match=re.escape("did not answer within 0.3 s")):
        GnuGo(size=5, timeout=0.3, executable=str(silent))
    assert len(started) == 1 and started[0].poll() is not None  # killed and waited for: no zombie


def test_missing_gnugo_says_how_to_install():
    with pytest.raises(FileNotFoundError, match="apt-get install gnugo"):
        find_gnugo("gnugo-that-does-not-exist")


def test_gnugo_opponent_plays_legal_moves_in_go_v0():
    require_gnugo()
    from rldojo.envs.go.env import GoEnv

    env = GoEnv(board_size=5, opponent="gnugo", opponent_kwargs={"level": 0}, agent_color="white")
    _obs, info = env.reset(seed=0)
    assert env.board.num_stones == 1  # GNU Go opened as black
    rng = np.random.default_rng(0)
    done, moves = False, 0
    while not done and moves < 12:
        legal = np.flatnonzero(info["action_mask"][:-1])
        action = int(rng.choice(legal)) if len(legal) else env.board.pass_action
        _obs, _reward, done, _truncated, info = env.step(action)
        moves += 1
    engine = env.opponent.engine
    env.close()
    env.close()
    assert engine.closed
