"""Bandit-v0 and its rules: the reward model, drift, regret, seeding, the API checkers, rendering, errors."""

import re
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from rldojo.envs.bandit.env import BanditEnv
from rldojo.envs.bandit.rules import KArmedBandit

OPTIONS = [
    {},
    {"arms": "bernoulli"},
    {"nonstationary": True},
    {"arms": "bernoulli", "nonstationary": True, "k": 3},
    {"problem_seed": 4, "horizon": 7},
]


# ---------------------------------------------------------------- rules


def test_gaussian_rewards_are_centred_on_the_true_values():
    bandit = KArmedBandit(k=4, n_problems=20_000)
    rng = np.random.default_rng(0)
    bandit.set_values([0.0, 1.0, -2.0, 0.5])
    arms = np.repeat(np.arange(4), 5_000)
    rewards, regrets, optimal = bandit.pull(arms, rng)
    means = [rewards[arms == a].mean() for a in range(4)]
    np.testing.assert_allclose(means, [0.0, 1.0, -2.0, 0.5], atol=0.05)
    assert rewards[arms == 1].std() == pytest.approx(1.0, abs=0.05)
    np.testing.assert_allclose(regrets, 1.0 - np.array([0.0, 1.0, -2.0, 0.5])[arms])
    assert (optimal == 1).all()


def test_fresh_values_follow_the_testbed_distributions():
    rng = np.random.default_rng(1)
    gaussian = KArmedBandit(k=10, n_problems=2_000).draw_values(rng)
    assert abs(gaussian.mean()) < 0.05 and gaussian.std() == pytest.approx(1.0, abs=0.05)
    bernoulli = KArmedBandit(k=10, arms="bernoulli", n_problems=2_000).draw_values(rng)
    assert bernoulli.min() >= 0 and bernoulli.max() <= 1 and bernoulli.mean() == pytest.approx(0.5, abs=0.02)


def test_bernoulli_arms_pay_zero_or_one_with_their_probability():
    bandit = KArmedBandit(k=2, arms="bernoulli", n_problems=50_000)
    bandit.set_values([0.2, 0.9])
    rewards, _, _ = bandit.pull(np.zeros(50_000, dtype=int), np.random.default_rng(2))
    assert set(np.unique(rewards)) == {0.0, 1.0}
    assert rewards.mean() == pytest.approx(0.2, abs=0.01)


def test_nonstationary_values_random_walk_with_the_drift_std():
    bandit = KArmedBandit(k=10, nonstationary=True, drift=0.01, n_problems=1_000)
    rng = np.random.default_rng(3)
    start = bandit.draw_values(rng).copy()
    for _ in range(100):
        bandit.pull(np.zeros(1_000, dtype=int), rng)
    steps = bandit.values - start
    # 100 independent N(0, 0.01^2) steps: N(0, 0.1^2) in all
    assert steps.std() == pytest.approx(0.1, rel=0.05)
    stationary = KArmedBandit(k=10, n_problems=5)
    values = stationary.draw_values(rng).copy()
    stationary.pull(np.zeros(5, dtype=int), rng)
    np.testing.assert_array_equal(stationary.values, values)


def test_drifting_bernoulli_probabilities_stay_in_the_unit_interval():
    bandit = KArmedBandit(k=3, arms="bernoulli", nonstationary=True, drift=0.2, n_problems=50)
    rng = np.random.default_rng(4)
    bandit.set_values([0.0, 1.0, 0.5])
    for _ in range(50):
        bandit.pull(np.ones(50, dtype=int), rng)
    assert bandit.values.min() >= 0 and bandit.values.max() <= 1


def test_the_noise_does_not_depend_on_the_arm_pulled():
    """Common random numbers: the same seed gives the same noise, whichever arms are pulled."""
    first, second = KArmedBandit(k=5, n_problems=30), KArmedBandit(k=5, n_problems=30)
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    first.draw_values(rng_a)
    second.draw_values(rng_b)
    arms_a, arms_b = np.zeros(30, dtype=int), np.arange(30) % 5
    rewards_a, _, _ = first.pull(arms_a, rng_a)
    rewards_b, _, _ = second.pull(arms_b, rng_b)
    rows = np.arange(30)
    np.testing.assert_allclose(rewards_a - first.values[rows, arms_a], rewards_b - second.values[rows, arms_b])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 1}, "k must be an integer of at least 2"),
        ({"arms": "poisson"}, "arms must be one of 'gaussian', 'bernoulli'"),
        ({"drift": -0.1}, "drift must be"),
        ({"n_problems": 0}, "n_problems must be a positive integer"),
    ],
)
def test_rules_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        KArmedBandit(**kwargs)


def test_set_values_checks_shape_and_probabilities():
    with pytest.raises(ValueError, match="values must have shape"):
        KArmedBandit(k=3).set_values([0.1, 0.2])
    with pytest.raises(ValueError, match="must lie in \\[0, 1\\]"):
        KArmedBandit(k=2, arms="bernoulli").set_values([0.5, 1.5])


# ---------------------------------------------------------------- the env


