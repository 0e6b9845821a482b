"""Run the benchmark suite: every entry's agents, on several seeds, into one results file.

::

    python -m benchmarks.run --suite quick --out results/quick
    python -m benchmarks.run --suite full --seeds 5 --workers 2 --out results/full
    python -m benchmarks.run --suite quick --envs Maze-v0,KuhnPoker-v0 --agents dqn,sb3-dqn
    python -m benchmarks.run --suite full --ray local --out results/full

A *run* is one (entry label, env id, env kwargs, agent, hyperparameters, seed, budget);
its key is a hash of those. The runner trains the agent in ``eval_points`` chunks,
evaluates the entry's curve metric after each chunk (the learning curve) and its
metric at the end, and appends one JSON line per finished run to ``results.jsonl``
(flushed and fsynced, written by this process only). Running the same command again
skips the runs already recorded, so a killed suite resumes where it stopped. A run
that raises is recorded as failed, with its traceback, and the suite goes on.

Runs go to a local process pool (``--workers``, default 2; ``0`` runs them in this
process) or, with ``--ray ADDRESS``, to a Ray cluster as tasks with ``num_cpus=1``
(``local`` starts a local Ray instance). At the end the summary is written
(``python -m benchmarks.summarize DIR`` makes it again from the results file alone).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import hashlib
import importlib
import json
import math
import multiprocessing
import os
import platform
import signal
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

RESULTS_NAME = "results.jsonl"
RECORD_FORMAT = 1
DEFAULT_SEEDS = {"quick": 2, "full": 5}
REPO_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- runs


def canonical(value: Any) -> Any:
    """A JSON-safe, stable form of ``value``: what a run's key is hashed from and what is recorded."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "shape", None) == ():
        return canonical(item())
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return canonical(tolist())
    if isinstance(value, type) or callable(value):
        # a class or function by its import path: stable across processes, unlike repr
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


def run_key(label: str, env_id: str, env_kwargs: dict, agent: str, hyperparameters: dict, seed: int,
            budget: int) -> str:
    """The stable identity of a run: a hash of what determines its outcome."""
    payload = [label, env_id, canonical(env_kwargs), agent, canonical(hyperparameters), int(seed), int(budget)]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclasses.dataclass
class RunSpec:
    """Everything a worker needs to do one run (plain data, so it travels to a pool or to Ray)."""

    key: str
    label: str
    env_id: str
    env_kwargs: dict
    agent: str  # a make_agent name, or "module:Class" for an agent outside the registry
    hyperparameters: dict
    seed: int
    budget: int
    suite: str
    metric: str
    curve_metric: str | None
    headline: str
    higher_is_better: bool
    solved_at: float | None
    eval_points: int

    @property
    def name(self) -> str:
        return f"{self.label} {self.agent} seed={self.seed}"


def is_sb3(agent: str) -> bool:
    """stable-baselines3 agents are the ``sb3-*`` names; everything else is hand-written."""
    return agent.startswith("sb3-")


def _entry_matches(entry, wanted: set[str]) -> bool:
    return entry.label in wanted or entry.env_id in wanted


