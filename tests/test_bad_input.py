"""Bad input never passes silently: a table of bad inputs per environment, each refused with a clear error.

Each row asserts the exception type and that the message names what was wrong. The Go
envs' own cases (GTP, a dying engine, play past the end) are in ``tests/go/test_go_faults.py``.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import rldojo
from rldojo.envs.cards.aec import kuhn_env, leduc_env
from rldojo.envs.go.aec import env as go_aec_env

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


NAN, INF = float("nan"), float("inf")

# (env id, constructor options, the argument the message must name): each refused with a ValueError.
BAD_OPTIONS = [
    # Maze-v0
    ("Maze-v0", {"obs_mode": "pixels"}, "obs_mode"),
    ("Maze-v0", {"view_size": 5.0}, "view_size"),
    ("Maze-v0", {"view_size": "5"}, "view_size"),
    ("Maze-v0", {"view_size": True}, "view_size"),
    ("Maze-v0", {"view_size": 4}, "view_size"),
    ("Maze-v0", {"slip_prob": "0.1"}, "slip_prob"),
    ("Maze-v0", {"slip_prob": NAN}, "slip_prob"),
    ("Maze-v0", {"slip_prob": True}, "slip_prob"),
    ("Maze-v0", {"slip_prob": 1.0}, "slip_prob"),
    ("Maze-v0", {"layout": "random", "size": (5.0, 5)}, "size"),
    ("Maze-v0", {"layout": "random", "size": ("5", 5)}, "size"),
    ("Maze-v0", {"layout": "random", "size": (4, 5)}, "size"),
    ("Maze-v0", {"layout": "random", "size": 5}, "size"),
    ("Maze-v0", {"layout": "random", "loops": "0.5"}, "loops"),
    ("Maze-v0", {"layout": "random", "loops": NAN}, "loops"),
    ("Maze-v0", {"layout": "random", "loops": 1.5}, "loops"),
    ("Maze-v0", {"layout": "random", "regenerate": "yes"}, "regenerate"),
    ("Maze-v0", {"layout": "nowhere"}, "layout"),
    ("Maze-v0", {"start": "middle"}, "start"),
    ("Maze-v0", {"render_mode": "rgb"}, "render_mode"),
    # ChatbotFeedback-v0
    ("ChatbotFeedback-v0", {"embedding_dim": 2.5}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"embedding_dim": "8"}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"embedding_dim": NAN}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"embedding_dim": True}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"embedding_dim": 0}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"queries": "text", "embedding_dim": 2.5}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"queries": "text", "embedding_dim": "64"}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"queries": "text", "embedding_dim": 0}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"queries": "text", "embedder": "minilm", "embedding_dim": 8}, "embedding_dim"),
    ("ChatbotFeedback-v0", {"queries": "text", "embedder": "bert"}, "embedder"),
    ("ChatbotFeedback-v0", {"embedder": "hashed"}, "embedder"),
    ("ChatbotFeedback-v0", {"queries": "tweets"}, "queries"),
    ("ChatbotFeedback-v0", {"queries": 1}, "queries"),
    ("ChatbotFeedback-v0", {"rater": "crowd"}, "rater"),
    ("ChatbotFeedback-v0", {"rater": 1}, "rater"),
    ("ChatbotFeedback-v0", {"render_mode": "rgb"}, "render_mode"),
    # KuhnPoker-v0 and LeducHoldem-v0
    ("KuhnPoker-v0", {"alpha": "x"}, "alpha"),
    ("KuhnPoker-v0", {"alpha": NAN}, "alpha"),
    ("KuhnPoker-v0", {"alpha": True}, "alpha"),
    ("KuhnPoker-v0", {"alpha": 0.5}, "alpha"),
    ("KuhnPoker-v0", {"seat": "left"}, "seat"),
    ("KuhnPoker-v0", {"illegal_action": "ignore"}, "illegal_action"),
    ("KuhnPoker-v0", {"opponent": "shark"}, "opponent"),
    ("KuhnPoker-v0", {"opponent": 3}, "opponent"),
    ("KuhnPoker-v0", {"render_mode": "rgb"}, "render_mode"),
    ("LeducHoldem-v0", {"alpha": "x"}, "alpha"),
    ("LeducHoldem-v0", {"alpha": INF}, "alpha"),
    ("LeducHoldem-v0", {"alpha": -0.1}, "alpha"),
    ("LeducHoldem-v0", {"seat": 0}, "seat"),
    ("LeducHoldem-v0", {"illegal_action": "ignore"}, "illegal_action"),
    ("LeducHoldem-v0", {"opponent": "shark"}, "opponent"),
    ("LeducHoldem-v0", {"render_mode": "rgb"}, "render_mode"),
    # Bandit-v0
    ("Bandit-v0", {"k": 2.5}, "k"),
    ("Bandit-v0", {"k": "8"}, "k"),
    ("Bandit-v0", {"k": True}, "k"),
    ("Bandit-v0", {"k": 1}, "k"),
    ("Bandit-v0", {"drift": "x"}, "drift"),
    ("Bandit-v0", {"drift": NAN}, "drift"),
    ("Bandit-v0", {"drift": INF}, "drift"),
    ("Bandit-v0", {"drift": True}, "drift"),
    ("Bandit-v0", {"drift": -0.1}, "drift"),
    ("Bandit-v0", {"horizon": 10.0}, "horizon"),
    ("Bandit-v0", {"horizon": "10"}, "horizon"),
    ("Bandit-v0", {"horizon": 0}, "horizon"),
    ("Bandit-v0", {"problem_seed": 1.5}, "problem_seed"),
    ("Bandit-v0", {"problem_seed": -1}, "problem_seed"),
    ("Bandit-v0", {"arms": "poisson"}, "arms"),
    ("Bandit-v0", {"nonstationary": "yes"}, "nonstationary"),
    ("Bandit-v0", {"render_mode": "rgb"}, "render_mode"),
    # CartPolePixels-v0
    ("CartPolePixels-v0", {"frame_stack": 2.0}, "frame_stack"),
    ("CartPolePixels-v0", {"frame_stack": "4"}, "frame_stack"),
    ("CartPolePixels-v0", {"frame_stack": True}, "frame_stack"),
    ("CartPolePixels-v0", {"frame_stack": 9}, "frame_stack"),
    ("CartPolePixels-v0", {"difference": "yes"}, "difference"),
    ("CartPolePixels-v0", {"difference": True, "frame_stack": 1}, "frame_stack"),
    ("CartPolePixels-v0", {"downscale": 4.0}, "downscale"),
    ("CartPolePixels-v0", {"downscale": True}, "downscale"),
    ("CartPolePixels-v0", {"downscale": 3}, "downscale"),
    ("CartPolePixels-v0", {"crop_width": 320.0}, "crop_width"),
    ("CartPolePixels-v0", {"crop_width": True}, "crop_width"),
    ("CartPolePixels-v0", {"crop_width": 50}, "crop_width"),
    ("CartPolePixels-v0", {"crop_width": 322}, "crop_width"),
    ("CartPolePixels-v0", {"render_mode": "ansi"}, "render_mode"),
]


@pytest.mark.parametrize(("env_id", "options", "name"), BAD_OPTIONS, ids=lambda value: repr(value))
def test_a_bad_constructor_option_is_refused_naming_the_option_and_the_value(env_id, options, name):
    with pytest.raises(ValueError, match=name) as error:
        gym.make(env_id, disable_env_checker=True, **options)
    assert name in str(error.value)


# (env id, reset options, what the message must name): a reset option of the wrong key, type or value.
BAD_RESET_OPTIONS = [
    *[(env_id, {"no_such_option": 1}, "no_such_option") for env_id in rldojo.ENV_IDS],
    *[(env_id, "start", "reset options must be None or a dict") for env_id in rldojo.ENV_IDS],
    ("Maze-v0", {"strat": (1, 0)}, "'start'"),  # the message lists the known keys
    ("Maze-v0", {"start": (0.5, 0)}, "start"),
    ("Maze-v0", {"start": "random"}, "start"),
    ("Bandit-v0", {"value": [0.0] * 10}, "'values'"),
    ("Bandit-v0", {"values": "abc"}, "values"),
    ("Bandit-v0", {"values": ["1"] * 10}, "values"),
    ("Bandit-v0", {"values": [True] * 10}, "values"),
    ("Bandit-v0", {"values": [0.0] * 9 + [NAN]}, "values"),
    ("Bandit-v0", {"values": [0.0] * 9 + [INF]}, "values"),
    ("Bandit-v0", {"values": [0.0] * 9}, "values"),
    ("Bandit-v0", {"values": [[0.0], [0.0, 1.0]]}, "values"),
    ("Bandit-v0", {"values": None}, "values"),
    ("CartPolePixels-v0", {"low": "x"}, "low"),
    ("CartPolePixels-v0", {"high": NAN}, "high"),
    ("CartPolePixels-v0", {"low": True}, "low"),
    ("CartPolePixels-v0", {"low": 0.1, "high": -0.1}, "low"),
]


@pytest.mark.parametrize(("env_id", "options", "name"), BAD_RESET_OPTIONS, ids=lambda value: repr(value))
def test_a_bad_reset_option_is_refused_naming_it(env_id, options, name):
    env = gym.make(env_id, disable_env_checker=True).unwrapped
    with pytest.raises(ValueError, match="reset option|" + name) as error:
        env.reset(seed=0, options=options)
    assert name in str(error.value)


@pytest.mark.parametrize("env_id", rldojo.ENV_IDS)
def test_an_unknown_reset_option_is_refused_listing_the_known_ones(env_id):
    env = gym.make(env_id, disable_env_checker=True).unwrapped
    with pytest.raises(ValueError, match="unknown reset option") as error:
        env.reset(options={"strat": 1})
    assert "'strat'" in str(error.value)
    assert "known keys" in str(error.value) or "takes no reset options" in str(error.value)
    env.reset(seed=0, options=None)  # None and {} are fine
    env.reset(seed=0, options={})


@pytest.mark.parametrize("make_env", [kuhn_env, leduc_env, go_aec_env], ids=["kuhn", "leduc", "go"])
@pytest.mark.parametrize("options", [{"no_such_option": 1}, "start", [("start", 1)]], ids=repr)
def test_the_aec_envs_refuse_an_unknown_reset_option(make_env, options):
    env = make_env()
    with pytest.raises(ValueError, match="reset option") as error:
        env.reset(seed=0, options=options)
    assert repr(options) in str(error.value) or "'no_such_option'" in str(error.value)


def test_the_known_reset_options_still_work():
    maze = gym.make("Maze-v0").unwrapped
    _, info = maze.reset(options={"start": (0, 1)})
    assert info["cell"] == (0, 1)
    bandit = gym.make("Bandit-v0", k=3).unwrapped
    bandit.reset(options={"values": [0, 1.5, np.float32(2)]})
    assert bandit.values.tolist() == [0.0, 1.5, 2.0]
    pixels = gym.make("CartPolePixels-v0").unwrapped
    pixels.reset(seed=0, options={"low": -0.01, "high": 0.01})
    assert np.all(np.abs(pixels._cartpole.state) <= 0.01)
