"""Benchmark entry for Bandit-v0: the four bandit strategies against SB3's PPO and DQN, same budget.

The problem is fixed (``problem_seed=6``: ten arms, the best four within 0.73 of each
other) so that an agent can learn about it across episodes, as PPO and DQN must: with a
new problem every episode and a constant observation, no learner that only sees
episodes could beat chance.

A bandit is judged by what it pays while it learns, so the metric (:func:`bandit_metrics`)
reads the training env's pull history (``BanditEnv.regret_history``) and reports, over
the last ``LAST_PART`` of the training pulls so far:

- ``regret_per_step`` (the headline): the mean regret, q* of the best arm minus q* of
  the pulled one;
- ``percent_optimal``: the percentage of pulls of the best arm;

and, over the whole of training, ``cumulative_regret``. Apart from what exploring
costs, ``greedy_regret_per_step`` is the regret of the agent's greedy choice
(``predict(deterministic=True)``) on a fresh episode: what it has learned.
"""

from __future__ import annotations

import numpy as np

from rldojo.bench.suites import AgentSpec, Entry

LAST_PART = 0.2  # "the last part": this fraction of the training pulls made so far
EVAL_SEED_OFFSET = 10_000  # the greedy evaluation episode uses seeds apart from the training seeds
# regret per step of uniformly random pulls (normalised score 0): python -m rldojo.bench.reference
# --seeds 2, 2026-12-01. SB3 has no bandit algorithm, so the strategies have no SB3 counterpart of
# their family and the entry is not in the aggregate's probability of improvement.
RANDOM = 1.27344


def training_env(agent):
    """The BanditEnv an agent trains on: an rldojo agent's ``env``, or env 0 of an SB3 agent's VecEnv."""
    from rldojo.envs.bandit.env import BanditEnv

    env = agent.get_env() if callable(getattr(agent, "get_env", None)) else getattr(agent, "env", None)
    if hasattr(env, "envs"):  # a stable-baselines3 VecEnv
        env = env.envs[0]
    env = getattr(env, "unwrapped", env)
    return env if isinstance(env, BanditEnv) else None


def bandit_metrics(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float | None]:
    """Training regret per step and % optimal over the last part, cumulative regret, and the greedy choice's regret."""
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers the env ids)

    metrics: dict[str, float | None] = {"regret_per_step": None, "percent_optimal": None, "cumulative_regret": None}
    trained_on = training_env(agent)
    if trained_on is not None and trained_on.total_pulls:
        last = max(1, min(round(LAST_PART * trained_on.total_pulls), len(trained_on.regret_history)))
        metrics["regret_per_step"] = float(np.mean(list(trained_on.regret_history)[-last:]))
        metrics["percent_optimal"] = float(np.mean(list(trained_on.optimal_history)[-last:]) * 100.0)
        metrics["cumulative_regret"] = float(trained_on.total_regret)

    env = gym.make(env_id, **env_kwargs)
    try:
        obs, _ = env.reset(seed=seed + EVAL_SEED_OFFSET)
        regrets, done = [], False
        while not done:
            action, _ = agent.predict(obs, deterministic=True)
            obs, _, terminated, truncated, info = env.step(int(np.asarray(action).reshape(-1)[0]))
            regrets.append(info["regret"])
            done = terminated or truncated
    finally:
        env.close()
    metrics["greedy_regret_per_step"] = float(np.mean(regrets))
    return metrics


def _spec(agent: str) -> AgentSpec:
    return AgentSpec(agent=agent, timesteps={"quick": 2_000, "full": 20_000})


ENTRIES = [
    Entry(
        label="Bandit-v0",
        env_id="Bandit-v0",
        env_kwargs={"k": 10, "arms": "gaussian", "horizon": 200, "problem_seed": 6},
        agents=[
            _spec(name)
            for name in (
                "bandit-epsilon-greedy",
                "bandit-ucb",
                "bandit-thompson",
                "bandit-gradient",
                "sb3-ppo",
                "sb3-dqn",
            )
        ],
        metric="rldojo.bench.entries.bandit:bandit_metrics",
        headline="regret_per_step",
        higher_is_better=False,
        random_score=RANDOM,
        oracle_score=0.0,  # the best arm every pull: no regret
        eval_points=10,
    ),
]
