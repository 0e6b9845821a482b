"""Maze-v0 through Gymnasium: the API, every obs_mode, start options, the oracles, check_win_all, the metric."""

import re
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from rldojo.envs import rendering
from rldojo.envs.maze.env import OBS_MODES, MazeEnv
from rldojo.envs.maze.evaluation import bfs_policy, maze_metric, maze_policy_metrics

SEED_PATH = [3, 3, 1, 1, 1, 3]  # (0, 0) down, down, right, right, right, down to the exit (3, 3)


@pytest.mark.parametrize("obs_mode", OBS_MODES)
@pytest.mark.parametrize("slip_prob", [0.0, 0.2])
def test_gymnasium_and_sb3_checkers_pass(obs_mode, slip_prob):
    env = gym.make("Maze-v0", obs_mode=obs_mode, slip_prob=slip_prob, start="random")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker warning is a failure too
        check_env(env.unwrapped, skip_render_check=True)
        sb3_check_env(env.unwrapped)


def test_checkers_pass_on_regenerated_random_mazes():
    env = MazeEnv(layout="random", size=(7, 9), loops=0.2, regenerate=True, obs_mode="local")
    check_env(env, skip_render_check=True)
    sb3_check_env(env)


def rollout(env, seed, n=60):
    obs, info = env.reset(seed=seed)
    env.action_space.seed(seed)
    trace = [(np.asarray(obs).tolist(), info["cell"])]
    for _ in range(n):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        trace.append((np.asarray(obs).tolist(), reward, terminated, truncated, info["cell"]))
        if terminated or truncated:
            obs, info = env.reset()
            trace.append((np.asarray(obs).tolist(), info["cell"]))
    return trace


def test_same_seed_same_episode():
    make = lambda: gym.make("Maze-v0", layout="random", size=(9, 9), regenerate=True, start="random", slip_prob=0.3)
    first, second = rollout(make(), seed=7), rollout(make(), seed=7)
    assert first == second
    assert rollout(make(), seed=8) != first


def test_the_seed_path_wins_with_the_course_rewards():
    env = gym.make("Maze-v0")
    obs, info = env.reset(seed=0)
    assert obs.tolist() == [0.0, 0.0] and obs.dtype == np.float32
    assert info == {"status": "playing", "cell": (0, 0)}
    rewards = []
    for action in SEED_PATH:
        obs, reward, terminated, truncated, info = env.step(action)
        assert type(reward) is float and type(terminated) is bool and type(truncated) is bool
        rewards.append(reward)
    assert rewards == [-0.05] * 5 + [10.0]
    assert terminated and not truncated
    assert info == {"status": "win", "cell": (3, 3), "is_success": True}
    assert obs.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match="call reset"):
        env.step(0)


def test_the_loss_is_a_truncation():
    env = gym.make("Maze-v0")
    env.reset(seed=0)
    for _step in range(11):  # into the wall at (1, 0): -0.75 each, lost below -8 at the 11th
        _obs, reward, terminated, truncated, info = env.step(1)
        assert reward == -0.75 and info["cell"] == (0, 0)
    assert truncated and not terminated
    assert info["status"] == "lose" and info["is_success"] is False


def test_the_time_limit_truncates_a_long_episode():
    env = gym.make("Maze-v0", layout="random", size=(41, 41))  # lost only below -840
    env.reset(seed=0)
    for step in range(200):
        _, _, terminated, truncated, info = env.step(step % 2)
    assert truncated and not terminated and info["status"] == "playing"


def test_start_options():
    env = gym.make("Maze-v0")
    assert env.reset(seed=0, options={"start": (2, 0)})[1]["cell"] == (2, 0)
    assert env.reset()[1]["cell"] == (0, 0)  # the option lasts one episode
    fixed = gym.make("Maze-v0", layout="classic", start=(5, 4))
    assert fixed.reset(seed=0)[1]["cell"] == (5, 4)
    random_start = gym.make("Maze-v0", start="random")
    starts = {random_start.reset(seed=s)[1]["cell"] for s in range(200)}
    assert starts == set(random_start.unwrapped.maze.playable_cells)  # every free cell but the exit
    assert len(starts) == 11


def observation_on(obs_mode, cell, **kwargs):
    env = gym.make("Maze-v0", obs_mode=obs_mode, **kwargs)
    obs, _ = env.reset(seed=0, options={"start": cell})
    assert env.observation_space.contains(obs)
    return obs


