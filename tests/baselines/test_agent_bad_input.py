"""Bad input to the hand-written agents: impossible hyperparameters, bad learn/predict calls, wrong envs.

Every agent refuses a bad value with a ValueError naming what was wrong, never a numpy or torch error
from deep inside.
"""

from __future__ import annotations

import dataclasses
import math
import re

import gymnasium as gym
import numpy as np
import pytest

import rldojo  # noqa: F401  (registers the envs)
from rldojo.baselines import AGENTS, make_agent
from rldojo.baselines.agent import Choice, Flag, Integer, Number, Sizes
from rldojo.baselines.registry import agent_class

HAND_WRITTEN = sorted(name for name in AGENTS if not name.startswith("sb3-"))

# an env each agent plays, and one it cannot
ENVS = {
    "qlearning": (("Maze-v0", {"obs_mode": "index"}), ("CartPole-v1", {})),
    "sarsa": (("Maze-v0", {"obs_mode": "index"}), ("Maze-v0", {})),
    "expected_sarsa": (("Maze-v0", {"obs_mode": "index"}), ("CartPole-v1", {})),
    "dqn": (("CartPole-v1", {}), ("Pendulum-v1", {})),
    "reinforce": (("CartPole-v1", {}), ("Pendulum-v1", {})),
    "ppo": (("CartPole-v1", {}), ("Pendulum-v1", {})),
    "a2c": (("CartPole-v1", {}), ("Pendulum-v1", {})),
    "selfplay-sarsa": (("Go-v0", {}), ("Maze-v0", {})),
    "cfr": (("KuhnPoker-v0", {}), ("CartPole-v1", {})),
    "cfr+": (("LeducHoldem-v0", {}), ("Bandit-v0", {})),
    "bandit-epsilon-greedy": (("Bandit-v0", {}), ("CartPole-v1", {})),
    "bandit-ucb": (("Bandit-v0", {}), ("Maze-v0", {"obs_mode": "index"})),
    "bandit-thompson": (("Bandit-v0", {}), ("KuhnPoker-v0", {})),
    "bandit-gradient": (("Bandit-v0", {}), ("Go-v0", {})),
    "linucb": (("ChatbotFeedback-v0", {"queries": "text"}), ("CartPole-v1", {})),
    "lin-ts": (("ChatbotFeedback-v0", {}), ("Maze-v0", {})),
    "mcts": (("Go-v0", {"board_size": 5}), ("Maze-v0", {})),
}


def good_env(name):
    env_id, kwargs = ENVS[name][0]
    return gym.make(env_id, **kwargs)


def test_every_hand_written_agent_has_envs_here():
    assert set(ENVS) == set(HAND_WRITTEN)


def bad_values(check) -> list:
    """Values ``check`` must refuse."""
    if isinstance(check, Number):
        bad: list = [math.nan, math.inf, "fast", True]
        if check.low is not None:
            bad.append(check.low if check.low_open else check.low - 1)
        if check.high is not None:
            bad.append(check.high + 0.5)
        return bad + ([] if check.optional else [None])
    if isinstance(check, Integer):
        bad = [1.5, "100", True, check.low - 1]
        if check.high is not None:
            bad.append(check.high + 1)
        return bad + ([] if check.optional else [None])
    if isinstance(check, Flag):
        return ["yes", 1] + ([] if check.optional else [None])
    if isinstance(check, Choice):
        return ["no-such-choice", 3]
    if isinstance(check, Sizes):
        return [(0,), (64, -1), (1.5,), "64", 64] + ([] if check.allow_empty else [()])
    raise AssertionError(f"no bad values for {check}")


def hyperparameter_cases():
    for name in HAND_WRITTEN:
        for field in dataclasses.fields(agent_class(name).Config):
            for value in bad_values(field.metadata["check"]):
                yield pytest.param(name, field.name, value, id=f"{name}-{field.name}-{value!r}")


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_every_config_field_declares_its_constraint(name):
    for field in dataclasses.fields(agent_class(name).Config):
        assert "check" in field.metadata, f"{name}: {field.name} has no check"
    make_agent(name, good_env(name), seed=0)  # the defaults pass their own checks


@pytest.mark.parametrize("name, field, value", list(hyperparameter_cases()))
def test_bad_hyperparameters_are_refused_naming_the_field(name, field, value):
    env = good_env(name)
    with pytest.raises(ValueError, match=rf"^{field} must be .*, got "):
        make_agent(name, env, **{field: value})


