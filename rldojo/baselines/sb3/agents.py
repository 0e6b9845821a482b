"""stable-baselines3's DQN, PPO and A2C, and sb3-contrib's MaskablePPO, behind rldojo's names.

SB3's algorithms already have the contract's face (``learn``, ``predict``, ``save``,
``load``), so these are thin subclasses that add only what is missing:

- ``make_agent("sb3-ppo", env, seed=0, **kwargs)`` works: the env comes first and the
  policy is chosen from the observation space (``MlpPolicy``, ``CnnPolicy`` for images,
  ``MultiInputPolicy`` for dicts);
- ``verbose=0`` by default, and ``learn`` makes no log folder unless ``tensorboard_log`` is given;
- the env is always wrapped in SB3's ``Monitor``; with ``monitor_dir=DIR`` it writes
  ``DIR/monitor.csv`` (``DIR/<i>.monitor.csv`` with ``n_envs > 1``); ``tensorboard_log=DIR``
  is SB3's own;
- ``n_envs=N`` trains on N copies of the env (a ``DummyVecEnv``), as rl-zoo3 does;
- rl-zoo3's schedule strings: ``learning_rate="lin_0.001"`` (and ``clip_range``) decay
  linearly to 0; ``policy_kwargs={"activation_fn": "relu"}`` names an activation;
- masks: ``SB3MaskablePPO`` reads ``env.action_masks()``; an env that only offers
  ``info["action_mask"]`` is wrapped so that it has that method too;
- ``load`` / :func:`load_sb3` never unpickle anything from the file: every cloudpickled
  entry of the zip's ``data`` is replaced (``custom_objects``) by an object rebuilt from
  its readable fields, and the ``.pth`` parts are read with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

from stable_baselines3 import A2C, DQN, PPO
from stable_baselines3.common.logger import HumanOutputFormat, Logger
from stable_baselines3.common.vec_env import VecEnv

from rldojo.baselines.checkpoint import atomic_write
from rldojo.baselines.sb3.loading import load_model
from rldojo.baselines.sb3.wrappers import monitors, policy_for, policy_kwargs_from_names, schedule, wrap_env
from rldojo.envs.common import resolve_env

try:
    from sb3_contrib import MaskablePPO
except ImportError:  # pragma: no cover - sb3-contrib is part of the sb3 extra
    MaskablePPO = None

__all__ = ["CLASSES", "SB3A2C", "SB3DQN", "SB3PPO", "SB3MaskablePPO", "load_sb3"]


class _RldojoSB3:
    """What the four SB3 classes share: the env-first constructor, Monitor, safe load."""

    name: ClassVar[str] = ""
    _masks: ClassVar[bool] = False
    _schedules: ClassVar[tuple[str, ...]] = ("learning_rate",)

    def __init__(
        self,
        env=None,
        policy=None,
        seed: int | None = None,
        verbose: int = 0,
        monitor_dir=None,
        n_envs: int = 1,
        **kwargs,
    ):
        env_for_policy = env
        if env is not None and not isinstance(env, VecEnv):
            env_for_policy = resolve_env(env)
        if policy is None:
            if env_for_policy is None:
                raise ValueError("pass an env (or a policy) to build an agent")
            space = env_for_policy.observation_space
            policy = policy_for(space)
        for key in self._schedules:
            if key in kwargs:
                kwargs[key] = schedule(kwargs[key])
        if "policy_kwargs" in kwargs:
            kwargs["policy_kwargs"] = policy_kwargs_from_names(kwargs["policy_kwargs"])
        if isinstance(kwargs.get("train_freq"), list):  # JSON has no tuples: [4, "step"]
            kwargs["train_freq"] = tuple(kwargs["train_freq"])
        wrapped = wrap_env(env_for_policy, monitor_dir, int(n_envs), masks=self._masks)
        self.monitor_dir = None if monitor_dir is None else str(monitor_dir)
        # The next class in the MRO is the SB3 algorithm (DQN, PPO, A2C or MaskablePPO).
        super().__init__(policy, wrapped, seed=seed, verbose=verbose, **kwargs)

    def learn(self, *args, **kwargs):
        """SB3's ``learn``. Without ``tensorboard_log`` or a logger of one's own, its logs go to
        stdout (``verbose=1``) or nowhere, and no folder is made: SB3 itself would make an empty
        ``SB3-<date>`` folder in the temp dir on every call."""
        if self.tensorboard_log is None and not self._custom_logger:
            outputs = [HumanOutputFormat(sys.stdout)] if self.verbose >= 1 else []
            self.set_logger(Logger(folder=None, output_formats=outputs))
        return super().learn(*args, **kwargs)

    def _excluded_save_params(self) -> list[str]:
        return [*super()._excluded_save_params(), "monitor_dir"]

    @property
    def episodes(self):
        """The Monitor's episodes as rldojo's learning-curve rows (return, length, win, time)."""
        return _MonitorEpisodes(self)

    def save(self, path, exclude=None, include=None) -> Path:
        """SB3's save, written to a temporary file and renamed into place."""
        path = Path(path)
        if path.suffix != ".zip":
            path = path.with_name(path.name + ".zip")
        train_freq = getattr(self, "train_freq", None)
        try:
            if train_freq is not None:  # a plain pair instead of a pickled TrainFreq
                self.train_freq = [int(train_freq.frequency), train_freq.unit.value]
            atomic_write(
                path,
                lambda tmp_name: super(_RldojoSB3, self).save(tmp_name, exclude=exclude, include=include),
                suffix=".zip",
            )
        finally:
            if train_freq is not None:
                self.train_freq = train_freq
        return path

    @classmethod
    def load(cls, path, env=None, **kwargs):
        """Load without unpickling anything from the file (see :func:`load_sb3`)."""
        return load_sb3(path, env=env, expect=cls, **kwargs)


