"""CartPolePixels-v0: CartPole-v1 seen from its rendered frames."""

import re

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from rldojo.envs.pixels import CartPolePixelsEnv


@pytest.mark.parametrize(
    "kwargs", [{}, {"difference": True}, {"frame_stack": 1, "downscale": 2}, {"crop_width": 600, "downscale": 5}]
)
def test_passes_gymnasium_and_sb3_env_checkers(kwargs):
    from stable_baselines3.common.env_checker import check_env as sb3_check_env

    check_env(CartPolePixelsEnv(**kwargs), skip_render_check=True)
    sb3_check_env(CartPolePixelsEnv(**kwargs), warn=False)


def test_registered_with_cartpoles_time_limit_and_uint8_channels_first_frames():
    env = gym.make("CartPolePixels-v0")
    assert env.spec.max_episode_steps == 500
    obs, info = env.reset(seed=0)
    assert obs.shape == (4, 40, 80) and obs.dtype == np.uint8
    assert env.observation_space.contains(obs)
    assert info["state"].shape == (4,)


def test_same_seed_same_episode():
    def episode(seed):
        env = gym.make("CartPolePixels-v0")
        obs, _ = env.reset(seed=seed)
        frames, done = [obs], False
        while not done:
            obs, _reward, terminated, truncated, _ = env.step(0)
            frames.append(obs)
            done = terminated or truncated
        return np.stack(frames)

    first, again, other = episode(7), episode(7), episode(8)
    np.testing.assert_array_equal(first, again)
    assert first.shape != other.shape or not np.array_equal(first, other)


def test_the_frame_shows_the_cart_where_the_physics_puts_it():
    # the whole track in view (crop_width=600), so the cart's column follows x
    env = CartPolePixelsEnv(crop_width=600, downscale=4, frame_stack=1)
    obs, info = env.reset(seed=1)
    for action in (1, 1, 1, 1, 1, 0, 1, 0):
        obs, _, terminated, _, info = env.step(action)
        assert not terminated
    x = float(info["state"][0])
    cart_rows = obs[0, 32:38]  # the cart's body: screen rows 288..312, below the pole's pivot
    columns = np.flatnonzero(cart_rows.max(axis=0) > 200)
    expected = (x * 125.0 + 300.0) / 4.0  # 125 px per unit, the track centred on a 600 px screen
    assert abs(columns.mean() - expected) < 1.5
    assert 10 <= len(columns) <= 15  # the cart is 50 px wide


def test_the_pole_leans_the_way_the_physics_says():
    env = CartPolePixelsEnv(frame_stack=1, downscale=2)
    obs, info = env.reset(seed=3)
    for _ in range(15):
        obs, _, terminated, _, info = env.step(0)  # push left: the pole falls to the right
        if terminated:
            break
    theta = float(info["state"][2])
    assert theta > 0.05
    top = obs[0, 5:15]  # rows near the pole's tip
    tip_col = np.flatnonzero(top.max(axis=0) > 60).mean()
    assert tip_col > obs.shape[2] / 2 + 3  # right of the cart (the window is centred on it)


def test_frame_stack_shifts_and_difference_starts_neutral():
    env = CartPolePixelsEnv(frame_stack=3)
    obs0, _ = env.reset(seed=0)
    assert all(np.array_equal(obs0[0], obs0[i]) for i in range(3))
    obs1, *_ = env.step(1)
    np.testing.assert_array_equal(obs1[1], obs0[0])  # the newest frame moved back one slot

    diff_env = CartPolePixelsEnv(frame_stack=2, difference=True)
    obs, _ = diff_env.reset(seed=0)
    assert np.all(obs[1] == 128)
    for _ in range(5):
        obs, *_ = diff_env.step(1)  # the pole tips over: its pixels change between frames
    assert np.any(obs[1] != 128)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"frame_stack": 0}, "frame_stack"),
        ({"downscale": 3}, "downscale"),
        ({"crop_width": 50}, "crop_width"),
        ({"frame_stack": 1, "difference": True}, "difference=True needs frame_stack"),
        ({"render_mode": "ansi"}, "render_mode"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CartPolePixelsEnv(**kwargs)


def test_illegal_action_raises():
    env = CartPolePixelsEnv()
    env.reset(seed=0)
    with pytest.raises(
        ValueError, match=re.escape("action must be an integer in 0..1 of Discrete(2) (0 push left, 1 push right)")
    ):
        env.step(2)


def test_rgb_array_render_is_cartpoles_frame_and_close_is_idempotent():
    env = CartPolePixelsEnv(render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (400, 600, 3) and frame.dtype == np.uint8
    assert (frame == 255).mean() > 0.8  # mostly white background
    env.close()
    env.close()
