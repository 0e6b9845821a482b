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

Checkpoints go through :mod:`rldojo.baselines.checkpoint` (atomic, SHA-256,
``weights_only``); the episode log and callbacks live in :mod:`rldojo.baselines.logging`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import time
from pathlib import Path
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch
from gymnasium import spaces

from rldojo.baselines.checkpoint import from_saved, read_checkpoint, to_saveable, write_checkpoint
from rldojo.baselines.logging import EpisodeLog, as_callback
from rldojo.baselines.registry import check_env, class_of_checkpoint
from rldojo.envs.common import episode_won, resolve_env
from rldojo.envs.options import check_choice, check_integer, check_number

__all__ = [
    "Agent",
    "Choice",
    "Flag",
    "Integer",
    "Number",
    "Sizes",
    "TrainingRun",
    "check_config",
    "describe_space",
    "env_identity",
    "hyperparameter",
    "set_global_seeds",
]


# --------------------------------------------------------------------------- hyperparameter constraints
#
# Each field of an agent's ``Config`` is declared as ``name: type = hyperparameter(default, check)  # comment``;
# ``Agent.__init__`` runs every field's check (:func:`check_config`). The checks are thin wrappers of the
# one option checker (:mod:`rldojo.envs.options`), so a bad value reads the same everywhere.


class Check:
    """A hyperparameter's constraint: ``check(name, value)`` raises a ValueError naming both, or returns."""

    optional = False  # None is also allowed

    def __call__(self, name: str, value: Any) -> None:
        if value is None and self.optional:
            return
        self.check(name, value)

    def check(self, name: str, value: Any) -> None:
        raise NotImplementedError

    def _refuse(self, name: str, allowed: str, value: Any) -> None:
        none = "None or " if self.optional else ""
        raise ValueError(f"{name} must be {none}{allowed}, got {value!r}")


@dataclasses.dataclass(frozen=True)
class Number(Check):
    """A finite real number, optionally within ``low``/``high`` (each bound closed unless ``*_open``)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False

    @property
    def allowed(self) -> str:
        if self.low is not None and self.high is not None:
            left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
            return f"a number in {left}{self.low:g}, {self.high:g}{right}"
        if self.low is not None:
            return f"a finite number {'greater than' if self.low_open else 'of at least'} {self.low:g}"
        if self.high is not None:
            return f"a finite number {'less than' if self.high_open else 'of at most'} {self.high:g}"
        return "a finite number"

    def check(self, name: str, value: Any) -> None:
        try:
            number = check_number(name, value)
        except ValueError:
            self._refuse(name, self.allowed, value)
        low, high = self.low, self.high
        if (low is not None and (number <= low if self.low_open else number < low)) or (
            high is not None and (number >= high if self.high_open else number > high)
        ):
            self._refuse(name, self.allowed, value)


def _positive() -> Number:
    return Number(0.0, low_open=True)


@dataclasses.dataclass(frozen=True)
class Integer(Check):
    """A Python or numpy integer (not a bool) from ``low`` to ``high`` (no upper bound if None)."""

    low: int = 1
    high: int | None = None
    optional: bool = False

    def check(self, name: str, value: Any) -> None:
        try:
            check_integer(name, value, self.low, self.high)
        except ValueError as error:
            if not self.optional:
                raise
            raise ValueError(str(error).replace(f"{name} must be ", f"{name} must be None or ", 1)) from None


@dataclasses.dataclass(frozen=True)
class Choice(Check):
    """One of the ``allowed`` values."""

    allowed: tuple

    def __init__(self, *allowed: Any):
        object.__setattr__(self, "allowed", tuple(allowed))

    def check(self, name: str, value: Any) -> None:
        check_choice(name, value, self.allowed)


@dataclasses.dataclass(frozen=True)
class Flag(Check):
    """True or False (a Python or numpy bool; not 0, 1 or a string)."""

    optional: bool = False

    def check(self, name: str, value: Any) -> None:
        if not isinstance(value, (bool, np.bool_)):
            self._refuse(name, "True or False", value)


@dataclasses.dataclass(frozen=True)
class Sizes(Check):
    """Layer widths: a tuple (or list) of positive integers; empty only if ``allow_empty``."""

    allow_empty: bool = True
    optional: bool = False

    def check(self, name: str, value: Any) -> None:
        ok = isinstance(value, (tuple, list)) and (self.allow_empty or len(value) > 0)
        if ok:
            try:
                for size in value:
                    check_integer(name, size, 1)
            except ValueError:
                ok = False
        if not ok:
            empty = "" if self.allow_empty else "non-empty "
            self._refuse(name, f"a {empty}tuple of positive integers", value)


def hyperparameter(default: Any, check: Check) -> Any:
    """A ``Config`` field with its constraint: ``gamma: float = hyperparameter(0.99, Number(0, 1))``."""
    return dataclasses.field(default=default, metadata={"check": check})


def check_config(config: Any) -> None:
    """Run the check of every field of a ``Config`` instance (a ValueError naming the first bad one)."""
    for field in dataclasses.fields(config):
        check = field.metadata.get("check")
        if check is not None:
            check(field.name, getattr(config, field.name))


def set_global_seeds(seed: int | None) -> None:
    """Seed Python's, numpy's and torch's global generators (no-op for None)."""
    if seed is None:
        return
    random.seed(seed)
    # the legacy global generator on purpose: code calling np.random.* directly (user or third-party) draws from it
    np.random.seed(seed % 2**32)  # noqa: NPY002
    torch.manual_seed(seed)


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


