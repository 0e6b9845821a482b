"""DQN, both forms: masks hold, checkpoints, and learned outcomes (the numpy update equals torch's: test_kernels.py)."""

import re

import gymnasium as gym
import numpy as np
import pytest
import torch

from rldojo.baselines import Agent, Callback, make_agent
from rldojo.baselines.dqn import DQN
from rldojo.baselines.evaluation import evaluate
from rldojo.baselines.kernels import NumpyMLPQFunction

SEED_MAZE = {"layout": "seed", "obs_mode": "onehot"}
MAZE_DQN = {"learning_rate": 3e-3, "gamma": 0.95, "epsilon_decay": 0.98}
STANDARD = {**MAZE_DQN, "learning_starts": 200, "target_update_interval": 200, "batch_size": 32}


class StopWhenWonAll(Callback):
    """The course's convergence check: every ``every`` episodes, a greedy episode from every cell."""

    def __init__(self, eval_env, every=5, max_episodes=400):
        self.eval_env, self.every, self.max_episodes = eval_env, every, max_episodes
        self.won_at = None

    def on_episode_end(self, episode):
        n = episode["episode"] + 1
        if self.won_at is None and n % self.every == 0 and self.eval_env.unwrapped.check_win_all(self.agent)[0]:
            self.won_at = n

    def on_step(self):
        return self.won_at is None and len(self.agent.episodes.rows) < self.max_episodes


def train_on_seed_maze(seed=0, max_episodes=400, env_kwargs=SEED_MAZE, **kw):
    agent = DQN(gym.make("Maze-v0", start="random", **env_kwargs), seed=seed, **kw)
    check = StopWhenWonAll(gym.make("Maze-v0", **env_kwargs), max_episodes=max_episodes)
    agent.learn(200_000, callback=check)
    return agent, check


# ----------------------------------------------------------------------------- construction


def test_the_name_is_registered_and_the_course_network_is_linear_relu_linear_relu_linear():
    agent = make_agent("dqn", gym.make("CartPole-v1"), form="course")
    assert isinstance(agent, DQN)
    net = agent.q.template if isinstance(agent.q, NumpyMLPQFunction) else agent.q.net
    kinds = [type(m).__name__ for m in net.head]
    assert kinds == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"form": "replay"}, "form must be one of"),
        ({"backend": "jax"}, "backend must be one of"),
        ({"loss": "l1"}, "loss must be one of"),
        ({"form": "course", "n_step": 3}, "n_step > 1 needs the replay buffer"),
        ({"dueling": True, "backend": "numpy"}, "backend='numpy' runs the plain MLP only"),
        ({"tau": 0.0}, r"tau must be a number in \(0, 1\]"),
    ],
)
def test_bad_hyperparameters_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DQN(gym.make("CartPole-v1"), **kwargs)


def test_continuous_actions_are_refused():
    with pytest.raises(ValueError, match="Discrete action space"):
        DQN(gym.make("Pendulum-v1"))


# ----------------------------------------------------------------------------- learning on the seed maze


def test_course_form_wins_from_every_cell_of_the_seed_maze():
    agent, check = train_on_seed_maze(seed=0, form="course", **MAZE_DQN)
    assert agent.buffer is None  # the course's form keeps no replay
    assert check.won_at is not None


def test_standard_form_wins_from_every_cell_and_takes_bfs_shortest_paths():
    agent, check = train_on_seed_maze(seed=0, form="standard", **STANDARD)
    assert check.won_at is not None
    env = gym.make("Maze-v0", **SEED_MAZE)
    moves = env.unwrapped.best_moves(agent)
    assert (moves[(0, 0)], moves[(1, 2)], moves[(3, 2)]) == (3, 1, 3)  # the course's three checks


@pytest.mark.parametrize("variant", [{"dueling": True}, {"n_step": 3}], ids=["dueling", "n_step"])
def test_dueling_and_n_step_variants_learn_the_seed_maze(variant):
    _agent, check = train_on_seed_maze(seed=0, form="standard", **STANDARD, **variant)
    assert check.won_at is not None


