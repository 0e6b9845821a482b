"""Bandit-v0's native vector env: identical to N single envs in SyncVectorEnv, stationary and drifting."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from hypothesis import given, settings
from hypothesis import strategies as st

from rldojo.envs.bandit.vector import BanditVectorEnv
from rldojo.envs.vector import assert_same_as_sync, native_and_sync


@st.composite
def bandit_options(draw) -> dict:
    return {
        "k": draw(st.integers(2, 6)),
        "arms": draw(st.sampled_from(["gaussian", "bernoulli"])),
        "nonstationary": draw(st.booleans()),
        "horizon": draw(st.integers(1, 8)),
        "drift": draw(st.sampled_from([0.0, 0.01, 0.5])),
        "problem_seed": draw(st.sampled_from([None, None, 7])),
    }


@settings(max_examples=20, deadline=None)
@given(
    options=bandit_options(),
    mode=st.sampled_from(list(AutoresetMode)),
    n=st.integers(1, 4),
    seed=st.integers(0, 2**31),
    actions_seed=st.integers(0, 1000),
)
def test_the_native_env_matches_single_envs_stepped_one_by_one(options, mode, n, seed, actions_seed):
    ours, theirs = native_and_sync("Bandit-v0", n, mode, **options)
    rng = np.random.default_rng(actions_seed)
    assert_same_as_sync(ours, theirs, seed, lambda masks: rng.integers(0, options["k"], len(masks)), steps=30)


def test_values_set_at_reset_are_every_env_s_problem_and_regret_follows_them():
    env = BanditVectorEnv(3, k=3)
    _, info = env.reset(seed=0, options={"values": [0.0, 1.0, 0.5]})
    assert info["optimal_arm"].tolist() == [1, 1, 1] and info["new_problem"].all()
    _, _, _, _, info = env.step(np.array([0, 1, 2]))
    assert info["regret"].tolist() == [1.0, 0.0, 0.5]
    assert env.total_regret.tolist() == [1.0, 0.0, 0.5]


def test_bad_options_and_a_bad_arm_are_refused():
    with pytest.raises(ValueError, match="k"):
        BanditVectorEnv(2, k=1)
    with pytest.raises(ValueError, match="horizon"):
        BanditVectorEnv(2, horizon=0)
    env = BanditVectorEnv(2, k=3)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"values in 0..2 of MultiDiscrete\(\[3 3\]\) \(an arm index\)"):
        env.step(np.array([0, 3]))


def test_render_shows_env_zero_as_the_single_env_does():
    env = BanditVectorEnv(2, render_mode="rgb_array", k=4, horizon=50)
    single = gym.make("Bandit-v0", render_mode="rgb_array", k=4, horizon=50)
    env.reset(seed=5)
    single.reset(seed=5)
    for arm in (0, 3, 3, 1):
        env.step(np.array([arm, 0]))
        single.step(arm)
    assert np.array_equal(env.render(), single.render())
