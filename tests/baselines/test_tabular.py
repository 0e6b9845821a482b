"""Tabular Q-learning, SARSA and Expected SARSA: errors, masks, checkpoints and learned outcomes."""

import gymnasium as gym
import numpy as np
import pytest

from rldojo.baselines import Agent, Callback, make_agent
from rldojo.baselines.evaluation import evaluate
from rldojo.baselines.tabular import ExpectedSarsa, QLearning, Sarsa

SEED_MAZE = {"layout": "seed", "obs_mode": "index"}


class StopWhenWonAll(Callback):
    """The course's convergence check: every ``every`` episodes, a greedy episode from every cell."""

    def __init__(self, eval_env, every=5, max_episodes=200, stop_on_win=True):
        self.eval_env = eval_env
        self.every = every
        self.max_episodes = max_episodes
        self.stop_on_win = stop_on_win
        self.won_at = None
        self.stop = False

    def on_episode_end(self, episode):
        n = episode["episode"] + 1
        if self.won_at is None and n % self.every == 0:
            won_all, _ = self.eval_env.unwrapped.check_win_all(self.agent)
            if won_all:
                self.won_at = n
                self.stop = self.stop_on_win
        if n >= self.max_episodes:
            self.stop = True

    def on_step(self):
        return not self.stop


def maze_agent(cls, seed, **kw):
    env = gym.make("Maze-v0", start="random", **SEED_MAZE)
    return cls(env, seed=seed, learning_rate=0.5, gamma=0.95, **kw)


def test_names_are_registered():
    env = gym.make("Maze-v0", **SEED_MAZE)
    assert isinstance(make_agent("qlearning", env), QLearning)
    assert isinstance(make_agent("sarsa", env), Sarsa)
    assert isinstance(make_agent("expected_sarsa", env), ExpectedSarsa)


@pytest.mark.parametrize("cls", [QLearning, Sarsa, ExpectedSarsa])
def test_non_discrete_observations_are_refused_with_advice(cls):
    with pytest.raises(ValueError, match=r"needs a Discrete observation space.*obs_mode='index'"):
        cls(gym.make("CartPole-v1"))


def test_bad_hyperparameters_are_refused():
    env = gym.make("Maze-v0", **SEED_MAZE)
    with pytest.raises(ValueError, match="learning_rate"):
        QLearning(env, learning_rate=0.0)
    with pytest.raises(ValueError, match="epsilon_decay"):
        QLearning(env, epsilon_decay=1.5)


@pytest.mark.parametrize("cls", [QLearning, Sarsa, ExpectedSarsa])
def test_wins_from_every_cell_of_the_seed_maze_within_200_episodes(cls):
    agent = maze_agent(cls, seed=0)
    check = StopWhenWonAll(gym.make("Maze-v0", **SEED_MAZE), every=5, max_episodes=200)
    agent.learn(100_000, callback=check)
    assert check.won_at is not None and check.won_at <= 200
    assert check.eval_env.unwrapped.check_win_all(agent) == (True, 1.0)


def test_qlearning_greedy_paths_are_bfs_shortest_paths_from_every_cell():
    agent = maze_agent(QLearning, seed=1)
    agent.learn(100_000, callback=StopWhenWonAll(None, every=10**9, max_episodes=200))
    env = gym.make("Maze-v0", **SEED_MAZE)
    shortest = env.unwrapped.shortest_path_lengths()
    results = env.unwrapped.play_from_every_cell(agent)
    assert set(results) == set(shortest) - {env.unwrapped.maze.exit_cell}  # the 11 cells that can reach the exit
    for cell, (won, steps) in results.items():
        assert won, f"no win from {cell}"
        assert steps == shortest[cell], f"from {cell}: {steps} moves, BFS says {shortest[cell]}"
    # the course's three checks: down at (0, 0), right at (1, 2), down at (3, 2)
    moves = env.unwrapped.best_moves(agent)
    assert (moves[(0, 0)], moves[(1, 2)], moves[(3, 2)]) == (3, 1, 3)


def test_taxi_q_table_reaches_a_good_greedy_return():
    env = gym.make("Taxi-v4")
    agent = QLearning(env, seed=0, learning_rate=0.5, gamma=0.99, epsilon_decay=0.99, epsilon_end=0.01)
    agent.learn(60_000)
    assert agent.q_table.shape == (500, 6)  # the course's 500-state table
    result = evaluate(agent, gym.make("Taxi-v4"), n_episodes=100, seed=1000)
    assert result.mean_return >= 7.0


class MaskedChain(gym.Env):
    """A 5-state chain where action 2 ("jump to the end", +10) is illegal; 0 stays, 1 moves right (+1 at the end)."""

    def __init__(self):
        self.observation_space = gym.spaces.Discrete(5)
        self.action_space = gym.spaces.Discrete(3)
        self.state = 0

    def action_masks(self):
        return np.array([1, 1, 0], dtype=np.int8)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.state = 0
        return self.state, {"action_mask": self.action_masks()}

    def step(self, action):
        if action == 2:
            raise ValueError("action 2 is illegal")
        if action == 1:
            self.state += 1
        done = self.state == 4
        return self.state, float(done), done, False, {"action_mask": self.action_masks()}


@pytest.mark.parametrize("cls", [QLearning, Sarsa, ExpectedSarsa])
def test_masked_actions_are_never_taken_or_predicted(cls):
    agent = cls(gym.wrappers.TimeLimit(MaskedChain(), 30), seed=0, initial_q=100.0)
    agent.q_table[:, 2] = 1e6  # the masked action looks best; it must still never be chosen
    agent.learn(2_000)  # the env raises on action 2
    obs = np.arange(5)
    masks = np.tile(np.array([1, 1, 0], dtype=bool), (5, 1))
    actions, _ = agent.predict(obs, action_masks=masks)
    assert not np.any(actions == 2)
    actions, _ = agent.predict(obs, deterministic=False, action_masks=masks)
    assert not np.any(actions == 2)


def test_save_then_load_gives_identical_predictions(tmp_path):
    agent = maze_agent(QLearning, seed=2)
    agent.learn(1_500)
    path = agent.save(tmp_path / "q.pt")
    loaded = Agent.load(path, env=gym.make("Maze-v0", **SEED_MAZE))
    assert isinstance(loaded, QLearning)
    np.testing.assert_array_equal(loaded.q_table, agent.q_table)
    obs = np.arange(16)
    np.testing.assert_array_equal(loaded.predict(obs)[0], agent.predict(obs)[0])


def test_corrupted_checkpoint_gives_a_clear_error(tmp_path):
    agent = maze_agent(QLearning, seed=0)
    path = agent.save(tmp_path / "q.pt")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable rldojo checkpoint"):
        QLearning.load(path, env=gym.make("Maze-v0", **SEED_MAZE))


def test_checkpoint_for_another_state_count_is_refused(tmp_path):
    agent = maze_agent(QLearning, seed=0)
    path = agent.save(tmp_path / "q.pt")
    with pytest.raises(ValueError, match="observation_space"):
        QLearning.load(path, env=gym.make("Taxi-v4"))