def test_torch_backend_learns_the_seed_maze_too():
    agent, check = train_on_seed_maze(seed=0, form="standard", backend="torch", **STANDARD)
    assert agent.backend == "torch"
    assert check.won_at is not None


@pytest.mark.slow
def test_cnn_dqn_wins_from_every_cell_of_the_seed_maze_from_pixels():
    # obs_mode="rgb": 36x36x3 uint8 frames, so the NatureCNN torso is chosen by itself
    agent, check = train_on_seed_maze(
        seed=0,
        env_kwargs={"layout": "seed", "obs_mode": "rgb"},
        form="standard",
        **{**STANDARD, "learning_rate": 1e-3, "features_dim": 128},
    )
    assert agent.use_cnn and agent.backend == "torch"
    assert check.won_at is not None


# ----------------------------------------------------------------------------- CartPole


@pytest.mark.slow
def test_standard_dqn_balances_cartpole():
    from rldojo.baselines.hyperparams import defaults

    agent = DQN(gym.make("CartPole-v1"), seed=1, **defaults("CartPole-v1", "dqn"))
    agent.learn(40_000)
    result = evaluate(agent, gym.make("CartPole-v1"), n_episodes=10, seed=100)
    assert result.mean_return >= 300  # random play: about 22


# ----------------------------------------------------------------------------- masks


class CorridorWithATrap(gym.Env):
    """Cells 0..5; 0 steps left, 1 steps right (+1 at cell 5, the end), 2 "teleports" (+5 but illegal).

    The illegal action pays best, so an agent that ignores the mask would learn to pick it.
    """

    def __init__(self):
        self.observation_space = gym.spaces.Box(0.0, 1.0, (6,), np.float32)
        self.action_space = gym.spaces.Discrete(3)
        self.cell = 0
        self.illegal_taken = 0

    def _obs(self):
        obs = np.zeros(6, np.float32)
        obs[self.cell] = 1.0
        return obs

    def action_masks(self):
        return np.array([self.cell > 0, 1, 0], dtype=np.int8)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.cell = 0
        return self._obs(), {"action_mask": self.action_masks()}

    def step(self, action):
        mask = self.action_masks()
        if not mask[action]:
            self.illegal_taken += 1
            return self._obs(), 5.0, False, False, {"action_mask": mask}
        self.cell += 1 if action == 1 else -1
        done = self.cell == 5
        return self._obs(), float(done), done, False, {"action_mask": self.action_masks()}


@pytest.mark.parametrize("form", ["course", "standard"])
def test_masked_dqn_never_picks_a_masked_action(form):
    env = gym.wrappers.TimeLimit(CorridorWithATrap(), 50)
    agent = DQN(env, seed=0, form=form, learning_starts=50, batch_size=16, epsilon_decay=0.9)
    agent.learn(1_500)
    assert env.unwrapped.illegal_taken == 0
    obs = np.eye(6, dtype=np.float32)
    masks = np.array([[c > 0, 1, 0] for c in range(6)], dtype=bool)
    for deterministic in (True, False):
        actions, _ = agent.predict(obs, deterministic=deterministic, action_masks=masks)
        assert masks[np.arange(6), actions].all()
    # and the greedy policy walks right to the end through legal moves
    result = evaluate(agent, env, n_episodes=3, seed=0)
    assert result.mean_return == 1.0 and env.unwrapped.illegal_taken == 0


def test_masked_td_target_maxes_over_legal_next_actions_only():
    agent = DQN(gym.wrappers.TimeLimit(CorridorWithATrap(), 50), seed=0)
    next_x = np.eye(6, dtype=np.float32)[:2]
    q_next = agent.q.q_values(next_x, target=True)
    masks = np.array([[1, 0, 0], [0, 1, 0]], dtype=bool)
    targets = agent._td_targets(np.zeros(2, np.float32), next_x, np.zeros(2, np.float32), masks, np.ones(2, np.float32))
    online_best = np.where(masks, agent.q.q_values(next_x), -np.inf).argmax(axis=1)
    np.testing.assert_allclose(targets, q_next[[0, 1], online_best], rtol=1e-6)
    np.testing.assert_array_equal(online_best, [0, 1])