@pytest.mark.parametrize("kwargs", OPTIONS)
def test_gymnasium_and_sb3_checkers_pass(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker's warning fails the test too
        gym_check_env(gym.make("Bandit-v0", **kwargs).unwrapped, skip_render_check=True)
        sb3_check_env(BanditEnv(**kwargs), warn=True)


def play(env, seed, arms):
    _, info = env.reset(seed=seed)
    out = [env.step(int(a))[1:] for a in arms]
    return [o[0] for o in out], [o[3] for o in out], info


@pytest.mark.parametrize("kwargs", OPTIONS[:4])
def test_same_seed_same_rewards(kwargs):
    arms = np.random.default_rng(0).integers(kwargs.get("k", 10), size=60)
    rewards_a, infos_a, _ = play(gym.make("Bandit-v0", **kwargs), 7, arms)
    rewards_b, infos_b, _ = play(gym.make("Bandit-v0", **kwargs), 7, arms)
    rewards_c, _, _ = play(gym.make("Bandit-v0", **kwargs), 8, arms)
    assert rewards_a == rewards_b and infos_a == infos_b
    assert rewards_a != rewards_c


def test_step_returns_python_types_regret_and_optimal_arm():
    env = BanditEnv(k=4, horizon=3)
    obs, info = env.reset(seed=0, options={"values": [0.5, 2.0, -1.0, 0.0]})
    assert obs.shape == (1,) and obs.dtype == np.float32
    assert info["optimal_arm"] == 1 and info["new_problem"] is True and isinstance(info["problem_id"], int)
    obs2, reward, terminated, truncated, info = env.step(2)
    assert obs2 is not obs and type(reward) is float and type(terminated) is bool and type(truncated) is bool
    assert info["optimal_arm"] == 1 and info["regret"] == pytest.approx(3.0)
    assert env.step(1)[4]["regret"] == 0.0


def test_episode_is_truncated_at_the_horizon_and_never_terminates():
    env = BanditEnv(horizon=5)
    env.reset(seed=0)
    flags = [env.step(0)[2:4] for _ in range(5)]
    assert flags == [(False, False)] * 4 + [(False, True)]
    with pytest.raises(RuntimeError, match="call reset"):
        env.step(0)
    assert env.reset()[0].shape == (1,) and env.t == 0


def test_new_problem_each_reset_unless_problem_seed_fixes_it():
    env = BanditEnv()
    _, first = env.reset(seed=1)
    values = env.values
    _, second = env.reset()
    assert first["new_problem"] and second["new_problem"] and not np.array_equal(values, env.values)
    fixed = BanditEnv(problem_seed=3)
    fixed.reset(seed=1)
    values = fixed.values
    _, info = fixed.reset(seed=2)
    assert not info["new_problem"] and np.array_equal(values, fixed.values)
    assert info["problem_id"] == BanditEnv(problem_seed=3).reset()[1]["problem_id"] != second["problem_id"]
    assert np.array_equal(BanditEnv(problem_seed=3).reset()[1]["optimal_arm"], values.argmax())


def test_cumulative_regret_of_always_pulling_the_best_arm_is_zero():
    env = BanditEnv(horizon=50)
    _, info = env.reset(seed=9)
    total = sum(env.step(info["optimal_arm"])[4]["regret"] for _ in range(50))
    assert total == 0.0 and env.cumulative_regret == 0.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 0}, "k must be an integer of at least 2"),
        ({"arms": "normal"}, "arms must be one of"),
        ({"horizon": 0}, "horizon must be a positive integer"),
        ({"drift": float("nan")}, "drift must be"),
        ({"problem_seed": -1}, "problem_seed must be None or a non-negative integer"),
        ({"render_mode": "video"}, "render_mode must be None or one of"),
        ({"nonstationary": "yes"}, "nonstationary must be True or False"),
    ],
)
def test_env_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BanditEnv(**kwargs)


def test_env_rejects_bad_actions_and_options():
    env = BanditEnv(k=3)
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=re.escape("action must be an integer in 0..2 of Discrete(3) (an arm index)")):
        env.step(3)
    with pytest.raises(ValueError, match="unknown reset option"):
        env.reset(options={"arms": 3})


# ---------------------------------------------------------------- rendering


def test_rgb_array_frames_show_the_pulls(tmp_path):
    env = gym.make("Bandit-v0", k=5, render_mode="rgb_array")
    env.reset(seed=0)
    before = env.render()
    assert before.shape == (420, 640, 3) and before.dtype == np.uint8
    for _ in range(20):
        env.step(2)
    after = env.render()
    assert (before != after).any()
    assert (after == np.array([220, 60, 50], dtype=np.uint8)).all(axis=2).sum() > 100  # the last pull in red
    env.close()
    env.close()


def test_ansi_lists_arms_pulls_and_the_best_arm():
    env = BanditEnv(k=3, render_mode="ansi")
    env.reset(seed=0, options={"values": [0.0, 1.5, -1.0]})
    env.step(0)
    env.step(0)
    text = env.render()
    rows = text.splitlines()
    assert "step 2/1000" in rows[0]
    assert rows[2].startswith(">") and rows[2].split()[1:4] == ["0", "0.000", "2"]
    assert rows[3].startswith(" *") and rows[3].split()[1:4] == ["1", "1.500", "0"]


def test_human_mode_runs_headless_and_closes_twice():
    env = BanditEnv(k=4, render_mode="human")
    env.reset(seed=0)
    env.step(1)
    env.close()
    env.close()
