"""Bad input never passes silently: a table of bad inputs per environment, each refused with a clear error.

Each row asserts the exception type and that the message names what was wrong. The Go
envs' own cases (GTP, a dying engine, play past the end) are in ``tests/go/test_go_faults.py``.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from rldojo.envs.cards.aec import kuhn_env

# (env id, options, the number of actions): every single-agent env but Go-v0 (tests/go covers it)
ENVS = [
    ("Maze-v0", {}, 4),
    ("Maze-v0", {"layout": "random", "size": (5, 5)}, 4),
    ("ChatbotFeedback-v0", {}, 4),
    ("KuhnPoker-v0", {}, 3),
    ("LeducHoldem-v0", {}, 3),
    ("Bandit-v0", {"k": 5}, 5),
    ("CartPolePixels-v0", {}, 2),
]
ENV_IDS = [f"{env_id}{options or ''}" for env_id, options, _ in ENVS]

# Not in Discrete(n): the env must refuse each, never truncate or convert it.
BAD_ACTIONS = [2.5, 1.0, "1", True, None, -1, np.float32(1.0), np.array([1]), np.array(1.5), [1]]


@pytest.mark.parametrize(("env_id", "options", "n"), ENVS, ids=ENV_IDS)
@pytest.mark.parametrize("action", [*BAD_ACTIONS, "out of range"], ids=repr)
def test_step_refuses_an_action_outside_the_space_and_leaves_the_episode_as_it_was(env_id, options, n, action):
    env = gym.make(env_id, disable_env_checker=True, **options).unwrapped
    env.reset(seed=0)
    action = n if action == "out of range" else action
    with pytest.raises(ValueError, match=r"action must be an integer in 0\.\.\d+ of Discrete") as error:
        env.step(action)
    assert repr(action) in str(error.value)
    # the refused step changed nothing: a legal step still works
    legal = int(np.flatnonzero(env.action_masks())[0]) if hasattr(env, "action_masks") else 0
    env.step(legal)


@pytest.mark.parametrize(("env_id", "options", "n"), ENVS, ids=ENV_IDS)
def test_step_accepts_python_and_numpy_integers(env_id, options, n):
    env = gym.make(env_id, disable_env_checker=True, **options).unwrapped
    for action in (0, np.int64(0), np.array(0, dtype=np.int32)):
        env.reset(seed=0)
        mask = env.action_masks() if hasattr(env, "action_masks") else np.ones(n)
        if mask[0]:
            env.step(action)


@pytest.mark.parametrize(("env_id", "options", "n"), ENVS, ids=ENV_IDS)
def test_step_before_reset_is_refused(env_id, options, n):
    env = gym.make(env_id, disable_env_checker=True, **options).unwrapped  # no order-enforcing wrapper
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)


@pytest.mark.parametrize(
    ("start", "match"),
    [
        ((0.5, 0), "start must be a cell"),
        ((1.0, 0), "start must be a cell"),
        (("1", 0), "start must be a cell"),
        ((True, 0), "start must be a cell"),
        ((0, 0, 0), "start must be a cell"),
        ((1, 0), "on a wall"),
        ((9, 9), "outside"),
    ],
)
def test_maze_start_must_be_a_pair_of_integers_of_a_free_cell(start, match):
    with pytest.raises(ValueError, match=match):
        gym.make("Maze-v0", start=start)


def test_maze_reset_option_start_is_checked_the_same_way():
    env = gym.make("Maze-v0")
    with pytest.raises(ValueError, match="start must be a cell"):
        env.reset(options={"start": (0.5, 0)})


@pytest.mark.parametrize("action", [2.5, "1", None, 3])
def test_card_aec_env_refuses_a_bad_action_of_a_live_agent(action):
    env = kuhn_env()
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"action must be an integer in 0\.\.2"):
        env.step(action)
