"""The episode log (memory, Monitor-style CSV, TensorBoard) and the training callbacks.

Every agent keeps its learning curve as rows of :data:`EPISODE_FIELDS`; the CLI and the
benchmark write and plot those rows, whoever trained the agent.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rldojo.baselines.checkpoint import atomic_write

__all__ = [
    "EPISODE_FIELDS",
    "Callback",
    "CallbackList",
    "EpisodeLog",
    "FunctionCallback",
    "as_callback",
    "write_episodes_csv",
]

#: the columns of a learning curve, one row per finished episode
EPISODE_FIELDS = ("episode", "timesteps", "return", "length", "win", "epsilon", "time")


def write_episodes_csv(rows: list[dict[str, Any]], path: str | os.PathLike) -> Path:
    """Learning-curve rows as a CSV with a header of :data:`EPISODE_FIELDS`, written atomically."""

    def write(tmp_name: str) -> None:
        with open(tmp_name, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=EPISODE_FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)

    return atomic_write(path, write)


# --------------------------------------------------------------------------- callbacks


class Callback:
    """Hooks into training; the same names as stable-baselines3's BaseCallback.

    ``on_step`` returning False stops training. ``self.agent`` and
    ``self.num_timesteps`` are set before any hook runs.
    """

    agent: Any  # the Agent being trained
    num_timesteps: int = 0

    def on_training_start(self) -> None:
        pass

    def on_step(self) -> bool:
        return True

    def on_episode_end(self, episode: dict) -> None:
        pass

    def on_training_end(self) -> None:
        pass


class FunctionCallback(Callback):
    """Wraps ``fn(agent) -> bool | None``; returning False stops training."""

    def __init__(self, fn: Callable[[Any], bool | None]):
        self.fn = fn

    def on_step(self) -> bool:
        return self.fn(self.agent) is not False


class CallbackList(Callback):
    def __init__(self, callbacks: list[Callback]):
        self.callbacks = callbacks

    def on_training_start(self) -> None:
        for c in self.callbacks:
            c.agent = self.agent
            c.on_training_start()

    def on_step(self) -> bool:
        keep_going = True
        for c in self.callbacks:
            c.num_timesteps = self.num_timesteps
            keep_going = c.on_step() and keep_going
        return keep_going

    def on_episode_end(self, episode: dict) -> None:
        for c in self.callbacks:
            c.on_episode_end(episode)

    def on_training_end(self) -> None:
        for c in self.callbacks:
            c.on_training_end()


def as_callback(callback: Any) -> Callback | None:
    """A :class:`Callback` from a Callback, a list of them, a callable ``fn(agent) -> bool | None``, or None."""
    if callback is None or isinstance(callback, Callback):
        return callback
    if isinstance(callback, (list, tuple)):
        return CallbackList([c for c in map(as_callback, callback) if c is not None])
    if callable(callback):
        return FunctionCallback(callback)
    raise ValueError(f"callback must be a Callback, a list of them or a callable, not {type(callback).__name__}")


# --------------------------------------------------------------------------- episode log


class EpisodeLog:
    """Per-episode learning curve: return, length, win, epsilon, timesteps and time.

    Always kept in memory (``rows``); also written as a stable-baselines3 Monitor-style
    CSV when ``monitor_dir`` is given, and to TensorBoard when ``tensorboard_log`` is.
    """

    FIELDS = EPISODE_FIELDS

    def __init__(self, env_id: str | None, monitor_dir=None, tensorboard_log=None, run_name="rldojo"):
        self.rows: list[dict] = []
        self.t_start = time.time()
        self._csv_file = None
        self._csv = None
        self._tb = None
        if monitor_dir is not None:
            monitor_dir = Path(monitor_dir)
            monitor_dir.mkdir(parents=True, exist_ok=True)
            # kept open across add() calls and closed in close(), so no with-block
            self._csv_file = open(monitor_dir / "monitor.csv", "w", newline="")  # noqa: SIM115
            self._csv_file.write("#" + json.dumps({"t_start": self.t_start, "env_id": env_id}) + "\n")
            self._csv = csv.writer(self._csv_file)
            # r, l, t are Monitor's columns, so SB3's load_results reads this file.
            self._csv.writerow(["r", "l", "t", "win", "epsilon"])
        if tensorboard_log is not None:
            from torch.utils.tensorboard import SummaryWriter

            run_dir = Path(tensorboard_log) / f"{run_name}_{int(self.t_start)}"
            self._tb = SummaryWriter(str(run_dir))

    def add(self, episode_return: float, length: int, win: bool | None, epsilon: float | None, timesteps: int):
        row = {
            "episode": len(self.rows),
            "timesteps": timesteps,
            "return": float(episode_return),
            "length": int(length),
            "win": win,
            "epsilon": epsilon,
            "time": round(time.time() - self.t_start, 6),
        }
        self.rows.append(row)
        if self._csv is not None and self._csv_file is not None:
            self._csv.writerow(
                [
                    row["return"],
                    row["length"],
                    row["time"],
                    "" if win is None else int(win),
                    "" if epsilon is None else epsilon,
                ]
            )
            self._csv_file.flush()
        if self._tb is not None:
            self._tb.add_scalar("rollout/ep_rew", row["return"], timesteps)
            self._tb.add_scalar("rollout/ep_len", row["length"], timesteps)
            if epsilon is not None:
                self._tb.add_scalar("rollout/exploration_rate", epsilon, timesteps)
        return row

    def log_scalar(self, tag: str, value: float, timesteps: int) -> None:
        """A training scalar (a loss, say) for TensorBoard; ignored without it."""
        if self._tb is not None:
            self._tb.add_scalar(tag, float(value), timesteps)

    def write_csv(self, path: str | os.PathLike) -> Path:
        """The whole curve as a CSV with a header, written atomically."""
        return write_episodes_csv(self.rows, path)

    def close(self) -> None:
        if self._csv_file is not None:
            self._csv_file.close()
            self._csv_file = None
            self._csv = None
        if self._tb is not None:
            self._tb.close()
            self._tb = None