class _MonitorEpisodes:
    """rldojo's ``agent.episodes.rows`` for an SB3 agent, read from its Monitor wrappers."""

    def __init__(self, model):
        self.model = model

    @property
    def rows(self) -> list[dict]:
        vec = self.model.get_env()
        if vec is None:
            return []
        rows = []
        for monitor in monitors(vec):
            returns, lengths, times = (
                monitor.get_episode_rewards(),
                monitor.get_episode_lengths(),
                monitor.get_episode_times(),
            )
            for r, n, t in zip(returns, lengths, times, strict=True):
                rows.append({"return": float(r), "length": int(n), "win": None, "epsilon": None, "time": t})
        rows.sort(key=lambda row: row["time"])
        total = 0
        for i, row in enumerate(rows):
            total += row["length"]
            row["episode"], row["timesteps"] = i, total
        return rows


class SB3DQN(_RldojoSB3, DQN):
    """stable-baselines3's DQN, as ``make_agent("sb3-dqn", env, seed=0, **kwargs)``.

    :param env: an env, an env id or an SB3 VecEnv
    :param policy: SB3's policy name or class; chosen from the observation space when None
    :param seed: SB3's seed
    :param verbose: 0 silent (the default here), 1 SB3's logs
    :param monitor_dir: a folder for Monitor's CSV of episodes
    :param n_envs: train on this many copies of the env
    :param kwargs: DQN's own arguments (``learning_rate``, ``buffer_size``, ``tensorboard_log``...)
    """

    name = "sb3-dqn"


class SB3PPO(_RldojoSB3, PPO):
    """stable-baselines3's PPO, as ``make_agent("sb3-ppo", env, seed=0, **kwargs)`` (arguments as SB3DQN's)."""

    name = "sb3-ppo"
    _schedules = ("learning_rate", "clip_range")


class SB3A2C(_RldojoSB3, A2C):
    """stable-baselines3's A2C, as ``make_agent("sb3-a2c", env, seed=0, **kwargs)`` (arguments as SB3DQN's)."""

    name = "sb3-a2c"


if MaskablePPO is not None:

    class SB3MaskablePPO(_RldojoSB3, MaskablePPO):
        """sb3-contrib's MaskablePPO, as ``make_agent("sb3-maskable-ppo", env, seed=0, **kwargs)``.

        It reads ``env.action_masks()``; an env that only reports ``info["action_mask"]`` is
        wrapped to offer it. ``predict(obs, action_masks=mask)`` takes the mask for acting.
        """

        name = "sb3-maskable-ppo"
        _masks = True
        _schedules = ("learning_rate", "clip_range")


else:  # pragma: no cover

    class SB3MaskablePPO:  # type: ignore[no-redef]
        name = "sb3-maskable-ppo"

        def __init__(self, *args, **kwargs):
            raise ImportError("sb3-maskable-ppo needs sb3-contrib: pip install 'rldojo[sb3]'")


CLASSES = {cls.name: cls for cls in (SB3DQN, SB3PPO, SB3A2C, SB3MaskablePPO)}


def load_sb3(path, env=None, custom_objects: dict | None = None, monitor_dir=None, expect=None, **kwargs):
    """Load a stable-baselines3 ``.zip`` as one of the classes here, unpickling nothing from it.

    See :func:`rldojo.baselines.sb3.loading.load_model` for how, and for the arguments.
    """
    return load_model(
        path, CLASSES, env=env, custom_objects=custom_objects, monitor_dir=monitor_dir, expect=expect, **kwargs
    )
