"""The results file, ``results.jsonl``: one JSON line per finished run, appended whole, flushed and fsynced.

Only the suite's own process writes it (:class:`ResultsFile`, under an exclusive lock);
anyone may read it (:func:`read_results`). A suite resumes by skipping the keys already
recorded (:func:`recorded_keys`), and a run recorded twice (a retried failure) counts by
its latest record (:func:`latest_by_key`).

Beside it, ``plan.json`` holds the keys of the suite's current plan (:func:`write_plan`,
rewritten by every ``rldojo bench``): the summary counts only the records of those keys
(:func:`current_runs`), so records superseded by a change of budget or hyperparameters stay
in the file but are not counted.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import warnings
from pathlib import Path

from rldojo.bench.plan import canonical

RESULTS_NAME = "results.jsonl"
PLAN_NAME = "plan.json"
RECORD_FORMAT = 1


class ResultsFile:
    """``results.jsonl``: one JSON object a line, appended whole, flushed and fsynced.

    Opening it takes an exclusive lock (two suites writing one file would interleave),
    and repairs a torn last line that a hard kill may have left.
    """

    def __init__(self, out_dir: str | os.PathLike):
        self.path = Path(out_dir) / RESULTS_NAME
        self._fd: int | None = None
        self.repaired: str | None = None  # what the repair did, if anything

    def __enter__(self) -> ResultsFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise RuntimeError(
                    f"another benchmark run is writing to {self.path}; wait for it or use another --out"
                ) from None
        except ImportError:  # no flock on this platform: no guard against a second writer
            pass
        self._fd = fd
        self._repair()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None

    def _repair(self) -> None:
        """A last line without its newline is a write a kill cut short: finish it if whole, else drop it."""
        data = self.path.read_bytes()
        if not data or data.endswith(b"\n"):
            return
        cut = data.rfind(b"\n") + 1
        fragment = data[cut:]
        try:
            whole = isinstance(json.loads(fragment), dict)
        except ValueError:
            whole = False
        if whole:
            os.write(self._fd, b"\n")
            self.repaired = "completed a last line that lacked its newline"
        else:
            os.ftruncate(self._fd, cut)
            self.repaired = f"dropped a torn last line ({len(fragment)} bytes) left by a killed run"
        os.fsync(self._fd)

    def records(self) -> list[dict]:
        return read_results(self.path)

    def append(self, record: dict) -> None:
        """Write one record as one line, whole: signals wait until it is on disk."""
        if self._fd is None:
            raise RuntimeError("the results file is not open")
        try:
            text = json.dumps(record, allow_nan=False, default=repr)
        except ValueError:  # a NaN where none was expected: write it as text rather than lose the run
            text = json.dumps(canonical(record), allow_nan=False)
        line = (text + "\n").encode()
        blocked = {signal.SIGINT, signal.SIGTERM}
        in_main = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked) if in_main else None
        try:
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
        finally:
            if previous is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def read_results(path: str | os.PathLike) -> list[dict]:
    """Every whole record of a results file, in order; a torn or unreadable line is skipped with a warning."""
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_NAME
    if not path.exists():
        return []
    records = []
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            warnings.warn(
                f"{path}:{number}: not a whole JSON line (a run killed while writing?); skipped", stacklevel=2
            )
            continue
        if isinstance(record, dict) and "key" in record:
            records.append(record)
    return records


def recorded_keys(records: list[dict], retry_failed: bool = False) -> set[str]:
    """The keys to skip: every recorded run, or with ``retry_failed`` only those whose last record is ok."""
    last: dict[str, str] = {}
    for record in records:
        last[record.get("key")] = record.get("status")
    if retry_failed:
        return {k for k, status in last.items() if status == "ok"}
    return set(last)


def latest_by_key(records: list[dict]) -> list[dict]:
    """One record per run: the last one written (a retried failure is replaced by its retry)."""
    latest: dict[str, dict] = {}
    for record in records:
        latest.pop(record["key"], None)  # re-insert, so the order is that of the latest records
        latest[record["key"]] = record
    return list(latest.values())


def last_line(text: str | None, empty: str = "") -> str:
    """The last non-blank line of a record's ``error`` (a traceback's message), or ``empty``."""
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else empty


def write_plan(out_dir: str | os.PathLike, suite: str, seeds: list[int], keys: list[str], written_at: str) -> Path:
    """Write ``plan.json``: the suite, its seeds and the keys of every run it plans (atomically)."""
    path = Path(out_dir) / PLAN_NAME
    payload = {"format": RECORD_FORMAT, "suite": suite, "seeds": sorted(seeds), "keys": sorted(keys)}
    payload["written_at"] = written_at
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_plan(out_dir: str | os.PathLike) -> dict | None:
    """The ``plan.json`` beside a results file (given the folder or the file), or None if there is none."""
    path = Path(out_dir)
    path = (path.parent if path.name == RESULTS_NAME else path) / PLAN_NAME
    if not path.exists():
        return None
    plan = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(plan, dict) or not isinstance(plan.get("keys"), list):
        raise ValueError(f"{path}: not a plan (expected an object with a list of keys)")
    return plan


def current_runs(records: list[dict], plan: dict | None) -> tuple[list[dict], list[dict]]:
    """One record per run (its latest), split into those of the current plan and the superseded ones.

    Without a plan every run is current, as before plans were written.
    """
    runs = latest_by_key(records)
    if plan is None:
        return runs, []
    keys = set(plan["keys"])
    return [r for r in runs if r["key"] in keys], [r for r in runs if r["key"] not in keys]