def plan_runs(entries, suite: str = "quick", seeds: int | Iterable[int] = 2, envs: Iterable[str] | None = None,
              agents: Iterable[str] | None = None) -> list[RunSpec]:
    """The runs of ``suite``: every entry and agent in it, on every seed, hyperparameters resolved.

    :param seeds: a count N (seeds 0..N-1) or the seeds themselves
    :param envs: keep only entries whose label or env id is listed
    :param agents: keep only these agent names
    """
    from rldojo.baselines.hyperparams import defaults

    if suite not in ("quick", "full"):
        raise ValueError(f"suite must be 'quick' or 'full', got {suite!r}")
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list:
        raise ValueError("seeds: at least one seed is needed")
    entries = list(entries)
    if envs is not None:
        wanted = {e.strip() for e in envs if e.strip()}
        known = {e.label for e in entries} | {e.env_id for e in entries}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(f"envs: unknown {', '.join(map(repr, unknown))}; known labels and ids: "
                             f"{', '.join(sorted(known)) or '(no entries)'}")
        entries = [e for e in entries if _entry_matches(e, wanted)]
    wanted_agents = None
    if agents is not None:
        wanted_agents = {a.strip() for a in agents if a.strip()}
        known_agents = {spec.agent for e in entries for spec in e.agents}
        unknown = sorted(wanted_agents - known_agents)
        if unknown:
            raise ValueError(f"agents: unknown {', '.join(map(repr, unknown))}; agents in these entries: "
                             f"{', '.join(sorted(known_agents)) or '(none)'}")
    runs = []
    for entry in entries:
        if suite not in entry.suites:
            continue
        for spec in entry.agents:
            if suite not in spec.suites or (wanted_agents is not None and spec.agent not in wanted_agents):
                continue
            if suite not in spec.timesteps:
                raise ValueError(f"entry {entry.label!r}, agent {spec.agent!r}: no {suite!r} budget in timesteps")
            env_kwargs = {**entry.env_kwargs, **spec.env_kwargs}
            hyperparameters = {**defaults(entry.env_id, spec.agent), **spec.agent_kwargs}
            budget = int(spec.timesteps[suite])
            for seed in seed_list:
                runs.append(RunSpec(
                    key=run_key(entry.label, entry.env_id, env_kwargs, spec.agent, hyperparameters, seed, budget),
                    label=entry.label, env_id=entry.env_id, env_kwargs=env_kwargs, agent=spec.agent,
                    hyperparameters=hyperparameters, seed=seed, budget=budget, suite=suite,
                    metric=entry.metric, curve_metric=entry.curve_metric, headline=entry.headline,
                    higher_is_better=entry.higher_is_better, solved_at=entry.solved_at,
                    eval_points=max(1, int(entry.eval_points)),
                ))
    keys = [r.key for r in runs]
    if len(set(keys)) != len(keys):
        raise ValueError("two runs of the suite have the same key (an entry or agent is listed twice)")
    return runs


# --------------------------------------------------------------------------- one run (worker side)


def _import_path(path: str):
    module_name, sep, attribute = path.partition(":")
    if not sep or not attribute:
        raise ValueError(f"expected 'module:name', got {path!r}")
    return getattr(importlib.import_module(module_name), attribute)


def build_agent(agent: str, env, seed: int, hyperparameters: dict):
    """An agent by make_agent name, or by "module:Class" path for agents outside the registry."""
    if ":" in agent:
        return _import_path(agent)(env, seed=seed, **hyperparameters)
    from rldojo.baselines import make_agent

    return make_agent(agent, env, seed=seed, **hyperparameters)


def _metric_values(values) -> dict:
    """A metric function's answer as {name: float or None} (non-finite numbers become None)."""
    if not isinstance(values, dict):
        raise TypeError(f"a metric function must return a dict of floats, got {type(values).__name__}")
    clean = {}
    for name, value in values.items():
        if value is None:
            clean[str(name)] = None
            continue
        number = float(value)
        clean[str(name)] = number if math.isfinite(number) else None
    return clean


