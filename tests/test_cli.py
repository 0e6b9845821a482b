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