@pytest.mark.parametrize(
    "name, kwargs, match",
    [
        ("dqn", {"gamma": math.nan}, r"gamma must be a number in \[0, 1\], got nan"),
        ("dqn", {"gamma": 1.5}, r"gamma must be a number in \[0, 1\], got 1.5"),
        ("ppo", {"gamma": -1}, r"gamma must be a number in \[0, 1\], got -1"),
        ("a2c", {"learning_rate": -1}, r"learning_rate must be a finite number greater than 0, got -1"),
        ("reinforce", {"learning_rate": "fast"}, r"learning_rate must be a finite number greater than 0, got 'fast'"),
        ("dqn", {"hidden_sizes": (0,)}, r"hidden_sizes must be a tuple of positive integers, got \(0,\)"),
        ("ppo", {"activation": "gelu"}, r"activation must be one of 'tanh', 'relu', got 'gelu'"),
        ("qlearning", {"epsilon_start": 0.1, "epsilon_end": 0.5}, "need epsilon_end <= epsilon_start"),
    ],
)
def test_the_fuzz_findings_read_clearly(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_agent(name, good_env(name), **kwargs)


@pytest.mark.parametrize("name", HAND_WRITTEN)
@pytest.mark.parametrize("total_timesteps", [1.5, "100", True, 0, -5, None, np.float64(10)])
def test_learn_takes_a_positive_int_only(name, total_timesteps):
    agent = make_agent(name, good_env(name), seed=0)
    with pytest.raises(ValueError, match=r"^total_timesteps must be an integer of at least 1, got "):
        agent.learn(total_timesteps)


def test_learn_takes_a_numpy_int():
    agent = make_agent("qlearning", good_env("qlearning"), seed=0).learn(np.int64(3))
    assert agent.num_timesteps == 3


BOX_AGENTS = ["dqn", "reinforce", "ppo", "a2c"]


@pytest.mark.parametrize("name", BOX_AGENTS)
@pytest.mark.parametrize(
    "observation, received",
    [
        (np.zeros(3, dtype=np.float32), r"shape \(3,\) and dtype float32"),
        (np.zeros((2, 5), dtype=np.float32), r"shape \(2, 5\) and dtype float32"),
        (np.array(["a", "b", "c", "d"]), r"shape \(4,\) and dtype <U1"),
        ("abcd", r"shape \(\) and dtype <U4"),
        ([None] * 4, r"shape \(4,\) and dtype object"),
    ],
)
def test_predict_refuses_an_observation_of_the_wrong_shape_or_dtype(name, observation, received):
    agent = make_agent(name, good_env(name), seed=0)
    with pytest.raises(ValueError, match=rf"expects a numeric observation of shape \(4,\).*got {received}"):
        agent.predict(observation)


@pytest.mark.parametrize("name", BOX_AGENTS)
def test_predict_takes_one_observation_or_a_batch(name):
    agent = make_agent(name, good_env(name), seed=0)
    assert agent.predict(np.zeros(4, dtype=np.float32))[0].shape == ()
    assert agent.predict(np.zeros((3, 4)))[0].shape == (3,)


@pytest.mark.parametrize("name", ["qlearning", "sarsa", "expected_sarsa"])
@pytest.mark.parametrize("observation", [1.5, -1, 10_000, "3", [[1, 2]], np.array([], dtype=np.int64)])
def test_tabular_predict_refuses_a_state_outside_the_table(name, observation):
    agent = make_agent(name, good_env(name), seed=0)
    with pytest.raises(
        ValueError, match=r"expects an integer observation from 0 to \d+ .*got .*\(shape .*, dtype .*\)"
    ):
        agent.predict(observation)


@pytest.mark.parametrize("name", HAND_WRITTEN)
@pytest.mark.parametrize("env", [42, None, object(), ["CartPole-v1"], gym.spaces.Discrete(3)])
def test_make_agent_refuses_a_non_env(name, env):
    with pytest.raises(TypeError, match=rf"env must be a gymnasium.Env.*got {type(env).__name__}"):
        make_agent(name, env)


@pytest.mark.parametrize("name", ["dqn", "qlearning", "sb3-ppo"])
def test_make_agent_refuses_an_unknown_env_id(name):
    with pytest.raises(ValueError, match="unknown env id 'NoSuchEnv-v0'"):
        make_agent(name, "NoSuchEnv-v0")


def test_make_agent_takes_an_env_id_and_vector_envs():
    assert make_agent("dqn", "CartPole-v1").env.spec.id == "CartPole-v1"
    vector = gym.make_vec("CartPole-v1", num_envs=2, vectorization_mode="sync")
    assert make_agent("ppo", vector).env is vector


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_each_agent_refuses_an_env_it_cannot_play_naming_both(name):
    env_id, kwargs = ENVS[name][1]
    env = gym.make(env_id, **kwargs)
    with pytest.raises(ValueError, match=rf"\({re.escape(name)}\) cannot play {env_id}.*: it needs "):
        make_agent(name, env)
