"""Benchmark entry for Bandit-v0: the four bandit strategies against SB3's PPO and DQN.

The problem is fixed (``problem_seed=0``) so that an agent can learn about it across
episodes, as PPO and DQN must: with a new problem every episode and a constant
observation, no learner that only sees episodes could do better than chance.

The metric plays one evaluation episode with the agent's deterministic (greedy)
choice and reports, over the last ``EVAL_FRACTION`` of it, the regret per step
(q* of the best arm minus q* of the pulled one) and the percentage of pulls of the
best arm.
"""

from __future__ import annotations

import numpy as np

from benchmarks.suite import AgentSpec, Entry

EVAL_FRACTION = 0.2  # the "last part" of the evaluation episode that the metric averages over
EVAL_SEED_OFFSET = 10_000  # evaluation episodes use seeds apart from the training seeds


def bandit_metrics(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """Regret per step, % optimal arm and average reward of the greedy policy over the episode's last part."""
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers the env ids)

    env = gym.make(env_id, **env_kwargs)
    try:
        obs, _ = env.reset(seed=seed + EVAL_SEED_OFFSET)
        regrets, optimal, rewards = [], [], []
        done = False
        while not done:
            action, _ = agent.predict(obs, deterministic=True)
            arm = int(np.asarray(action).reshape(-1)[0])
            obs, reward, terminated, truncated, info = env.step(arm)
            regrets.append(info["regret"])
            optimal.append(arm == info["optimal_arm"])
            rewards.append(reward)
            done = terminated or truncated
    finally:
        env.close()
    start = int(len(regrets) * (1 - EVAL_FRACTION))
    return {
        "regret_per_step": float(np.mean(regrets[start:])),
        "percent_optimal": float(np.mean(optimal[start:]) * 100.0),
        "average_reward": float(np.mean(rewards[start:])),
    }


def _bandit(agent: str, quick: int, full: int) -> AgentSpec:
    return AgentSpec(agent=agent, timesteps={"quick": quick, "full": full})


ENTRIES = [
    Entry(
        label="Bandit-v0",
        env_id="Bandit-v0",
        env_kwargs={"k": 10, "arms": "gaussian", "horizon": 1000, "problem_seed": 0},
        agents=[
            _bandit("bandit-epsilon-greedy", 2_000, 20_000),
            _bandit("bandit-ucb", 2_000, 20_000),
            _bandit("bandit-thompson", 2_000, 20_000),
            _bandit("bandit-gradient", 2_000, 20_000),
            _bandit("sb3-ppo", 4_096, 50_000),
            _bandit("sb3-dqn", 3_000, 50_000),
        ],
        metric="benchmarks.entries.bandit:bandit_metrics",
        headline="regret_per_step",
        higher_is_better=False,
        solved_at=0.05,
        eval_points=5,
    ),
]