# ----------------------------------------------------------------------------- checkpoints


@pytest.mark.parametrize(
    "kw", [{}, {"backend": "torch"}, {"dueling": True}, {"form": "course"}], ids=["numpy", "torch", "dueling", "course"]
)
def test_save_then_load_gives_identical_predictions(tmp_path, kw):
    env = gym.make("CartPole-v1")
    agent = DQN(env, seed=3, learning_starts=100, **kw)
    agent.learn(400)
    path = agent.save(tmp_path / "dqn.pt")
    loaded = Agent.load(path)  # rebuilds CartPole-v1 from the checkpoint
    obs = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(obs)[0], agent.predict(obs)[0])
    np.testing.assert_allclose(loaded.q_values(obs), agent.q_values(obs), rtol=0, atol=0)


def test_light_cnn_torso_has_the_asked_widths_and_survives_save_and_load(tmp_path):
    env = gym.make("CartPolePixels-v0", downscale=8)  # 4 x 20 x 40 frames
    agent = DQN(env, seed=0, learning_starts=50, batch_size=16, cnn_channels=(8, 16))
    convs = [m for m in agent.q.net.torso.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(m.in_channels, m.out_channels, m.kernel_size, m.stride) for m in convs] == [
        (4, 8, (3, 3), (2, 2)),
        (8, 16, (3, 3), (2, 2)),
    ]
    agent.learn(120)
    loaded = Agent.load(agent.save(tmp_path / "light.pt"))
    frames = np.stack([env.observation_space.sample() for _ in range(8)])
    np.testing.assert_array_equal(loaded.predict(frames)[0], agent.predict(frames)[0])
    with pytest.raises(ValueError, match=r"cnn_channels must be None or a non-empty tuple of positive integers"):
        DQN(env, cnn_channels=(8, 0))


def test_checkpoints_cross_backends(tmp_path):
    agent = DQN(gym.make("CartPole-v1"), seed=1, learning_starts=100, backend="numpy")
    agent.learn(300)
    path = agent.save(tmp_path / "dqn.pt")
    as_torch = DQN.load(path, backend="torch")
    obs = np.random.default_rng(1).normal(size=(20, 4)).astype(np.float32)
    np.testing.assert_allclose(as_torch.q_values(obs), agent.q_values(obs), atol=1e-6)


def test_corrupted_checkpoint_gives_a_clear_error(tmp_path):
    agent = DQN(gym.make("CartPole-v1"), seed=0)
    path = agent.save(tmp_path / "dqn.pt")
    data = bytearray(path.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 64] = b"\x00" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=re.escape("dqn.pt")):
        DQN.load(path)


def test_checkpoint_with_other_network_sizes_is_refused(tmp_path):
    agent = DQN(gym.make("CartPole-v1"), seed=0, hidden_sizes=(32, 32))
    path = agent.save(tmp_path / "dqn.pt")
    with pytest.raises(ValueError, match="does not fit a DQN"):
        DQN.load(path, hidden_sizes=(64, 64))


def test_epsilon_schedule_continues_over_a_second_learn_call_as_sb3_counts_it():
    # exploration_fraction 0.5 of a 400-step call: epsilon reaches its end at step 200.
    agent = DQN(gym.make("CartPole-v1"), seed=0, exploration_fraction=0.5, epsilon_end=0.1, learning_starts=1000)
    agent.learn(400)
    assert agent.epsilon == pytest.approx(0.1)
    # A continuing call of 400 more: at its start SB3's progress is 400 of 800, past the fraction, so
    # epsilon stays at its end instead of starting again from 1.
    agent.learn(400, reset_num_timesteps=False)
    second = [row["epsilon"] for row in agent.episodes.rows if row["timesteps"] > 400]
    assert len(second) > 5 and second == pytest.approx([0.1] * len(second))
