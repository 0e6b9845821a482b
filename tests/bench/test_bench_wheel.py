"""The wheel alone carries the benchmark: built, installed apart from the checkout, run from another folder.

The wheel is built from a copy of what it is made of (so the build writes nothing into the
checkout) and installed with ``pip install --target``; the suite then runs with only that
copy importable as ``rldojo``: the working directory is a fresh folder, ``PYTHONPATH`` is
the install folder, and the editable install's finder (which would serve the checkout) is
taken off ``sys.meta_path`` first. Every ``rldojo`` module that ran must come from the copy.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs `python -m rldojo.bench ARGS` with the editable finder gone, then says where every rldojo module came from.
DRIVER = """
import json, runpy, sys
sys.meta_path[:] = [f for f in sys.meta_path if "Editable" not in getattr(f, "__name__", type(f).__name__)]
sys.argv = ["rldojo.bench"] + sys.argv[1:]
try:
    runpy.run_module("rldojo.bench", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code
files = {name: getattr(module, "__file__", None) for name, module in sys.modules.items()
         if name == "rldojo" or name.startswith("rldojo.")}
print("MODULES " + json.dumps({"code": code, "files": files, "path": sys.path}))
"""


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def test_the_installed_wheel_runs_the_quick_suite_from_anywhere(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "rldojo", source / "rldojo", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = tmp_path / "wheels"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(wheels),
            str(source),
        ]
    )
    (wheel,) = wheels.glob("rldojo-*.whl")
    site = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(wheel)])

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site), MPLBACKEND="Agg")
    result = run(
        [
            sys.executable,
            "-c",
            DRIVER,
            "--suite",
            "quick",
            "--envs",
            "Bandit-v0",
            "--seeds",
            "1",
            "--workers",
            "0",
            "--out",
            "out",
            "--no-progress",
        ],
        cwd=elsewhere,
        env=env,
    )
    report = json.loads(result.stdout.rsplit("MODULES ", 1)[1])
    assert report["code"] == 0, result.stderr
    assert not {str(REPO), str(REPO / "rldojo")} & set(report["path"])  # "" is the fresh folder
    files = report["files"]
    assert "rldojo.bench.entries.bandit" in files and "rldojo.bench.summarize" in files
    assert files["rldojo"] == str(site / "rldojo" / "__init__.py")
    outside = {name: file for name, file in files.items() if file and not file.startswith(str(site) + os.sep)}
    assert outside == {}

    out = elsewhere / "out"
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(records) == 6 and {r["label"] for r in records} == {"Bandit-v0"}
    assert all(r["status"] == "ok" for r in records), [r["error"] for r in records]
    summary = (out / "summary.md").read_text()
    assert "## Bandit-v0" in summary and (out / "curves" / "Bandit-v0.png").is_file()
