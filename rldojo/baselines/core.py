"""The agent contract: one face, stable-baselines3's, for every rldojo agent.

Every hand-written agent subclasses :class:`Agent` and so offers::

    agent = SomeAgent(env, seed=0, **hyperparameters)
    agent.learn(total_timesteps, callback=None, progress_bar=False)
    action, state = agent.predict(obs, deterministic=True, action_masks=None)
    agent.save("model.pt")
    agent = SomeAgent.load("model.pt", env=env)

A subclass declares its hyperparameters as a dataclass named ``Config`` (one field
each, with a one-line comment) and implements four methods:

- ``_setup()``: build networks, tables and optimisers from ``self.config``;
- ``_learn(total_timesteps, run)``: the training loop; after every env step it calls
  ``run.step(reward, terminated, truncated, info)`` and stops when that returns False;
- ``_predict(obs_batch, deterministic, masks)``: actions for a batch of observations;
- ``_state_dict()`` / ``_load_state_dict(state)``: tensors and plain data to checkpoint.

Checkpoints are ``torch.save`` of plain data and tensors, written to a temporary file
and renamed into place, and read back with ``torch.load(weights_only=True)``, so no
file a user is handed is ever unpickled.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import importlib
import json
import os
import random
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Callable, ClassVar

import gymnasium as gym
import numpy as np
import torch
from gymnasium import spaces

CHECKPOINT_FORMAT = "rldojo-agent"
CHECKPOINT_VERSION = 1

# make_agent's names. Values are "module:callable"; only these are ever imported
# when a checkpoint is loaded, so a checkpoint cannot name arbitrary code.
AGENTS: dict[str, str] = {
    "qlearning": "rldojo.baselines.tabular:QLearning",
    "sarsa": "rldojo.baselines.tabular:Sarsa",
    "expected_sarsa": "rldojo.baselines.tabular:ExpectedSarsa",
    "dqn": "rldojo.baselines.dqn:DQN",
    "reinforce": "rldojo.baselines.reinforce:Reinforce",
    "ppo": "rldojo.baselines.ppo:PPO",
    "a2c": "rldojo.baselines.a2c:A2C",
    "selfplay-sarsa": "rldojo.baselines.selfplay:SelfPlaySarsa",
    "cfr": "rldojo.baselines.cfr:CFR",
    "cfr+": "rldojo.baselines.cfr:CFRPlus",
    "bandit-epsilon-greedy": "rldojo.baselines.bandits:EpsilonGreedy",
    "bandit-ucb": "rldojo.baselines.bandits:UCB",
    "bandit-thompson": "rldojo.baselines.bandits:ThompsonSampling",
    "bandit-gradient": "rldojo.baselines.bandits:GradientBandit",
    "sb3-dqn": "rldojo.baselines.sb3:SB3DQN",
    "sb3-ppo": "rldojo.baselines.sb3:SB3PPO",
    "sb3-a2c": "rldojo.baselines.sb3:SB3A2C",
    "sb3-maskable-ppo": "rldojo.baselines.sb3:SB3MaskablePPO",
}


def _import(path: str):
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def agent_class(name: str):
    """The class (or factory) registered under ``name``."""
    if name not in AGENTS:
        raise ValueError(f"unknown agent {name!r}; known agents: {', '.join(sorted(AGENTS))}")
    return _import(AGENTS[name])


def make_agent(name: str, env, **kwargs):
    """Build the agent registered under ``name`` on ``env`` (an env or an env id).

    >>> agent = make_agent("qlearning", gym.make("Maze-v0", obs_mode="index"), seed=0)
    """
    return agent_class(name)(env, **kwargs)


def _is_sb3_zip(path: Path) -> bool:
    """SB3 saves a zip with a top-level ``data`` entry; torch.save writes a zip too, without one."""
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "data" in archive.namelist()
    except zipfile.BadZipFile as error:
        raise ValueError(f"{path} is a corrupt zip file, not a readable checkpoint: {error}") from error


def load_agent(path: str | os.PathLike, env=None):
    """Load any agent checkpoint: an rldojo ``.pt`` file or a stable-baselines3 ``.zip``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    if _is_sb3_zip(path):
        from rldojo.baselines.sb3 import load_sb3

        return load_sb3(path, env=env)
    return Agent.load(path, env=env)


