"""The native vector env base: autoreset modes, seeding, masks and actions, against SyncVectorEnv of single envs.

A small counting game with an action mask and mixed random draws (integers and uniforms)
is written twice, as a single Gymnasium env and as a NativeVectorEnv, and the two must agree.
"""

from typing import ClassVar

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, SyncVectorEnv
from hypothesis import given, settings
from hypothesis import strategies as st

from rldojo.envs.vector import EnvRandom, NativeVectorEnv, assert_same_as_sync, tile_frames

GOAL = 6
PARITY = np.array(["even", "odd"], dtype=object)


class Count(gym.Env):
    """Count up to GOAL: action a adds a (plus 1 more on a lucky draw); action 2 is legal on even counts only."""

    metadata: ClassVar[dict] = {"render_modes": ["rgb_array"]}
    action_space = spaces.Discrete(3)
    observation_space = spaces.Box(0, 20, (2,), np.float32)

    def __init__(self, render_mode=None):
        self.render_mode = render_mode

    def mask(self):
        return np.array([1, 1, self.count % 2 == 0], dtype=np.int8)

    def action_masks(self):
        return self.mask().astype(bool)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.count = int(self.np_random.integers(3))
        return np.array([self.count, 0], np.float32), {"parity": PARITY[self.count % 2], "action_mask": self.mask()}

    def step(self, action):
        if not self.mask()[action]:
            raise ValueError("illegal")
        u = self.np_random.random()
        self.count += int(action) + (u < 0.3)
        info = {"parity": PARITY[self.count % 2], "action_mask": self.mask()}
        if u < 0.3:
            info["lucky"] = True
        return np.array([self.count, 1], np.float32), float(u), self.count >= GOAL, False, info

    def render(self):
        return np.full((4, 5, 3), 10 * self.count, dtype=np.uint8)


class CountVector(NativeVectorEnv):
    def __init__(self, num_envs=1, **kwargs):
        super().__init__(num_envs, Count.observation_space, Count.action_space, **kwargs)
        self.count = np.zeros(num_envs, dtype=np.int64)
        self.moved = np.zeros(num_envs, dtype=np.float32)

    def _reset_envs(self, mask, options):
        self.count[mask] = self.random.integers(mask, 3)
        self.moved[mask] = 0
        return {"parity": PARITY[self.count % 2]}

    def _step_envs(self, actions, mask):
        u = np.zeros(self.num_envs)
        u[mask] = self.random.uniform(mask)[:, 0]
        lucky = mask & (u < 0.3)
        self.count = np.where(mask, self.count + actions + lucky, self.count)
        self.moved[mask] = 1
        info = {"parity": PARITY[self.count % 2], "lucky": lucky, "_lucky": lucky}
        return u, self.count >= GOAL, np.zeros(self.num_envs, bool), info

    def _observe(self):
        return np.stack([self.count, self.moved], axis=1).astype(np.float32)

    def _action_masks(self):
        return np.stack([np.ones(self.num_envs, bool), np.ones(self.num_envs, bool), self.count % 2 == 0], axis=1)

    def _render_env(self, i):
        return np.full((4, 5, 3), 10 * self.count[i], dtype=np.uint8)


def single(max_episode_steps):
    env = Count()
    return env if max_episode_steps is None else gym.wrappers.TimeLimit(env, max_episode_steps)


def legal_chooser(seed):
    rng = np.random.default_rng(seed)
    return lambda masks: np.array([rng.choice(np.flatnonzero(m)) for m in masks])


@settings(max_examples=20, deadline=None)
@given(
    mode=st.sampled_from(list(AutoresetMode)),
    n=st.integers(1, 4),
    seed=st.one_of(st.integers(0, 2**31), st.lists(st.integers(0, 999), min_size=4, max_size=4)),
    limit=st.one_of(st.none(), st.integers(1, 5)),
    choice_seed=st.integers(0, 1000),
)
def test_the_base_matches_sync_vector_env_of_single_envs(mode, n, seed, limit, choice_seed):
    if isinstance(seed, list):
        seed = seed[:n]
    ours = CountVector(n, autoreset_mode=mode, max_episode_steps=limit)
    theirs = SyncVectorEnv([lambda: single(limit)] * n, autoreset_mode=mode)
    assert ours.metadata["autoreset_mode"] == mode
    assert_same_as_sync(ours, theirs, seed, legal_chooser(choice_seed), steps=25)


def test_reset_with_an_int_seed_gives_env_i_seed_plus_i_and_a_none_in_a_list_keeps_that_env_going():
    env = CountVector(3)
    first = env.reset(seed=10)[0]
    for i in range(3):
        assert int(first[i, 0]) == int(seeding.np_random(10 + i)[0].integers(3))
    twin = SyncVectorEnv([Count] * 3)
    twin.reset(seed=10)
    ours, theirs = env.reset(seed=[None, 5, None]), twin.reset(seed=[None, 5, None])
    assert np.array_equal(ours[0], theirs[0])
    assert np.array_equal(CountVector(3).reset(seed=10)[0], first)


@pytest.mark.parametrize(
    "actions",
    [
        np.array([0.0, 1.0]),
        np.array([True, False]),
        np.array([0, 3]),
        np.array([-1, 0]),
        np.array([0, 1, 1]),
        np.array([[0, 1]]),
        [0, 1.0],
        None,
        "01",
        1,
    ],
)
def test_bad_actions_are_refused_naming_them_and_the_space_and_change_nothing(actions):
    env = CountVector(2, autoreset_mode="SameStep")
    twin = SyncVectorEnv([Count] * 2, autoreset_mode=AutoresetMode.SAME_STEP)
    env.reset(seed=1)
    twin.reset(seed=1)
    with pytest.raises(ValueError, match=r"actions must be an integer array of shape \(2,\).*MultiDiscrete") as error:
        env.step(actions)
    assert repr(actions)[:10] in str(error.value)
    ok = np.array([0, 1])
    assert np.array_equal(env.step(ok)[0], twin.step(ok)[0])  # nothing moved


