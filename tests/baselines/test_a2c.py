"""A2C: the actor and the critic learn CartPole; masks, save and load."""

import gymnasium as gym
import numpy as np
import pytest
from odd_only_env import OddOnlyEnv

from rldojo.baselines import Agent, make_agent
from rldojo.baselines.a2c import A2C
from rldojo.baselines.evaluation import evaluate

CARTPOLE = dict(n_envs=8, n_steps=8, optimizer="adam", learning_rate=1e-3, gae_lambda=0.95, normalize_advantage=True)


def test_actor_and_critic_learn_cartpole():
    agent = make_agent("a2c", gym.make("CartPole-v1"), seed=0, **CARTPOLE)
    assert isinstance(agent, A2C)
    agent.learn(20_000)
    result = evaluate(agent, gym.make("CartPole-v1"), n_episodes=10, seed=100)
    assert result.mean_return >= 100  # random play: about 22; seeds 0-3 gave 481, 166, 340, 254


def test_masks_are_honoured():
    env = OddOnlyEnv()
    agent = A2C(env, seed=0, learning_rate=3e-3)
    agent.learn(2000)  # the env raises on an even action
    obs, info = env.reset(seed=0)
    assert int(agent.predict(obs, action_masks=info["action_mask"])[0]) == 3
    for _ in range(50):
        assert int(agent.predict(obs, deterministic=False, action_masks=info["action_mask"])[0]) in (1, 3)


def test_save_load_identical_predictions(tmp_path):
    agent = A2C(gym.make("CartPole-v1"), seed=2)
    agent.learn(500)
    path = agent.save(tmp_path / "a2c.pt")
    loaded = Agent.load(path, env=gym.make("CartPole-v1"))
    obs = np.random.default_rng(1).normal(size=(64, 4)).astype(np.float32)
    np.testing.assert_array_equal(agent.predict(obs)[0], loaded.predict(obs)[0])
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match="checkpoint"):
        A2C.load(path)


def test_bad_optimizer():
    with pytest.raises(ValueError, match="optimizer"):
        A2C(gym.make("CartPole-v1"), optimizer="lbfgs")