def set_global_seeds(seed: int | None) -> None:
    """Seed Python's, numpy's and torch's global generators (no-op for None)."""
    if seed is None:
        return
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def resolve_env(env) -> gym.Env:
    """An env instance from an env or an env id string."""
    if isinstance(env, str):
        import rldojo  # noqa: F401  (registers the ids)

        return gym.make(env)
    if env is None:
        raise ValueError("env is None: pass an environment or an environment id")
    return env


def action_mask(env, info: dict | None = None) -> np.ndarray | None:
    """The legal-action mask of ``env`` now: ``info["action_mask"]`` or ``env.action_masks()``."""
    if info is not None and "action_mask" in info:
        return np.asarray(info["action_mask"], dtype=bool)
    for candidate in (env, getattr(env, "unwrapped", None)):
        masks = getattr(candidate, "action_masks", None)
        if callable(masks):
            return np.asarray(masks(), dtype=bool)
    return None


def describe_space(space: spaces.Space) -> dict:
    """A plain-data description of a space, for checking a checkpoint against an env."""
    if isinstance(space, spaces.Discrete):
        return {"type": "Discrete", "n": int(space.n)}
    if isinstance(space, spaces.Box):
        return {"type": "Box", "shape": list(space.shape), "dtype": str(space.dtype)}
    if isinstance(space, spaces.MultiBinary):
        return {"type": "MultiBinary", "shape": list(np.atleast_1d(space.n))}
    if isinstance(space, spaces.MultiDiscrete):
        return {"type": "MultiDiscrete", "nvec": [int(n) for n in space.nvec]}
    if isinstance(space, spaces.Dict):
        return {"type": "Dict", "spaces": {k: describe_space(s) for k, s in space.spaces.items()}}
    return {"type": type(space).__name__}


def _env_identity(env) -> tuple[str | None, dict | None]:
    """The registered id and JSON-safe kwargs of ``env``, so ``load`` can rebuild it."""
    spec = getattr(env, "spec", None)
    if spec is None:
        return None, None
    # make_vec records these beside the env's own options; gym.make does not take them.
    own_kwargs = {k: v for k, v in spec.kwargs.items() if k not in ("num_envs", "vectorization_mode", "vector_kwargs")}
    try:
        kwargs = json.loads(json.dumps(own_kwargs))
    except (TypeError, ValueError):
        kwargs = None  # callables or objects among the kwargs: the caller must pass env=
    return spec.id, kwargs


# --------------------------------------------------------------------------- checkpoints


def _to_saveable(value):
    """numpy arrays become tensors (torch's safe loader refuses numpy); the rest stays."""
    if isinstance(value, np.ndarray):
        return {"__ndarray__": torch.from_numpy(np.ascontiguousarray(value))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _to_saveable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_saveable(v) for v in value]
    return value


def _from_saved(value):
    if isinstance(value, dict):
        if set(value) == {"__ndarray__"}:
            return value["__ndarray__"].numpy()
        return {k: _from_saved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_saved(v) for v in value]
    return value