def _limit_threads() -> None:
    """One thread per run: runs are the parallel unit, and threads fight over 2 cores."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def _machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"host": platform.node(), "cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(terse=True)}


def _versions() -> dict:
    versions = {}
    for name in ("rldojo", "torch", "gymnasium", "stable_baselines3", "sb3_contrib", "numpy"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, "__version__", None)
    return versions


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def base_record(spec: RunSpec) -> dict:
    """The part of a result line that describes the run itself."""
    return {
        "format": RECORD_FORMAT,
        "key": spec.key,
        "name": spec.name,
        "label": spec.label,
        "env_id": spec.env_id,
        "env_kwargs": canonical(spec.env_kwargs),
        "agent": spec.agent,
        "kind": "sb3" if is_sb3(spec.agent) else "hand-written",
        "hyperparameters": canonical(spec.hyperparameters),
        "seed": spec.seed,
        "budget": spec.budget,
        "suite": spec.suite,
        "metric": spec.metric,
        "headline": spec.headline,
        "higher_is_better": spec.higher_is_better,
        "solved_at": spec.solved_at,
        "eval_points": spec.eval_points,
    }


def execute_run(spec: RunSpec) -> dict:
    """Train and evaluate one run; returns its result record and never raises an ``Exception``.

    Training goes in ``eval_points`` chunks of ``learn(n, reset_num_timesteps=False)``;
    the curve metric is evaluated after each. Wall time counts training only.
    """
    record = base_record(spec)
    record.update(status="failed", env_steps=0, wall_time=0.0, steps_per_second=None, eval_time=0.0,
                  curve=[], metrics={}, error=None, started_at=_now(), pid=os.getpid())
    env = agent = None
    train_time = eval_time = 0.0
    cpu_started = time.process_time()
    try:
        _limit_threads()
        import gymnasium as gym

        import rldojo  # noqa: F401  (registers the env ids)

        env = gym.make(spec.env_id, **spec.env_kwargs)
        agent = build_agent(spec.agent, env, spec.seed, spec.hyperparameters)
        _limit_threads()  # building the agent may have imported torch
        metric = _import_path(spec.metric)
        curve_metric = _import_path(spec.curve_metric) if spec.curve_metric else metric
        requested = 0
        for point in range(1, spec.eval_points + 1):
            target = round(spec.budget * point / spec.eval_points)
            done = int(getattr(agent, "num_timesteps", requested))
            if target > done:  # an agent that overshot (whole rollouts) may already be past it
                started = time.perf_counter()
                agent.learn(target - done, reset_num_timesteps=False)
                train_time += time.perf_counter() - started
                requested += target - done
            steps = int(getattr(agent, "num_timesteps", requested))
            record["env_steps"] = steps
            record["wall_time"] = train_time
            started = time.perf_counter()
            values = _metric_values(curve_metric(agent, spec.env_id, spec.env_kwargs, spec.seed))
            eval_time += time.perf_counter() - started
            record["curve"].append({"steps": steps, "wall_time": round(train_time, 6), "metrics": values})
        if spec.curve_metric:
            started = time.perf_counter()
            record["metrics"] = _metric_values(metric(agent, spec.env_id, spec.env_kwargs, spec.seed))
            eval_time += time.perf_counter() - started
        else:
            record["metrics"] = dict(record["curve"][-1]["metrics"])
        record["status"] = "ok"
    except Exception:  # a failed run is a result too; KeyboardInterrupt is not and propagates
        record["error"] = traceback.format_exc()
        try:
            if train_time > 0:
                record["env_steps"] = int(agent.num_timesteps)  # how far training got
        except (AttributeError, TypeError, ValueError):
            pass
    finally:
        if env is not None:
            try:
                env.close()
            except Exception:
                pass
    record["wall_time"] = round(train_time, 6)
    record["eval_time"] = round(eval_time, 6)
    # CPU seconds of the whole run (making, training, evaluating): what a suite costs on an idle machine
    record["cpu_time"] = round(time.process_time() - cpu_started, 6)
    record["steps_per_second"] = round(record["env_steps"] / train_time, 3) if train_time > 0 else None
    record["finished_at"] = _now()
    record["machine"] = _machine()
    record["versions"] = _versions()
    return record


def failed_record(spec: RunSpec, error: str) -> dict:
    """The record of a run whose worker died before it could answer."""
    record = base_record(spec)
    record.update(status="failed", env_steps=0, wall_time=0.0, steps_per_second=None, eval_time=0.0, curve=[],
                  metrics={}, error=error, started_at=None, finished_at=_now(), cpu_time=None, machine=_machine(),
                  versions=_versions())
    return record


# --------------------------------------------------------------------------- the results file


class ResultsFile:
    """``results.jsonl``: one JSON object a line, appended whole, flushed and fsynced.

    Opening it takes an exclusive lock (two suites writing one file would interleave),
    and repairs a torn last line that a hard kill may have left.
    """

    def __init__(self, out_dir: str | os.PathLike):
        self.path = Path(out_dir) / RESULTS_NAME
        self._fd: int | None = None
        self.repaired: str | None = None  # what the repair did, if anything

    def __enter__(self) -> "ResultsFile":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise RuntimeError(f"another benchmark run is writing to {self.path}; wait for it or use another --out")
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
        from benchmarks.summarize import read_results

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


def recorded_keys(records: list[dict], retry_failed: bool = False) -> set[str]:
    """The keys to skip: every recorded run, or with ``retry_failed`` only those whose last record is ok."""
    last: dict[str, str] = {}
    for record in records:
        last[record.get("key")] = record.get("status")
    if retry_failed:
        return {k for k, status in last.items() if status == "ok"}
    return set(last)


# --------------------------------------------------------------------------- backends


def _worker_init(parent_pid: int) -> None:
    """Pool workers: one thread, Ctrl-C left to the parent, and gone when the parent is gone."""
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch_parent():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:  # the parent was killed: nobody will read our results
                os._exit(1)

    threading.Thread(target=watch_parent, daemon=True, name="watch-parent").start()


def _terminate_pool(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _run_serial(specs: list[RunSpec], on_start: Callable, on_result: Callable) -> None:
    for spec in specs:
        on_start(spec)
        on_result(execute_run(spec))


def _run_pool(specs: list[RunSpec], workers: int, on_start: Callable, on_result: Callable) -> None:
    """At most ``workers`` runs in flight, so the ones in flight are the ones running."""
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds torch threads

    def new_pool() -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                      initializer=_worker_init, initargs=(os.getpid(),))

    pool = new_pool()
    pending = list(reversed(specs))
    running: dict[concurrent.futures.Future, RunSpec] = {}
    clean = False
    try:
        while pending or running:
            while pending and len(running) < workers:
                spec = pending.pop()
                try:
                    future = pool.submit(execute_run, spec)
                except concurrent.futures.process.BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                    future = pool.submit(execute_run, spec)
                running[future] = spec
                on_start(spec)
            done, _ = concurrent.futures.wait(running, timeout=0.5, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                if future not in running:  # already recorded with a pool that broke
                    continue
                spec = running.pop(future)
                try:
                    record = future.result()
                except concurrent.futures.process.BrokenProcessPool as error:
                    # a worker died (out of memory, a crash in C): every run in flight goes down with it
                    message = f"worker process died: {error!r}"
                    record = failed_record(spec, message)
                    for other, other_spec in list(running.items()):
                        running.pop(other)
                        on_result(failed_record(other_spec, message))
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                except Exception:
                    record = failed_record(spec, traceback.format_exc())
                on_result(record)
        clean = True
    finally:
        if clean:
            pool.shutdown(wait=True)
        else:  # interrupted: stop the runs in flight, they are simply not recorded
            _terminate_pool(pool)


def _driver_paths() -> list[str]:
    """This process's own source folders (not the interpreter's), for Ray workers on this machine."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    paths = [str(REPO_ROOT)]
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        if any(real == p or real.startswith(p + os.sep) for p in prefixes) or real in paths:
            continue
        paths.append(real)
    return paths