def test_a_list_of_python_ints_and_other_integer_dtypes_are_accepted():
    env = CountVector(2)
    env.reset(seed=0)
    env.step([0, 1])
    env.step(np.array([1, 0], dtype=np.int8))
    env.step(np.array([1, 1], dtype=np.uint32))


def test_an_illegal_action_is_refused_with_the_legal_ones_and_the_env_is_unchanged():
    env = CountVector(2)
    seed = next(s for s in range(100) if env.reset(seed=s)[0][1, 0] % 2 == 1)  # env 1 starts on an odd count
    env.reset(seed=seed)
    before = env._observe()
    with pytest.raises(ValueError, match=r"action 2 of env 1 is illegal now; legal actions there: \[0, 1\]"):
        env.step(np.array([0, 2]))
    assert np.array_equal(env._observe(), before)
    assert env.action_masks()[1].tolist() == [True, True, False]


def test_infos_carry_the_batched_action_mask():
    env = CountVector(3)
    _, info = env.reset(seed=0)
    assert info["action_mask"].shape == (3, 3) and info["action_mask"].dtype == np.int8
    assert np.array_equal(info["action_mask"].astype(bool), env.action_masks())
    assert info["_action_mask"].all()


def test_step_before_reset_is_refused():
    env = CountVector(2)
    with pytest.raises(RuntimeError, match="never reset; call reset"):
        env.step(np.array([0, 0]))
    env.reset(seed=0, options={"reset_mask": np.array([True, False])})
    with pytest.raises(RuntimeError, match=r"env\(s\) \[1\] were never reset"):
        env.step(np.array([0, 0]))


def test_disabled_mode_refuses_to_step_an_ended_env_until_it_is_reset_by_mask():
    env = CountVector(2, autoreset_mode=AutoresetMode.DISABLED, max_episode_steps=1)
    env.reset(seed=0)
    _, _, _, truncated, _ = env.step(np.array([0, 0]))
    assert truncated.all()
    with pytest.raises(RuntimeError, match="autoreset_mode is DISABLED; reset them with reset"):
        env.step(np.array([0, 0]))
    env.reset(options={"reset_mask": np.array([True, True])})
    env.step(np.array([0, 0]))


@pytest.mark.parametrize(
    "mask, error, message",
    [
        ([True, False], TypeError, "must be a numpy array"),
        (np.array([True]), ValueError, r"must have shape \(2,\)"),
        (np.array([1, 0]), TypeError, "must have dtype bool"),
        (np.array([False, False]), ValueError, "at least one True"),
    ],
)
def test_a_bad_reset_mask_is_refused(mask, error, message):
    env = CountVector(2)
    with pytest.raises(error, match=message):
        env.reset(options={"reset_mask": mask})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_envs": 0}, "num_envs"),
        ({"autoreset_mode": "Sometimes"}, "autoreset_mode must be"),
        ({"max_episode_steps": 0}, "max_episode_steps"),
        ({"render_mode": "human"}, "render_mode of a vector env must be None or 'rgb_array'"),
        ({"render_envs": 3}, "render_envs"),
    ],
)
def test_bad_constructor_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CountVector(**{"num_envs": 2, **kwargs})


def test_a_bad_seed_is_refused():
    env = CountVector(2)
    with pytest.raises(ValueError, match="a list of 2 ints"):
        env.reset(seed=[1, 2, 3])
    with pytest.raises(ValueError, match="seed of env 1 must be a non-negative int"):
        env.reset(seed=[1, -2])


def test_render_shows_env_zero_or_a_grid_of_the_first_envs():
    env = CountVector(5, render_mode="rgb_array", render_envs=4)
    env.reset(seed=0)
    grid = env.render()
    assert grid.shape == (4 * 2 + 4, 5 * 2 + 4, 3)
    one = CountVector(5, render_mode="rgb_array")
    one.reset(seed=0)
    assert np.array_equal(one.render(), Count().render.__func__(type("E", (), {"count": env.count[0]})))
    assert np.array_equal(grid[:4, :5], one.render())
    assert tile_frames([np.zeros((2, 3, 3), np.uint8)] * 3).shape == (2 * 2 + 4, 3 * 2 + 4, 3)


@settings(max_examples=15, deadline=None)
@given(
    draws=st.lists(
        st.tuples(
            st.sampled_from(["uniform", "integers", "normal", "generator"]),
            st.integers(1, 2**32),
            st.lists(st.booleans(), min_size=3, max_size=3),
        ),
        max_size=80,
    ),
    seed=st.integers(0, 2**32),
)
def test_env_random_draws_exactly_what_each_env_generator_would(draws, seed):
    random = EnvRandom(3)
    reference = []
    for i in range(3):
        random.seed(i, seed + i)
        reference.append(seeding.np_random(seed + i)[0])
    for kind, high, mask in draws:
        mask = np.array(mask)
        rows = np.flatnonzero(mask)
        if kind == "uniform":
            ours, theirs = random.uniform(mask, 2), [reference[i].random(2) for i in rows]
        elif kind == "integers":
            ours, theirs = random.integers(mask, high), [reference[i].integers(high) for i in rows]
        elif kind == "normal":
            ours, theirs = random.normal(mask, 3), [reference[i].standard_normal(3) for i in rows]
        else:
            ours = [random.generator(i).integers(7, size=2) for i in rows]
            theirs = [reference[i].integers(7, size=2) for i in rows]
        for mine, reference_draw in zip(ours, theirs, strict=True):
            assert np.array_equal(mine, reference_draw)
