"""The soak: random documented options x random legal play, 10^4 steps per env id, the contract checked every step.

``python -m benchmarks.soak`` runs the same with 10^6 steps per env id.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import rldojo
from benchmarks.soak import OPTION_GRID, soak


@pytest.mark.parametrize("env_id", rldojo.ENV_IDS)
def test_ten_thousand_random_legal_steps_keep_the_contract(env_id):
    report = soak(env_id, steps=10_000, seed=0)
    assert report.steps == 10_000 and report.episodes >= 1


def test_every_env_id_has_an_option_grid():
    assert set(OPTION_GRID) == set(rldojo.ENV_IDS)


class _NumpyRewardEnv(gym.Env):
    """Breaks the contract: its reward is a numpy float, not a Python float."""

    observation_space = gym.spaces.Discrete(2)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return 0, {}

    def step(self, action):
        return 1, np.float64(1.0), True, False, {}


def test_the_soak_catches_a_broken_contract(monkeypatch):
    gym.register("SoakBroken-v0", entry_point=_NumpyRewardEnv)
    monkeypatch.setitem(OPTION_GRID, "SoakBroken-v0", [{}])
    try:
        with pytest.raises(AssertionError, match="reward"):
            soak("SoakBroken-v0", steps=10)
    finally:
        gym.registry.pop("SoakBroken-v0")