def execute_run_on_path(spec: RunSpec, paths: list[str]) -> dict:
    """:func:`execute_run` in a worker that first learns the driver's source folders (Ray on this machine)."""
    for path in paths:
        if path not in sys.path:
            sys.path.append(path)
    importlib.invalidate_caches()
    return execute_run(spec)


def _run_ray(specs: list[RunSpec], address: str, workers: int, on_start: Callable, on_result: Callable) -> None:
    """Every run as a Ray task with num_cpus=1; results stream back as they finish (ray.wait)."""
    import ray

    # workers on this machine see this process's source folders (test helpers, a custom suite)
    paths = _driver_paths() if address == "local" else []
    started_here = False
    if not ray.is_initialized():
        if address == "local":
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False,
                     runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(paths), "OMP_NUM_THREADS": "1"}})
        else:
            # a remote cluster gets this checkout as its working dir; rldojo's dependencies must be installed there
            ray.init(address=address, runtime_env={
                "working_dir": str(REPO_ROOT), "env_vars": {"OMP_NUM_THREADS": "1"},
                "excludes": [".venv", ".git", "results", "**/__pycache__", "*.png", "*.pt", "*.zip"]})
        started_here = True
    task = ray.remote(num_cpus=1)(execute_run_on_path)
    refs = {}
    try:
        for spec in specs:
            refs[task.remote(spec, paths)] = spec
        # Ray does not say which tasks run; roughly, they start in submission order as others finish
        started = min(len(specs), max(1, workers))
        for spec in specs[:started]:
            on_start(spec)
        while refs:
            done, _ = ray.wait(list(refs), num_returns=1, timeout=0.5)
            for ref in done:
                spec = refs.pop(ref)
                try:
                    record = ray.get(ref)
                except Exception as error:  # the task's worker died, or Ray could not run it
                    record = failed_record(spec, f"Ray task failed: {error!r}")
                on_result(record)
                if started < len(specs):
                    on_start(specs[started])
                    started += 1
    finally:
        for ref in refs:  # interrupted: cancel what is left; none of it is recorded
            try:
                ray.cancel(ref, force=True)
            except Exception:
                pass
        if started_here:
            ray.shutdown()


# --------------------------------------------------------------------------- the suite


@dataclasses.dataclass
class SuiteReport:
    planned: int  # runs in the suite
    skipped: int  # already in the results file
    finished: int  # recorded now, ok or failed
    failed: int
    interrupted: bool
    results: Path


