"""Tiny, deterministic, torch-free agents and metrics for the benchmark runner's tests.

Imported by module name ("benchtiny:...") from the runner's workers, which import rldojo as
installed and find this module the way the test process does: the pool's spawned processes
inherit the test process's ``sys.path`` (where pytest put this folder), and the tests give
this folder to Ray's workers and to a suite run as a command in ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from rldojo.bench.suites import AgentSpec, Entry

LAKE = {"map_name": "4x4", "is_slippery": False}
HERE = Path(__file__).resolve().parent  # this folder, for the workers' PYTHONPATH


class TinyQ:
    """Tabular Q-learning with the face the runner needs: learn(n, callback), predict, num_timesteps.

    ``sleep`` (seconds, in the first learn call; the BENCHTINY_PAUSE environment variable adds to
    it without changing the run's key) keeps a run in flight long enough to be killed;
    ``fail_after`` raises once that many steps are done, to make a failing run;
    ``die`` ends the whole process in the first learn call, as a crash in C would.
    """

    def __init__(self, env, seed=0, learning_rate=0.5, gamma=0.95, epsilon=0.3, sleep=0.0, fail_after=None, die=False):
        self.env = env
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.q = np.ones((env.observation_space.n, env.action_space.n))  # optimism explores
        self.learning_rate, self.gamma, self.epsilon = learning_rate, gamma, epsilon
        self.sleep, self.fail_after, self.die = sleep, fail_after, die
        self.num_timesteps = 0
        self.obs = None

    def learn(self, total_timesteps, callback=None, reset_num_timesteps=True):
        if reset_num_timesteps:
            self.num_timesteps = 0
        if self.die:
            os._exit(3)
        if self.obs is None:
            time.sleep(self.sleep + float(os.environ.get("BENCHTINY_PAUSE", "0")))
            self.obs, _ = self.env.reset(seed=self.seed)
        for _ in range(total_timesteps):
            if self.fail_after is not None and self.num_timesteps >= self.fail_after:
                raise RuntimeError(f"tiny agent fails on purpose after {self.fail_after} steps")
            if self.rng.random() < self.epsilon:
                action = int(self.rng.integers(self.env.action_space.n))
            else:
                action = int(np.argmax(self.q[self.obs]))
            obs, reward, terminated, truncated, _ = self.env.step(action)
            target = reward + (0.0 if terminated else self.gamma * self.q[obs].max())
            self.q[self.obs, action] += self.learning_rate * (target - self.q[self.obs, action])
            self.num_timesteps += 1
            self.obs = obs
            if terminated or truncated:
                self.obs, _ = self.env.reset()
            if callback is not None and callback(self) is False:
                break
        return self

    def predict(self, observation, state=None, episode_start=None, deterministic=True, action_masks=None):
        return int(np.argmax(self.q[int(observation)])), state


def lake_metric(agent, env_id, env_kwargs, seed):
    """Greedy success on the (deterministic) lake and the episode length."""
    env = gym.make(env_id, **env_kwargs)
    obs, _ = env.reset(seed=seed)
    total, length, done = 0.0, 0, False
    while not done:
        action, _ = agent.predict(obs)
        obs, reward, terminated, truncated, _ = env.step(action)
        total, length, done = total + reward, length + 1, terminated or truncated
    env.close()
    return {"success": total, "length": float(length), "q_mass": float(np.abs(agent.q).sum())}


def tiny_entries(sleep: float = 0.0, failing: bool = False, budget: int = 600) -> list[Entry]:
    """Two entries of tabular Q-learning on a deterministic FrozenLake, a few hundred steps a run."""
    agents = [
        AgentSpec("benchtiny:TinyQ", {"quick": budget, "full": 4 * budget}, agent_kwargs={"sleep": sleep}),
        AgentSpec(
            "benchtiny:TinyQ", {"quick": budget // 2, "full": budget}, agent_kwargs={"sleep": sleep, "epsilon": 0.5}
        ),
    ]
    if failing:
        agents.append(
            AgentSpec(
                "benchtiny:TinyQ",
                {"quick": budget, "full": budget},
                agent_kwargs={"sleep": sleep, "fail_after": budget // 2, "learning_rate": 0.1},
            )
        )
    return [
        Entry(
            label="Lake/a",
            env_id="FrozenLake-v1",
            env_kwargs=dict(LAKE),
            agents=agents,
            metric="benchtiny:lake_metric",
            headline="success",
            solved_at=1.0,
            eval_points=3,
        ),
        Entry(
            label="Lake/b",
            env_id="FrozenLake-v1",
            env_kwargs=dict(LAKE),
            agents=agents[:1],
            metric="benchtiny:lake_metric",
            headline="success",
            solved_at=1.0,
            eval_points=2,
        ),
    ]


def q_checksum(agent, env_id, env_kwargs, seed):
    """The sum of the Q-values of every action over a fixed batch of observations: it moves with every weight update."""
    env = gym.make(env_id, **env_kwargs)
    observations = _fixed_obs(env)
    env.close()
    if hasattr(agent, "q_values"):  # rldojo's DQN
        values = np.asarray(agent.q_values(observations))
    else:  # SB3's DQN
        import torch

        with torch.no_grad():
            values = agent.q_net(torch.as_tensor(observations, dtype=torch.float32)).numpy()
    return {"q_sum": float(values.sum())}


def _fixed_obs(env) -> np.ndarray:
    rng = np.random.default_rng(0)
    low, high = np.maximum(env.observation_space.low, -3.0), np.minimum(env.observation_space.high, 3.0)
    return rng.uniform(low, high, size=(16, *env.observation_space.shape)).astype(np.float32)