def env_identity(env) -> tuple[str | None, dict | None]:
    """The registered id and JSON-safe kwargs of ``env``, so ``load`` can rebuild it."""
    spec = getattr(env, "spec", None)
    if spec is None:
        return None, None
    # make_vec records these beside the env's own options; gym.make does not take them.
    vector_only = ("num_envs", "vectorization_mode", "vector_kwargs", "autoreset_mode")
    own_kwargs = {k: v for k, v in spec.kwargs.items() if k not in vector_only}
    try:
        kwargs = json.loads(json.dumps(own_kwargs))
    except (TypeError, ValueError):
        kwargs = None  # callables or objects among the kwargs: the caller must pass env=
    return spec.id, kwargs


# --------------------------------------------------------------------------- one learn call


class TrainingRun:
    """The bookkeeping of one ``learn`` call: counts, episodes, callbacks, progress bar.

    The agent's loop calls :meth:`step` once per env step; it is kept cheap because it
    sits on the hot path.
    """

    def __init__(self, agent: Agent, total_timesteps: int, callback, progress_bar: bool):
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
    def progress(self) -> float:
        """The fraction of training done, 0 to 1, for schedules: ``num_timesteps`` over the steps before this
        call plus its ``total_timesteps``. A call that continues an earlier one (``reset_num_timesteps=False``)
        continues its schedules, as stable-baselines3 counts them."""
        return min(1.0, self.agent.num_timesteps / max(1, self.start_timesteps + self.total_timesteps))

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
        check_env(env)
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
        check_config(self.config)
        self.observation_space = getattr(self.env, "single_observation_space", self.env.observation_space)
        self.action_space = getattr(self.env, "single_action_space", self.env.action_space)
        self.num_timesteps = 0
        # A child stream of the seed: the env's first reset takes the seed itself, and numpy
        # would otherwise give agent and env the very same random numbers.
        self.rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
        set_global_seeds(seed)
        self._env_seeded = False
        env_id, _ = env_identity(self.env)
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
        total_timesteps = check_integer("total_timesteps", total_timesteps, 1)
        if reset_num_timesteps:
            self.num_timesteps = 0
        started = time.perf_counter()
        with TrainingRun(self, total_timesteps, callback, progress_bar) as run:
            self._learn(int(total_timesteps), run)
        if self.verbose:
            elapsed = time.perf_counter() - started
            print(
                f"{type(self).__name__}: {run.steps_done} steps in {elapsed:.1f}s "
                f"({run.steps_done / max(elapsed, 1e-9):.0f} steps/s), {len(self.episodes.rows)} episodes"
            )
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
        self._check_observation(observation)
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

    def _check_observation(self, observation) -> None:
        """A ValueError giving the expected and received shape and dtype, when ``observation`` does not fit."""
        space = self.observation_space
        if isinstance(space, spaces.Discrete):
            obs = np.asarray(observation)
            start, n = int(space.start), int(space.n)
            fits = obs.dtype.kind in "iu" and obs.ndim <= 1 and obs.size > 0
            if fits and ((obs < start) | (obs >= start + n)).any():
                fits = False
            if not fits:
                raise ValueError(
                    f"{type(self).__name__}.predict expects an integer observation from {start} to {start + n - 1} "
                    f"(or a 1-d batch of them) for its {space}, got {observation!r} "
                    f"(shape {obs.shape}, dtype {obs.dtype})"
                )
        elif isinstance(space, (spaces.Box, spaces.MultiBinary)):
            obs = np.asarray(observation)
            shape = tuple(space.shape)
            fits = obs.dtype.kind in "biuf" and (
                obs.shape == shape or (obs.ndim == len(shape) + 1 and obs.shape[1:] == shape)
            )
            if not fits:
                raise ValueError(
                    f"{type(self).__name__}.predict expects a numeric observation of shape {shape} "
                    f"(or a batch of shape (n, {', '.join(map(str, shape))})) like its space's dtype {space.dtype}, "
                    f"got shape {obs.shape} and dtype {obs.dtype}"
                )

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
        """Write a checkpoint atomically (temporary file, then rename), with a SHA-256 of all of it."""
        env_id, env_kwargs = env_identity(self.env)
        body = {
            "agent": self.name,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "config": to_saveable(self.hyperparameters),
            "seed": self.seed,
            "num_timesteps": self.num_timesteps,
            "observation_space": describe_space(self.observation_space),
            "action_space": describe_space(self.action_space),
            "env_id": env_id,
            "env_kwargs": env_kwargs,
            "state": to_saveable(self._state_dict()),
        }
        return write_checkpoint(body, path)

    @classmethod
    def load(cls, path: str | os.PathLike, env=None, **overrides):
        """Load a checkpoint written by ``save``; ``env`` defaults to the env it was trained on.

        ``Agent.load`` takes any registered agent's checkpoint; ``DQN.load`` only a DQN's.
        """
        payload = read_checkpoint(path)
        return cls.from_checkpoint(payload, path, env=env, **overrides)

    @classmethod
    def from_checkpoint(cls, payload: dict, path: str | os.PathLike, env=None, **overrides):
        """The agent a checkpoint's payload (from :func:`~rldojo.baselines.checkpoint.read_checkpoint`) describes."""
        stored_class = payload["class"]
        if cls is Agent:
            agent_cls = class_of_checkpoint(path, stored_class)
        else:
            agent_cls = cls
            if stored_class != f"{cls.__module__}:{cls.__qualname__}":
                raise ValueError(f"{path} holds a {stored_class.rsplit(':', 1)[-1]} checkpoint, not a {cls.__name__}")
        if env is None:
            if payload["env_id"] is None or payload["env_kwargs"] is None:
                raise ValueError(f"{path} does not record a registered env it can rebuild; pass env=")
            try:
                env = gym.make(payload["env_id"], **payload["env_kwargs"])
            except Exception as error:  # gymnasium's NameNotFound, the env's own TypeError or ValueError...
                raise ValueError(
                    f"{path} records the env {payload['env_id']!r} with {payload['env_kwargs']}, which cannot be "
                    f"made here ({type(error).__name__}: {error}); pass env="
                ) from error
        env = resolve_env(env)
        for which in ("observation_space", "action_space"):
            env_space = getattr(env, f"single_{which}", getattr(env, which))
            if describe_space(env_space) != payload[which]:
                raise ValueError(
                    f"{path} was trained with {which} {payload[which]}, but this env has {describe_space(env_space)}"
                )
        config = {**from_saved(payload["config"]), **overrides}
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
