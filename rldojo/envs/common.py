"""What every rldojo environment shares: the one policy adapter, the masked action space, option checks.

Nothing here knows about agents. A *policy* is anything that can choose an action:
an object with stable-baselines3's ``predict`` (every rldojo and SB3 agent) or a plain
callable ``observation -> action``. Measures that judge a policy (a win rate, a true
score, an exploitability) call :func:`policy_action` and so accept either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rldojo.envs.options import check_choice, check_integer, check_number, check_render_mode, check_reset_options

__all__ = [
    "LegalActionSpace",
    "action_mask",
    "check_action",
    "check_choice",
    "check_integer",
    "check_number",
    "check_render_mode",
    "check_reset_options",
    "episode_won",
    "policy_action",
    "resolve_env",
]


def policy_action(
    policy: Any, observation: Any, mask: np.ndarray | None = None, deterministic: bool = True, batch: bool = False
) -> Any:
    """The action ``policy`` chooses for ``observation`` (or the actions, for a batch when ``batch``).

    :param policy: anything with ``predict(obs, deterministic=..., action_masks=...)`` or a callable obs -> action
    :param mask: the legal actions now, passed to ``predict`` as ``action_masks`` when given
    :param deterministic: passed to ``predict``; a callable decides for itself
    :param batch: ``observation`` is a batch; a callable is then asked once per observation
    :returns: a Python scalar for one scalar action, else a numpy array
    """
    if hasattr(policy, "predict"):
        if mask is None:
            action, _ = policy.predict(observation, deterministic=deterministic)
        else:
            try:
                action, _ = policy.predict(observation, deterministic=deterministic, action_masks=mask)
            except TypeError:  # SB3's plain algorithms take no masks
                action, _ = policy.predict(observation, deterministic=deterministic)
    elif callable(policy):
        action = [policy(obs) for obs in observation] if batch else policy(observation)
    else:
        raise ValueError(
            f"policy must have a predict method or be a callable obs -> action, got {type(policy).__name__}"
        )
    action = np.asarray(action)
    if batch:
        return action.reshape(len(observation), *action.shape[1:]) if action.ndim else action.reshape(1)
    return action.item() if action.size == 1 else action


def check_action(action: Any, n: int, meaning: str = "") -> int:
    """``action`` as an int in ``0..n-1``, or a ValueError naming the action and the space.

    Accepted: a Python ``int``, a numpy integer scalar, or a 0-d integer array, as
    ``Discrete(n).contains`` accepts. Floats, strings, bools, None and out-of-range values are
    refused, never truncated or converted.

    :param meaning: what the actions are, for the message (e.g. ``"0 left, 1 right, 2 up, 3 down"``)
    """
    if (
        type(action) is int
        or isinstance(action, np.integer)
        or (isinstance(action, np.ndarray) and action.ndim == 0 and np.issubdtype(action.dtype, np.integer))
    ):  # the fast path: no array is made
        value = int(action)
    else:
        value = None
    if value is None or not 0 <= value < n:
        detail = f" ({meaning})" if meaning else ""
        raise ValueError(f"action must be an integer in 0..{n - 1} of Discrete({n}){detail}, got {action!r}")
    return value


def action_mask(env: Any, info: dict | None = None) -> np.ndarray | None:
    """The legal-action mask of ``env`` now: ``info["action_mask"]`` or ``env.action_masks()``; None if neither."""
    if info is not None and "action_mask" in info:
        return np.asarray(info["action_mask"], dtype=bool)
    for candidate in (env, getattr(env, "unwrapped", None)):
        masks = getattr(candidate, "action_masks", None)
        if callable(masks):
            return np.asarray(masks(), dtype=bool)
    return None


def episode_won(info: dict) -> bool | None:
    """Whether a finished episode was a win: ``info["is_success"]``, or ``info["status"] == "win"``; None if unknown."""
    if "is_success" in info:
        return bool(info["is_success"])
    status = info.get("status")
    if status is not None:
        return status == "win"
    return None


def resolve_env(env: Any) -> gym.Env:
    """An env instance from an env or a registered env id (``import rldojo`` has registered ours)."""
    if isinstance(env, str):
        return gym.make(env)
    if env is None:
        raise ValueError("env is None: pass an environment or an environment id")
    return env


class LegalActionSpace(spaces.Discrete):
    """``Discrete(n)`` whose ``sample()`` draws among the actions legal now.

    Random play (``env.action_space.sample()``, and the env checkers' random actions)
    then stays legal under an env's default ``illegal_action="raise"``. An explicit
    ``mask`` or ``probability`` is used as given.

    :param n: the number of actions
    :param legal_mask: returns the int8 mask of the actions legal now
    :param fallback: the mask to sample from when nothing is legal (between games, say)
    :param fallback_after_seed: also use ``fallback`` for the first draw after ``seed()``.
        Gymnasium's checker seeds and samples before it resets, so the game may change
        under that sample; a fallback legal everywhere keeps it legal.
    """

    def __init__(
        self,
        n: int,
        legal_mask: Callable[[], np.ndarray],
        fallback: np.ndarray | None = None,
        fallback_after_seed: bool = False,
        seed=None,
    ):
        super().__init__(n, seed=seed)
        self._legal_mask = legal_mask
        self._fallback = fallback
        self._fallback_after_seed = fallback_after_seed
        self._just_seeded = False

    def seed(self, seed=None):
        self._just_seeded = self._fallback_after_seed
        return super().seed(seed)

    def legal(self) -> np.ndarray:
        """The mask sampled from now: the env's, or the fallback when it allows nothing."""
        mask = np.asarray(self._legal_mask(), dtype=np.int8)
        if self._fallback is not None and (self._just_seeded or not mask.any()):
            mask = np.asarray(self._fallback, dtype=np.int8)
        self._just_seeded = False
        return mask

    def sample(self, mask=None, probability=None):
        if mask is None and probability is None:
            return super().sample(mask=self.legal())
        return super().sample(mask=mask, probability=probability)
