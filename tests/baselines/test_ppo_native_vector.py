"""PPO and A2C on native vector envs: made from an env's spec, passed in directly, with masks; PPO learns the maze."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from threadpoolctl import threadpool_limits

from rldojo.baselines import buffers
from rldojo.baselines.a2c import A2C
from rldojo.baselines.ppo import PPO
from rldojo.envs.maze.vector import MazeVectorEnv
from rldojo.envs.vector import NativeVectorEnv


@pytest.fixture(autouse=True)
def one_blas_thread():
    """The numpy kernels' small matrix products run many times slower with BLAS threads on a busy machine."""
    with threadpool_limits(1):
        yield


def test_n_envs_copies_of_an_env_with_a_vector_entry_point_are_the_native_env():
    agent = PPO(gym.make("Maze-v0", layout="classic"), seed=0, n_envs=4, n_steps=8)
    agent.learn(64)
    assert isinstance(agent._envs.env, MazeVectorEnv)
    assert agent._envs.env.metadata["autoreset_mode"] == gym.vector.AutoresetMode.SAME_STEP
    wrapped = gym.wrappers.TransformReward(gym.make("Maze-v0"), lambda r: 2 * r)  # its own wrapper: copied as is
    agent = PPO(wrapped, seed=0, n_envs=2, n_steps=8)
    agent.learn(32)
    assert isinstance(agent._envs.env, gym.vector.SyncVectorEnv)


def test_ppo_learns_exactly_as_on_sync_vector_env_copies(monkeypatch):
    def learned(native: bool):
        if not native:
            monkeypatch.setattr(buffers, "_native_copies", lambda spec, n: None)
        agent = PPO(gym.make("Maze-v0", start="random"), seed=3, n_envs=4, n_steps=32, batch_size=64, n_epochs=2)
        agent.learn(1024)
        return type(agent._envs.env), [p.detach().numpy().copy() for p in agent.actor.parameters()]

    native_type, native = learned(True)
    sync_type, sync = learned(False)
    assert (native_type, sync_type) == (MazeVectorEnv, gym.vector.SyncVectorEnv)
    assert all(np.array_equal(a, b) for a, b in zip(native, sync, strict=True))


@pytest.mark.slow
def test_ppo_on_64_native_maze_envs_wins_from_every_cell_of_classic():
    env = gym.make("Maze-v0", layout="classic", start="random", obs_mode="onehot")
    agent = PPO(
        env, seed=0, n_envs=64, n_steps=8, batch_size=256, n_epochs=4, learning_rate=3e-3, gamma=0.95, ent_coef=0.01
    )
    agent.learn(16_384)
    assert isinstance(agent._envs.env, MazeVectorEnv)
    won_all, win_rate = gym.make("Maze-v0", layout="classic", obs_mode="onehot").unwrapped.check_win_all(agent)
    assert won_all, win_rate


class Corridor(NativeVectorEnv):
    """Walk right along a corridor of 4 cells; moving left is illegal on the first cell. Reward 1 at the end."""

    def __init__(self, num_envs):
        super().__init__(num_envs, spaces.Discrete(4), spaces.Discrete(2), max_episode_steps=20)
        self.cell = np.zeros(num_envs, dtype=np.int64)
        self.left_from_zero = 0

    def _reset_envs(self, mask, options):
        self.cell[mask] = 0
        return {}

    def _step_envs(self, actions, mask):
        self.left_from_zero += int((mask & (self.cell == 0) & (actions == 0)).sum())
        self.cell = np.clip(self.cell + np.where(actions == 1, 1, -1), 0, 3)
        done = self.cell == 3
        return done.astype(np.float64), done, np.zeros(self.num_envs, bool), {}

    def _observe(self):
        return self.cell.copy()

    def _action_masks(self):
        return np.stack([self.cell > 0, np.ones(self.num_envs, bool)], axis=1)


@pytest.mark.parametrize("agent_class", [PPO, A2C])
@pytest.mark.parametrize("mode", ["NextStep", "SameStep"])
def test_a_native_vector_env_passed_in_is_used_with_its_action_masks(agent_class, mode):
    env = Corridor(8)
    env.autoreset_mode = gym.vector.AutoresetMode(mode)
    env.metadata = {**env.metadata, "autoreset_mode": env.autoreset_mode}
    agent = agent_class(env, seed=0, n_steps=8)
    agent.learn(512)  # an illegal action would raise in step
    assert agent._envs.masked
    assert env.left_from_zero == 0


def test_dqn_collects_from_one_env_and_refuses_a_vector_env_at_once():
    from rldojo.baselines.dqn import DQN

    with pytest.raises(ValueError, match=r"DQN collects from one env.*not a VectorEnv"):
        DQN(MazeVectorEnv(2), seed=0)