def test_observations_of_every_mode():
    assert observation_on("coords", (2, 1)).tolist() == [2.0, 1.0]
    assert observation_on("index", (2, 1)) == 1 * 4 + 2
    onehot = observation_on("onehot", (2, 1))
    assert onehot.shape == (16,) and onehot[6] == 1.0 and onehot.sum() == 1.0
    grid = observation_on("grid", (2, 1)).reshape(4, 4)
    assert grid[1, 2] == 0.5 and grid[0, 1] == 0.0 and grid[3, 3] == 1.0 and grid[3, 2] == 0.0
    rgb = observation_on("rgb", (2, 1))
    assert rgb.shape == (36, 36, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[1 * 9 + 4, 2 * 9 + 4]) == rendering.AGENT  # cells are 9 pixels on the 4x4 maze
    assert tuple(rgb[3 * 9 + 4, 3 * 9 + 4]) == rendering.EXIT
    assert tuple(rgb[4, 9 + 4]) == rendering.WALL
    local = observation_on("local", (0, 2), view_size=3).reshape(3, 3)
    # around (0, 2): the edge on the left, the wall (1, 1) up right, the wall (1, 3) down right
    assert local.tolist() == [[1, 0, 1], [1, 0, 0], [1, 0, 1]]
    assert observation_on("local", (3, 2), view_size=3).reshape(3, 3)[2, 1] == 0.5  # the exit below
    big = observation_on("rgb", (0, 0), layout="random", size=(21, 21))
    assert min(big.shape[:2]) >= 36


def test_bad_arguments_raise_naming_the_problem():
    with pytest.raises(ValueError, match="unknown layout"):
        gym.make("Maze-v0", layout="labyrinth")
    with pytest.raises(ValueError, match="no exit"):
        gym.make("Maze-v0", layout="...\n...\n..#")
    with pytest.raises(ValueError, match="cannot be reached"):
        gym.make("Maze-v0", layout="..#\n.#.\n#..")
    with pytest.raises(ValueError, match="ragged"):
        gym.make("Maze-v0", layout="....\n...\n...E")
    with pytest.raises(ValueError, match="on a wall"):
        gym.make("Maze-v0", start=(1, 1))
    with pytest.raises(ValueError, match="on a wall"):
        gym.make("Maze-v0").reset(options={"start": (1, 0)})
    with pytest.raises(ValueError, match="on a wall or outside a random"):
        gym.make("Maze-v0", layout="random", size=(7, 7), start=(1, 2))
    assert gym.make("Maze-v0", layout="random", size=(7, 7), start=(2, 4)).reset(seed=0)[1]["cell"] == (2, 4)
    with pytest.raises(ValueError, match="is the exit"):
        gym.make("Maze-v0").reset(options={"start": (3, 3)})
    for slip in (1.0, -0.01, 1.5):
        with pytest.raises(ValueError, match="slip_prob"):
            gym.make("Maze-v0", slip_prob=slip)
    with pytest.raises(ValueError, match="obs_mode"):
        gym.make("Maze-v0", obs_mode="pixels")
    with pytest.raises(ValueError, match="view_size"):
        gym.make("Maze-v0", obs_mode="local", view_size=4)
    with pytest.raises(ValueError, match="start must be"):
        gym.make("Maze-v0", start="anywhere")
    with pytest.raises(ValueError, match="odd integers"):
        gym.make("Maze-v0", layout="random", size=(10, 10))
    with pytest.raises(ValueError, match="loops"):
        gym.make("Maze-v0", layout="random", loops=-0.5)
    for option in ({"size": (5, 5)}, {"loops": 0.1}, {"regenerate": True}):
        with pytest.raises(ValueError, match=f"{next(iter(option))}=.* only applies to layout='random'"):
            gym.make("Maze-v0", layout="classic", **option)
    env = gym.make("Maze-v0")
    env.reset(seed=0)
    # Exactly what Discrete(4).contains accepts: a one-element 1-d array is refused like the rest.
    for action in (4, -1, 1.0, "left", np.array([0, 1]), np.array([3]), None):
        with pytest.raises(ValueError, match=re.escape("action must be an integer in 0..3")):
            env.unwrapped.step(action)
    for action in (np.int64(3), np.array(3)):  # the forms agents hand over
        assert env.unwrapped.step(action)[4]["cell"] == (0, 1)
        env.reset()


def test_random_mazes_follow_the_seed_and_regenerate():
    env = gym.make("Maze-v0", layout="random", size=(11, 11))
    env.reset(seed=1)
    walls = env.unwrapped.maze.walls.copy()
    env.reset()
    assert np.array_equal(walls, env.unwrapped.maze.walls)  # kept without regenerate
    env.reset(seed=1)
    assert np.array_equal(walls, env.unwrapped.maze.walls)
    env.reset(seed=2)
    assert not np.array_equal(walls, env.unwrapped.maze.walls)
    regen = gym.make("Maze-v0", layout="random", size=(11, 11), regenerate=True)
    regen.reset(seed=1)
    first = regen.unwrapped.maze.walls.copy()
    regen.reset()
    assert not np.array_equal(first, regen.unwrapped.maze.walls)


