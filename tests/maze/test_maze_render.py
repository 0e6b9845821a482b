"""Maze-v0's pictures: rgb_array frames, the trail, the best-move picture, ansi text, the human window."""

import gymnasium as gym
import numpy as np
import pytest

from rldojo.envs import rendering
from rldojo.envs.maze.evaluation import bfs_policy


def centre(frame, cell, size):
    c, r = cell
    return tuple(frame[r * size + size // 2, c * size + size // 2])


def test_rgb_array_frame_shows_the_agent_trail_walls_and_exit():
    env = gym.make("Maze-v0", render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (256, 256, 3) and frame.dtype == np.uint8  # 64 pixels a cell, as FrozenLake
    assert centre(frame, (0, 0), 64) == rendering.AGENT
    for action in (3, 3, 1):
        env.step(action)
    frame = env.render()
    assert centre(frame, (1, 2), 64) == rendering.AGENT
    assert centre(frame, (0, 0), 64) != rendering.AGENT
    assert tuple(frame[8, 8]) == rendering.TRAIL  # the visited start, away from the trail's dot
    assert tuple(frame[2 * 64 + 8, 3 * 64 + 8]) == rendering.FREE  # (3, 2) not visited yet
    assert tuple(frame[64 + 32, 64 + 4]) == rendering.WALL  # (1, 1), at its rim
    assert tuple(frame[3 * 64 + 40, 3 * 64 + 10]) == rendering.EXIT
    assert not np.shares_memory(frame, env.render())  # a fresh array each time


def test_frames_follow_the_maze_size():
    env = gym.make("Maze-v0", layout="classic", render_mode="rgb_array")
    env.reset(seed=0, options={"start": (5, 4)})
    frame = env.render()
    assert frame.shape == (512, 512, 3)
    assert centre(frame, (5, 4), 64) == rendering.AGENT
    big = gym.make("Maze-v0", layout="random", size=(41, 21), render_mode="rgb_array")
    big.reset(seed=0)
    assert big.render().shape == (21 * 12, 41 * 12, 3)  # cells shrink to keep the picture within 512 pixels


def test_best_move_picture_has_an_arrow_on_every_free_cell():
    env = gym.make("Maze-v0", layout="seed", obs_mode="index", render_mode="rgb_array")
    env.reset(seed=0)
    picture = env.unwrapped.render_best_moves(bfs_policy(env))
    assert picture.shape == (256, 256, 3)
    maze = env.unwrapped.maze
    blue = np.all(picture == rendering.HIGHLIGHT, axis=2)
    for c, r in maze.cells:
        arrow_pixels = blue[r * 64 : (r + 1) * 64, c * 64 : (c + 1) * 64].sum()
        has_arrow = not maze.walls[r, c] and (c, r) != maze.exit_cell
        assert (arrow_pixels > 50) == has_arrow, (c, r)
    # the arrow at (0, 0) points down: its blue sits in the cell's lower half
    rows = np.nonzero(blue[:64, :64])[0]
    assert rows.max() > 48 and rows.min() > 8


def test_ansi_shows_the_agent_exit_and_trail():
    env = gym.make("Maze-v0", render_mode="ansi")
    env.reset(seed=0)
    env.step(3)
    text = env.render()
    assert text.splitlines()[:4] == ["+#..", "A#..", "....", ".##E"]
    assert "status: playing" in text


def test_human_mode_runs_headless_and_closes_twice():
    env = gym.make("Maze-v0", render_mode="human")
    env.unwrapped._get_renderer().fps = 1000
    env.reset(seed=0)
    env.step(3)
    assert env.render() is None
    picture = env.unwrapped.render_best_moves(lambda obs: 3)
    assert picture.shape == (256, 256, 3)
    env.close()
    env.close()


def test_render_without_a_mode_warns():
    env = gym.make("Maze-v0")
    env.reset(seed=0)
    with pytest.warns(UserWarning, match="render_mode"):
        assert env.unwrapped.render() is None


@pytest.mark.parametrize("render_mode", ["rgb_array", "ansi"])
def test_gymnasium_render_check_passes(render_mode):
    from gymnasium.utils.env_checker import check_env

    check_env(gym.make("Maze-v0", layout="classic", render_mode=render_mode).unwrapped)
