"""The benchmark's command line: the plan of a dry run and its CPU estimate; the checkout's wrappers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import benchtiny

from rldojo.bench import cli


def test_cli_dry_run_lists_the_plan_and_estimates_it(capsys, tmp_path):
    assert cli.main(["--entries", "benchtiny:tiny_entries", "--dry-run", "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    assert "quick suite: 6 runs, 3,000 env steps" in out and "Lake/b benchtiny:TinyQ seed=1" in out
    assert cli.main(["--entries", "benchtiny:tiny_entries", "--dry-run", "--envs", "Nope"]) == 2
    assert "unknown 'Nope'" in capsys.readouterr().err
    # a measured run: 2 CPU seconds, half of its wall time training 600 steps, half evaluating
    measured = {
        "key": "k",
        "status": "ok",
        "label": "Lake/a",
        "agent": "benchtiny:TinyQ",
        "env_steps": 600,
        "wall_time": 1.0,
        "eval_time": 1.0,
        "cpu_time": 2.0,
    }
    (tmp_path / "results.jsonl").write_text(json.dumps(measured) + "\n")
    assert (
        cli.main(
            [
                "--entries",
                "benchtiny:tiny_entries",
                "--dry-run",
                "--seeds",
                "1",
                "--suite",
                "full",
                "--estimate-from",
                str(tmp_path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[-1] for line in out[:3]] == ["cpu~5.0s", "cpu~2.0s", "cpu=?"]  # 2400, 600 steps; Lake/b
    assert "7 CPU seconds for 2 of 3 runs, about 0.1 minutes on 2 idle cores" in out[-1]


def test_the_checkout_wrappers_run_the_same_command(tmp_path):
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(benchtiny.HERE)]))
    plan = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--entries", "benchtiny:tiny_entries", "--dry-run", "--seeds", "1"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plan.returncode == 0, plan.stderr
    assert "quick suite: 3 runs, 1,500 env steps" in plan.stdout
    (tmp_path / "results.jsonl").write_text("")
    summary = subprocess.run(
        [sys.executable, "-m", "benchmarks.summarize", str(tmp_path), "--quiet"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert summary.returncode == 0, summary.stderr
    assert "No runs recorded yet." in (tmp_path / "summary.md").read_text()
