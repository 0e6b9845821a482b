"""Smoke tests of the ``rldojo`` command, in-process and as an installed console script."""

import csv
import shutil
import subprocess
import sys

import numpy as np
import pytest

from rldojo import cli


def test_train_then_evaluate_maze_with_qlearning(tmp_path, capsys):
    out = tmp_path / "run"
    code = cli.main(
        [
            "train",
            "Maze-v0",
            "--agent",
            "qlearning",
            "-e",
            "obs_mode=index",
            "--timesteps",
            "3000",
            "--seed",
            "0",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    for name in ("model.pt", "curve.csv", "curve.png", "best_moves.png"):
        assert (out / name).is_file(), name
    with open(out / "curve.csv") as f:
        rows = list(csv.DictReader(f))
    assert rows and sum(int(r["length"]) for r in rows) <= 3000
    printed = capsys.readouterr().out
    assert "win from every cell: True" in printed

    code = cli.main(
        ["evaluate", "Maze-v0", "--agent", str(out / "model.pt"), "-e", "obs_mode=index", "--episodes", "3"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "mean return" in printed and "win from every cell: True" in printed


def test_best_moves_picture_is_an_image(tmp_path):
    pygame = pytest.importorskip("pygame")
    out = tmp_path / "run"
    cli.main(
        [
            "train",
            "Maze-v0",
            "--agent",
            "qlearning",
            "-e",
            "obs_mode=index",
            "--timesteps",
            "500",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    picture = pygame.image.load(str(out / "best_moves.png"))
    width, height = picture.get_size()
    assert width >= 36 and height >= 36
    pixels = pygame.surfarray.array3d(picture)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 2, "the picture must show walls, cells and arrows"


def test_bad_arguments_give_clear_errors(tmp_path):
    with pytest.raises(SystemExit, match="key=value"):
        cli.main(["train", "Maze-v0", "--agent", "qlearning", "-e", "obs_mode", "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="unknown agent"):
        cli.main(["train", "Maze-v0", "--agent", "nope", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="no checkpoint"):
        cli.main(["evaluate", "Maze-v0", "--agent", str(tmp_path / "missing.pt")])


@pytest.mark.skipif(shutil.which("rldojo") is None, reason="console script not installed")
def test_console_script_help():
    result = subprocess.run(["rldojo", "--help"], capture_output=True, text=True, check=True)
    for command in ("train", "evaluate", "play", "bench", "rlhf"):
        assert command in result.stdout


def test_module_help_without_console_script():
    result = subprocess.run(
        [sys.executable, "-m", "rldojo.cli", "train", "--help"], capture_output=True, text=True, check=True
    )
    assert "--timesteps" in result.stdout


# From (7, 3) of the classic maze the shortest way out takes all four arrows: up, left, down, right.
CLASSIC_FROM_7_3 = {"layout": "classic", "start": [7, 3]}


def _keys_of_the_shortest_path(pygame) -> tuple[list[int], float]:
    """The arrow keys that walk the classic maze from (7, 3) to the exit, and the return they earn."""
    import gymnasium as gym

    twin = gym.make("Maze-v0", **CLASSIC_FROM_7_3).unwrapped
    twin.reset()
    key_of = {0: pygame.K_LEFT, 1: pygame.K_RIGHT, 2: pygame.K_UP, 3: pygame.K_DOWN}
    keys, total, terminated = [], 0.0, False
    while not terminated:
        action = twin.optimal_actions(twin.maze.cells[twin.maze.position])[0]
        keys.append(key_of[action])
        _, reward, terminated, truncated, _ = twin.step(action)
        total += reward
        assert not truncated
    return keys, total


def test_a_person_walks_the_maze_with_the_arrow_keys_and_wins(monkeypatch, capsys):
    pygame = pytest.importorskip("pygame")
    keys, total = _keys_of_the_shortest_path(pygame)
    script = [pygame.event.Event(pygame.MOUSEMOTION, pos=(1, 1))]  # not a key: ignored
    script += [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT)]  # into the right edge: a penalty
    script += [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_r)]  # restart: the penalty is forgotten
    script += [pygame.event.Event(pygame.KEYDOWN, key=key) for key in keys]
    script += [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE)]
    monkeypatch.setattr(pygame.event, "wait", lambda: script.pop(0))

    assert sorted(set(keys)) == sorted({pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN})
    assert cli.main(["play", "Maze-v0", "-e", "layout=classic", "-e", "start=[7, 3]"]) == 0
    assert not script, "Esc must end the game after the last scripted key"
    assert f"win: return {total:.2f}. Press R to play again, Esc to quit." in capsys.readouterr().out


def test_play_watches_a_saved_agent_and_refuses_a_person_where_there_is_no_keyboard_game(tmp_path, capsys):
    out = tmp_path / "run"
    train = ["train", "Maze-v0", "--agent", "qlearning", "-e", "obs_mode=index", "--timesteps", "3000"]
    assert cli.main([*train, "--seed", "0", "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()

    model = str(out / "model.pt")
    assert cli.main(["play", "Maze-v0", "-e", "obs_mode=index", "--agent", model, "--episodes", "2"]) == 0
    watched = capsys.readouterr().out.splitlines()
    assert len(watched) == 2 and all(line.endswith(" win") for line in watched), watched

    with pytest.raises(SystemExit, match=r"a person can play Maze-v0 and Go-v0 here; for CartPole-v1 pass --agent"):
        cli.main(["play", "CartPole-v1"])
    with pytest.raises(SystemExit, match="--sgf-dir records Go games; Maze-v0 is not Go"):
        cli.main(["evaluate", "Maze-v0", "-e", "obs_mode=index", "--agent", model, "--sgf-dir", str(tmp_path)])
    assert not any(tmp_path.glob("*.sgf"))
