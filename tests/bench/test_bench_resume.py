"""Killing a suite in the middle (Ctrl-C, then kill -9) and running it again loses and doubles nothing."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import benchtiny
import pytest

from rldojo.bench import execute, plan, runner
from rldojo.bench.store import read_results


def start_suite(out_dir: Path) -> subprocess.Popen:
    # each run pauses a second in the suite's workers, so it is still running when killed;
    # the pause is not a hyperparameter, so the rerun here has the same keys and no pause.
    # rldojo as installed; benchtiny, by name, from its folder
    env = dict(os.environ, PYTHONPATH=str(benchtiny.HERE), BENCHTINY_PAUSE="1.0")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rldojo.bench",
            "--entries",
            "benchtiny:tiny_entries",
            "--seeds",
            "3",
            "--workers",
            "2",
            "--out",
            str(out_dir),
            "--no-progress",
        ],
        cwd=out_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=ctrl_c_as_from_a_shell,
    )


def ctrl_c_as_from_a_shell() -> None:
    """In the child, before exec: SIGINT unblocked and at its default, as a shell starts a command.

    Both are inherited across exec, and a test worker that has run the whole suite may have picked
    up an ignored or blocked SIGINT; the suite would then never see the Ctrl-C this test sends.
    """
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_lines(path: Path, count: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        if proc.poll() is not None:
            pytest.fail(f"the suite ended before it could be killed:\n{proc.stdout.read().decode()}")
        time.sleep(0.05)
    pytest.fail("the suite wrote no results in time")


def reference_metrics() -> dict:
    """Final metrics of every run of the suite, by key, from runs nobody interrupted."""
    return {
        spec.key: execute.execute_run(spec)["metrics"] for spec in plan.plan_runs(benchtiny.tiny_entries(), "quick", 3)
    }


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_killed_suite_resumes_with_nothing_lost_or_doubled(tmp_path, how):
    results = tmp_path / "results.jsonl"
    proc = start_suite(tmp_path)
    try:
        wait_for_lines(results, 1, proc)
        os.kill(proc.pid, getattr(signal, how))
        code = proc.wait(timeout=30)
    finally:
        # nothing of ours may outlive the test (the pool's workers live in the suite's session)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read().decode()
    planned = plan.plan_runs(benchtiny.tiny_entries(), "quick", 3)
    if how == "SIGINT":
        assert code == 130, output  # Ctrl-C: the runner stops its workers and says how to resume
        assert "interrupted" in output and "resumes" in output
        assert results.read_bytes().endswith(b"\n")
    else:
        assert code == -signal.SIGKILL
        # a hard kill may cut a line short; make sure the next start meets one
        with open(results, "ab") as f:
            f.write(b'{"key": "' + planned[-1].key.encode() + b'", "status": "o')
    kept = [line for line in results.read_text().splitlines() if line.endswith("}")]
    assert 1 <= len(kept) < len(planned)

    report = runner.run_suite(
        benchtiny.tiny_entries(), "quick", 3, tmp_path, workers=0, progress=False, summarize=False, log=lambda s: None
    )
    assert report.skipped == len(kept) and report.finished == len(planned) - len(kept)
    lines = results.read_text().splitlines()
    assert lines[: len(kept)] == kept  # no line written before the kill was lost or changed
    records = [json.loads(line) for line in lines]  # and every line is whole
    keys = [r["key"] for r in records]
    assert len(keys) == len(set(keys)) == len(planned)  # no duplicates
    assert set(keys) == {spec.key for spec in planned}
    expected = reference_metrics()
    for record in records:
        assert record["status"] == "ok"
        assert record["metrics"] == expected[record["key"]]
    assert read_results(results) == records
