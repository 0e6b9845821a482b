"""What the SB3 agents share: env wrapping (Monitor, masks), policy choice, rl-zoo3 schedules and names."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import torch
from gymnasium import spaces
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from stable_baselines3.common.utils import LinearSchedule
from stable_baselines3.common.vec_env import DummyVecEnv, VecEnv

from rldojo.baselines.nets import NatureCNN
from rldojo.envs.common import check_choice, resolve_env

try:
    from sb3_contrib.common.wrappers import ActionMasker
except ImportError:  # pragma: no cover - sb3-contrib is part of the sb3 extra
    ActionMasker = None

__all__ = [
    "ACTIVATIONS",
    "FEATURES_EXTRACTORS",
    "OPTIMIZERS",
    "InfoActionMasker",
    "RldojoCNN",
    "monitors",
    "policy_for",
    "policy_kwargs_from_names",
    "schedule",
    "wrap_env",
]


# Names a user may give in policy_kwargs, and the only classes a checkpoint may name.
ACTIVATIONS = {
    name: getattr(torch.nn, cls)
    for name, cls in {
        "relu": "ReLU",
        "tanh": "Tanh",
        "elu": "ELU",
        "leaky_relu": "LeakyReLU",
        "gelu": "GELU",
        "silu": "SiLU",
        "sigmoid": "Sigmoid",
    }.items()
}
OPTIMIZERS = {cls.__name__: cls for cls in (torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop, torch.optim.SGD)}


class RldojoCNN(BaseFeaturesExtractor):
    """rldojo's convolutional torso (:class:`rldojo.baselines.nets.NatureCNN`) as an SB3 features extractor.

    ``policy_kwargs={"features_extractor_class": "rldojo_cnn", "features_extractor_kwargs":
    {"features_dim": 256, "channels": [16, 32]}}`` gives SB3's ``CnnPolicy`` the same torso as
    rldojo's DQN with ``cnn_channels=(16, 32)``: on CartPole's 20x40 frames SB3's own NatureCNN
    (an 8x8 stride-4 first layer) has no room, and the comparison should differ in the
    algorithm's code, not in the network.
    """

    def __init__(self, observation_space: spaces.Box, features_dim: int = 256, channels=None):
        super().__init__(observation_space, features_dim)
        self.cnn = NatureCNN(
            tuple(observation_space.shape),
            features_dim=features_dim,
            channels_last=False,  # SB3 hands images over channels first
            channels=None if channels is None else tuple(int(c) for c in channels),
        )

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.cnn(observations)


FEATURES_EXTRACTORS = {"rldojo_cnn": RldojoCNN}


class InfoActionMasker(ActionMasker if ActionMasker is not None else gym.Wrapper):
    """sb3-contrib's ActionMasker for an env that reports its mask in ``info["action_mask"]`` only.

    It remembers the mask of the last ``reset`` or ``step`` and hands it to MaskablePPO
    through ``action_masks()``.
    """

    def __init__(self, env: gym.Env):
        if ActionMasker is not None:
            super().__init__(env, lambda _env: self._recorded_mask())
        else:  # pragma: no cover
            super().__init__(env)
        self._mask = None

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self._mask = info.get("action_mask")
        return obs, info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._mask = info.get("action_mask")
        return obs, reward, terminated, truncated, info

    def _recorded_mask(self) -> np.ndarray:
        if self._mask is None:  # an env without masks: every action is legal
            return np.ones(self.action_space.n, dtype=bool)
        return np.asarray(self._mask, dtype=bool)

    def action_masks(self) -> np.ndarray:
        return self._recorded_mask()


def _has_action_masks(env: gym.Env) -> bool:
    try:
        return callable(env.get_wrapper_attr("action_masks"))
    except AttributeError:
        return False


def wrap_env(env, monitor_dir=None, n_envs: int = 1, masks: bool = False, index: int | None = None):
    """The env as SB3 should see it: Monitor-wrapped (and mask-capable when ``masks``).

    :param env: an env, an env id, or an SB3 ``VecEnv`` (returned as it is)
    :param monitor_dir: where Monitor writes its CSV; None keeps the episodes in memory only
    :param n_envs: above 1, a ``DummyVecEnv`` of that many copies made from the env's spec
    :param masks: give the env an ``action_masks()`` method (for MaskablePPO)
    """
    if env is None or isinstance(env, VecEnv):
        return env
    env = resolve_env(env)
    if n_envs > 1:
        spec = env.spec
        if spec is None:
            raise ValueError("n_envs > 1 needs an env made by gym.make (its spec is copied)")

        def factory(i):
            return lambda: wrap_env(env if i == 0 else gym.make(spec), monitor_dir, 1, masks, index=i)

        return DummyVecEnv([factory(i) for i in range(n_envs)])
    if masks and not _has_action_masks(env):
        env = InfoActionMasker(env)
    if not _is_monitored(env):
        filename = None
        if monitor_dir is not None:
            Path(monitor_dir).mkdir(parents=True, exist_ok=True)
            filename = str(Path(monitor_dir) / ("monitor.csv" if index is None else f"{index}.monitor.csv"))
        env = Monitor(env, filename=filename)
    return env


def _is_monitored(env) -> bool:
    while isinstance(env, gym.Wrapper):
        if isinstance(env, Monitor):
            return True
        env = env.env
    return False


def policy_for(space: spaces.Space) -> str:
    if isinstance(space, spaces.Dict):
        return "MultiInputPolicy"
    if isinstance(space, spaces.Box) and space.dtype == np.uint8 and len(space.shape) == 3:
        return "CnnPolicy"
    return "MlpPolicy"


def schedule(value):
    """rl-zoo3's "lin_X" string as a linear decay from X to 0; anything else unchanged."""
    if isinstance(value, str):
        if value.startswith("lin_"):
            return LinearSchedule(float(value[4:]), 0.0, 1.0)
        return float(value)
    return value


def policy_kwargs_from_names(policy_kwargs: dict | None) -> dict | None:
    """Allow activation and optimizer classes to be named by strings (JSON-friendly defaults)."""
    if not policy_kwargs:
        return policy_kwargs
    out = dict(policy_kwargs)
    if isinstance(out.get("activation_fn"), str):
        name = out["activation_fn"].lower()
        check_choice("policy_kwargs['activation_fn']", name, sorted(ACTIVATIONS))
        out["activation_fn"] = ACTIVATIONS[name]
    if isinstance(out.get("features_extractor_class"), str):
        check_choice(
            "policy_kwargs['features_extractor_class']", out["features_extractor_class"], sorted(FEATURES_EXTRACTORS)
        )
        out["features_extractor_class"] = FEATURES_EXTRACTORS[out["features_extractor_class"]]
    if isinstance(out.get("optimizer_class"), str):
        check_choice("policy_kwargs['optimizer_class']", out["optimizer_class"], sorted(OPTIMIZERS))
        out["optimizer_class"] = OPTIMIZERS[out["optimizer_class"]]
    return out


def monitors(vec) -> list:
    """The Monitor wrapper of every env in an SB3 VecEnv."""
    found = []
    for env in getattr(vec, "envs", []):
        while isinstance(env, gym.Wrapper):
            if isinstance(env, Monitor):
                found.append(env)
                break
            env = env.env
    return found
