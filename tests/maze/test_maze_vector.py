"""Maze-v0's native vector env: identical to N single envs in SyncVectorEnv, every option, every autoreset mode."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from hypothesis import given, settings
from hypothesis import strategies as st

from rldojo.envs.maze.env import OBS_MODES
from rldojo.envs.maze.vector import MazeVectorEnv
from rldojo.envs.vector import assert_same_as_sync, native_and_sync


@st.composite
def maze_options(draw) -> dict:
    layout = draw(st.sampled_from(["seed", "classic", "random"]))
    options = {"layout": layout, "obs_mode": draw(st.sampled_from(OBS_MODES))}
    if layout == "random":
        options["size"] = draw(st.sampled_from([(5, 5), (7, 5), (9, 9)]))
        options["loops"] = draw(st.sampled_from([0.0, 0.5]))
        options["regenerate"] = draw(st.booleans())
    options["start"] = draw(st.sampled_from(["fixed", "random", (0, 2)]))
    options["slip_prob"] = draw(st.sampled_from([0.0, 0.3]))
    if options["obs_mode"] == "local":
        options["view_size"] = draw(st.sampled_from([3, 5]))
    return options


def random_actions(seed: int):
    rng = np.random.default_rng(seed)
    return lambda masks: rng.integers(0, 4, len(masks))


@settings(max_examples=25, deadline=None)
@given(
    options=maze_options(),
    mode=st.sampled_from(list(AutoresetMode)),
    n=st.integers(1, 3),
    seed=st.integers(0, 2**31),
    limit=st.sampled_from([5, 200]),
    actions_seed=st.integers(0, 1000),
)
def test_the_native_env_matches_single_envs_stepped_one_by_one(options, mode, n, seed, limit, actions_seed):
    ours, theirs = native_and_sync("Maze-v0", n, mode, max_episode_steps=limit, **options)
    assert_same_as_sync(ours, theirs, seed, random_actions(actions_seed), steps=40)


def test_make_vec_returns_the_native_env_with_its_autoreset_mode_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        env = gym.make_vec("Maze-v0", num_envs=3, vectorization_mode="vector_entry_point", layout="classic")
    assert isinstance(env, MazeVectorEnv)
    assert env.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP
    assert env.max_episode_steps == 200  # the registration's limit
    assert env.spec.id == "Maze-v0" and env.spec.kwargs["layout"] == "classic"
    assert gym.make_vec("Maze-v0", num_envs=2).__class__ is MazeVectorEnv  # the default mode uses it too


@pytest.mark.parametrize("obs_mode", OBS_MODES)
def test_every_observation_lies_in_the_spaces_and_every_action_is_legal(obs_mode):
    env = MazeVectorEnv(4, layout="random", size=(7, 7), regenerate=True, obs_mode=obs_mode, slip_prob=0.2)
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    env.action_space.seed(0)
    for _ in range(30):
        obs, *_ = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs)
        assert all(env.single_observation_space.contains(o) for o in obs)
    assert env.action_masks().all() and env.action_masks().shape == (4, 4)


def test_gymnasium_vector_wrappers_work_on_it():
    env = gym.wrappers.vector.RecordEpisodeStatistics(MazeVectorEnv(2, max_episode_steps=200))
    env.reset(seed=0)
    # The seed maze's shortest path from (0, 0): down, down, right, right, right, down (see the course).
    for action in (3, 3, 1, 1, 1, 3):
        _, rewards, terminated, _, info = env.step(np.array([action, action]))
    assert terminated.all() and rewards.tolist() == [10.0, 10.0]
    assert info["episode"]["l"].tolist() == [6, 6]
    assert info["is_success"].all()


def test_with_regenerate_each_env_plays_its_own_maze_and_gets_a_new_one_each_episode():
    env = MazeVectorEnv(3, layout="random", size=(9, 9), regenerate=True, obs_mode="grid", max_episode_steps=3)
    first, _ = env.reset(seed=4)
    walls = [tuple(row) for row in (first == 0)]
    assert len(set(walls)) == 3  # three different mazes
    for _ in range(4):  # the time limit ends every episode; the next step resets with new mazes
        obs, *_ = env.step(np.zeros(3, dtype=np.int64))
    assert not any(np.array_equal(a == 0, b == 0) for a, b in zip(obs, first, strict=True))


@pytest.mark.parametrize(
    "options, message",
    [
        ({"obs_mode": "pixels"}, "obs_mode"),
        ({"layout": "spiral"}, "unknown layout"),
        ({"slip_prob": 1.0}, "slip_prob"),
        ({"size": (6, 6), "layout": "random"}, "size"),
        ({"render_mode": "human"}, "render_mode of a vector env"),
        ({"autoreset_mode": "Later"}, "autoreset_mode"),
    ],
)
def test_bad_options_are_refused_as_the_single_env_refuses_them(options, message):
    with pytest.raises(ValueError, match=message):
        MazeVectorEnv(2, **options)


def test_a_start_option_at_reset_applies_to_every_env_and_a_bad_one_is_refused():
    env = MazeVectorEnv(2, layout="classic", obs_mode="coords")
    obs, info = env.reset(seed=0, options={"start": (1, 2)})
    assert obs.tolist() == [[1.0, 2.0], [1.0, 2.0]] and info["cell"].tolist() == [(1, 2), (1, 2)]
    with pytest.raises(ValueError, match="on a wall"):
        env.reset(options={"start": (2, 0)})
    with pytest.raises(ValueError, match="unknown reset option"):
        env.reset(options={"goal": (1, 1)})


def test_render_shows_env_zero_as_the_single_env_does_or_a_grid():
    options = {"layout": "classic", "start": "random"}
    env = MazeVectorEnv(4, render_mode="rgb_array", render_envs=4, **options)
    single = gym.make("Maze-v0", render_mode="rgb_array", **options)
    env.reset(seed=3)
    single.reset(seed=3)
    for action in (1, 3, 3, 0):
        env.step(np.full(4, action))
        single.step(action)
    grid = env.render()
    frame = single.render()
    h, w, _ = frame.shape
    assert grid.shape == (2 * h + 4, 2 * w + 4, 3)
    assert np.array_equal(grid[:h, :w], frame)
    env.render_envs = 1
    assert np.array_equal(env.render(), frame)