def state_digest(value, digest=None) -> str:
    """SHA-256 over a saved state's keys, tensors (shape, dtype, bytes) and plain values, in a fixed order.

    ``torch.load`` does not check tensor bytes, so without this a damaged file could load
    silently as other weights.
    """
    top = digest is None
    digest = hashlib.sha256() if top else digest
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            digest.update(f"<{key}>".encode())
            state_digest(value[key], digest)
    elif isinstance(value, (list, tuple)):
        digest.update(f"[{len(value)}]".encode())
        for item in value:
            state_digest(item, digest)
    elif isinstance(value, torch.Tensor):
        digest.update(f"{tuple(value.shape)}{value.dtype}".encode())
        digest.update(value.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    else:
        digest.update(repr(value).encode())
    return digest.hexdigest() if top else ""


def atomic_torch_save(payload: Any, path: str | os.PathLike) -> Path:
    """``torch.save`` to a temporary file beside ``path``, then rename: no partial checkpoint."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as tmp:
            torch.save(payload, tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return path


def read_checkpoint(path: str | os.PathLike) -> dict:
    """Read an rldojo checkpoint safely, or raise ValueError saying what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ValueError(
            f"{path} is not a readable rldojo checkpoint (corrupt, truncated or another format): {error}"
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not an rldojo agent checkpoint")
    if payload.get("format_version") != CHECKPOINT_VERSION:
        raise ValueError(
            f"{path} has checkpoint format version {payload.get('format_version')}; "
            f"this rldojo reads version {CHECKPOINT_VERSION}"
        )
    if payload.get("state_sha256") != state_digest(payload.get("state")):
        raise ValueError(f"{path} is corrupted: its saved state does not match its checksum")
    payload["state"] = _from_saved(payload["state"])
    return payload


# --------------------------------------------------------------------------- callbacks


class Callback:
    """Hooks into training; the same names as stable-baselines3's BaseCallback.

    ``on_step`` returning False stops training. ``self.agent`` and
    ``self.num_timesteps`` are set before any hook runs.
    """

    agent: "Agent"
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

    def __init__(self, fn: Callable[["Agent"], bool | None]):
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


def as_callback(callback) -> Callback | None:
    if callback is None or isinstance(callback, Callback):
        return callback
    if isinstance(callback, (list, tuple)):
        return CallbackList([as_callback(c) for c in callback])
    if callable(callback):
        return FunctionCallback(callback)
    raise ValueError(f"callback must be a Callback, a list of them or a callable, not {type(callback).__name__}")


# --------------------------------------------------------------------------- episode log


class EpisodeLog:
    """Per-episode learning curve: return, length, win, epsilon, timesteps and time.

    Always kept in memory (``rows``); also written as a stable-baselines3 Monitor-style
    CSV when ``monitor_dir`` is given, and to TensorBoard when ``tensorboard_log`` is.
    """

    FIELDS = ("episode", "timesteps", "return", "length", "win", "epsilon", "time")

    def __init__(self, env_id: str | None, monitor_dir=None, tensorboard_log=None, run_name="rldojo"):
        self.rows: list[dict] = []
        self.t_start = time.time()
        self._csv_file = None
        self._csv = None
        self._tb = None
        if monitor_dir is not None:
            monitor_dir = Path(monitor_dir)
            monitor_dir.mkdir(parents=True, exist_ok=True)
            self._csv_file = open(monitor_dir / "monitor.csv", "w", newline="")
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
        if self._csv is not None:
            self._csv.writerow([row["return"], row["length"], row["time"], "" if win is None else int(win),
                                "" if epsilon is None else epsilon])
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
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.FIELDS)
            writer.writeheader()
            writer.writerows(self.rows)
        os.replace(tmp, path)
        return path

    def close(self) -> None:
        if self._csv_file is not None:
            self._csv_file.close()
            self._csv_file = None
            self._csv = None
        if self._tb is not None:
            self._tb.close()
            self._tb = None


def episode_won(info: dict) -> bool | None:
    """Whether a finished episode was a win, by the conventions rldojo envs follow."""
    if "is_success" in info:
        return bool(info["is_success"])
    status = info.get("status")
    if status is not None:
        return status == "win"
    return None


class TrainingRun:
    """The bookkeeping of one ``learn`` call: counts, episodes, callbacks, progress bar.

    The agent's loop calls :meth:`step` once per env step; it is kept cheap because it
    sits on the hot path.
    """

    def __init__(self, agent: "Agent", total_timesteps: int, callback, progress_bar: bool):
        self.agent = agent
        self.total_timesteps = int(total_timesteps)
        self.callback = as_callback(callback)
        self.start_timesteps = agent.num_timesteps
        self.episode_return = 0.0
        self.episode_length = 0
        self.epsilon: float | None = None  # agents that explore by epsilon keep this current
        self._bar = None
        self._bar_count = 0
        if progress_bar:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self.total_timesteps, unit="step", desc=type(agent).__name__)

    @property
    def steps_done(self) -> int:
        return self.agent.num_timesteps - self.start_timesteps

    @property
    def done(self) -> bool:
        return self.steps_done >= self.total_timesteps

    def __enter__(self):
        if self.callback is not None:
            self.callback.agent = self.agent
            self.callback.num_timesteps = self.agent.num_timesteps
            self.callback.on_training_start()
        return self

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.update(self._bar_count)
            self._bar.close()
        if self.callback is not None:
            self.callback.on_training_end()
        return False

    def step(self, reward: float, terminated: bool, truncated: bool, info: dict) -> bool:
        """Record one env step; returns False when training should stop."""
        agent = self.agent
        agent.num_timesteps += 1
        self.episode_return += reward
        self.episode_length += 1
        if terminated or truncated:
            self.end_episode(info)
        if self._bar is not None:
            self._bar_count += 1
            if self._bar_count >= 256:
                self._bar.update(self._bar_count)
                self._bar_count = 0
        keep_going = agent.num_timesteps - self.start_timesteps < self.total_timesteps
        if self.callback is not None:
            self.callback.num_timesteps = agent.num_timesteps
            keep_going = self.callback.on_step() and keep_going
        return keep_going

    def end_episode(self, info: dict) -> dict:
        row = self.agent.episodes.add(
            self.episode_return, self.episode_length, episode_won(info), self.epsilon, self.agent.num_timesteps
        )
        self.episode_return = 0.0
        self.episode_length = 0
        if self.callback is not None:
            self.callback.on_episode_end(row)
        return row