class _Progress:
    """A tqdm bar over runs, with an ETA and the names of the runs in flight.

    Where stderr is no terminal (CI logs, a file) it prints one line per finished run instead.
    """

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.total = total
        self.count = 0
        self.enabled = enabled
        self.running: list[str] = []
        if enabled and total and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", dynamic_ncols=True, file=sys.stderr, smoothing=0.1)

    def _show(self):
        if self.bar is not None and self.running:  # between two runs, keep the last name up
            names = self.running[:1] + ([f"+{len(self.running) - 1}"] if len(self.running) > 1 else [])
            self.bar.set_postfix_str(" ".join(names), refresh=True)

    def start(self, spec: RunSpec):
        self.running.append(spec.name)
        self._show()

    def finish(self, record: dict):
        self.count += 1
        if record["name"] in self.running:
            self.running.remove(record["name"])
        failure = f": {_last_line(record.get('error'))}" if record["status"] != "ok" else ""
        if self.bar is not None:
            if failure:
                self.bar.write(f"failed: {record['name']}{failure}")
            self.bar.update(1)
            self._show()
        elif self.enabled:
            print(f"[{self.count}/{self.total}] {record['status']:6} {record['name']} "
                  f"({record['env_steps']:,} steps, {record['wall_time']:.1f}s){failure}", file=sys.stderr, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def run_suite(entries, suite: str = "quick", seeds: int | Iterable[int] | None = None,
              out: str | os.PathLike = "results", workers: int = 2, ray_address: str | None = None, *,
              envs: Iterable[str] | None = None, agents: Iterable[str] | None = None, progress: bool = True,
              summarize: bool = True, retry_failed: bool = False, log: Callable[[str], None] = print) -> SuiteReport:
    """Run every run of ``suite`` not yet in ``out/results.jsonl``; the function the CLI wraps.

    :param entries: the suite's entries (``benchmarks.suite.all_entries()`` for the real one)
    :param seeds: a count (seeds 0..N-1) or a list of seeds; None for the suite's default
    :param workers: processes in the local pool; 0 runs everything in this process
    :param ray_address: a Ray cluster address, or "local" for a local Ray instance; None for the pool
    :param retry_failed: run again the runs whose last record is a failure
    """
    if seeds is None:
        seeds = DEFAULT_SEEDS[suite] if suite in DEFAULT_SEEDS else 1
    if workers < 0:
        raise ValueError(f"workers must be 0 or more, got {workers}")
    specs = plan_runs(entries, suite, seeds, envs, agents)
    out = Path(out)
    interrupted = False
    finished = failed = 0
    with ResultsFile(out) as results:
        if results.repaired:
            log(f"{results.path}: {results.repaired}")
        done_keys = recorded_keys(results.records(), retry_failed)
        todo = [s for s in specs if s.key not in done_keys]
        steps = sum(s.budget for s in specs)
        seed_count = len({s.seed for s in specs})
        log(f"{suite} suite: {len(specs)} runs planned ({len({s.label for s in specs})} entries, {seed_count} seeds, "
            f"{steps:,} env steps); {len(specs) - len(todo)} already in {results.path}, {len(todo)} to run"
            + ("" if not todo else f" on Ray ({ray_address})" if ray_address else
               " in this process" if workers == 0 else
               f" with {min(workers, len(todo))} worker process{'es' if min(workers, len(todo)) > 1 else ''}"))
        bar = _Progress(len(todo), progress)

        def on_result(record: dict) -> None:
            nonlocal finished, failed
            results.append(record)
            finished += 1
            failed += record["status"] != "ok"
            bar.finish(record)

        try:
            if not todo:
                pass
            elif ray_address:
                _run_ray(todo, ray_address, workers or 1, bar.start, on_result)
            elif workers == 0:
                _run_serial(todo, bar.start, on_result)
            else:
                _run_pool(todo, min(workers, len(todo)), bar.start, on_result)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
    if interrupted:
        log(f"interrupted: {finished} runs recorded in {results.path}; the same command resumes the other "
            f"{len(todo) - finished}")
    else:
        if failed:
            log(f"{failed} run(s) failed; their tracebacks are in {results.path}")
        if summarize:
            from benchmarks.summarize import summarize as write_summary

            try:
                log(f"summary: {write_summary(out)}")
            except KeyboardInterrupt:
                interrupted = True
                log(f"summary interrupted; every run is recorded: python -m benchmarks.summarize {out} makes it")
    return SuiteReport(planned=len(specs), skipped=len(specs) - len(todo), finished=finished, failed=failed,
                       interrupted=interrupted, results=results.path)


def load_entries(path: str) -> list:
    """Entries named by "module:name": a list of Entry, or a function that returns one."""
    found = _import_path(path)
    return list(found() if callable(found) else found)


def estimate_cpu(specs: list[RunSpec], results_dir: str | os.PathLike) -> dict[str, float]:
    """CPU seconds each run should take, scaled from the ok runs of the same entry and agent in another folder.

    Training CPU is taken to grow with the budget, evaluation CPU to stay (same eval points):
    ``train * budget / steps + eval``, with a measured run's CPU split in the ratio of its
    training and evaluation wall times. Runs with no measured counterpart are left out.
    """
    from benchmarks.summarize import read_results

    measured: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for record in read_results(results_dir):
        if record.get("status") != "ok" or not record.get("env_steps"):
            continue
        wall, evaluation = record.get("wall_time") or 0.0, record.get("eval_time") or 0.0
        cpu = record.get("cpu_time") or (wall + evaluation)
        train_share = wall / (wall + evaluation) if wall + evaluation > 0 else 1.0
        measured.setdefault((record["label"], record["agent"]), []).append(
            (cpu * train_share / record["env_steps"], cpu * (1 - train_share)))
    costs = {}
    for spec in specs:
        samples = measured.get((spec.label, spec.agent))
        if samples:
            per_step = sum(p for p, _ in samples) / len(samples)
            fixed = sum(f for _, f in samples) / len(samples)
            costs[spec.key] = per_step * spec.budget + fixed
    return costs


def _split(text: str | None) -> list[str] | None:
    return None if text is None else [part for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", choices=("quick", "full"), default="quick", help="which budgets to run")
    parser.add_argument("--envs", help="comma-separated entry labels or env ids to keep (default: all)")
    parser.add_argument("--agents", help="comma-separated agent names to keep (default: all)")
    parser.add_argument("--seeds", type=int, default=None,
                        help=f"seeds per run, 0..N-1 (default: {DEFAULT_SEEDS['quick']} quick, "
                             f"{DEFAULT_SEEDS['full']} full)")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes; 0 runs in this process")
    parser.add_argument("--out", default=None, help="output folder (default: results/<suite>)")
    parser.add_argument("--ray", metavar="ADDRESS", default=None,
                        help="send runs to a Ray cluster at ADDRESS; 'local' starts a local Ray instance")
    parser.add_argument("--entries", metavar="MODULE:NAME", default=None,
                        help="take the entries from a list (or a function returning one) instead of "
                             "benchmarks/entries/")
    parser.add_argument("--retry-failed", action="store_true", help="run again the runs recorded as failed")
    parser.add_argument("--dry-run", action="store_true", help="list the planned runs and stop")
    parser.add_argument("--estimate-from", metavar="DIR", default=None,
                        help="with --dry-run: estimate each run's CPU time from the runs in DIR/results.jsonl")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.seeds is not None and args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by the pool's workers
    os.environ.setdefault("MPLBACKEND", "Agg")
    from benchmarks.suite import all_entries

    out = Path(args.out) if args.out else Path("results") / args.suite
    seeds = args.seeds if args.seeds is not None else DEFAULT_SEEDS[args.suite]
    try:
        entries = all_entries() if args.entries is None else load_entries(args.entries)
        if args.dry_run:
            specs = plan_runs(entries, args.suite, seeds, _split(args.envs), _split(args.agents))
            costs = estimate_cpu(specs, args.estimate_from) if args.estimate_from else {}
            for spec in specs:
                cost = costs.get(spec.key)
                print(f"{spec.key}  {spec.name}  budget={spec.budget:,}"
                      + ("" if not args.estimate_from else "  cpu=?" if cost is None else f"  cpu~{cost:,.1f}s"))
            print(f"{args.suite} suite: {len(specs)} runs, {sum(s.budget for s in specs):,} env steps")
            if args.estimate_from:
                known = [costs[s.key] for s in specs if s.key in costs]
                total = sum(known)
                print(f"estimated from {args.estimate_from}: {total:,.0f} CPU seconds for {len(known)} of "
                      f"{len(specs)} runs, about {total / max(1, args.workers) / 60:,.1f} minutes on "
                      f"{max(1, args.workers)} idle cores")
            return 0
        report = run_suite(entries, args.suite, seeds, out, args.workers, args.ray, envs=_split(args.envs),
                           agents=_split(args.agents), progress=not args.no_progress, retry_failed=args.retry_failed)
    except (ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 130 if report.interrupted else 0


def _sigterm_as_interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)  # `kill` stops the suite as cleanly as Ctrl-C
    sys.exit(main())