def test_oracles_through_the_env():
    env = gym.make("Maze-v0")
    maze_env = env.unwrapped
    assert maze_env.shortest_path_lengths()[(0, 0)] == 6
    assert [maze_env.optimal_actions(c) for c in [(0, 0), (1, 2), (3, 2)]] == [[3], [1], [3]]
    assert maze_env.P[0][3] == [(1.0, 4, -0.05, False)]
    slippery = gym.make("Maze-v0", slip_prob=0.1).unwrapped
    values, policy = slippery.value_iteration()
    assert len(slippery.P[0][3]) == 3 and values.shape == (16,)
    assert policy[0] == 3  # down at (0, 0) still


class PredictPolicy:
    """An SB3-shaped policy: predict returns (array of actions, state)."""

    def __init__(self, fn):
        self.fn = fn

    def predict(self, obs, deterministic=True):
        return np.array([self.fn(obs)]), None


@pytest.mark.parametrize("layout", ["seed", "classic"])
@pytest.mark.parametrize("obs_mode", ["coords", "index"])
def test_check_win_all(layout, obs_mode):
    env = gym.make("Maze-v0", layout=layout, obs_mode=obs_mode)
    env.reset(seed=0)
    maze_env = env.unwrapped
    maze = maze_env.maze

    def cell_of(obs):
        return maze.cells[int(obs)] if obs_mode == "index" else (int(obs[0]), int(obs[1]))

    optimal = PredictPolicy(lambda obs: maze.optimal_actions(cell_of(obs))[0])
    assert maze_env.check_win_all(optimal) == (True, 1.0)
    won_all, win_rate = maze_env.check_win_all(lambda obs: 0)  # always left
    assert won_all is False and win_rate == 0.0
    # next to the exit the right move wins at once, whatever the policy does elsewhere
    (near,) = [cell for cell, d in maze.shortest_path_lengths().items() if d == 1]
    partly = lambda obs: maze.optimal_actions(near)[0] if cell_of(obs) == near else 0
    won_all, win_rate = maze_env.check_win_all(partly)
    assert not won_all and win_rate == pytest.approx(1 / len(maze.playable_cells))
    moves = maze_env.best_moves(optimal)
    assert set(moves) == set(maze.free_cells) - {maze.exit_cell}
    assert all(moves[c] in maze.optimal_actions(c) for c in maze.playable_cells)


def test_check_win_all_leaves_the_episode_alone():
    env = gym.make("Maze-v0")
    env.reset(seed=0)
    env.step(3)
    env.unwrapped.check_win_all(lambda obs: 0)
    _, reward, _, _, info = env.step(3)
    assert info["cell"] == (0, 2) and reward == -0.05


def test_metric_scores_bfs_as_perfect_and_a_stuck_policy_as_zero():
    env = gym.make("Maze-v0", layout="classic", obs_mode="index")
    env.reset(seed=0)
    assert maze_policy_metrics(bfs_policy(env), env) == {"won_all": 1.0, "win_rate": 1.0, "path_optimality": 1.0}
    assert maze_policy_metrics(lambda obs: 2, env)["path_optimality"] == 0.0
    maze = env.unwrapped.maze
    # A detour: from (1, 0) go left to the start first, then follow BFS, so that one cell takes 2 steps more.
    detour = lambda obs: 0 if maze.cell == (1, 0) and maze.visited[maze.index((0, 0))] == 0 else bfs_policy(env)(obs)
    result = maze_policy_metrics(detour, env)
    n = len(maze.playable_cells)
    assert result["won_all"] == 1.0
    assert result["path_optimality"] == pytest.approx((n - 1 + 17 / 19) / n)


def test_benchmark_metric_function():
    class AlwaysDown:  # what the benchmark hands over: anything with SB3's predict
        def predict(self, obs, deterministic=True):
            return np.array(3), None

    metrics = maze_metric(AlwaysDown(), "Maze-v0", {"layout": "seed", "obs_mode": "index"}, seed=0)
    # down wins from (3, 0), (3, 1) and (3, 2) by the shortest path, and from none of the other 8 cells
    assert metrics == pytest.approx({"won_all": 0.0, "win_rate": 3 / 11, "path_optimality": 3 / 11})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_following_bfs_through_the_env_takes_exactly_the_shortest_path(seed):
    env = gym.make("Maze-v0", layout="random", size=(11, 9), loops=0.15, start="random", obs_mode="index")
    obs, info = env.reset(seed=seed)
    maze = env.unwrapped.maze
    lengths = env.unwrapped.shortest_path_lengths()
    for cell in maze.playable_cells:
        obs, info = env.reset(options={"start": cell})
        total, steps, terminated = 0.0, 0, False
        while not terminated:
            actions = env.unwrapped.optimal_actions(maze.cells[obs])
            obs, reward, terminated, truncated, info = env.step(actions[-1])
            total += reward
            steps += 1
            assert not truncated
        assert steps == lengths[cell] and info["is_success"]
        assert total == pytest.approx(10 - 0.05 * (steps - 1))  # a shortest path never revisits a cell
