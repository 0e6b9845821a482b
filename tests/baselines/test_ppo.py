"""PPO: learns CartPole, works on vector envs, never picks a masked action, saves and loads."""

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium import spaces

from rldojo.baselines import Agent, make_agent
from rldojo.baselines.evaluation import evaluate
from rldojo.baselines.ppo import PPO

# rl-zoo3's tuned CartPole-v1 settings (8 envs, 32 steps, 20 epochs), on a small budget.
ZOO_CARTPOLE = dict(
    n_envs=8,
    n_steps=32,
    batch_size=256,
    gae_lambda=0.8,
    gamma=0.98,
    n_epochs=20,
    learning_rate=1e-3,
    anneal_lr=True,
    anneal_clip=True,
)


class MaskedGridEnv(gym.Env):
    """A one-hot position on a line of 6 cells; moves 0 left, 1 right, 2 stay, 3 jump home.

    Only some moves are legal in each cell (the edges forbid stepping off, "jump home" is legal
    only at the far end); an illegal move raises. Reaching the far end (cell 5) pays 1.
    The mask is in info["action_mask"] and from action_masks().
    """

    def __init__(self):
        self.observation_space = spaces.Box(0.0, 1.0, (6,), np.float32)
        self.action_space = spaces.Discrete(4)

    def action_masks(self):
        mask = np.array([self.cell > 0, self.cell < 5, 1, self.cell == 5], dtype=np.int8)
        if self.cell in (1, 3):
            mask[2] = 0  # no standing still here
        return mask

    def _obs(self):
        obs = np.zeros(6, np.float32)
        obs[self.cell] = 1.0
        return obs, {"action_mask": self.action_masks()}

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.cell, self.t = 0, 0
        return self._obs()

    def step(self, action):
        if not self.action_masks()[int(action)]:
            raise ValueError(f"illegal action {action} in cell {self.cell}")
        self.cell = {0: self.cell - 1, 1: self.cell + 1, 2: self.cell, 3: 0}[int(action)]
        self.t += 1
        obs, info = self._obs()
        won = self.cell == 5
        return obs, float(won), won, self.t >= 20, {**info, "is_success": won}


def test_learns_cartpole_on_a_small_budget():
    env = gym.make("CartPole-v1")
    agent = make_agent("ppo", env, seed=1, **ZOO_CARTPOLE)
    agent.learn(16_384)
    assert agent.num_timesteps == 16_384
    result = evaluate(agent, gym.make("CartPole-v1"), n_episodes=10, seed=100)
    assert result.mean_return >= 100  # random play: about 22; seeds 0-3 gave 120, 454, 422, 220


@pytest.mark.parametrize("how", ["single", "vector_next_step", "n_envs"])
def test_never_picks_a_masked_action_and_learns(how):
    if how == "single":
        env, kwargs = MaskedGridEnv(), {}
    elif how == "vector_next_step":  # Gymnasium's default autoreset: the step after an end is a reset
        env, kwargs = gym.vector.SyncVectorEnv([MaskedGridEnv for _ in range(3)]), {}
    else:
        gym.register("RldojoTestMaskedGrid-v0", entry_point=MaskedGridEnv)
        env, kwargs = gym.make("RldojoTestMaskedGrid-v0"), {"n_envs": 2}
    agent = PPO(env, seed=0, n_steps=128, batch_size=64, n_epochs=4, learning_rate=3e-3, ent_coef=0.01, **kwargs)
    agent.learn(3072)  # an illegal move raises inside the env, so finishing is the first check
    wins = [row["win"] for row in agent.episodes.rows]
    assert len(wins) > 50 and np.mean(wins[-20:]) == 1.0
    single = MaskedGridEnv()
    for seed in range(20):
        obs, info = single.reset(seed=seed)
        for _ in range(8):
            action, _ = agent.predict(obs, deterministic=False, action_masks=info["action_mask"])
            assert info["action_mask"][int(action)] == 1
            obs, _, terminated, _, info = single.step(action)
            if terminated:
                break


def test_vector_env_counts_and_episodes(tmp_path):
    env = gym.make_vec("CartPole-v1", num_envs=4, vectorization_mode="sync")
    agent = PPO(env, seed=0, n_steps=64, n_epochs=1, monitor_dir=tmp_path)
    assert agent.observation_space == env.single_observation_space
    agent.learn(1024)
    assert agent.num_timesteps == 1024
    rows = agent.episodes.rows
    assert rows and all(8 <= row["length"] <= 500 for row in rows)
    # NEXT_STEP reset steps are not counted, so the episode lengths add up to at most the steps taken.
    assert sum(row["length"] for row in rows) <= 1024
    # The Monitor-style CSV has one line per episode, with SB3's r, l, t columns.
    agent.episodes.close()
    lines = (tmp_path / "monitor.csv").read_text().splitlines()
    assert lines[0].startswith("#{") and lines[1].startswith("r,l,t")
    assert [float(line.split(",")[0]) for line in lines[2:]] == [row["return"] for row in rows]


def test_save_load_identical_predictions(tmp_path):
    env = gym.make("CartPole-v1")
    agent = PPO(env, seed=1, n_steps=256, n_epochs=2)
    agent.learn(512)
    path = agent.save(tmp_path / "ppo.pt")
    loaded = Agent.load(path)  # rebuilds CartPole-v1 from the checkpoint
    assert isinstance(loaded, PPO) and loaded.config.n_steps == 256
    obs = np.random.default_rng(0).normal(size=(100, 4)).astype(np.float32)
    np.testing.assert_array_equal(agent.predict(obs)[0], loaded.predict(obs)[0])
    loaded.learn(256)  # and it trains on


def test_corrupted_checkpoint_is_a_clear_error(tmp_path):
    path = PPO(gym.make("CartPole-v1"), seed=0).save(tmp_path / "ppo.pt")
    raw = bytearray(path.read_bytes())
    raw[100:400] = bytes(300)
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="checkpoint"):
        PPO.load(path)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_steps"):
        PPO(gym.make("CartPole-v1"), n_steps=0)
    with pytest.raises(ValueError, match="Discrete action space"):
        PPO(gym.make("Pendulum-v1"))
    with pytest.raises(ValueError, match="activation"):
        PPO(gym.make("CartPole-v1"), activation="swish")


@pytest.mark.parametrize("name", ["ppo", "a2c"])
def test_learn_in_chunks_shorter_than_a_rollout_still_updates(name):
    # A learn call shorter than a rollout: the rollout cut short by the call's end must not be thrown away.
    agent = make_agent(name, gym.make("CartPole-v1"), seed=0, n_steps=256)
    before = [p.detach().clone() for p in agent.actor.parameters()]
    agent.learn(50)
    agent.learn(50, reset_num_timesteps=False)
    after = list(agent.actor.parameters())
    assert agent.num_timesteps == 100
    assert any(not torch.equal(b, a) for b, a in zip(before, after, strict=True))
