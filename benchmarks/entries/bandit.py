"""Benchmark entry for Bandit-v0: the four bandit strategies against SB3's PPO and DQN, same budget.

The problem is fixed (``problem_seed=6``: ten arms, the best four within 0.73 of each
other) so that an agent can learn about it across episodes, as PPO and DQN must: with a
new problem every episode and a constant observation, no learner that only sees
episodes could beat chance. Episodes are 200 pulls, so the training log has a return
for every 200 pulls.

The metric (:func:`bandit_metrics`) reports

- ``regret_per_step`` (the headline): the regret the agent paid *while learning* over the
  last ``LAST_PART`` of its training pulls so far: q* of the best arm minus the average
  reward it received (realised regret, from the finished training episodes);
- ``percent_optimal`` and ``greedy_regret_per_step``: the agent's greedy choice
  (``predict(deterministic=True)``) over the last ``LAST_PART`` of a fresh 200-pull episode:
  what it has learned, apart from what exploring costs.
"""

from __future__ import annotations

import numpy as np

from benchmarks.suite import AgentSpec, Entry

LAST_PART = 0.2  # "the last part": this fraction of the training pulls, and of the evaluation episode
EVAL_SEED_OFFSET = 10_000  # evaluation episodes use seeds apart from the training seeds


def _training_regret(agent, best_value: float) -> float | None:
    """Best arm's value minus the average reward over the last LAST_PART of the finished training episodes."""
    rows = list(getattr(getattr(agent, "episodes", None), "rows", None) or [])
    if not rows:
        return None
    wanted = LAST_PART * sum(row["length"] for row in rows)
    reward = pulls = 0
    for row in reversed(rows):
        reward += row["return"]
        pulls += row["length"]
        if pulls >= wanted:
            break
    return float(best_value - reward / pulls)


def bandit_metrics(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float | None]:
    """Training regret per step, and the greedy choice's % optimal and regret, over the last part."""
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers the env ids)

    env = gym.make(env_id, **env_kwargs)
    try:
        obs, _ = env.reset(seed=seed + EVAL_SEED_OFFSET)
        start_values = env.unwrapped.values
        regrets, optimal = [], []
        done = False
        while not done:
            action, _ = agent.predict(obs, deterministic=True)
            arm = int(np.asarray(action).reshape(-1)[0])
            obs, _, terminated, truncated, info = env.step(arm)
            regrets.append(info["regret"])
            optimal.append(arm == info["optimal_arm"])
            done = terminated or truncated
    finally:
        env.close()
    start = int(len(regrets) * (1 - LAST_PART))
    fixed_problem = env_kwargs.get("problem_seed") is not None and not env_kwargs.get("nonstationary", False)
    return {
        # the training episodes met the evaluation's problem only when it is fixed and stays put
        "regret_per_step": _training_regret(agent, float(start_values.max())) if fixed_problem else None,
        "percent_optimal": float(np.mean(optimal[start:]) * 100.0),
        "greedy_regret_per_step": float(np.mean(regrets[start:])),
    }


def _spec(agent: str) -> AgentSpec:
    return AgentSpec(agent=agent, timesteps={"quick": 2_000, "full": 20_000})


ENTRIES = [
    Entry(
        label="Bandit-v0",
        env_id="Bandit-v0",
        env_kwargs={"k": 10, "arms": "gaussian", "horizon": 200, "problem_seed": 6},
        agents=[_spec(name) for name in ("bandit-epsilon-greedy", "bandit-ucb", "bandit-thompson",
                                         "bandit-gradient", "sb3-ppo", "sb3-dqn")],
        metric="benchmarks.entries.bandit:bandit_metrics",
        headline="regret_per_step",
        higher_is_better=False,
        eval_points=10,  # one learning-curve point every 200 pulls (one training episode) in the quick suite
    ),
]
