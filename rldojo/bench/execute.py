"""Executing runs: one run start to finish (:func:`execute_run`), and the backends that execute many.

:func:`execute_run` builds the env and the agent, trains it in one ``learn(budget)`` call,
evaluates the learning curve from a callback each time training passes one of the
``eval_points``, then the metrics at the end, and returns the run's result record; it never
raises an ``Exception`` (a failed run is a result too). One call, not one per curve point:
schedules over the call's length (epsilon, learning rate, clip range) run as a user's single
``learn(budget)`` runs them, and the number of curve points does not change what is learned.

The backends call ``on_start(spec)`` as a run starts and ``on_result(record)`` as it ends:
:func:`run_serial` in this process, :func:`run_pool` in a local process pool, and
:func:`run_ray` as Ray tasks. Every worker imports rldojo as it is installed where it runs
(on a Ray cluster: installed on every node), so an entry's ``"module:name"`` agents and
metrics must be importable there too.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import platform
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone

from rldojo.bench.metrics import metric_values
from rldojo.bench.plan import RunSpec, canonical, is_sb3
from rldojo.bench.store import RECORD_FORMAT
from rldojo.bench.suites import import_path

# --------------------------------------------------------------------------- one run


def build_agent(agent: str, env, seed: int, hyperparameters: dict):
    """An agent by make_agent name, or by "module:Class" path for agents outside the registry."""
    if ":" in agent:
        return import_path(agent)(env, seed=seed, **hyperparameters)
    from rldojo.baselines import make_agent

    return make_agent(agent, env, seed=seed, **hyperparameters)


def limit_threads() -> None:
    """One thread per run: runs are the parallel unit, and threads fight over 2 cores."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def machine_info() -> dict:
    """The host, CPU model, CPU count, Python version and platform, as recorded with every run."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def _versions() -> dict:
    versions = {}
    for name in ("rldojo", "torch", "gymnasium", "stable_baselines3", "sb3_contrib", "numpy"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, "__version__", None)
    return versions


def now() -> str:
    """The time now, UTC, to the second, in ISO 8601."""
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
        "unit": spec.unit,
        "random_score": spec.random_score,
        "target_score": spec.target_score,
        "select": spec.select,
        "counterpart": spec.counterpart,
        "settings": spec.settings,
    }


def _better(value, best, higher_is_better: bool) -> bool:
    if value is None:
        return False
    return best is None or (value >= best if higher_is_better else value <= best)  # a tie: the later, longer-trained


class CurvePoints:
    """``fn(agent)`` for a learn callback: runs ``on_point(agent)`` when training first reaches each target step.

    Called after every env step; several targets passed by one step (a vector env's) give one point.
    """

    def __init__(self, targets: list[int], on_point: Callable):
        self.targets = sorted(targets)
        self.on_point = on_point

    def __call__(self, agent) -> bool:
        if self.targets and agent.num_timesteps >= self.targets[0]:
            self.targets = [t for t in self.targets if t > agent.num_timesteps]
            self.on_point(agent)
        return True


def learn_callback(fn: Callable, sb3: bool):
    """``fn(agent)`` as the callback ``learn`` takes: as is for rldojo's agents, an SB3 ``BaseCallback`` for SB3's."""
    if not sb3:
        return fn
    from stable_baselines3.common.callbacks import BaseCallback

    class EachStep(BaseCallback):
        def _on_step(self) -> bool:
            return fn(self.model) is not False

    return EachStep()


def snapshot(agent, folder: str, name: str) -> str:
    """Save ``agent`` (an rldojo or SB3 agent: both have ``save``) under ``folder``; returns the file's path."""
    return str(agent.save(os.path.join(folder, name)))


def restore(agent, path: str, env):
    """The agent saved at ``path``, loaded by the agent's own class (``load(path, env=env)``)."""
    return type(agent).load(path, env=env)


def execute_run(spec: RunSpec) -> dict:
    """Train and evaluate one run; returns its result record and never raises an ``Exception``.

    Training is one ``learn(budget, callback=...)`` call; the callback evaluates the curve
    metric when training passes each of the first ``eval_points - 1`` points (``budget * k /
    eval_points`` steps), and the last point is evaluated after ``learn`` returns. An agent
    outside the registry ("module:Class") needs ``learn(total_timesteps, callback=fn)`` that
    calls ``fn(agent)`` after every step, as rldojo's agents do. Wall time counts training
    only. With ``spec.select == "best"`` the agent is saved at every curve point that matches
    or beats the ones before on the headline, and the final metrics are those of that
    checkpoint (``record["selected"]`` names its step).
    """
    record = base_record(spec)
    record.update(
        status="failed",
        env_steps=0,
        wall_time=0.0,
        steps_per_second=None,
        eval_time=0.0,
        curve=[],
        metrics={},
        error=None,
        started_at=now(),
        pid=os.getpid(),
    )
    env = agent = None
    train_time = eval_time = 0.0
    cpu_started = time.process_time()
    scratch = tempfile.TemporaryDirectory(prefix="rldojo-bench-") if spec.select == "best" else None
    best_value, best_path = None, None
    learn_started = None
    try:
        limit_threads()
        import gymnasium as gym

        import rldojo  # noqa: F401  (registers the env ids)

        env = gym.make(spec.env_id, **spec.env_kwargs)
        agent = build_agent(spec.agent, env, spec.seed, spec.hyperparameters)
        limit_threads()  # building the agent may have imported torch
        metric = import_path(spec.metric)
        curve_metric = import_path(spec.curve_metric) if spec.curve_metric else metric
        learn_started = time.perf_counter()

        def curve_point(trained) -> None:
            nonlocal train_time, eval_time, best_value, best_path
            started = time.perf_counter()
            train_time = started - learn_started - eval_time
            steps = int(trained.num_timesteps)
            record["env_steps"] = steps
            values = metric_values(curve_metric(trained, spec.env_id, spec.env_kwargs, spec.seed))
            record["curve"].append({"steps": steps, "wall_time": round(train_time, 6), "metrics": values})
            if scratch is not None and _better(values.get(spec.headline), best_value, spec.higher_is_better):
                best_value, best_path = values.get(spec.headline), snapshot(trained, scratch.name, "best")
                record["selected"] = {"steps": steps, "curve_value": best_value}
            eval_time += time.perf_counter() - started

        targets = [round(spec.budget * point / spec.eval_points) for point in range(1, spec.eval_points)]
        callback = learn_callback(CurvePoints(targets, curve_point), sb3=is_sb3(spec.agent))
        agent.learn(spec.budget, callback=callback)
        curve_point(agent)  # the last point: the whole budget (or past it, for whole rollouts)
        restored = best_path is not None and record["selected"]["steps"] != record["env_steps"]
        if restored:
            agent = restore(agent, best_path, env)
            limit_threads()
        if spec.curve_metric or restored:
            started = time.perf_counter()
            record["metrics"] = metric_values(metric(agent, spec.env_id, spec.env_kwargs, spec.seed))
            eval_time += time.perf_counter() - started
        else:
            record["metrics"] = dict(record["curve"][-1]["metrics"])
        record["status"] = "ok"
    except Exception:  # a failed run is a result too; KeyboardInterrupt is not and propagates
        record["error"] = traceback.format_exc()
        try:
            if learn_started is not None:
                train_time = time.perf_counter() - learn_started - eval_time
                record["env_steps"] = int(agent.num_timesteps)  # how far training got
        except (AttributeError, TypeError, ValueError):
            pass
    finally:
        if env is not None:
            with contextlib.suppress(Exception):
                env.close()
        if scratch is not None:
            scratch.cleanup()
    record["wall_time"] = round(train_time, 6)
    record["eval_time"] = round(eval_time, 6)
    # CPU seconds of the whole run (making, training, evaluating): what a suite costs on an idle machine
    record["cpu_time"] = round(time.process_time() - cpu_started, 6)
    record["steps_per_second"] = round(record["env_steps"] / train_time, 3) if train_time > 0 else None
    record["finished_at"] = now()
    record["machine"] = machine_info()
    record["versions"] = _versions()
    return record


def failed_record(spec: RunSpec, error: str) -> dict:
    """The record of a run whose worker died before it could answer."""
    record = base_record(spec)
    record.update(
        status="failed",
        env_steps=0,
        wall_time=0.0,
        steps_per_second=None,
        eval_time=0.0,
        curve=[],
        metrics={},
        error=error,
        started_at=None,
        finished_at=now(),
        cpu_time=None,
        machine=machine_info(),
        versions=_versions(),
    )
    return record


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


def run_serial(specs: list[RunSpec], on_start: Callable, on_result: Callable) -> None:
    """Every run in this process, one after the other."""
    for spec in specs:
        on_start(spec)
        on_result(execute_run(spec))


def run_pool(specs: list[RunSpec], workers: int, on_start: Callable, on_result: Callable) -> None:
    """At most ``workers`` runs in flight, so the ones in flight are the ones running."""
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds torch threads

    def new_pool() -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
        )

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


def run_ray(specs: list[RunSpec], address: str, workers: int, on_start: Callable, on_result: Callable) -> None:
    """Every run as a Ray task with num_cpus=1; results stream back as they finish (ray.wait).

    ``address`` "local" starts a local Ray instance with ``workers`` CPUs; any other address
    joins that cluster, whose nodes must have rldojo (and the entries' agents) installed.
    A Ray instance this process already started (``ray.init``) is used as it is.
    """
    import ray

    started_here = False
    if not ray.is_initialized():
        runtime_env = {"env_vars": {"OMP_NUM_THREADS": "1"}}
        if address == "local":
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False, runtime_env=runtime_env)
        else:
            ray.init(address=address, runtime_env=runtime_env)
        started_here = True
    task = ray.remote(num_cpus=1)(execute_run)
    refs = {}
    try:
        for spec in specs:
            refs[task.remote(spec)] = spec
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
            with contextlib.suppress(Exception):
                ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()