# --------------------------------------------------------------------------- the agent


class Agent:
    """Base class of every hand-written rldojo agent (see the module docstring)."""

    #: the make_agent name; subclasses set it
    name: ClassVar[str] = ""

    @dataclasses.dataclass
    class Config:
        pass

    def __init__(
        self,
        env,
        seed: int | None = None,
        verbose: int = 0,
        tensorboard_log: str | None = None,
        monitor_dir: str | None = None,
        **hyperparameters,
    ):
        """
        :param env: the environment, or its registered id
        :param seed: seeds the agent's generators and torch; None for no seeding
        :param verbose: 0 silent, 1 a line per finished ``learn``
        :param tensorboard_log: a folder for TensorBoard event files, as in stable-baselines3
        :param monitor_dir: a folder for a Monitor-style ``monitor.csv`` of episodes
        :param hyperparameters: the fields of the agent's ``Config``
        """
        self.env = resolve_env(env)
        self.seed = seed
        self.verbose = verbose
        self.tensorboard_log = tensorboard_log
        self.monitor_dir = monitor_dir
        field_names = {f.name for f in dataclasses.fields(self.Config)}
        unknown = sorted(set(hyperparameters) - field_names)
        if unknown:
            raise ValueError(
                f"{type(self).__name__} has no hyperparameter {', '.join(map(repr, unknown))}; "
                f"its hyperparameters are: {', '.join(sorted(field_names))}"
            )
        self.config = self.Config(**hyperparameters)
        self.observation_space = getattr(self.env, "single_observation_space", self.env.observation_space)
        self.action_space = getattr(self.env, "single_action_space", self.env.action_space)
        self.num_timesteps = 0
        # A child stream of the seed: the env's first reset takes the seed itself, and numpy
        # would otherwise give agent and env the very same random numbers.
        self.rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
        set_global_seeds(seed)
        self._env_seeded = False
        env_id, _ = _env_identity(self.env)
        self.episodes = EpisodeLog(env_id, monitor_dir, tensorboard_log, run_name=type(self).__name__)
        self._setup()

    # -- what subclasses implement ---------------------------------------------------

    def _setup(self) -> None:
        raise NotImplementedError

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        raise NotImplementedError

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError

    def _state_dict(self) -> dict:
        raise NotImplementedError

    def _load_state_dict(self, state: dict) -> None:
        raise NotImplementedError

    # -- the public face ---------------------------------------------------------------

    def learn(self, total_timesteps: int, callback=None, progress_bar: bool = False, reset_num_timesteps: bool = True):
        """Train for ``total_timesteps`` env steps; returns self, as stable-baselines3 does.

        With ``reset_num_timesteps=False`` a second call continues the first (counts,
        schedules and the episode log carry on).
        """
        if int(total_timesteps) <= 0:
            raise ValueError(f"total_timesteps must be a positive integer, got {total_timesteps}")
        if reset_num_timesteps:
            self.num_timesteps = 0
        started = time.perf_counter()
        with TrainingRun(self, total_timesteps, callback, progress_bar) as run:
            self._learn(int(total_timesteps), run)
        if self.verbose:
            elapsed = time.perf_counter() - started
            print(f"{type(self).__name__}: {run.steps_done} steps in {elapsed:.1f}s "
                  f"({run.steps_done / max(elapsed, 1e-9):.0f} steps/s), {len(self.episodes.rows)} episodes")
        return self

    def reset_env(self, env=None):
        """``env.reset``, seeded from the agent's seed the first time, so learning is reproducible."""
        env = self.env if env is None else env
        if not self._env_seeded and self.seed is not None:
            self._env_seeded = True
            return env.reset(seed=int(self.seed))
        return env.reset()

    def predict(self, observation, state=None, episode_start=None, deterministic: bool = True, action_masks=None):
        """The action for an observation (or a batch of them), and the recurrent state (None)."""
        batch, single = self._as_batch(observation)
        masks = None
        if action_masks is not None:
            masks = np.asarray(action_masks, dtype=bool)
            if masks.ndim == 1:
                masks = masks[None, :]
            if not masks.any(axis=1).all():
                raise ValueError("action_masks allows no action for some observation")
        actions = self._predict(batch, deterministic, masks)
        if single:
            return actions[0], state
        return actions, state

    def _as_batch(self, observation) -> tuple[np.ndarray, bool]:
        space = self.observation_space
        if isinstance(space, spaces.Discrete):
            obs = np.asarray(observation, dtype=np.int64)
            return obs.reshape(-1), obs.ndim == 0
        if isinstance(space, (spaces.Box, spaces.MultiBinary)):
            obs = np.asarray(observation)
            single = obs.shape == tuple(space.shape)
            return (obs[None] if single else obs), single
        return np.asarray([observation], dtype=object), True

    @property
    def hyperparameters(self) -> dict:
        return dataclasses.asdict(self.config)

    def save(self, path: str | os.PathLike) -> Path:
        """Write a checkpoint atomically (temporary file, then rename)."""
        env_id, env_kwargs = _env_identity(self.env)
        payload = {
            "format": CHECKPOINT_FORMAT,
            "format_version": CHECKPOINT_VERSION,
            "agent": self.name,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "config": _to_saveable(self.hyperparameters),
            "seed": self.seed,
            "num_timesteps": self.num_timesteps,
            "observation_space": describe_space(self.observation_space),
            "action_space": describe_space(self.action_space),
            "env_id": env_id,
            "env_kwargs": env_kwargs,
            "state": _to_saveable(self._state_dict()),
        }
        payload["state_sha256"] = state_digest(payload["state"])
        return atomic_torch_save(payload, path)

    @classmethod
    def load(cls, path: str | os.PathLike, env=None, **overrides):
        """Load a checkpoint written by ``save``; ``env`` defaults to the env it was trained on."""
        payload = read_checkpoint(path)
        stored_class = payload["class"]
        known = {p: n for n, p in AGENTS.items()}
        if cls is Agent:
            if stored_class not in known:
                raise ValueError(f"{path} holds an agent of unknown class {stored_class!r}")
            agent_cls = _import(stored_class)
        else:
            agent_cls = cls
            if stored_class != f"{cls.__module__}:{cls.__qualname__}":
                raise ValueError(f"{path} holds a {stored_class.rsplit(':', 1)[-1]} checkpoint, not a {cls.__name__}")
        if env is None:
            if payload["env_id"] is None or payload["env_kwargs"] is None:
                raise ValueError(f"{path} does not record a registered env it can rebuild; pass env=")
            import rldojo  # noqa: F401

            env = gym.make(payload["env_id"], **payload["env_kwargs"])
        env = resolve_env(env)
        for which in ("observation_space", "action_space"):
            env_space = getattr(env, f"single_{which}", getattr(env, which))
            if describe_space(env_space) != payload[which]:
                raise ValueError(
                    f"{path} was trained with {which} {payload[which]}, but this env has {describe_space(env_space)}"
                )
        config = {**_from_saved(payload["config"]), **overrides}
        agent = agent_cls(env, seed=payload["seed"], **config)
        try:
            agent._load_state_dict(payload["state"])
        except (KeyError, RuntimeError, ValueError) as error:
            raise ValueError(f"{path} does not fit a {agent_cls.__name__} with its stored config: {error}") from error
        agent.num_timesteps = int(payload["num_timesteps"])
        return agent

    def get_env(self):
        return self.env

    def set_env(self, env) -> None:
        env = resolve_env(env)
        if describe_space(getattr(env, "single_observation_space", env.observation_space)) != describe_space(
            self.observation_space
        ):
            raise ValueError("the new env's observation space differs from the agent's")
        self.env = env
        self._env_seeded = False
